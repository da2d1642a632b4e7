"""The coordinator's working screen: the map beside the triage queue, the melding and hotspot pages and
the audit trail. Thin: parsing in forms and kaart.filters, reads in the selectors of the app that owns
the rows (meldingen, hotspots, coordinatie), writes in services."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from PIL import Image

from accounts.access import coordinatie_vereist, inzage_vereist, rol_vereist, triage_vereist
from accounts.roles import mag_triageren
from acties import selectors as actie_selectors
from hotspots import selectors as hotspot_selectors
from hotspots.models import Hotspot
from hotspots.workflow import LEVEND, HotspotStatus
from kaart.filters import MeldingFilter, melding_filter_uit_query
from meldingen import selectors as melding_selectors
from meldingen.models import Melding, MeldingFoto
from meldingen.workflow import MeldingStatus

from . import selectors, services
from .forms import AFWIJS_REDENEN, BulkForm, InzageFilterForm, TriageForm
from .models import InzagePagina

WACHTRIJ_PER_PAGINA = 25
WACHTRIJ_EXPORT_MAX = 10_000  # a queue is what waits for triage; more than this is not a queue
DUIMNAGELS_PER_MELDING = 3
DUIMNAGEL_PX = 96  # shown at 32 px; three times that for sharp screens
INZAGE_PER_PAGINA = 50


def mag_fotos_zien(user) -> bool:
    """Photos may show the reporter's own window or street: only the roles that work the cases see
    them (coordinator, approver, administrator). The auditor reads the trail, not the photos; a partner
    never sees a melding at all."""
    return mag_triageren(user)


fotos_vereist = rol_vereist(mag_fotos_zien)
KAART_MELDINGEN_URL = "/api/v1/kaart/meldingen"
KAART_HOTSPOTS_URL = "/api/v1/hotspots"
KAART_ACTIES_URL = "/api/v1/kaart/acties"


def _filter_velden(filter: MeldingFilter, *, status_standaard: bool = False) -> list[dict]:
    """The filter controls with their options, the current choice marked. A choice of several values
    (from a shared URL, `status=nieuw,afgewezen`) stays one extra option so the URL survives a submit.
    Once a stadsdeel (or wijk) is chosen, the wijk and buurt lists hold only what lies in it; each option
    carries its stadsdeel and wijk so the page's script narrows them the moment the choice changes."""
    opties = melding_selectors.filter_keuzes()
    ouders = melding_selectors.gebied_ouders()

    def gebied(naam: str, code: str) -> tuple[str, str]:
        """(stadsdeel, wijk) of a wijk or buurt option."""
        if naam == "wijk":
            return ouders["wijk"].get(code, ""), code
        if naam == "buurt":
            wijk = ouders["buurt"].get(code, "")
            return ouders["wijk"].get(wijk, ""), wijk
        return "", ""

    def optie(naam: str, code: str, label, gekozen: tuple[str, ...]) -> dict:
        stadsdeel, wijk = gebied(naam, code)
        buiten = (naam in ("wijk", "buurt") and filter.stadsdeel and stadsdeel not in filter.stadsdeel) or (
            naam == "buurt" and filter.wijk and wijk not in filter.wijk
        )
        return {
            "code": code,
            "label": str(label),
            "gekozen": code in gekozen and len(gekozen) == 1,
            "stadsdeel": stadsdeel,
            "wijk": wijk,
            # Rendered hidden rather than left out: the script shows it again when the stadsdeel changes
            # before the next submit.
            "verborgen": code not in gekozen and bool(buiten),
        }

    labels = {
        "stadsdeel": _("Stadsdeel"),
        "wijk": _("Wijk"),
        "buurt": _("Buurt"),
        "locatie_type": _("Soort plek"),
        "waarneming": _("Waarneming"),
        "status": _("Status (kaart)"),
        "kanaal": _("Kanaal"),
        "melder_rol": _("Rol van de melder"),
    }
    velden = []
    for naam, keuzes in opties.items():
        gekozen = getattr(filter, naam)
        if naam == "status" and status_standaard:
            gekozen = (MeldingStatus.NIEUW.value,)  # the map's default, as werkkaart.js applies it
        velden.append(
            {
                "naam": naam,
                "label": labels[naam],
                "opties": [optie(naam, code, label, gekozen) for code, label in keuzes],
                "meervoud": ",".join(gekozen) if len(gekozen) > 1 else "",
            }
        )
    return velden


