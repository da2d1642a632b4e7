"""Writes of the accounts app: staff accounts with their role and, for partners, their organisation."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Lidmaatschap, Organisatie
from .roles import ALLE_ROLLEN, Rol


@transaction.atomic
def gebruiker_rol_zetten(*, user: AbstractBaseUser, rol: str, organisatie: Organisatie | None = None) -> None:
    """Gives the user exactly this role (other role groups are removed).

    A partner must name its organisation and is bound to it; any other role may not have one, so a
    coordinator can never also be a partner through a leftover membership.
    """
    if rol not in ALLE_ROLLEN:
        raise ValidationError({"rol": [_("Onbekende rol.")]})
    if (rol == Rol.PARTNER) != (organisatie is not None):
        raise ValidationError(
            {"organisatie": [_("Een partner hoort bij precies één organisatie; andere rollen bij geen.")]}
        )
    # The groups come from a data migration; a flushed test database has none, so make them here too.
    groep, _created = Group.objects.get_or_create(name=rol)
    user.groups.remove(*Group.objects.filter(name__in=ALLE_ROLLEN).exclude(pk=groep.pk))
    user.groups.add(groep)
    if organisatie is None:
        Lidmaatschap.objects.filter(user=user).delete()
    else:
        Lidmaatschap.objects.update_or_create(user=user, defaults={"organisatie": organisatie})
    user.__dict__.pop("_ww_rollen", None)


@transaction.atomic
def gebruiker_zetten(
    *, username: str, password: str, rol: str, organisatie: Organisatie | None = None, is_staff: bool = False
) -> tuple[AbstractBaseUser, bool]:
    """Creates or updates an account with one role; the password is (re)set. Returns (user, created)."""
    user, created = get_user_model().objects.get_or_create(username=username, defaults={"is_staff": is_staff})
    user.set_password(password)
    user.is_staff = is_staff
    user.is_active = True
    user.save(update_fields=["password", "is_staff", "is_active"])
    gebruiker_rol_zetten(user=user, rol=rol, organisatie=organisatie)
    return user, created
