"""Reads of actions, above all what a partner may see of one (issue 13: "enforce it in selectors, so no
template or serializer can show more").

A partner's view is a dataclass built from the covenant's field list: a field the covenant does not
list is None, and the reporters' own words, photos, meldcodes and the internal notes are not fields of
it at all, so no template can reach them through it.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.gis.db.models import PointField
from django.contrib.gis.db.models.functions import AsGeoJSON, PointOnSurface, Transform
from django.contrib.gis.geos import Polygon
from django.core.paginator import Page, Paginator
from django.db.models import BooleanField, Case, Exists, F, OrderBy, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.models import Organisatie
from accounts.selectors import organisatie_ids_van, organisaties_actief
from meldingen.models import RD_SRID, Melding
from meldingen.selectors import bronnen_groeperen, locatie_type_labels, meldingen_bron_gegevens, waarneming_labels

from .models import Actie, ActieBevestiging, ActieEvent, ActieFoto, ActieSignaal, ActieType, Convenant
from .workflow import BIJ_PARTNER, GESLOTEN, OPEN, ActieStatus, MelderInformatie, ZichtbaarVeld

# Places of a melding that make an address target a dwelling (issue 13, the dwelling rule).
WONING_LOCATIE_TYPES = frozenset({"woning", "spookwoning"})


def actie_richt_zich_op_woning(actie: Actie) -> bool:
    """An action targets a dwelling when its type says so, or when it targets an address and a linked
    melding's place is a home (`woning`) or a `spookwoning`."""
    if actie.type.richt_zich_op_woning:
        return True
    if not (actie.adres or actie.punt):
        return False
    if actie.pk is None:
        return False
    return actie.meldingen.filter(locatie_type_id__in=WONING_LOCATIE_TYPES).exists()


# Issue 14's safeguard: an action on a dwelling needs this many independent reports, or a recorded
# confirmation by a staff member, before it is assigned.
MIN_ONAFHANKELIJK = 2


@dataclass(frozen=True)
class Onderbouwing:
    """How well the reports behind an action stand: independent sources and staff confirmations."""

    bronnen: int
    bevestigd: bool

    @property
    def voldoende(self) -> bool:
        return self.bevestigd or self.bronnen >= MIN_ONAFHANKELIJK


def actie_onderbouwing(actie: Actie) -> Onderbouwing:
    return acties_onderbouwing([actie.pk])[actie.pk]


def acties_onderbouwing(actie_ids: list[int]) -> dict[int, Onderbouwing]:
    """Per action, its independent sources and whether staff confirmed it: three queries for any number
    of actions (the approver's queue)."""
    paren = list(Actie.meldingen.through.objects.filter(actie_id__in=actie_ids).values_list("actie_id", "melding_id"))
    gegevens = meldingen_bron_gegevens(ids={m for _a, m in paren})
    per_actie: dict[int, list[tuple[int, str, datetime]]] = {a: [] for a in actie_ids}
    for actie_id, melding_id in paren:
        if melding_id in gegevens:
            per_actie[actie_id].append((melding_id, *gegevens[melding_id]))
    bevestigd = set(
        ActieBevestiging.objects.filter(actie_id__in=actie_ids).values_list("actie_id", flat=True).distinct()
    )
    return {
        a: Onderbouwing(bronnen=len(bronnen_groeperen(rijen)), bevestigd=a in bevestigd)
        for a, rijen in per_actie.items()
    }


def meldingen_richten_zich_op_woning(meldingen) -> bool:
    """The same rule before the action exists (the proposal form): any of these meldingen at a home."""
    return any(m.locatie_type_id in WONING_LOCATIE_TYPES for m in meldingen)


def convenant_partijen(convenant: Convenant | None) -> QuerySet[Organisatie]:
    """The organisations an action under this covenant may be assigned to (all active ones without)."""
    return organisaties_actief() if convenant is None else convenant.partijen.filter(actief=True)


