"""Reads of accounts' tables for other apps."""

from django.contrib.auth.models import User
from django.db.models import QuerySet

from .models import Lidmaatschap, Organisatie


def organisaties_actief() -> QuerySet[Organisatie]:
    return Organisatie.objects.filter(actief=True)


def organisatie_id_van(user: User) -> str | None:
    """The organisation a (partner) user belongs to, if any."""
    return Lidmaatschap.objects.filter(user=user).values_list("organisatie_id", flat=True).first()
