"""Staff roles. Each role is a Django group of the same name; permissions hang on the groups.

Partner users are bound to one organisation and never see the coordination pages: they only get
their own action tickets (issue 6 onwards).
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


class Rol:
    COORDINATOR = "coordinator"
    APPROVER = "approver"
    PARTNER = "partner"
    AUDITOR = "auditor"
    ADMIN = "admin"


ALLE_ROLLEN = (Rol.COORDINATOR, Rol.APPROVER, Rol.PARTNER, Rol.AUDITOR, Rol.ADMIN)
# Who may open the coordination screens (map, queue, hotspot and melding pages, map data).
COORDINATIE_ROLLEN = frozenset({Rol.COORDINATOR, Rol.APPROVER, Rol.AUDITOR, Rol.ADMIN})
# Who may change meldingen and hotspots from those screens (the auditor only reads).
TRIAGE_ROLLEN = frozenset({Rol.COORDINATOR, Rol.APPROVER, Rol.ADMIN})


def rollen_van(user: AbstractBaseUser | AnonymousUser | None) -> frozenset[str]:
    """The user's roles, cached on the user object for the request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_ww_rollen", None)
    if cached is None:
        cached = frozenset(user.groups.filter(name__in=ALLE_ROLLEN).values_list("name", flat=True))
        if user.is_superuser:
            cached = cached | {Rol.ADMIN}
        user._ww_rollen = cached
    return cached


def heeft_rol(user, *rollen: str) -> bool:
    return bool(rollen_van(user) & set(rollen))


def mag_coordinatie_zien(user) -> bool:
    # A partner never does, even with a second role: its organisation binding is the stronger rule.
    r = rollen_van(user)
    return Rol.PARTNER not in r and bool(r & COORDINATIE_ROLLEN)


def mag_triageren(user) -> bool:
    r = rollen_van(user)
    return Rol.PARTNER not in r and bool(r & TRIAGE_ROLLEN)


def mag_partner_portaal(user) -> bool:
    """A partner account: its organisation's tickets in /partner/, nothing else."""
    return Rol.PARTNER in rollen_van(user)
