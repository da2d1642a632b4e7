"""Statuses of a melding and the transitions allowed between them.

nieuw → in_behandeling → afgehandeld is the normal path; a coordinator can reject (afgewezen) a new or
accepted melding with a reason, and reopen a rejected or handled one when that was a mistake.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MeldingStatus(models.TextChoices):
    NIEUW = "nieuw", _("Nieuw")
    IN_BEHANDELING = "in_behandeling", _("In behandeling")
    AFGEHANDELD = "afgehandeld", _("Afgehandeld")
    AFGEWEZEN = "afgewezen", _("Afgewezen")


class AfwijsReden(models.TextChoices):
    GEEN_DRUGSOVERLAST = "geen_drugsoverlast", _("Geen drugsoverlast")
    SPAM = "spam", _("Spam")
    DUBBEL = "dubbel", _("Dubbele melding")


ALLOWED: dict[str, frozenset[str]] = {
    MeldingStatus.NIEUW: frozenset({MeldingStatus.IN_BEHANDELING, MeldingStatus.AFGEWEZEN}),
    # → nieuw: an accidental accept undone (issue 17).
    MeldingStatus.IN_BEHANDELING: frozenset({MeldingStatus.AFGEHANDELD, MeldingStatus.AFGEWEZEN, MeldingStatus.NIEUW}),
    # Reopening: a handled melding that turns out not to be, or a rejection that was a mistake (back to
    # where it was: nieuw, or in_behandeling when it had been accepted before it was rejected).
    MeldingStatus.AFGEHANDELD: frozenset({MeldingStatus.IN_BEHANDELING}),
    MeldingStatus.AFGEWEZEN: frozenset({MeldingStatus.NIEUW, MeldingStatus.IN_BEHANDELING}),
}

# What the reporter sees on the status page. Rejections are not explained publicly: "spam" or
# "geen drugsoverlast" would only discourage; a duplicate follows its original.
PUBLIC_LABELS: dict[str, str] = {
    MeldingStatus.NIEUW: _("Ontvangen"),
    MeldingStatus.IN_BEHANDELING: _("In behandeling"),
    MeldingStatus.AFGEHANDELD: _("Afgehandeld"),
    MeldingStatus.AFGEWEZEN: _("Afgesloten"),
}


class InvalidTransition(Exception):
    def __init__(self, van: str, naar: str) -> None:
        super().__init__(f"melding cannot go from {van!r} to {naar!r}")
        self.van = van
        self.naar = naar


def is_allowed(van: str, naar: str) -> bool:
    return naar in ALLOWED.get(van, frozenset())