def acties_voor_organisatie(organisatie: Organisatie) -> QuerySet[Actie]:
    """The organisation's tickets: actions it is responsible for or takes part in, from the moment a
    partner was asked to act (a proposal or an action waiting for approval is not a ticket yet; a
    cancelled one stays visible if it had been assigned)."""
    bij_partner = Q(status__in=BIJ_PARTNER) | Q(status=ActieStatus.GEANNULEERD, toegewezen_op__isnull=False)
    # A subquery rather than a join on the participants: no DISTINCT over every column (10,000 actions).
    deelnemend = Actie.deelnemers.through.objects.filter(organisatie_id=organisatie.pk).values("actie_id")
    return (
        Actie.objects.filter(bij_partner)
        .filter(Q(verantwoordelijke=organisatie) | Q(pk__in=deelnemend))
        .select_related("type", "convenant", "verantwoordelijke")
    )


def actie_ticket_organisaties(*, actie_id: int) -> list[str]:
    """The organisations for which the action is a ticket now (as `acties_voor_organisatie` counts it):
    the responsible one and the participants, once a partner was asked to act."""
    actie = Actie.objects.filter(pk=actie_id).only("status", "toegewezen_op", "verantwoordelijke_id").first()
    if actie is None:
        return []
    if not (actie.status in BIJ_PARTNER or (actie.status == ActieStatus.GEANNULEERD and actie.toegewezen_op)):
        return []
    deelnemers = Actie.deelnemers.through.objects.filter(actie_id=actie_id).values_list("organisatie_id", flat=True)
    return sorted({*([actie.verantwoordelijke_id] if actie.verantwoordelijke_id else []), *deelnemers})


def actie_zichtbare_velden(actie: Actie) -> frozenset[str]:
    """The case fields the action's covenant lets a party see. Without a covenant (a buurtschouw, extra
    patrols) every field code applies: none of them is a reporter's word, photo or meldcode."""
    if actie.convenant is None:
        return frozenset(ZichtbaarVeld.values)
    return frozenset(actie.convenant.zichtbare_velden)


@dataclass(frozen=True)
class PartnerHistorie:
    """One line of a ticket's history as a partner sees it: when and which step; the text only when
    someone of its own organisation wrote it (a coordinator's reasons may quote the case)."""

    tijdstip: datetime
    van: str
    naar: str
    tekst: str


@dataclass(frozen=True)
class PartnerActie:
    """One ticket as a partner sees it. The first group is what any party needs to act (what, when, by
    when, its own part in it); the second only what the covenant lists (None otherwise)."""

    id: int
    status: str
    status_label: str
    urgentie: str
    verantwoordelijke: str
    verantwoordelijk: bool  # the viewer's organisation carries it out (and may change it)
    gepland_van: datetime | None
    gepland_tot: datetime | None
    deadline_accepteren: datetime | None
    deadline_afronden: datetime | None
    uitkomst: str
    uitkomst_label: str
    # By covenant:
    actie_type: str | None
    partner_samenvatting: str | None
    gebied_geojson: str | None  # WGS84
    adres: str | None
    bag_id: str | None
    aard_signaal: tuple[str, ...] | None
    periode: tuple[date, date] | None  # first and last day reports describe
    aantal_meldingen: int | None
    historie: tuple[PartnerHistorie, ...] = ()
    te_laat: bool = False
    # The service-level reminders and escalations about it: (label, deadline), oldest first.
    signalen: tuple[tuple[str, datetime], ...] = ()


def _meldingen_van(actie: Actie) -> QuerySet[Melding]:
    return actie.meldingen.geteld()


