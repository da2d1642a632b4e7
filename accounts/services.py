"""Writes of the accounts app: staff accounts with their role and, for partners, their organisation."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import ApiIdempotentie, ApiSleutel, Lidmaatschap, Organisatie, TweeFactorReset, TweeFactorVrijstelling
from .roles import ALLE_ROLLEN, Rol


@transaction.atomic
def gebruiker_rol_zetten(*, user: User, rol: str, organisatie: Organisatie | None = None) -> None:
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
) -> tuple[User, bool]:
    """Creates or updates an account with one role; the password is (re)set. Returns (user, created)."""
    user, created = get_user_model().objects.get_or_create(username=username, defaults={"is_staff": is_staff})
    user.set_password(password)
    user.is_staff = is_staff
    user.is_active = True
    user.save(update_fields=["password", "is_staff", "is_active"])
    gebruiker_rol_zetten(user=user, rol=rol, organisatie=organisatie)
    return user, created


HERSTELCODES = 10


def tweefactor_apparaat_voorbereiden(*, user: User) -> TOTPDevice:
    """The unconfirmed TOTP device the enrolment page shows; the same one on a reload, so a code
    from an app that already scanned it still fits."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="app", confirmed=False)
    return device


@transaction.atomic
def tweefactor_bevestigen(*, user: User, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirms the device with a first code from the app and gives the user fresh recovery codes.

    Returns the recovery codes (to be shown once; only the device keeps them), or None when the code
    does not fit. Earlier devices of the user go: one app and one set of recovery codes at a time.
    """
    # Locked, so two tabs confirming at once cannot both hand out recovery codes.
    device = TOTPDevice.objects.select_for_update().filter(pk=device.pk, user=user, confirmed=False).first()
    if device is None or not device.verify_token(code_normaliseren(code)):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    StaticDevice.objects.filter(user=user).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    herstel = StaticDevice.objects.create(user=user, name="herstelcodes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(HERSTELCODES)]
    StaticToken.objects.bulk_create(StaticToken(device=herstel, token=c) for c in codes)
    return codes


def code_normaliseren(code: str) -> str:
    """People type codes with spaces or in capitals (recovery codes are printed in groups)."""
    return "".join(code.split()).lower()


@transaction.atomic
def tweefactor_resetten(*, gebruiker: User, door: User) -> TweeFactorReset:
    """An administrator removes all of a user's second-factor devices (lost phone): the user enrols
    again at the next login, and a session verified with a removed device is no longer verified.
    Always writes the audit row, also when there was nothing to remove."""
    aantal = 0
    for model in (TOTPDevice, StaticDevice):
        aantal += model.objects.filter(user=gebruiker).count()
        model.objects.filter(user=gebruiker).delete()
    return TweeFactorReset.objects.create(
        door_id=door.pk,
        door_naam=door.get_username(),
        gebruiker_id=gebruiker.pk,
        gebruikersnaam=gebruiker.get_username(),
        aantal_apparaten=aantal,
    )


def tweefactor_vrijstellen(*, user: User, reden: str) -> None:
    TweeFactorVrijstelling.objects.update_or_create(user=user, defaults={"reden": reden})


# --- Partner API keys (issue 15) -----------------------------------------------------------------------

# Writing the last-used time on every request would make each read a write; once a minute is exact enough
# for an administrator deciding whether a key is still in use.
API_LAATST_GEBRUIKT_RESOLUTIE = timedelta(minutes=1)


def api_dienstaccount(*, organisatie: Organisatie) -> User:
    """The organisation's service account for API requests: a partner of `organisatie` without a usable
    password (it cannot log in), made on first use."""
    user, created = get_user_model().objects.get_or_create(username=f"api-{organisatie.code}")
    if created or user.has_usable_password():
        user.set_unusable_password()
        user.is_active = True
        user.save(update_fields=["password", "is_active"])
    gebruiker_rol_zetten(user=user, rol=Rol.PARTNER, organisatie=organisatie)
    return user


@transaction.atomic
def api_sleutel_maken(
    *, organisatie: Organisatie, naam: str, verloopt_op: datetime | None = None
) -> tuple[ApiSleutel, str]:
    """A new key for `organisatie`. Returns the row and the key itself, which is shown once and never
    stored (only its hash)."""
    if not naam.strip():
        raise ValidationError({"name": [_("Geef de sleutel een naam.")]})
    sleutel = ApiSleutel(
        name=naam.strip()[:50],
        organisatie=organisatie,
        gebruiker=api_dienstaccount(organisatie=organisatie),
        expiry_date=verloopt_op,
    )
    key = ApiSleutel.objects.assign_key(sleutel)  # sets the prefix and the hash; the key is not kept
    sleutel.save()
    return sleutel, key


def api_sleutel_gebruikt(*, sleutel: ApiSleutel, nu: datetime | None = None) -> None:
    nu = nu or timezone.now()
    grens = nu - API_LAATST_GEBRUIKT_RESOLUTIE
    # Authentication loaded the key a moment ago: a recent stamp needs no query at all (a partner
    # system polling many times a minute would otherwise send an UPDATE per request).
    if sleutel.laatst_gebruikt_op is not None and sleutel.laatst_gebruikt_op >= grens:
        return
    ApiSleutel.objects.filter(pk=sleutel.pk).filter(
        Q(laatst_gebruikt_op__isnull=True) | Q(laatst_gebruikt_op__lt=grens)
    ).update(laatst_gebruikt_op=nu)


def api_idempotentie_claimen(*, sleutel: ApiSleutel, idempotency_key: str, verzoek_hash: str) -> ApiIdempotentie:
    """The row for this key's `idempotency_key`, made if new, and locked until the caller's transaction
    ends: a concurrent retry waits here and then finds the stored answer. Call inside a transaction.
    A row without `status_code` is new: the caller does the work and stores the answer with
    `api_idempotentie_vastleggen`."""
    ApiIdempotentie.objects.bulk_create(
        [
            ApiIdempotentie(
                sleutel=sleutel,
                idempotency_key=idempotency_key,
                verzoek_hash=verzoek_hash,
                aangemaakt_op=timezone.now(),
            )
        ],
        ignore_conflicts=True,
    )
    return ApiIdempotentie.objects.select_for_update().get(sleutel=sleutel, idempotency_key=idempotency_key)


def api_idempotentie_vastleggen(*, rij: ApiIdempotentie, status_code: int, antwoord: object) -> None:
    rij.status_code = status_code
    rij.antwoord = antwoord
    rij.save(update_fields=["status_code", "antwoord"])
