"""Every write to actions, action types' covenants and their history goes through here."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import cast

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.gis.geos import GeometryCollection, GEOSGeometry, MultiPolygon, Point, Polygon
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Organisatie
from accounts.roles import Rol, heeft_rol, mag_triageren
from accounts.selectors import organisatie_id_van
from hotspots.models import Hotspot
from hotspots.selectors import hotspot_melding_ids, hotspot_polygon
from hotspots.services import HotspotNietLevend, hotspot_aanpak_openen, hotspot_aanpak_sluiten, hotspot_vergrendelen
from meldingen.models import RD_SRID, Melding, MeldingEvent
from meldingen.selectors import meldingen_met_ids
from meldingen.services import buurt_for_point, melding_transition, photo_reencode
from meldingen.validation import validate_photo
from meldingen.workflow import MeldingStatus
from outbox.services import event_record, events_record

from .events import ACTIE_ESCALATIE, ACTIE_HERINNERING, ACTIE_STATUS_GEWIJZIGD, ACTIE_VOORGESTELD
from .models import (
    Actie,
    ActieBevestiging,
    ActieEvent,
    ActieFoto,
    ActieInzage,
    ActieInzageSoort,
    ActieType,
    BevestigingWijze,
    Convenant,
    ConvenantVeldenWijziging,
)
from .selectors import (
    actie_melder_tekst,
    actie_onderbouwing,
    actie_richt_zich_op_woning,
    meldingen_richten_zich_op_woning,
)
from .workflow import (
    GESLOTEN,
    OPEN,
    PARTNER_STAPPEN,
    REDEN_VERPLICHT,
    TOEWIJZINGEN,
    ActieStatus,
    InvalidTransition,
    Uitkomst,
    Urgentie,
    ZichtbaarVeld,
    is_allowed,
)

VOORTGANG_MAX = 2000

# Like a hotspot's hull: an area built from meldingen is never a single report's exact point.
DOELGEBIED_BUFFER_M = 25


def _partijen_controleren(
    *, convenant: Convenant | None, verantwoordelijke: Organisatie | None, deelnemers: Iterable[Organisatie]
) -> None:
    """Covenant enforcement: an action under a covenant goes to parties of that covenant only (the
    responsible organisation and every participating one); and never to an inactive organisation."""
    orgs = ([verantwoordelijke] if verantwoordelijke else []) + list(deelnemers)
    if any(not org.actief for org in orgs):
        raise ValidationError({"verantwoordelijke": [_("Deze organisatie is niet meer actief.")]})
    if convenant is None:
        return
    partijen = set(convenant.partijen.values_list("code", flat=True))
    if verantwoordelijke is not None and verantwoordelijke.pk not in partijen:
        raise ValidationError(
            {
                "verantwoordelijke": [
                    _("Deze organisatie is geen partij van het %(convenant)s.") % {"convenant": convenant}
                ]
            }
        )
    buiten = [org for org in deelnemers if org.pk not in partijen]
    if buiten:
        raise ValidationError(
            {
                "deelnemers": [
                    _("Geen partij van het %(convenant)s: %(orgs)s.")
                    % {"convenant": convenant, "orgs": ", ".join(str(o) for o in buiten)}
                ]
            }
        )


def _woning_controleren(*, type: ActieType, woning: bool, adres: str, punt: Point | None) -> None:
    """The dwelling rule's consequence: what partners may learn about a home is governed by a covenant
    (DOMAIN.md), so an action on a dwelling needs a type under a covenant; and a type that targets a
    dwelling needs the address and its point."""
    if type.richt_zich_op_woning and not (adres and punt):
        raise ValidationError({"adres": [_("Deze actie richt zich op een woning: kies het adres.")]})
    if woning and type.convenant_id is None:
        raise ValidationError(
            {
                "type": [
                    _(
                        "Deze actie richt zich op een woning. Kies een soort actie onder een convenant "
                        "(Doorzon of Zoeklicht)."
                    )
                ]
            }
        )


def _doelgebied(actie: Actie) -> MultiPolygon | None:
    """The target area as it is now: the hotspot's polygon, or else the hull of the linked meldingen and
    the address point, buffered."""
    geometrie: GEOSGeometry
    if actie.hotspot_id:
        geometrie = hotspot_polygon(pk=actie.hotspot_id)
    else:
        punten = [m for m in actie.meldingen.values_list("locatie", flat=True)]
        if actie.punt is not None:
            punten.append(actie.punt)
        if not punten:
            return None
        geometrie = GeometryCollection(*punten, srid=RD_SRID).convex_hull.buffer(DOELGEBIED_BUFFER_M)
    if isinstance(geometrie, Polygon):
        geometrie = MultiPolygon(geometrie, srid=RD_SRID)
    geometrie.srid = RD_SRID
    return cast(MultiPolygon, geometrie)


@transaction.atomic
def actie_voorstellen(
    *,
    type: ActieType,
    door: User,
    hotspot: Hotspot | None = None,
    meldingen: Iterable[Melding] = (),
    adres: str = "",
    bag_id: str = "",
    punt: Point | None = None,
    verantwoordelijke: Organisatie | None = None,
    deelnemers: Iterable[Organisatie] = (),
    urgentie: str = Urgentie.NORMAAL,
    gepland_van: datetime | None = None,
    gepland_tot: datetime | None = None,
    partner_samenvatting: str = "",
    publieke_samenvatting: str = "",
    interne_notitie: str = "",
) -> Actie:
    """A coordinator proposes an action at a hotspot, for meldingen and/or at an address. The covenant
    basis is the type's covenant; a named responsible organisation is checked against it now and again
    when the action is assigned.

    At a hotspot, the hotspot's counted meldingen of this moment are linked too: they are what the
    action answers (the number a partner sees, the meldingen closed with it afterwards), and the
    hotspot's membership changes at every recompute.
    """
    if not mag_triageren(door):
        raise PermissionDenied
    meldingen = list(meldingen)
    if hotspot is not None:
        try:
            # Under the hotspot's lock until commit, so a recompute cannot merge it away meanwhile; a
            # hotspot merged just before is followed to the one it went into.
            hotspot = hotspot_aanpak_openen(hotspot_id=hotspot.pk, reden=f"Actie voorgesteld: {type.label_nl}")
        except HotspotNietLevend:
            raise ValidationError({"hotspot": [_("Deze hotspot is opgelost. Kies een levende hotspot.")]}) from None
        gegeven = {m.pk for m in meldingen}
        leden = meldingen_met_ids(ids=hotspot_melding_ids(hotspot=hotspot)).geteld()
        meldingen += [m for m in leden if m.pk not in gegeven]
    deelnemers = list(deelnemers)
    if hotspot is None and not meldingen and not (adres and punt):
        raise ValidationError({"doel": [_("Kies een hotspot, meldingen of een adres.")]})
    if not type.actief:
        raise ValidationError({"type": [_("Deze soort actie wordt niet meer gebruikt.")]})
    if urgentie not in Urgentie.values:
        raise ValidationError({"urgentie": [_("Kies normaal of spoed.")]})
    if gepland_van and gepland_tot and gepland_tot < gepland_van:
        raise ValidationError({"gepland_tot": [_("Het einde ligt vóór het begin.")]})
    if punt is not None and punt.srid != RD_SRID:
        punt = cast(Point, punt.transform(RD_SRID, clone=True))
    woning = type.richt_zich_op_woning or (bool(adres or punt) and meldingen_richten_zich_op_woning(meldingen))
    _woning_controleren(type=type, woning=woning, adres=adres, punt=punt)
    convenant = type.convenant
    _partijen_controleren(convenant=convenant, verantwoordelijke=verantwoordelijke, deelnemers=deelnemers)

    nu = timezone.now()
    buurt_id = hotspot.buurt_id if hotspot is not None else None
    if buurt_id is None and punt is not None:
        buurt = buurt_for_point(punt)
        buurt_id = buurt.pk if buurt is not None else None
    if buurt_id is None and meldingen:
        buurt_id = meldingen[0].buurt_id
    actie = Actie.objects.create(
        buurt_id=buurt_id,
        type=type,
        convenant=convenant,
        urgentie=urgentie,
        verantwoordelijke=verantwoordelijke,
        hotspot=hotspot,
        adres=adres.strip(),
        bag_id=bag_id.strip(),
        punt=punt,
        gepland_van=gepland_van,
        gepland_tot=gepland_tot,
        partner_samenvatting=partner_samenvatting.strip(),
        publieke_samenvatting=publieke_samenvatting.strip(),
        interne_notitie=interne_notitie.strip(),
        voorgesteld_door=door,
        aangemaakt_op=nu,
        bijgewerkt_op=nu,
    )
    actie.meldingen.set(meldingen)
    actie.deelnemers.set(deelnemers)
    historie = ActieEvent.objects.create(
        actie=actie, van="", naar=actie.status, actor=door, organisatie=verantwoordelijke, created_at=nu
    )
    event_record(type=ACTIE_VOORGESTELD, object_id=actie.pk, data={"type": type.code, "actie_event_id": historie.pk})
    return actie


def _mag_stap_zetten(*, actie: Actie, naar: str, actor: User, organisatie: str | None = None) -> None:
    """Who may make which step: the responsible organisation's users accept, decline, start and
    complete (a participating organisation only reads); the approvers approve; coordinators do the
    rest. A partner account never makes a coordinator's step, nor a coordinator a partner's."""
    organisatie = organisatie if organisatie is not None else organisatie_id_van(actor)
    if naar in PARTNER_STAPPEN:
        if organisatie is None or organisatie != actie.verantwoordelijke_id:
            raise PermissionDenied
        return
    if organisatie is not None:
        raise PermissionDenied
    if naar == ActieStatus.GOEDGEKEURD:
        if not heeft_rol(actor, Rol.APPROVER, Rol.ADMIN):
            raise PermissionDenied
        return
    if not mag_triageren(actor):
        raise PermissionDenied


def actie_mogelijke_stappen(*, actie: Actie, actor: User, naar: Iterable[str]) -> list[str]:
    """Of the statuses `naar`, those the table allows now and `actor` may move the action to: the rules
    actie_transition enforces, asked beforehand so a page offers only what will be accepted (the
    reason, the covenant and the dwelling checks still come with the step)."""
    organisatie = organisatie_id_van(actor) or ""
    stappen = []
    for doel in naar:
        if not is_allowed(actie.status, doel, vier_ogen=actie.type.vier_ogen):
            continue
        if doel == ActieStatus.GOEDGEKEURD and actor.pk == actie.voorgesteld_door_id:
            continue  # four eyes
        try:
            _mag_stap_zetten(actie=actie, naar=doel, actor=actor, organisatie=organisatie or None)
        except PermissionDenied:
            continue
        stappen.append(doel)
    return stappen


@transaction.atomic
def actie_transition(
    *,
    actie: Actie,
    naar: str,
    actor: User,
    reden: str = "",
    verantwoordelijke: Organisatie | None = None,
    deelnemers: Iterable[Organisatie] | None = None,
    uitkomst: str = "",
    uitkomst_tekst: str = "",
    foto: bytes | None = None,
) -> ActieEvent:
    """Moves an action to another status per workflow.ALLOWED, under a row lock, and writes its history
    row and the outbox event in the same transaction.

    Checks: the table (with the type's four-eyes rule); who may make the step; a reason where the
    workflow needs one; four-eyes (the approver is not the proposer); on assignment the covenant's
    parties and the dwelling rule, and then the deadlines from the type's service level and the frozen
    target area (the first assignment only); an outcome to complete.
    """
    actie = Actie.objects.select_for_update(of=("self",)).select_related("type", "convenant").get(pk=actie.pk)
    van = actie.status
    if not is_allowed(van, naar, vier_ogen=actie.type.vier_ogen):
        raise InvalidTransition(van, naar)
    _mag_stap_zetten(actie=actie, naar=naar, actor=actor)
    reden = reden.strip()
    if (van, naar) in REDEN_VERPLICHT and not reden:
        raise ValidationError({"reden": [_("Geef een reden.")]})

    nu = timezone.now()
    update = ["status", "bijgewerkt_op"]
    if naar == ActieStatus.GOEDGEKEURD:
        if actor.pk == actie.voorgesteld_door_id:
            raise ValidationError({"actor": [_("Wie de actie voorstelde, kan haar niet zelf goedkeuren.")]})
        actie.goedgekeurd_door = actor
        update.append("goedgekeurd_door")
    elif naar == ActieStatus.VOORGESTELD:  # sent back: a later approval starts afresh
        actie.goedgekeurd_door = None
        update.append("goedgekeurd_door")
    elif (van, naar) in TOEWIJZINGEN:
        verantwoordelijke = verantwoordelijke or actie.verantwoordelijke
        if verantwoordelijke is None:
            raise ValidationError({"verantwoordelijke": [_("Kies de organisatie die de actie uitvoert.")]})
        deelnemers = list(actie.deelnemers.all()) if deelnemers is None else list(deelnemers)
        _partijen_controleren(convenant=actie.convenant, verantwoordelijke=verantwoordelijke, deelnemers=deelnemers)
        woning = actie_richt_zich_op_woning(actie)
        _woning_controleren(type=actie.type, woning=woning, adres=actie.adres, punt=actie.punt)
        if woning and not actie_onderbouwing(actie).voldoende:
            raise ValidationError(
                {
                    "onderbouwing": [
                        _(
                            "Deze actie richt zich op een woning. Daarvoor zijn minstens twee onafhankelijke "
                            "meldingen nodig, of een bevestiging door een medewerker (wie, wanneer, hoe)."
                        )
                    ]
                }
            )
        actie.verantwoordelijke = verantwoordelijke
        actie.deelnemers.set(deelnemers)
        actie.toegewezen_op = nu
        actie.deadline_accepteren = nu + timedelta(days=actie.type.dagen_accepteren)
        actie.deadline_afronden = nu + timedelta(days=actie.type.dagen_afronden)
        update += ["verantwoordelijke", "toegewezen_op", "deadline_accepteren", "deadline_afronden"]
        if actie.doelgebied is None:
            actie.doelgebied = _doelgebied(actie)
            actie.doelgebied_vastgelegd_op = nu
            update += ["doelgebied", "doelgebied_vastgelegd_op"]
            if actie.hotspot is not None:
                # Who reported at this hotspot until now hears of the action (issue 16).
                actie.hotspot_meldingen.set(
                    list(hotspot_melding_ids(hotspot=actie.hotspot).values_list("melding_id", flat=True))
                )
    elif naar == ActieStatus.AFGEROND:
        if uitkomst not in Uitkomst.values:
            raise ValidationError({"uitkomst": [_("Kies de uitkomst.")]})
        actie.uitkomst = uitkomst
        actie.uitkomst_tekst = uitkomst_tekst.strip()
        actie.afgerond_op = nu
        update += ["uitkomst", "uitkomst_tekst", "afgerond_op"]
        if foto:
            _foto_opslaan(actie=actie, data=foto, door=actor, nu=nu)

    actie.status = naar
    actie.bijgewerkt_op = nu
    actie.save(update_fields=update)
    if naar in GESLOTEN and actie.hotspot_id:
        # Read on the hotspot's page: words, not codes (issue 17); stored in Dutch like every reason.
        with translation.override("nl"):
            status = str(ActieStatus(naar).label).lower()
        _hotspot_aanpak_herzien(hotspot_id=actie.hotspot_id, reden=f"Actie {actie.pk} {status}")
    historie = ActieEvent.objects.create(
        actie=actie,
        van=van,
        naar=naar,
        actor=actor,
        organisatie=actie.verantwoordelijke if (van, naar) in TOEWIJZINGEN else None,
        reden=reden,
        created_at=nu,
    )
    event_record(
        type=ACTIE_STATUS_GEWIJZIGD,
        object_id=actie.pk,
        data={
            "van": van,
            "naar": naar,
            "actie_event_id": historie.pk,
            "organisatie": actie.verantwoordelijke_id or "",
        },
    )
    return historie


def _foto_opslaan(*, actie: Actie, data: bytes, door: User, nu: datetime) -> ActieFoto:
    """Re-encoded from the pixels alone before it touches the disk (no EXIF, GPS, comment or profile);
    an unreadable file is the partner's error, raised before anything is written."""
    try:
        validate_photo(data)
        jpeg, breedte, hoogte = photo_reencode(data)
    except ValidationError as fout:
        raise ValidationError({"foto": fout.messages}) from fout
    foto = ActieFoto(actie=actie, breedte=breedte, hoogte=hoogte, door=door, aangemaakt_op=nu)
    # The file name says nothing: not the partner's original name, not the time.
    foto.bestand.save(f"{uuid.uuid4().hex}.jpg", ContentFile(jpeg), save=False)
    foto.save()
    return foto


@transaction.atomic
def actie_bevestigen(*, actie: Actie, door: User, wijze: str, toelichting: str) -> ActieBevestiging:
    """A coordinator records that what the reports say about the dwelling is confirmed, and how: the
    alternative to two independent reports (issue 14). Who and when are the request's; how and what
    are required."""
    if not mag_triageren(door):
        raise PermissionDenied
    actie = Actie.objects.select_for_update(of=("self",)).get(pk=actie.pk)
    if actie.status in GESLOTEN:
        raise InvalidTransition(actie.status, actie.status)
    if wijze not in BevestigingWijze.values:
        raise ValidationError({"wijze": [_("Kies hoe het is bevestigd.")]})
    toelichting = toelichting.strip()
    if not toelichting:
        raise ValidationError({"toelichting": [_("Schrijf wat er is bevestigd en door wie.")]})
    return ActieBevestiging.objects.create(
        actie=actie,
        door=door,
        door_naam=door.get_username(),
        tijdstip=timezone.now(),
        wijze=wijze,
        toelichting=toelichting[:1000],
    )


@transaction.atomic
def actie_voortgang_melden(*, actie: Actie, tekst: str, actor: User) -> ActieEvent:
    """The responsible organisation reports progress on an accepted or running action: a history row
    without a status change (from = to), for the coordinators to read."""
    actie = Actie.objects.select_for_update(of=("self",)).get(pk=actie.pk)
    if organisatie_id_van(actor) != actie.verantwoordelijke_id or actie.verantwoordelijke_id is None:
        raise PermissionDenied
    if actie.status not in (ActieStatus.GEACCEPTEERD, ActieStatus.IN_UITVOERING):
        raise InvalidTransition(actie.status, actie.status)
    tekst = tekst.strip()
    if not tekst:
        raise ValidationError({"tekst": [_("Schrijf wat er is gebeurd.")]})
    if len(tekst) > VOORTGANG_MAX:
        raise ValidationError({"tekst": [_("Gebruik hoogstens %(n)s tekens.") % {"n": VOORTGANG_MAX}]})
    nu = timezone.now()
    actie.bijgewerkt_op = nu
    actie.save(update_fields=["bijgewerkt_op"])
    return ActieEvent.objects.create(
        actie=actie, van=actie.status, naar=actie.status, actor=actor, reden=tekst, created_at=nu
    )


@transaction.atomic
def actie_besluit_openbaar_zetten(*, actie: Actie, datum: date | None, actor: User) -> ActieEvent:
    """A coordinator records the day the mayor's decision on a 13b closure was (or will be) made public;
    before that day the closure appears on no public page (issue 16). A history row says who set what;
    `None` takes a date back (entered by mistake)."""
    if not mag_triageren(actor):
        raise PermissionDenied
    actie = Actie.objects.select_for_update(of=("self",)).select_related("type").get(pk=actie.pk)
    if not actie.type.openbaar_na_besluit:
        raise ValidationError({"besluit_openbaar_op": [_("Voor deze soort actie is geen besluit nodig.")]})
    if datum is not None and not (date(2000, 1, 1) <= datum <= timezone.localdate() + timedelta(days=366)):
        raise ValidationError({"besluit_openbaar_op": [_("Vul een datum in tussen 2000 en volgend jaar.")]})
    nu = timezone.now()
    actie.besluit_openbaar_op = datum
    actie.bijgewerkt_op = nu
    actie.save(update_fields=["besluit_openbaar_op", "bijgewerkt_op"])
    reden = (
        _("Besluit openbaar op %(d)s.") % {"d": datum.isoformat()}
        if datum is not None
        else _("Datum van openbaarmaking van het besluit weggehaald.")
    )
    return ActieEvent.objects.create(
        actie=actie, van=actie.status, naar=actie.status, actor=actor, reden=reden, created_at=nu
    )


def actie_inzage_vastleggen(*, gebruiker: User, actie_ids: list[int], soort: str, via: str = "") -> ActieInzage | None:
    """One row in the actions' audit trail: who saw which tickets (all of a list in one row). `via` names
    the API key for a request of the partner API, so the trail tells two keys of one organisation apart."""
    if soort in (ActieInzageSoort.TICKET, ActieInzageSoort.ACTIEPAGINA, ActieInzageSoort.FOTO) and not actie_ids:
        return None
    organisatie = organisatie_id_van(gebruiker)
    naam = gebruiker.get_username()
    return ActieInzage.objects.create(
        gebruiker=gebruiker,
        gebruikersnaam=f"{naam} via {via}"[:150] if via else naam,
        organisatie=organisatie or "",
        actie_ids=list(actie_ids),
        soort=soort,
        tijdstip=timezone.now(),
    )


def _hotspot_aanpak_herzien(*, hotspot_id: int, reden: str) -> None:
    """Hotspot follows: it stays in aanpak while any action on it is open. Counted under the hotspot's
    lock, so two actions closing at once see each other."""
    hotspot_vergrendelen(hotspot_id=hotspot_id)
    if not Actie.objects.filter(hotspot_id=hotspot_id, status__in=OPEN).exists():
        hotspot_aanpak_sluiten(hotspot_id=hotspot_id, reden=reden)


@transaction.atomic
def acties_hotspot_volgen(*, van_id: int, naar_id: int) -> list[ActieEvent]:
    """The recompute merged hotspot `van_id` into `naar_id`: its open actions move to the survivor (or
    to where that one went meanwhile), each with a history row. Idempotent: a repeated delivery finds
    no open action left on the merged hotspot. Closed actions keep the hotspot they were about."""
    acties = list(Actie.objects.select_for_update().filter(hotspot_id=van_id, status__in=OPEN).order_by("pk"))
    if not acties:
        return []
    doel = hotspot_aanpak_openen(hotspot_id=naar_id, reden=f"acties van hotspot {van_id}")
    nu = timezone.now()
    historie = []
    for actie in acties:
        actie.hotspot = doel
        actie.buurt_id = doel.buurt_id or actie.buurt_id
        actie.bijgewerkt_op = nu
        actie.save(update_fields=["hotspot", "buurt", "bijgewerkt_op"])
        historie.append(
            ActieEvent.objects.create(
                actie=actie,
                van=actie.status,
                naar=actie.status,
                reden=f"Hotspot {van_id} is samengevoegd in hotspot {doel.pk}.",
                created_at=nu,
            )
        )
    return historie


@transaction.atomic
def convenant_velden_wijzigen(
    *, convenant: Convenant, velden: Iterable[str], door: User | None
) -> ConvenantVeldenWijziging | None:
    """Sets what the covenant's parties may see on a ticket and records the change (who, when, before,
    after). None when nothing changed. Unknown codes are refused: the reporters' words, photos and
    meldcodes have no code, so no covenant can list them."""
    na = sorted(set(velden))
    onbekend = [v for v in na if v not in ZichtbaarVeld.values]
    if onbekend:
        raise ValidationError({"zichtbare_velden": [_("Onbekend veld: %(v)s.") % {"v": ", ".join(onbekend)}]})
    convenant = Convenant.objects.select_for_update().get(pk=convenant.pk)
    voor = sorted(convenant.zichtbare_velden)
    if voor == na:
        return None
    convenant.zichtbare_velden = na
    convenant.save(update_fields=["zichtbare_velden"])
    return ConvenantVeldenWijziging.objects.create(
        convenant=convenant,
        door=door,
        door_naam=door.get_username() if door is not None else "",
        tijdstip=timezone.now(),
        voor=voor,
        na=na,
    )


@transaction.atomic
def acties_meldingen_afsluiten(*, actie: Actie, notitie: str, actor: User) -> list[MeldingEvent]:
    """After the action is completed, the coordinator closes its linked meldingen in one step
    (`afgehandeld`, through the melding workflow: a new melding passes `in_behandeling` first). The
    note for the reporters passes the covenant's disclosure rule (under Zoeklicht it is replaced by
    "afgehandeld" and never reaches them). Rejected and already handled meldingen are left alone.
    Returns the history rows written."""
    if not mag_triageren(actor):
        raise PermissionDenied
    actie = Actie.objects.select_related("convenant").get(pk=actie.pk)
    if actie.status != ActieStatus.AFGEROND:
        raise ValidationError({"actie": [_("Sluit de meldingen pas als de actie is afgerond.")]})
    toelichting = actie_melder_tekst(actie, notitie=notitie)
    historie = []
    open_statussen = (MeldingStatus.NIEUW, MeldingStatus.IN_BEHANDELING)
    for melding in actie.meldingen.filter(status__in=open_statussen).order_by("pk"):
        if melding.status == MeldingStatus.NIEUW:
            historie.append(melding_transition(melding=melding, naar=MeldingStatus.IN_BEHANDELING, actor=actor))
        historie.append(
            melding_transition(melding=melding, naar=MeldingStatus.AFGEHANDELD, actor=actor, toelichting=toelichting)
        )
    return historie


# A reminder goes this long before a deadline (ACTIE_HERINNERING_VOOR_UUR, default one day).
TERMIJN_SQL = """
WITH kandidaten AS (
    SELECT a.id, a.verantwoordelijke_id, s.soort, s.deadline
    FROM acties_actie a
    CROSS JOIN LATERAL (VALUES
        ('herinnering_accepteren', a.deadline_accepteren,
         a.status = 'toegewezen' AND a.deadline_accepteren > %(nu)s AND a.deadline_accepteren <= %(grens)s),
        ('escalatie_accepteren', a.deadline_accepteren,
         a.status = 'toegewezen' AND a.deadline_accepteren <= %(nu)s),
        ('herinnering_afronden', a.deadline_afronden,
         a.status IN ('geaccepteerd', 'in_uitvoering')
         AND a.deadline_afronden > %(nu)s AND a.deadline_afronden <= %(grens)s),
        ('escalatie_afronden', a.deadline_afronden,
         a.status IN ('toegewezen', 'geaccepteerd', 'in_uitvoering') AND a.deadline_afronden <= %(nu)s)
    ) AS s(soort, deadline, geldt)
    WHERE a.status IN ('toegewezen', 'geaccepteerd', 'in_uitvoering')
      AND (a.deadline_accepteren <= %(grens)s OR a.deadline_afronden <= %(grens)s)
      AND s.geldt
)
INSERT INTO acties_actiesignaal (actie_id, soort, deadline, organisatie_id, aangemaakt_op)
SELECT id, soort, deadline, verantwoordelijke_id, %(nu)s FROM kandidaten
ON CONFLICT (actie_id, soort, deadline) DO NOTHING
RETURNING id, actie_id, soort, deadline, organisatie_id
"""


@transaction.atomic
def acties_termijnen_bewaken(*, nu: datetime | None = None, herinnering_voor: timedelta | None = None) -> int:
    """The service-level sweep (beat, every few minutes): for each action at a partner, a reminder to the
    responsible organisation when a deadline is near and an escalation to the coordinators once it has
    passed. One set-based statement; each signal is written once per action, kind and deadline (a
    unique constraint), so the sweep can run as often as wanted, twice at once included. Returns the
    number of new signals, each also recorded as an outbox event."""
    nu = nu or timezone.now()
    voor = herinnering_voor if herinnering_voor is not None else timedelta(hours=settings.ACTIE_HERINNERING_VOOR_UUR)
    with connection.cursor() as cursor:
        cursor.execute(TERMIJN_SQL, {"nu": nu, "grens": nu + voor})
        nieuw = cursor.fetchall()
    events_record(
        events=[
            (
                ACTIE_ESCALATIE if soort.startswith("escalatie") else ACTIE_HERINNERING,
                actie_id,
                {"soort": soort, "deadline": deadline.isoformat(), "organisatie": org or "", "signaal_id": sid},
            )
            for sid, actie_id, soort, deadline, org in nieuw
        ]
    )
    return len(nieuw)