def actie_voor_partner(*, actie_id: int, organisatie: Organisatie) -> PartnerActie:
    """The ticket for a user of `organisatie`. Raises Actie.DoesNotExist for an action that is not the
    organisation's (a view turns that into 404, never 403: an id says nothing about existence)."""
    actie = acties_voor_organisatie(organisatie).get(pk=actie_id)
    velden = actie_zichtbare_velden(actie)
    V = ZichtbaarVeld

    gebied = None
    if V.GEBIED in velden:
        hotspot = actie.hotspot if actie.hotspot_id else None
        geometrie = actie.doelgebied or (hotspot.polygon if hotspot is not None else None)
        if geometrie is not None:
            gebied = geometrie.transform(4326, clone=True).geojson

    aard = periode = aantal = None
    if velden & {V.AARD_SIGNAAL, V.PERIODE, V.AANTAL_MELDINGEN}:
        rijen = list(_meldingen_van(actie).values_list("locatie_type_id", "waarnemingen", "observed_at"))
        if V.AARD_SIGNAAL in velden:
            codes = {r[0] for r in rijen}
            waarnemingen = {w for r in rijen for w in r[1]}
            labels = [label for code, label in locatie_type_labels().items() if code in codes]
            labels += [label for code, label in waarneming_labels().items() if code in waarnemingen]
            aard = tuple(labels)
        if V.PERIODE in velden:
            if rijen:
                dagen = sorted(r[2].date() for r in rijen)
                periode = (dagen[0], dagen[-1])
            elif (hs := actie.hotspot) is not None and hs.eerste_melding and hs.laatste_melding:
                periode = (hs.eerste_melding.date(), hs.laatste_melding.date())
        if V.AANTAL_MELDINGEN in velden:
            hs = actie.hotspot
            aantal = len(rijen) if rijen or hs is None else hs.aantal_meldingen

    return PartnerActie(
        historie=_partner_historie(actie=actie, organisatie=organisatie),
        te_laat=actie_is_te_laat(actie),
        signalen=tuple(
            (str(s.get_soort_display()), s.deadline)
            for s in actie.signalen.filter(organisatie=organisatie).order_by("aangemaakt_op", "id")
        ),
        id=actie.pk,
        status=actie.status,
        status_label=str(actie.get_status_display()),
        urgentie=actie.urgentie,
        verantwoordelijke=str(actie.verantwoordelijke) if actie.verantwoordelijke_id else "",
        verantwoordelijk=actie.verantwoordelijke_id == organisatie.pk,
        gepland_van=actie.gepland_van,
        gepland_tot=actie.gepland_tot,
        deadline_accepteren=actie.deadline_accepteren,
        deadline_afronden=actie.deadline_afronden,
        uitkomst=actie.uitkomst,
        uitkomst_label=str(actie.get_uitkomst_display()) if actie.uitkomst else "",
        actie_type=actie.type.label if V.ACTIE_TYPE in velden else None,
        partner_samenvatting=actie.partner_samenvatting if V.PARTNER_SAMENVATTING in velden else None,
        gebied_geojson=gebied,
        adres=actie.adres if V.ADRES in velden else None,
        bag_id=actie.bag_id if V.BAG_ID in velden else None,
        aard_signaal=aard,
        periode=periode,
        aantal_meldingen=aantal,
    )


def _partner_historie(*, actie: Actie, organisatie: Organisatie) -> tuple[PartnerHistorie, ...]:
    """From the first assignment on (what came before is the coordinators' deliberation)."""
    events = list(actie.events.order_by("created_at", "id"))
    eerste = next((i for i, e in enumerate(events) if e.naar == ActieStatus.TOEGEWEZEN), None)
    if eerste is None:
        return ()
    events = events[eerste:]
    orgs = organisatie_ids_van({e.actor_id for e in events if e.actor_id})
    labels = dict(ActieStatus.choices)
    return tuple(
        PartnerHistorie(
            tijdstip=e.created_at,
            van=str(labels.get(e.van, e.van)),
            naar=str(labels.get(e.naar, e.naar)),
            tekst=e.reden if e.actor_id and orgs.get(e.actor_id) == organisatie.pk else "",
        )
        for e in events
    )


@dataclass(frozen=True)
class PartnerTicketRij:
    """A line of the partner's list: what any party needs to pick up its work."""

    id: int
    status: str
    status_label: str
    urgentie: str
    actie_type: str | None
    verantwoordelijk: bool
    deadline_accepteren: datetime | None
    deadline_afronden: datetime | None
    bijgewerkt_op: datetime
    te_laat: bool = False


