"""Reads of accounts' tables for other apps."""

from django.contrib.auth.models import User
from django.db.models import QuerySet

from .models import Lidmaatschap, Organisatie


def organisaties_actief() -> QuerySet[Organisatie]:
    return Organisatie.objects.filter(actief=True)


def organisatie_id_van(user: User) -> str | None:
    """The organisation a (partner) user belongs to, if any."""
    return Lidmaatschap.objects.filter(user=user).values_list("organisatie_id", flat=True).first()


def organisatie_van(user: User) -> Organisatie | None:
    """The organisation itself (the partner portal shows its name and checks it is active)."""
    lid = Lidmaatschap.objects.select_related("organisatie").filter(user=user).first()
    return lid.organisatie if lid is not None else None


def organisatie_ids_van(user_ids: set[int]) -> dict[int, str]:
    """Per user id, its organisation (users without one are left out)."""
    return dict(Lidmaatschap.objects.filter(user_id__in=user_ids).values_list("user_id", "organisatie_id"))


def organisatie_contact_email(*, code: str) -> str:
    """The team mailbox of an active organisation, or "" (none set, unknown, or no longer active)."""
    org = Organisatie.objects.filter(code=code, actief=True).only("contact_email").first()
    return org.contact_email if org else ""