def terug_url(request, standaard: str) -> str:
    """Where a triage form returns to: the screen with its filter, never another site."""
    volgende = request.POST.get("volgende", "")
    if volgende.startswith("/coordinatie/") and url_has_allowed_host_and_scheme(
        volgende, allowed_hosts={request.get_host()}
    ):
        return volgende
    return standaard


SORTERINGEN = {
    "ontvangen": gettext_lazy("Oudste eerst"),
    "-ontvangen": gettext_lazy("Nieuwste eerst"),
    "waargenomen": gettext_lazy("Eerst gezien eerst"),
    "-waargenomen": gettext_lazy("Laatst gezien eerst"),
    "buurt": gettext_lazy("Op buurtnaam"),
}


@dataclass(frozen=True)
class Lijstkeuze:
    """The queue's own choices beside the shared filter: its order and "only new since my last visit"."""

    sortering: str = "ontvangen"
    alleen_nieuw: bool = False

    @classmethod
    def uit_query(cls, query) -> Lijstkeuze:
        sortering = query.get("sorteer", "")
        return cls(
            sortering=sortering if sortering in SORTERINGEN else "ontvangen",
            alleen_nieuw=query.get("nieuw") == "1",
        )

    def als_dict(self) -> dict[str, str]:
        uit = {}
        if self.sortering != "ontvangen":
            uit["sorteer"] = self.sortering
        if self.alleen_nieuw:
            uit["nieuw"] = "1"
        return uit


def _lijst_query(filter: MeldingFilter, keuze: Lijstkeuze) -> str:
    return urlencode({**filter.als_dict(), **keuze.als_dict()})


def _wachtrij_filter(request) -> tuple[MeldingFilter, dict]:
    try:
        return melding_filter_uit_query(request.GET), {}
    except ValidationError as exc:
        return MeldingFilter(), exc.message_dict


@require_GET
@coordinatie_vereist
def werkscherm(request):
    filter, fouten = _wachtrij_filter(request)
    keuze = Lijstkeuze.uit_query(request.GET)
    grens = services.wachtrij_bezoek_registreren(gebruiker=request.user)
    wachtrij = melding_selectors.meldingen_wachtrij(
        filter=filter, sortering=keuze.sortering, nieuw_na=grens if keuze.alleen_nieuw else None
    )
    pagina = Paginator(wachtrij, WACHTRIJ_PER_PAGINA).get_page(request.GET.get("pagina"))
    ids = [m.pk for m in pagina.object_list]
    kandidaten = melding_selectors.melding_dubbel_kandidaten(melding_ids=ids)
    hotspots = hotspot_selectors.hotspot_keuzes(meldingen=pagina.object_list)
    intimidatie = melding_selectors.meldingen_intimidatie(ids=ids)
    zelfverraad = melding_selectors.meldingen_zelfverraad(meldingen=pagina.object_list)
    # Thumbnails only for the roles that may see photos; the queue's one audit row names them.
    fotos = melding_selectors.meldingen_foto_ids(melding_ids=ids) if mag_fotos_zien(request.user) else {}
    services.inzagen_vastleggen(
        meldingen=list(pagina.object_list),
        gebruiker=request.user,
        pagina=InzagePagina.WACHTRIJ,
        foto_ids=[f for m in ids for f in fotos.get(m, [])[:DUIMNAGELS_PER_MELDING]],
    )
    labels = melding_selectors.waarneming_labels()
    items = [
        {
            "melding": m,
            "fotos": fotos.get(m.pk, [])[:DUIMNAGELS_PER_MELDING],
            "nieuw": m.pk > grens,
            "waarnemingen": [labels.get(c, c) for c in m.waarnemingen],
            "kandidaten": kandidaten.get(m.pk, []),
            "hotspots": hotspots.get(m.pk, []),
            "intimidatie": intimidatie.get(m.pk),
            "zelfverraad": zelfverraad.get(m.pk),
        }
        for m in pagina
    ]
    return render(
        request,
        "coordinatie/werkscherm.html",
        {
            "nav": "werkscherm",
            "filter": filter,
            "keuze": keuze,
            "filter_query": _lijst_query(filter, keuze),
            "fouten": fouten,
            "velden": _filter_velden(filter, status_standaard="status" not in request.GET),
            "sorteringen": list(SORTERINGEN.items()),
            "aantal_nieuw": melding_selectors.meldingen_wachtrij(filter=filter, nieuw_na=grens).count(),
            "mag_triageren": mag_triageren(request.user),
            "pagina": pagina,
            "items": items,
            "afwijs_redenen": AFWIJS_REDENEN,
            "kaart_urls": {
                "meldingen": KAART_MELDINGEN_URL,
                "hotspots": KAART_HOTSPOTS_URL,
                "acties": KAART_ACTIES_URL,
            },
            "statussen": {k: str(v) for k, v in MeldingStatus.choices},
            "hotspot_statussen": {k: str(v) for k, v in HotspotStatus.choices},
        },
    )