def partner_tickets(*, organisatie: Organisatie, open: bool = True, pagina=1, per_pagina: int = 50) -> Page:
    """One page of the organisation's open tickets (urgent and earliest deadline first) or closed ones
    (last changed first), as PartnerTicketRij; any `pagina` (text, out of range) gives a page."""
    qs = acties_voor_organisatie(organisatie).filter(status__in=OPEN if open else GESLOTEN).only(*TICKET_RIJ_VELDEN)
    qs = qs.order_by("-urgentie", "deadline_afronden", "id") if open else qs.order_by("-bijgewerkt_op", "-id")
    pagina_ = Paginator(qs, per_pagina).get_page(pagina)
    # The same page (number, counts, links) over the rows a partner may see instead of the actions.
    return Page(_ticket_rijen(pagina_.object_list, organisatie), pagina_.number, pagina_.paginator)


# What a list row reads (the texts, shapes and the organisation's own columns stay in the database).
TICKET_RIJ_VELDEN = (
    "id", "status", "urgentie", "verantwoordelijke_id", "deadline_accepteren", "deadline_afronden", "bijgewerkt_op",
    "type__label_nl", "type__label_en", "convenant__zichtbare_velden",
)  # fmt: skip


def _ticket_rijen(acties, organisatie: Organisatie) -> list[PartnerTicketRij]:
    # get_status_display hashes the lazy choices on every call: one dict for the page instead.
    labels = {code: str(label) for code, label in ActieStatus.choices}
    nu = timezone.now()
    return [
        PartnerTicketRij(
            id=a.pk,
            status=a.status,
            status_label=labels[a.status],
            urgentie=a.urgentie,
            actie_type=a.type.label if ZichtbaarVeld.ACTIE_TYPE in actie_zichtbare_velden(a) else None,
            verantwoordelijk=a.verantwoordelijke_id == organisatie.pk,
            deadline_accepteren=a.deadline_accepteren,
            deadline_afronden=a.deadline_afronden,
            bijgewerkt_op=a.bijgewerkt_op,
            te_laat=actie_is_te_laat(a, nu),
        )
        for a in acties
    ]


# What a partner's `status` filter may name: a status its tickets can have, or "open" / "gesloten".
PARTNER_STATUS_FILTERS = frozenset({*BIJ_PARTNER, ActieStatus.GEANNULEERD, "open", "gesloten"})


def partner_tickets_sync(
    *,
    organisatie: Organisatie,
    status: str = "",
    gewijzigd_na: datetime | None = None,
    na: tuple[datetime, int] | None = None,
    aantal: int = 100,
) -> list[PartnerTicketRij]:
    """The organisation's tickets in the order a sync needs them: last change ascending, then id, from
    after the keyset `na` (the previous page's last row), `aantal` at most. A page is one index-ordered
    query whatever its depth, and a ticket changed while a client pages moves to the end, so it is not
    skipped."""
    qs = acties_voor_organisatie(organisatie).only(*TICKET_RIJ_VELDEN)
    if status == "open":
        qs = qs.filter(status__in=OPEN)
    elif status == "gesloten":
        qs = qs.filter(status__in=GESLOTEN)
    elif status:
        qs = qs.filter(status=status)
    if gewijzigd_na is not None:
        qs = qs.filter(bijgewerkt_op__gt=gewijzigd_na)
    if na is not None:
        qs = qs.filter(Q(bijgewerkt_op__gt=na[0]) | Q(bijgewerkt_op=na[0], id__gt=na[1]))
    return _ticket_rijen(qs.order_by("bijgewerkt_op", "id")[:aantal], organisatie)


# --- The coordinators' reads --------------------------------------------------------------------------


def actie_voor_staf(*, pk: int) -> Actie:
    return (
        Actie.objects.select_related(
            "type", "convenant", "verantwoordelijke", "voorgesteld_door", "goedgekeurd_door", "hotspot"
        )
        .prefetch_related("deelnemers")
        .get(pk=pk)
    )


def actie_historie(*, actie: Actie) -> QuerySet[ActieEvent]:
    return actie.events.select_related("actor", "organisatie").order_by("created_at", "id")


def actie_meldingen(*, actie: Actie) -> QuerySet[Melding]:
    return actie.meldingen.order_by("-observed_at", "-id")


def actie_bevestigingen(*, actie: Actie) -> QuerySet[ActieBevestiging]:
    return actie.bevestigingen.order_by("tijdstip", "id")


