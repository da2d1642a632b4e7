"""Every write of the coordination screens. Status changes go through meldingen' own service
(`melding_transition`: lock, workflow table, history row); this module adds the triage verbs, notes,
the hotspot link and the audit trail on top.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.models import User
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from geopy.exc import GeopyError

from hotspots.selectors import hotspot_status
from hotspots.services import HotspotNietLevend, hotspot_melding_koppelen
from hotspots.workflow import LEVEND
from integrations.geocoding import get_geocoder
from meldingen.models import Melding
from meldingen.selectors import (
    melding_hoogste_id,
    melding_laatste_stap,
    melding_status_vergrendeld,
    melding_status_voor_afwijzing,
    meldingen_met_ids,
)
from meldingen.services import melding_plaatsen, melding_transition
from meldingen.workflow import AfwijsReden, InvalidTransition, MeldingStatus

from .models import NOTITIE_MAX, Inzage, InzagePagina, Notitie, WachtrijBezoek

logger = logging.getLogger(__name__)


@transaction.atomic
def melding_accepteren(*, melding: Melding, actor: User) -> None:
    """Accepting is the triage step for a new melding. The workflow also allows afgehandeld →
    in_behandeling, but that is reopening, not triage: a stale queue must not reopen a closed case."""
    huidig = melding_status_vergrendeld(pk=melding.pk)
    if huidig != MeldingStatus.NIEUW:
        raise InvalidTransition(huidig, MeldingStatus.IN_BEHANDELING)
    melding_transition(melding=melding, naar=MeldingStatus.IN_BEHANDELING, actor=actor)


def melding_afwijzen(*, melding: Melding, actor: User, reden: str, toelichting: str = "") -> None:
    """Rejects with a reason other than `dubbel` (a duplicate names its original: melding_dubbel_markeren)."""
    if reden == AfwijsReden.DUBBEL:
        raise ValidationError({"reden": [_("Markeer een dubbele melding met de knop 'Dubbel' en kies het origineel.")]})
    melding_transition(melding=melding, naar=MeldingStatus.AFGEWEZEN, actor=actor, reden=reden, toelichting=toelichting)


def melding_dubbel_markeren(*, melding: Melding, origineel: Melding, actor: User) -> None:
    melding_transition(
        melding=melding, naar=MeldingStatus.AFGEWEZEN, actor=actor, reden=AfwijsReden.DUBBEL, origineel=origineel
    )


# The reporter's message when a melding is closed without an action (shown on the status page).
BERICHT_MAX = 500


@transaction.atomic
def melding_afhandelen(*, melding: Melding, actor: User, bericht: str) -> None:
    """Closes a melding without an action (issue 17), with a message for the reporter that the status
    page shows. A new melding passes `in_behandeling` first, so the history tells both steps."""
    bericht = bericht.strip()
    if not bericht:
        raise ValidationError({"bericht": [_("Schrijf een bericht voor de melder: wat er met de melding is gedaan.")]})
    if len(bericht) > BERICHT_MAX:
        raise ValidationError({"bericht": [_("Het bericht is hoogstens %(n)s tekens.") % {"n": BERICHT_MAX}]})
    huidig = melding_status_vergrendeld(pk=melding.pk)
    if huidig == MeldingStatus.NIEUW:
        melding_transition(melding=melding, naar=MeldingStatus.IN_BEHANDELING, actor=actor)
    elif huidig != MeldingStatus.IN_BEHANDELING:
        raise InvalidTransition(huidig, MeldingStatus.AFGEHANDELD)
    melding_transition(melding=melding, naar=MeldingStatus.AFGEHANDELD, actor=actor, toelichting=bericht)


@transaction.atomic
def melding_heropenen(*, melding: Melding, actor: User) -> str:
    """Reopens a handled or rejected melding (a duplicate's link is cleared): a handled one goes back to
    `in_behandeling`, a rejected one to where it was before the rejection. Returns the new status."""
    huidig = melding_status_vergrendeld(pk=melding.pk)
    if huidig == MeldingStatus.AFGEHANDELD:
        naar: str = MeldingStatus.IN_BEHANDELING
    elif huidig == MeldingStatus.AFGEWEZEN:
        naar = melding_status_voor_afwijzing(melding_id=melding.pk)
    else:
        raise InvalidTransition(huidig, MeldingStatus.IN_BEHANDELING)
    melding_transition(melding=melding, naar=naar, actor=actor, toelichting=_("Heropend."))
    return naar


@transaction.atomic
def melding_ongedaan_maken(*, melding: Melding, actor: User) -> str:
    """Undoes an accidental accept or reject (issue 17): the melding returns to the status it had before
    that step, with a history row of its own (the history is never rewritten). Only the last step, and
    only an accept or a reject. Returns the new status."""
    huidig = melding_status_vergrendeld(pk=melding.pk)
    vorige = melding_laatste_stap(melding_id=melding.pk)
    if vorige is None or vorige[1] != huidig:
        raise InvalidTransition(huidig, huidig)
    van, naar = vorige
    if (van, naar) == (MeldingStatus.NIEUW, MeldingStatus.IN_BEHANDELING) or naar == MeldingStatus.AFGEWEZEN:
        melding_transition(melding=melding, naar=van, actor=actor, toelichting=_("Ongedaan gemaakt."))
        return van
    raise ValidationError(_("Alleen accepteren en afwijzen kunnen ongedaan worden gemaakt."))


def melding_hotspot_koppelen(*, melding: Melding, hotspot_id: int, actor: User) -> bool:
    """Adds the melding to a living hotspot by hand; False if it was already a member."""
    status = hotspot_status(pk=hotspot_id)
    if status is None:
        raise ValidationError({"hotspot": [_("Deze hotspot bestaat niet.")]})
    if status not in LEVEND:
        raise ValidationError({"hotspot": [_("Deze hotspot is opgelost; kies een hotspot die nog speelt.")]})

    return hotspot_melding_koppelen(hotspot_id=hotspot_id, melding_id=melding.pk, door=actor.get_username())


class TriageActie:
    ACCEPTEREN = "accepteren"
    AFWIJZEN = "afwijzen"
    DUBBEL = "dubbel"
    AFHANDELEN = "afhandelen"
    HEROPENEN = "heropenen"
    ONGEDAAN = "ongedaan"
    HOTSPOT = "hotspot"
    NOTITIE = "notitie"


@dataclass(frozen=True)
class TriageUitkomst:
    """What the coordinator is told: one line of success or the reasons it did not happen (Dutch)."""

    gelukt: bool
    berichten: list[str]


def melding_triage(*, melding: Melding, actie: str, gegevens: dict, actor: User) -> TriageUitkomst:
    """One triage step on one melding in one transaction. Every refusal the coordinator can meet —
    the status changed since the page was loaded, the chosen hotspot ended or merged meanwhile (a
    recompute), an invalid choice — comes back as a Dutch message, never as an exception (a lost
    race used to answer 500)."""
    code = melding.referentie
    try:
        with transaction.atomic():
            tekst = _triage_stap(melding=melding, actie=actie, gegevens=gegevens, actor=actor)
    except InvalidTransition:
        return TriageUitkomst(
            False, [_("%(code)s: de status is intussen veranderd; ververs de lijst.") % {"code": code}]
        )
    except HotspotNietLevend:
        bericht = _(
            "%(code)s: hotspot %(hotspot)s is intussen opgelost of samengevoegd met een andere; "
            "ververs de pagina en kies een hotspot die nog speelt."
        )
        return TriageUitkomst(False, [bericht % {"code": code, "hotspot": gegevens.get("hotspot")}])
    except ValidationError as exc:
        return TriageUitkomst(False, [f"{code}: {fout}" for fout in exc.messages])
    return TriageUitkomst(True, [tekst % {"code": code, "hotspot": gegevens.get("hotspot")}])


def _triage_stap(*, melding: Melding, actie: str, gegevens: dict, actor: User) -> str:
    if actie == TriageActie.ACCEPTEREN:
        melding_accepteren(melding=melding, actor=actor)
        return _("%(code)s is geaccepteerd (in behandeling).")
    if actie == TriageActie.AFWIJZEN:
        melding_afwijzen(melding=melding, actor=actor, reden=gegevens["reden"], toelichting=gegevens["toelichting"])
        return _("%(code)s is afgewezen.")
    if actie == TriageActie.DUBBEL:
        melding_dubbel_markeren(melding=melding, origineel=gegevens["origineel_melding"], actor=actor)
        return _("%(code)s is gemarkeerd als dubbel.")
    if actie == TriageActie.AFHANDELEN:
        melding_afhandelen(melding=melding, actor=actor, bericht=gegevens.get("bericht") or "")
        return _("%(code)s is afgehandeld; de melder ziet uw bericht.")
    if actie == TriageActie.HEROPENEN:
        melding_heropenen(melding=melding, actor=actor)
        return _("%(code)s is heropend.")
    if actie == TriageActie.ONGEDAAN:
        melding_ongedaan_maken(melding=melding, actor=actor)
        return _("De laatste stap van %(code)s is ongedaan gemaakt.")
    if actie == TriageActie.HOTSPOT:
        nieuw = melding_hotspot_koppelen(melding=melding, hotspot_id=gegevens["hotspot"], actor=actor)
        return (
            _("%(code)s is gekoppeld aan hotspot %(hotspot)s.")
            if nieuw
            else _("%(code)s hoorde al bij hotspot %(hotspot)s.")
        )
    if actie == TriageActie.NOTITIE:
        notitie_toevoegen(melding=melding, auteur=actor, tekst=gegevens["tekst"])
        return _("Notitie bij %(code)s opgeslagen.")
    raise ValidationError(_("Onbekende actie."))


def notitie_toevoegen(*, melding: Melding, auteur: User, tekst: str) -> Notitie:
    tekst = tekst.strip()
    if not tekst:
        raise ValidationError({"tekst": [_("Schrijf eerst een notitie.")]})
    if len(tekst) > NOTITIE_MAX:
        raise ValidationError({"tekst": [_("Een notitie is hoogstens %(n)s tekens.") % {"n": NOTITIE_MAX}]})
    return Notitie.objects.create(melding=melding, auteur=auteur, tekst=tekst)


def inzage_vastleggen(
    *, melding: Melding, gebruiker: User, pagina: str = InzagePagina.MELDING, foto_id: int | None = None
) -> Inzage:
    """One melding seen: its coordinatie page, its admin change page, or one of its photos."""
    return Inzage.objects.create(
        gebruiker=gebruiker,
        gebruikersnaam=gebruiker.get_username(),
        melding_id=melding.pk,
        meldcode=melding.meldcode,
        pagina=pagina,
        foto_id=foto_id,
    )


def inzagen_vastleggen(
    *, meldingen: list[Melding], gebruiker: User, pagina: str, foto_ids: list[int] | None = None
) -> Inzage | None:
    """A list page: ONE row naming every melding shown, in the order shown. A row per melding drowned
    the trail (25 rows per queue load); the arrays keep it searchable by meldcode. Nothing shown, no row."""
    if not meldingen:
        return None
    return Inzage.objects.create(
        gebruiker=gebruiker,
        gebruikersnaam=gebruiker.get_username(),
        melding_ids=[m.pk for m in meldingen],
        meldcodes=[m.meldcode for m in meldingen],
        foto_ids=foto_ids or [],
        pagina=pagina,
    )


def inzage_export_vastleggen(*, gebruiker: User, filter_omschrijving: str, aantal: int) -> Inzage:
    """An export of the trail is itself a view of it: who took which part home, and how much."""
    toelichting = f"{aantal} rijen; filter: {filter_omschrijving or '-'}"[:500]
    return Inzage.objects.create(
        gebruiker=gebruiker,
        gebruikersnaam=gebruiker.get_username(),
        pagina=InzagePagina.EXPORT,
        toelichting=toelichting,
    )


class BulkActie:
    ACCEPTEREN = "accepteren"
    AFWIJZEN = "afwijzen"


@dataclass
class BulkResultaat:
    gelukt: list[str] = field(default_factory=list)  # staff references
    mislukt: list[tuple[str, str]] = field(default_factory=list)  # (staff reference, why)


def meldingen_bulk(
    *, melding_ids: list[int], actie: str, actor: User, reden: str = "", toelichting: str = ""
) -> BulkResultaat:
    """Applies one triage step to each selected melding, each in its own transaction: one melding that
    moved on meanwhile (another coordinator was quicker) fails alone and is reported, the rest goes on."""
    resultaat = BulkResultaat()
    for melding in meldingen_met_ids(ids=melding_ids):
        try:
            with transaction.atomic():
                if actie == BulkActie.ACCEPTEREN:
                    melding_accepteren(melding=melding, actor=actor)
                elif actie == BulkActie.AFWIJZEN:
                    melding_afwijzen(melding=melding, actor=actor, reden=reden, toelichting=toelichting)
                else:
                    raise ValidationError(_("Onbekende actie."))
        except InvalidTransition:
            resultaat.mislukt.append((melding.referentie, _("de status is intussen veranderd")))
        except ValidationError as exc:
            resultaat.mislukt.append((melding.referentie, " ".join(exc.messages)))
        else:
            resultaat.gelukt.append(melding.referentie)
    return resultaat


@transaction.atomic
def melding_plaats_vastleggen(*, melding: Melding, adres: str, actor: User) -> str:
    """A coordinator places a melding that was filed with only its buurt (issue 17), at the address or
    place the description points to (looked up at PDOK), and a note says who did. Returns the name of
    the place found."""
    if not melding.locatie_onnauwkeurig:
        raise ValidationError({"adres": [_("Deze melding heeft al een plek op de kaart.")]})
    gevonden = actie_adres_zoeken(adres)
    melding_plaatsen(melding=melding, lat=gevonden.punt.y, lon=gevonden.punt.x)
    notitie_toevoegen(melding=melding, auteur=actor, tekst=_("Plek vastgesteld: %(p)s.") % {"p": gevonden.naam})
    return gevonden.naam


@dataclass(frozen=True)
class GevondenAdres:
    naam: str
    punt: Point


def actie_adres_zoeken(adres: str) -> GevondenAdres:
    """The address an action targets, looked up at PDOK (in Amsterdam): its display name and point.
    ValidationError on the field when it is not found or PDOK cannot answer, so the coordinator keeps
    what was typed and can try again."""
    try:
        hit = get_geocoder().geocode(adres, exactly_one=True)
    except GeopyError as exc:
        logger.warning("geocoder unavailable for an action's address: %s", type(exc).__name__)
        raise ValidationError(
            {"adres": [_("Het adres kan nu niet worden opgezocht (PDOK antwoordt niet). Probeer het zo opnieuw.")]}
        ) from exc
    if hit is None:
        raise ValidationError({"adres": [_("Dit adres is niet gevonden in Amsterdam. Controleer de schrijfwijze.")]})
    return GevondenAdres(naam=hit.address, punt=Point(hit.longitude, hit.latitude, srid=4326))


# Queue loads closer together than this are one visit (a morning's triage), see WachtrijBezoek.
BEZOEK_PAUZE = timedelta(minutes=30)


def wachtrij_bezoek_registreren(*, gebruiker: User) -> int:
    """A queue load by `gebruiker`: returns the id above which meldingen are new since the previous visit.
    Locked per user, so two tabs loading at once cannot both start a visit."""
    nu = timezone.now()
    hoogste = melding_hoogste_id()
    with transaction.atomic():
        bezoek, nieuw = WachtrijBezoek.objects.select_for_update().get_or_create(
            gebruiker=gebruiker, defaults={"grens": 0, "hoogste_id": hoogste, "laatst_op": nu}
        )
        if not nieuw:
            if nu - bezoek.laatst_op > BEZOEK_PAUZE:
                bezoek.grens = bezoek.hoogste_id
            bezoek.hoogste_id = max(hoogste, bezoek.hoogste_id)
            bezoek.laatst_op = nu
            bezoek.save(update_fields=["grens", "hoogste_id", "laatst_op"])
    return bezoek.grens
