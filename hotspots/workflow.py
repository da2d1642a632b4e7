"""Statuses of a hotspot and the transitions allowed between them.

opkomend (new, few distinct days) → actief → in_aanpak (an action is open; set by the actions module
through `hotspot_transition`) → afkoelend (reports falling, after action or by themselves) → opgelost
(no reports for `HOTSPOT_QUIET_DAYS`, or merged into another hotspot). opgelost is final: a place that
flares up again becomes a new hotspot, so the history of the old one stays readable.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class HotspotStatus(models.TextChoices):
    OPKOMEND = "opkomend", _("Opkomend")
    ACTIEF = "actief", _("Actief")
    IN_AANPAK = "in_aanpak", _("In aanpak")
    AFKOELEND = "afkoelend", _("Afkoelend")
    OPGELOST = "opgelost", _("Opgelost")


class Trend(models.TextChoices):
    STIJGEND = "stijgend", _("Stijgend")
    STABIEL = "stabiel", _("Stabiel")
    DALEND = "dalend", _("Dalend")


class HotspotEventSoort(models.TextChoices):
    AANGEMAAKT = "aangemaakt", _("Aangemaakt")
    STATUS = "status", _("Status gewijzigd")
    SAMENGEVOEGD = "samengevoegd", _("Samengevoegd")
    GESPLITST = "gesplitst", _("Gesplitst")
    MELDING_GEKOPPELD = "melding_gekoppeld", _("Melding gekoppeld")


S = HotspotStatus
ALLOWED: dict[str, frozenset[str]] = {
    S.OPKOMEND: frozenset({S.ACTIEF, S.IN_AANPAK, S.AFKOELEND, S.OPGELOST}),
    S.ACTIEF: frozenset({S.IN_AANPAK, S.AFKOELEND, S.OPGELOST}),
    # An action closed while the place is still hot goes back to actief.
    S.IN_AANPAK: frozenset({S.ACTIEF, S.AFKOELEND, S.OPGELOST}),
    S.AFKOELEND: frozenset({S.ACTIEF, S.IN_AANPAK, S.OPGELOST}),
    S.OPGELOST: frozenset(),
}

# Statuses the recompute matches new clusters against (everything but the final one).
LEVEND: frozenset[str] = frozenset({S.OPKOMEND, S.ACTIEF, S.IN_AANPAK, S.AFKOELEND})


class InvalidTransition(Exception):
    def __init__(self, van: str, naar: str) -> None:
        super().__init__(f"hotspot cannot go from {van!r} to {naar!r}")
        self.van = van
        self.naar = naar


def is_allowed(van: str, naar: str) -> bool:
    return naar in ALLOWED.get(van, frozenset())


def gewenste_status(
    huidig: str, *, heeft_cluster: bool, dagen: int, trend: str, stil: bool, aanpak_open: bool = False
) -> str:
    """The status the recompute moves a hotspot to. A fixed point: applying it to its own result
    with the same inputs returns the same status, which keeps `--as-of` reruns free of new events.

    `stil` means no counted report for the configured quiet period. `aanpak_open`: an action on the
    hotspot is open, and the recompute never ends or cools it then (issue 13, "Hotspot follows").
    """
    if huidig == S.OPGELOST:
        return huidig
    if aanpak_open:
        return S.IN_AANPAK
    # Quiet for the whole period is resolved, even while old reports still form a cluster in the window.
    if stil:
        return S.OPGELOST
    if not heeft_cluster:
        return S.AFKOELEND
    if trend == Trend.DALEND:
        return S.AFKOELEND
    if huidig == S.OPKOMEND:
        return S.ACTIEF if dagen >= ACTIEF_MIN_DAGEN else S.OPKOMEND
    if huidig == S.AFKOELEND:
        return S.ACTIEF
    return huidig


# A hotspot seen on this many distinct days is no longer "new".
ACTIEF_MIN_DAGEN = 5