def actie_fotos(*, actie: Actie) -> QuerySet[ActieFoto]:
    return actie.fotos.order_by("id")


def actie_foto(*, pk: int) -> ActieFoto:
    return ActieFoto.objects.select_related("actie").get(pk=pk)


def acties_met_historie(*, hotspot_id: int | None = None, melding_id: int | None = None) -> list[Actie]:
    """The actions on a hotspot or about a melding, newest first, each with its history prefetched."""
    qs = Actie.objects.select_related("type", "verantwoordelijke").prefetch_related(
        Prefetch(
            "events", queryset=ActieEvent.objects.select_related("actor", "organisatie").order_by("created_at", "id")
        )
    )
    if hotspot_id is not None:
        qs = qs.filter(hotspot_id=hotspot_id)
    if melding_id is not None:
        qs = qs.filter(meldingen=melding_id)
    return list(qs.order_by("-aangemaakt_op", "-id")[:100])


# At a partner with a deadline that has passed: acceptance (while assigned) or completion.
BIJ_UITVOERDER = (ActieStatus.TOEGEWEZEN, ActieStatus.GEACCEPTEERD, ActieStatus.IN_UITVOERING)


def te_laat_q(nu: datetime | None = None) -> Q:
    nu = nu or timezone.now()
    return Q(status=ActieStatus.TOEGEWEZEN, deadline_accepteren__lt=nu) | Q(
        status__in=BIJ_UITVOERDER, deadline_afronden__lt=nu
    )


def acties_te_laat(nu: datetime | None = None) -> QuerySet[Actie]:
    return Actie.objects.filter(te_laat_q(nu)).order_by("deadline_afronden", "id")


def actie_is_te_laat(actie: Actie, nu: datetime | None = None) -> bool:
    nu = nu or timezone.now()
    if actie.status == ActieStatus.TOEGEWEZEN and actie.deadline_accepteren and actie.deadline_accepteren < nu:
        return True
    afronden = actie.deadline_afronden
    return actie.status in BIJ_UITVOERDER and afronden is not None and afronden < nu


def actie_signalen(*, actie: Actie) -> QuerySet[ActieSignaal]:
    return actie.signalen.order_by("aangemaakt_op", "id")


# Geometry a list row never shows.
LIJST_ZONDER = (
    "punt",
    "doelgebied",
    "buurt__geometrie",
    "buurt__wijk__geometrie",
    "buurt__wijk__stadsdeel__geometrie",
)


@dataclass(frozen=True)
class ActieFilter:
    """The coordinators' action list filters, as the URL carries them (coordinatie.forms.ActieFilterForm)."""

    status: str = ""
    type: str = ""
    partner: str = ""
    stadsdeel: str = ""
    urgentie: str = ""
    te_laat: bool = False
    sortering: str = "deadline"


SORTERINGEN: dict[str, tuple[str | OrderBy, ...]] = {
    "deadline": (F("deadline_afronden").asc(nulls_last=True), "id"),
    "nieuwste": ("-aangemaakt_op", "-id"),
    "oudste": ("aangemaakt_op", "id"),
    "gewijzigd": ("-bijgewerkt_op", "-id"),
}


def acties_lijst(*, filter: ActieFilter, nu: datetime | None = None) -> QuerySet[Actie]:
    """Every action that passes the filter, with what a row shows in one query (plus the count)."""
    qs = (
        Actie.objects.select_related("type", "verantwoordelijke", "buurt__wijk__stadsdeel")
        # A row needs names, not shapes: parsing three area polygons and the target area per row was most
        # of the page's time (bench/acties.py).
        .defer(*LIJST_ZONDER)
    ).annotate(te_laat=Case(When(te_laat_q(nu), then=Value(True)), default=Value(False), output_field=BooleanField()))
    if filter.status == "open":
        qs = qs.filter(status__in=OPEN)
    elif filter.status:
        qs = qs.filter(status=filter.status)
    if filter.type:
        qs = qs.filter(type_id=filter.type)
    if filter.partner:
        qs = qs.filter(verantwoordelijke_id=filter.partner)
    if filter.stadsdeel:
        qs = qs.filter(buurt__wijk__stadsdeel_id=filter.stadsdeel)
    if filter.urgentie:
        qs = qs.filter(urgentie=filter.urgentie)
    if filter.te_laat:
        qs = qs.filter(te_laat_q(nu))
    return qs.order_by(*SORTERINGEN.get(filter.sortering, SORTERINGEN["deadline"]))