@require_POST
@coordinatie_vereist
def zoeken(request):
    """Find one melding by its staff reference or by the meldcode a caller reads out. A POST, so the
    meldcode never lands in a URL, the browser's history or an access log; the answer is the melding's
    page under its reference."""
    term = request.POST.get("term", "").strip()[:40]
    melding = melding_selectors.melding_zoeken(term=term) if term else None
    if melding is None:
        if term:
            messages.error(request, _("Geen melding gevonden met deze referentie of meldcode."))
        else:
            messages.error(request, _("Vul een referentie (M-…) of een meldcode in."))
        return HttpResponseRedirect(reverse("coordinatie:werkscherm"))
    return HttpResponseRedirect(reverse("coordinatie:melding", args=[melding.pk]))


@require_GET
@coordinatie_vereist
def wachtrij_export(request):
    """The filtered queue as CSV, in the queue's order: what the cards show (never a photo, never the
    meldcode), one audit row naming every melding in it."""
    filter, fouten = _wachtrij_filter(request)
    if fouten:
        return HttpResponse(
            "\n".join(f for lijst in fouten.values() for f in lijst),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    keuze = Lijstkeuze.uit_query(request.GET)
    grens = selectors.wachtrij_grens(gebruiker=request.user)
    meldingen = list(
        melding_selectors.meldingen_wachtrij(
            filter=filter, sortering=keuze.sortering, nieuw_na=grens if keuze.alleen_nieuw else None
        )[:WACHTRIJ_EXPORT_MAX]
    )
    services.inzagen_vastleggen(meldingen=meldingen, gebruiker=request.user, pagina=InzagePagina.WACHTRIJ_EXPORT)
    labels = melding_selectors.waarneming_labels()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="wachtrij.csv"'
    response["Cache-Control"] = "private, no-store"
    response.write("\ufeff")  # so Excel reads UTF-8
    schrijver = csv.writer(response, delimiter=";")
    schrijver.writerow(
        [
            _("referentie"),
            _("binnengekomen"),
            _("gezien op"),
            _("dagdeel"),
            _("stadsdeel"),
            _("wijk"),
            _("buurt"),
            _("soort plek"),
            _("plek (omschrijving)"),
            _("waarnemingen"),
            _("omschrijving"),
            _("kanaal"),
            _("rol van de melder"),
            _("plaats onnauwkeurig"),
            _("nieuw sinds vorig bezoek"),
        ]
    )
    ja, nee = _("ja"), _("nee")
    for m in meldingen:
        schrijver.writerow(
            [
                m.referentie,
                timezone.localtime(m.ontvangen_op).strftime("%d-%m-%Y %H:00"),
                timezone.localtime(m.observed_at).strftime("%d-%m-%Y"),
                m.get_dagdeel_display(),
                m.buurt.wijk.stadsdeel.naam,
                m.buurt.wijk.naam,
                m.buurt.naam,
                m.locatie_type.label,
                _csv_cel(m.locatie_omschrijving),
                ", ".join(str(labels.get(c, c)) for c in m.waarnemingen),
                _csv_cel(m.omschrijving),
                m.get_kanaal_display(),
                m.melder_rol.label,
                ja if m.locatie_onnauwkeurig else nee,
                ja if m.pk > grens else nee,
            ]
        )
    return response


def _wil_json(request) -> bool:
    """The queue's script (wachtrij.js) asks for JSON so a step needs no page reload; a form without
    the script gets the redirect with its messages, as before."""
    return "application/json" in request.headers.get("Accept", "")


def _triage_json(melding_pk: int, gelukt: bool, berichten: list[str], *, status: int = 200) -> JsonResponse:
    nu = melding_selectors.melding_met_id(pk=melding_pk)
    return JsonResponse(
        {
            "gelukt": gelukt,
            "berichten": [str(b) for b in berichten],
            # Whether the card still belongs in the queue: after a lost race it may not, even on failure.
            "in_wachtrij": nu is not None and nu.status == MeldingStatus.NIEUW,
            "status": str(MeldingStatus(nu.status).label) if nu else "",
        },
        status=status,
    )


@require_POST
@triage_vereist
def triage(request, pk: int):
    melding = melding_selectors.melding_met_id(pk=pk)
    if melding is None:
        raise Http404
    terug = terug_url(request, reverse("coordinatie:melding", args=[pk]))
    form = TriageForm(request.POST)
    if not form.is_valid():
        fouten = [f"{melding.referentie}: {fout}" for lijst in form.errors.values() for fout in lijst]
        if _wil_json(request):
            return _triage_json(pk, False, fouten, status=400)
        for fout in fouten:
            messages.error(request, fout)
        return HttpResponseRedirect(terug)
    uitkomst = services.melding_triage(
        melding=melding, actie=form.cleaned_data["actie"], gegevens=form.cleaned_data, actor=request.user
    )
    if _wil_json(request):
        return _triage_json(pk, uitkomst.gelukt, uitkomst.berichten, status=200 if uitkomst.gelukt else 409)
    for bericht in uitkomst.berichten:
        (messages.success if uitkomst.gelukt else messages.error)(request, bericht)
    return HttpResponseRedirect(terug)


@require_POST
@triage_vereist
def bulk(request):
    terug = terug_url(request, reverse("coordinatie:werkscherm"))
    form = BulkForm(request.POST)
    if not form.is_valid():
        for fouten in form.errors.values():
            for fout in fouten:
                messages.error(request, fout)
        return HttpResponseRedirect(terug)
    data = form.cleaned_data
    resultaat = services.meldingen_bulk(
        melding_ids=data["meldingen"], actie=data["actie"], actor=request.user, reden=data["reden"]
    )
    if resultaat.gelukt:
        messages.success(
            request,
            _("%(n)s meldingen bijgewerkt: %(codes)s.")
            % {"n": len(resultaat.gelukt), "codes": ", ".join(resultaat.gelukt)},
        )
    for code, waarom in resultaat.mislukt:
        messages.error(request, f"{code}: {waarom}")
    return HttpResponseRedirect(terug)


def _geojson(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": features}


@require_GET
@coordinatie_vereist
def melding(request, pk: int):
    try:
        m = melding_selectors.melding_voor_staf(pk=pk)
    except Melding.DoesNotExist:
        raise Http404 from None
    services.inzage_vastleggen(melding=m, gebruiker=request.user)
    omgeving = melding_selectors.meldingen_in_de_buurt(melding=m)
    kaart = _geojson(
        [
            {
                "type": "Feature",
                "geometry": json.loads(m.punt.geojson),
                "properties": {"soort": "melding", "referentie": m.referentie, "status": m.status},
            }
        ]
        + [
            {
                "type": "Feature",
                "geometry": json.loads(o.geojson),
                "properties": {
                    "soort": "omgeving",
                    "referentie": o.referentie,
                    "status": o.status,
                    "url": reverse("coordinatie:melding", args=[o.pk]),
                },
            }
            for o in omgeving
        ]
    )
    ids = [m.pk]
    return render(
        request,
        "coordinatie/melding.html",
        {
            "nav": "werkscherm",
            "melding": m,
            "waarnemingen": [melding_selectors.waarneming_labels().get(c, c) for c in m.waarnemingen],
            "historie": melding_selectors.melding_historie(melding=m),
            "notities": selectors.melding_notities(melding_id=m.pk),
            "hotspots": hotspot_selectors.melding_hotspots(melding_id=m.pk),
            "hotspot_keuzes": hotspot_selectors.hotspot_keuzes(meldingen=[m]).get(m.pk, []),
            "kandidaten": melding_selectors.melding_dubbel_kandidaten(melding_ids=ids).get(m.pk, []),
            "duplicaten": melding_selectors.melding_duplicaten(melding=m),
            "omgeving": omgeving,
            "fotos": melding_selectors.melding_fotos(melding=m),
            "aanvullingen": melding_selectors.melding_aanvullingen(melding_id=m.pk),
            "kaart": kaart,
            "afwijs_redenen": AFWIJS_REDENEN,
            "is_nieuw": m.status == MeldingStatus.NIEUW,
            "is_open": m.status in (MeldingStatus.NIEUW, MeldingStatus.IN_BEHANDELING),
            "is_gesloten": m.status in (MeldingStatus.AFGEHANDELD, MeldingStatus.AFGEWEZEN),
            "ongedaan": _ongedaan_label(m),
            "acties": actie_selectors.acties_met_historie(melding_id=m.pk),
            "intimidatie": melding_selectors.meldingen_intimidatie(ids=[m.pk]).get(m.pk),
            "zelfverraad": melding_selectors.meldingen_zelfverraad(meldingen=[m]).get(m.pk),
            "voorstel_query": f"meldingen={m.pk}",
        },
    )


@require_POST
@triage_vereist
def melding_plaats(request, pk: int):
    """Puts a melding filed with only its buurt on the map (issue 17)."""
    melding = melding_selectors.melding_met_id(pk=pk)
    if melding is None:
        raise Http404
    try:
        naam = services.melding_plaats_vastleggen(
            melding=melding, adres=request.POST.get("adres", "")[:200], actor=request.user
        )
    except ValidationError as fout:
        for bericht in fout.messages:
            messages.error(request, bericht)
    else:
        messages.success(request, _("De melding staat nu op de kaart: %(p)s.") % {"p": naam})
    return HttpResponseRedirect(reverse("coordinatie:melding", args=[pk]))


def _ongedaan_label(m) -> str:
    """The button text to undo the melding's last step, if that was an accept or a reject (issue 17)."""
    stap = melding_selectors.melding_laatste_stap(melding_id=m.pk)
    if stap is None or stap[1] != m.status:
        return ""
    if stap == (MeldingStatus.NIEUW, MeldingStatus.IN_BEHANDELING):
        return _("Accepteren ongedaan maken")
    if stap[1] == MeldingStatus.AFGEWEZEN:
        return _("Afwijzen ongedaan maken")
    return ""


@require_GET
@coordinatie_vereist
def hotspot(request, pk: int):
    try:
        h = hotspot_selectors.hotspot_voor_staf(pk=pk)
    except Hotspot.DoesNotExist:
        raise Http404 from None
    polygon = h.polygon_geojson
    leden = selectors.hotspot_leden(hotspot=h)
    labels = melding_selectors.waarneming_labels()
    for lid in leden:
        lid.waarneming_teksten = [labels.get(c, c) for c in lid.waarnemingen]
    kaart = _geojson(
        [{"type": "Feature", "geometry": json.loads(polygon), "properties": {"soort": "hotspot", "trend": h.trend}}]
        + [
            {
                "type": "Feature",
                "geometry": json.loads(m.geojson),
                "properties": {
                    "soort": "omgeving",
                    "referentie": m.referentie,
                    "status": m.status,
                    "url": reverse("coordinatie:melding", args=[m.pk]),
                },
            }
            for m in leden
        ]
    )
    return render(
        request,
        "coordinatie/hotspot.html",
        {
            "nav": "werkscherm",
            "hotspot": h,
            "tijdlijn": selectors.hotspot_tijdlijn(hotspot=h),
            "verdeling": selectors.hotspot_verdeling(hotspot=h),
            "leden": leden,
            "aantal_leden": hotspot_selectors.hotspot_aantal_leden(hotspot=h),
            "identiteit": hotspot_selectors.hotspot_identiteit(hotspot=h),
            "acties": actie_selectors.acties_met_historie(hotspot_id=h.pk),
            "voorstel_query": f"hotspot={h.pk}" if h.status in LEVEND else "",
            "kaart": kaart,
        },
    )


def foto_bestaat(bestand) -> bool:
    return bool(bestand) and (settings.FOTO_SERVEREN != "django" or bestand.storage.exists(bestand.name))


def foto_antwoord(bestand, *, bestandsnaam: str) -> HttpResponse:
    """A private photo (a reporter's or a partner's) as the response: in production the web server
    sends it from an internal location (FOTO_SERVEREN), never cached by a browser or a proxy."""
    modus = settings.FOTO_SERVEREN
    response: HttpResponse
    if modus == "nginx":
        response = HttpResponse(content_type="image/jpeg")
        response["X-Accel-Redirect"] = settings.FOTO_ACCEL_PREFIX.rstrip("/") + "/" + quote(bestand.name)
    elif modus == "apache":
        response = HttpResponse(content_type="image/jpeg")
        response["X-Sendfile"] = bestand.path
    else:
        response = FileResponse(bestand.open("rb"), content_type="image/jpeg")
    # Never kept by a browser cache or a shared proxy: the next view must come back here (and be logged).
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = f'inline; filename="{bestandsnaam}"'
    return response


@require_GET
@fotos_vereist
def foto_klein(request, pk: int):
    """A queue thumbnail: only of a photo that a queue load of this user in the last hour showed, so the
    queue's audit row already records it (no row per thumbnail). Anything else is a 404, like a photo
    that does not exist. Made here from the stored file (already stripped of metadata), never cached."""
    if not selectors.foto_in_wachtrij_getoond(gebruiker=request.user, foto_id=pk):
        raise Http404
    try:
        f = melding_selectors.melding_foto(pk=pk)
    except MeldingFoto.DoesNotExist:
        raise Http404 from None
    if not f.bestand or not f.bestand.storage.exists(f.bestand.name):
        raise Http404
    with f.bestand.open("rb") as bron, Image.open(bron) as beeld:
        beeld.thumbnail((DUIMNAGEL_PX, DUIMNAGEL_PX))
        uit = io.BytesIO()
        beeld.convert("RGB").save(uit, "JPEG", quality=70)
    response = HttpResponse(uit.getvalue(), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@fotos_vereist
def foto(request, pk: int):
    """A reporter's photo, to the roles that may see it, each view in the audit trail. The file sits in
    private storage (meldingen/storage.py)."""
    try:
        f = melding_selectors.melding_foto(pk=pk)
    except MeldingFoto.DoesNotExist:
        raise Http404 from None
    if not foto_bestaat(f.bestand):
        raise Http404
    services.inzage_vastleggen(melding=f.melding, gebruiker=request.user, pagina=InzagePagina.FOTO, foto_id=f.pk)
    return foto_antwoord(f.bestand, bestandsnaam=f"foto-{f.melding_id}-{f.pk}.jpg")


def _inzage_criteria(request) -> tuple[InzageFilterForm, dict]:
    form = InzageFilterForm(request.GET or None)
    criteria = form.cleaned_data if form.is_valid() else {}
    return form, {k: v for k, v in criteria.items() if v}


def _csv_cel(waarde) -> str:
    """A spreadsheet must not run what a user name or a note starts with (=, +, -, @)."""
    tekst = "" if waarde is None else str(waarde)
    return "'" + tekst if tekst[:1] in ("=", "+", "-", "@", "\t", "\r") else tekst


@require_GET
@inzage_vereist
def inzage_export(request):
    """The filtered trail as CSV. Taking the trail home is itself written to the trail."""
    _form, criteria = _inzage_criteria(request)
    rijen = list(selectors.inzage_zoeken(**criteria))
    services.inzage_export_vastleggen(
        gebruiker=request.user,
        filter_omschrijving=", ".join(f"{k}={v}" for k, v in criteria.items()),
        aantal=len(rijen),
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="inzagelog.csv"'
    response["Cache-Control"] = "private, no-store"
    schrijver = csv.writer(response)
    schrijver.writerow(
        [
            "tijdstip",
            "gebruiker",
            "soort",
            "melding",
            "meldingen",
            "foto_id",
            "toelichting",
        ]
    )
    for i in rijen:
        schrijver.writerow(
            [
                i.tijdstip.isoformat(),
                _csv_cel(i.gebruikersnaam),
                i.pagina,
                i.referentie,
                " ".join(i.referenties),
                i.foto_id or "",
                _csv_cel(i.toelichting),
            ]
        )
    return response


@require_GET
@inzage_vereist
def inzage(request):
    form, criteria = _inzage_criteria(request)
    qs = selectors.inzage_zoeken(**criteria)
    # The page number is `blz`: `pagina` is the filter on the kind of view (an old name kept for links).
    pagina = Paginator(qs, INZAGE_PER_PAGINA).get_page(request.GET.get("blz"))
    query = request.GET.copy()
    query.pop("blz", None)
    return render(
        request,
        "coordinatie/inzage.html",
        {"nav": "inzage", "form": form, "pagina": pagina, "query": query.urlencode()},
    )
