"""Statuses of an action and the transitions allowed between them (issue 13, "Workflow").

voorgesteld → (wacht_op_akkoord → goedgekeurd →) toegewezen → geaccepteerd → in_uitvoering → afgerond.
Four-eyes types (ActieType.vier_ogen) must pass wacht_op_akkoord; other types go straight to toegewezen.
A partner can decline (geweigerd), after which the coordinator reassigns or cancels. Every open status
can be cancelled. The table is the only statement of the rules; acties.services.actie_transition checks
it, together with the conditions below.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ActieStatus(models.TextChoices):
    VOORGESTELD = "voorgesteld", _("Voorgesteld")
    WACHT_OP_AKKOORD = "wacht_op_akkoord", _("Wacht op akkoord")
    GOEDGEKEURD = "goedgekeurd", _("Goedgekeurd")
    TOEGEWEZEN = "toegewezen", _("Toegewezen")
    GEWEIGERD = "geweigerd", _("Geweigerd")
    GEACCEPTEERD = "geaccepteerd", _("Geaccepteerd")
    IN_UITVOERING = "in_uitvoering", _("In uitvoering")
    AFGEROND = "afgerond", _("Afgerond")
    GEANNULEERD = "geannuleerd", _("Geannuleerd")


S = ActieStatus

ALLOWED: dict[str, frozenset[str]] = {
    S.VOORGESTELD: frozenset({S.WACHT_OP_AKKOORD, S.TOEGEWEZEN, S.GEANNULEERD}),
    S.WACHT_OP_AKKOORD: frozenset({S.GOEDGEKEURD, S.VOORGESTELD, S.GEANNULEERD}),
    S.GOEDGEKEURD: frozenset({S.TOEGEWEZEN, S.GEANNULEERD}),
    S.TOEGEWEZEN: frozenset({S.GEACCEPTEERD, S.GEWEIGERD, S.GEANNULEERD}),
    S.GEWEIGERD: frozenset({S.TOEGEWEZEN, S.GEANNULEERD}),
    S.GEACCEPTEERD: frozenset({S.IN_UITVOERING, S.GEANNULEERD}),
    S.IN_UITVOERING: frozenset({S.AFGEROND, S.GEANNULEERD}),
    S.AFGEROND: frozenset(),
    S.GEANNULEERD: frozenset(),
}

# voorgesteld → wacht_op_akkoord only for four-eyes types, voorgesteld → toegewezen only for the others.
ALLEEN_VIER_OGEN: frozenset[tuple[str, str]] = frozenset({(S.VOORGESTELD, S.WACHT_OP_AKKOORD)})
NIET_VIER_OGEN: frozenset[tuple[str, str]] = frozenset({(S.VOORGESTELD, S.TOEGEWEZEN)})

# Transitions that need a reason (cancel always; decline; sent back by the approver).
REDEN_VERPLICHT: frozenset[tuple[str, str]] = frozenset(
    {(van, S.GEANNULEERD) for van, naar in ALLOWED.items() if S.GEANNULEERD in naar}
    | {(S.TOEGEWEZEN, S.GEWEIGERD), (S.WACHT_OP_AKKOORD, S.VOORGESTELD)}
)

# Transitions that hand the action to an organisation (the covenant party check applies).
TOEWIJZINGEN: frozenset[tuple[str, str]] = frozenset(
    {(S.VOORGESTELD, S.TOEGEWEZEN), (S.GOEDGEKEURD, S.TOEGEWEZEN), (S.GEWEIGERD, S.TOEGEWEZEN)}
)

# What the responsible organisation's users do; everything else is the coordinators' (and the approval
# the approvers').
PARTNER_STAPPEN: frozenset[str] = frozenset({S.GEACCEPTEERD, S.GEWEIGERD, S.IN_UITVOERING, S.AFGEROND})

OPEN: frozenset[str] = frozenset(s for s, naar in ALLOWED.items() if naar)
GESLOTEN: frozenset[str] = frozenset(s for s, naar in ALLOWED.items() if not naar)
# Statuses in which a partner has been asked to act (the ticket exists for it).
BIJ_PARTNER: frozenset[str] = frozenset({S.TOEGEWEZEN, S.GEWEIGERD, S.GEACCEPTEERD, S.IN_UITVOERING, S.AFGEROND})


class Urgentie(models.TextChoices):
    NORMAAL = "normaal", _("Normaal")
    SPOED = "spoed", _("Spoed")


class MelderInformatie(models.TextChoices):
    """What a covenant lets the reporters of the linked meldingen be told."""

    VOLLEDIG = "volledig", _("Volledig (ook de uitkomst)")
    ALLEEN_STATUS = "alleen_status", _("Alleen de status (in onderzoek / afgehandeld)")


class Uitkomst(models.TextChoices):
    UITGEVOERD = "uitgevoerd", _("Uitgevoerd")
    DEELS_UITGEVOERD = "deels_uitgevoerd", _("Deels uitgevoerd")
    NIETS_AANGETROFFEN = "niets_aangetroffen", _("Niets aangetroffen")
    NIET_UITVOERBAAR = "niet_uitvoerbaar", _("Niet uitvoerbaar")


class ZichtbaarVeld(models.TextChoices):
    """The case fields a covenant can let a party see on a ticket. The reporters' own words, photos,
    meldcodes and internal notes are deliberately not codes here: no covenant can ever list them."""

    PARTNER_SAMENVATTING = "partner_samenvatting", _("Samenvatting voor de partner")
    ACTIE_TYPE = "actie_type", _("Soort actie")
    GEBIED = "gebied", _("Gebied")
    ADRES = "adres", _("Adres")
    BAG_ID = "bag_id", _("BAG-id")
    AARD_SIGNAAL = "aard_signaal", _("Aard van het signaal")
    PERIODE = "periode", _("Periode")
    AANTAL_MELDINGEN = "aantal_meldingen", _("Aantal meldingen")


class InvalidTransition(Exception):
    def __init__(self, van: str, naar: str) -> None:
        super().__init__(f"actie cannot go from {van!r} to {naar!r}")
        self.van = van
        self.naar = naar


def is_allowed(van: str, naar: str, *, vier_ogen: bool) -> bool:
    if naar not in ALLOWED.get(van, frozenset()):
        return False
    if (van, naar) in ALLEEN_VIER_OGEN:
        return vier_ogen
    if (van, naar) in NIET_VIER_OGEN:
        return not vier_ogen
    return True