def acties_aantal_wacht_op_akkoord() -> int:
    return Actie.objects.filter(status=ActieStatus.WACHT_OP_AKKOORD).count()


def acties_wacht_op_akkoord(*, aantal: int = 50) -> list[tuple[Actie, Onderbouwing]]:
    """The approver's queue, oldest first (the first `aantal`), each with the independence of its reports."""
    acties = list(
        Actie.objects.filter(status=ActieStatus.WACHT_OP_AKKOORD)
        .select_related("type", "convenant", "verantwoordelijke", "voorgesteld_door")
        .defer("punt", "doelgebied")
        .order_by("aangemaakt_op", "id")[:aantal]
    )
    onderbouwing = acties_onderbouwing([a.pk for a in acties])
    return [(a, onderbouwing[a.pk]) for a in acties]


def actie_typen_actief() -> QuerySet[ActieType]:
    return ActieType.objects.filter(actief=True).select_related("convenant").order_by("volgorde", "code")


def actie_type_met_code(code: str) -> ActieType:
    return actie_typen_actief().get(code=code)


def actie_melder_mag_uitkomst_horen(actie: Actie) -> bool:
    """Whether the reporters of the linked meldingen may be told what came of the action."""
    return actie.convenant is None or actie.convenant.melder_informatie == MelderInformatie.VOLLEDIG


def actie_melder_tekst(actie: Actie, *, notitie: str) -> str:
    """The text a reporter of a linked melding may be shown about this action, given the coordinator's
    note. Under a covenant that allows only the status (Zoeklicht) the note is never passed on, however
    harmless it looks: only "in onderzoek" or "afgehandeld"."""
    if actie_melder_mag_uitkomst_horen(actie):
        return notitie.strip()
    if actie.status in OPEN:
        return _("Uw melding is in onderzoek.")
    return _("Uw melding is afgehandeld.")


# The map's "Acties" layer (issue 14): open actions, and finished ones for this many days after their
# last change, so a coordinator sees what was done where without the map filling up with history.
KAART_AFGEROND_DAGEN = 90
KAART_MAX = 2000


def acties_kaart(
    *,
    rd_box: tuple[float, float, float, float] | None = None,
    stadsdeel: tuple[str, ...] = (),
    wijk: tuple[str, ...] = (),
    buurt: tuple[str, ...] = (),
    nu: datetime | None = None,
) -> dict:
    """Actions as a GeoJSON FeatureCollection of WGS84 points, overdue first. An action's point is its
    address, else a point inside its target area, else inside its hotspot; one with none of these is
    not on the map. `klasse` is te_laat, open or afgerond, with "overdue" as the lists state it."""
    nu = nu or timezone.now()
    qs = (
        Actie.objects.filter(
            Q(status__in=OPEN)
            | Q(status=ActieStatus.AFGEROND, bijgewerkt_op__gte=nu - timedelta(days=KAART_AFGEROND_DAGEN))
        )
        .annotate(
            kaartpunt=Coalesce(
                "punt",
                PointOnSurface("doelgebied"),
                PointOnSurface("hotspot__polygon"),
                output_field=PointField(srid=RD_SRID),
            ),
            te_laat=Case(When(te_laat_q(nu), then=Value(True)), default=Value(False), output_field=BooleanField()),
        )
        .filter(kaartpunt__isnull=False)
    )
    if rd_box is not None:
        vak = Polygon.from_bbox(rd_box)
        vak.srid = RD_SRID
        qs = qs.filter(kaartpunt__intersects=vak)
    if buurt:
        qs = qs.filter(buurt_id__in=buurt)
    if wijk:
        qs = qs.filter(buurt__wijk_id__in=wijk)
    if stadsdeel:
        qs = qs.filter(buurt__wijk__stadsdeel_id__in=stadsdeel)
    rijen = (
        qs.annotate(geo=AsGeoJSON(Transform("kaartpunt", 4326), precision=6))
        .order_by("-te_laat", F("deadline_afronden").asc(nulls_last=True), "id")
        .values(
            "id",
            "status",
            "urgentie",
            "te_laat",
            "geo",
            "type__label_nl",
            "type__label_en",
            "verantwoordelijke__naam",
            "deadline_afronden",
            "hotspot_id",
        )[:KAART_MAX]
    )
    engels = (get_language() or "nl").startswith("en")
    features = []
    for r in rijen:
        klasse = "te_laat" if r["te_laat"] else ("open" if r["status"] in OPEN else "afgerond")
        features.append(
            {
                "type": "Feature",
                "id": r["id"],
                "geometry": json.loads(r["geo"]),
                "properties": {
                    "id": r["id"],
                    "klasse": klasse,
                    "status": r["status"],
                    "status_label": str(ActieStatus(r["status"]).label),
                    "type": r["type__label_en"] if engels else r["type__label_nl"],
                    "partner": r["verantwoordelijke__naam"] or "",
                    "urgentie": r["urgentie"],
                    "deadline": r["deadline_afronden"].isoformat() if r["deadline_afronden"] else None,
                    "hotspot": r["hotspot_id"],
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


# --- what the public sees of actions (issue 16) -------------------------------------------------------


@dataclass(frozen=True)
class PubliekeActie:
    """An action as a reporter or the neighbourhood may see it: no address, no partner, no internal
    text. `fase`: gepland, bezig, afgerond (full disclosure) or in_onderzoek, afgehandeld (status only)."""

    soort: str
    fase: str
    tekst: str
    datum: date | None  # the day it was completed
    uitkomst: str  # the outcome's label, only where the covenant allows it
    samenvatting: str  # the coordinator's public summary; never for an action on a dwelling

    @property
    def afgerond(self) -> bool:
        return self.fase in ("afgerond", "afgehandeld")


def _besluit_openbaar(vandaag: date) -> Q:
    """A 13b closure (a type that is public only after the decision) counts once its decision is public."""
    return Q(type__openbaar_na_besluit=False) | Q(besluit_openbaar_op__lte=vandaag)


def _publiek_qs(vandaag: date) -> QuerySet[Actie]:
    woning_melding = Actie.meldingen.through.objects.filter(
        actie_id=OuterRef("pk"), melding__locatie_type_id__in=WONING_LOCATIE_TYPES
    )
    return (
        Actie.objects.filter(_besluit_openbaar(vandaag))
        .select_related("type", "convenant")
        .annotate(
            op_woning=Case(
                When(type__richt_zich_op_woning=True, then=Value(True)),
                When(Q(adres="") & Q(punt__isnull=True), then=Value(False)),
                default=Exists(woning_melding),
                output_field=BooleanField(),
            )
        )
        .only(
            "status",
            "afgerond_op",
            "uitkomst",
            "publieke_samenvatting",
            "adres",
            "type__label_nl",
            "type__label_en",
            "type__publiek_zichtbaar",
            "type__publieke_tekst_nl",
            "type__publieke_tekst_en",
            "type__richt_zich_op_woning",
            "convenant__melder_informatie",
        )
    )


def _publieke_tekst(type: ActieType) -> str:
    tekst = type.publieke_tekst_en if (get_language() or "nl").startswith("en") else type.publieke_tekst_nl
    return tekst or type.label


def _als_publiek(actie: Actie, *, volledig: bool) -> PubliekeActie:
    datum = (
        timezone.localdate(actie.afgerond_op) if actie.afgerond_op and actie.status == ActieStatus.AFGEROND else None
    )
    if not volledig:
        klaar = actie.status in GESLOTEN
        return PubliekeActie(
            soort=_("Onderzoek"),
            fase="afgehandeld" if klaar else "in_onderzoek",
            tekst=_("Het onderzoek naar aanleiding van meldingen is afgehandeld.")
            if klaar
            else _("Naar aanleiding van meldingen loopt een onderzoek."),
            datum=None,
            uitkomst="",
            samenvatting="",
        )
    if actie.status == ActieStatus.AFGEROND:
        fase, tekst = "afgerond", _publieke_tekst(actie.type)
    elif actie.status == ActieStatus.IN_UITVOERING:
        fase, tekst = "bezig", _("%(soort)s: wordt nu uitgevoerd.") % {"soort": actie.type.label}
    else:
        fase, tekst = "gepland", _("%(soort)s: is gepland.") % {"soort": actie.type.label}
    return PubliekeActie(
        soort=actie.type.label,
        fase=fase,
        tekst=tekst,
        datum=datum,
        uitkomst=actie.get_uitkomst_display() if actie.uitkomst and fase == "afgerond" else "",
        samenvatting="" if getattr(actie, "op_woning", True) else actie.publieke_samenvatting,
    )


def melding_publieke_acties(*, melding_id: int, vandaag: date | None = None) -> list[PubliekeActie]:
    """The actions that followed a melding, for its reporter's status page and texts: linked to the
    melding, or to a hotspot it belonged to when the action was assigned; once a partner was asked to
    act (not proposals, not cancelled ones). In full where the type is public and the covenant lets the
    reporter hear the outcome; otherwise only "in onderzoek" / "afgehandeld" (Zoeklicht; also a type the
    public may not see, such as a tenancy measure). A 13b closure stays invisible until its decision is."""
    vandaag = vandaag or timezone.localdate()
    acties = (
        _publiek_qs(vandaag)
        .filter(Q(meldingen=melding_id) | Q(hotspot_meldingen=melding_id))
        .filter(status__in=BIJ_PARTNER)
        .distinct()
        .order_by(F("afgerond_op").desc(nulls_first=True), "-toegewezen_op", "-id")[:20]
    )
    return [_als_publiek(a, volledig=a.type.publiek_zichtbaar and actie_melder_mag_uitkomst_horen(a)) for a in acties]


def actie_publiek_voor_melding(*, actie_id: int, vandaag: date | None = None) -> PubliekeActie | None:
    """One action as its reporters may see it (the text when it completes), or None if they may not."""
    vandaag = vandaag or timezone.localdate()
    actie = _publiek_qs(vandaag).filter(pk=actie_id, status__in=BIJ_PARTNER).first()
    if actie is None:
        return None
    return _als_publiek(actie, volledig=actie.type.publiek_zichtbaar and actie_melder_mag_uitkomst_horen(actie))


def actie_melding_ids_voor_melders(*, actie_id: int) -> list[int]:
    """The meldingen whose reporters hear of this action: linked, or in its hotspot when assigned."""
    direct = Actie.meldingen.through.objects.filter(actie_id=actie_id).values_list("melding_id", flat=True)
    via = Actie.hotspot_meldingen.through.objects.filter(actie_id=actie_id).values_list("melding_id", flat=True)
    return sorted(set(direct) | set(via))


# The buurt page lists the completed public actions of this many days, at most BUURT_ACTIES_MAX.
BUURT_ACTIES_DAGEN = 365
BUURT_ACTIES_MAX = 50


def buurt_publieke_acties(*, buurt_code: str, vandaag: date | None = None) -> list[PubliekeActie]:
    """Completed actions in a buurt the public may see (type public, 13b decision public), newest first.
    Never an address: an action on a dwelling reads "in deze buurt" only, and no outcome is shown."""
    vandaag = vandaag or timezone.localdate()
    sinds = timezone.now() - timedelta(days=BUURT_ACTIES_DAGEN)
    acties = (
        _publiek_qs(vandaag)
        .filter(
            buurt_id=buurt_code,
            status=ActieStatus.AFGEROND,
            afgerond_op__gte=sinds,
            type__publiek_zichtbaar=True,
        )
        .order_by("-afgerond_op", "-id")[:BUURT_ACTIES_MAX]
    )
    uit = []
    for a in acties:
        p = _als_publiek(a, volledig=True)
        uit.append(dataclasses.replace(p, uitkomst=""))
    return uit
