"""The coordinators' side of actions (issue 13): propose one from a hotspot, a melding or a selection of
the queue; the action's own page with its history, where it is submitted, approved (four eyes),
assigned, cancelled, and where its meldingen are closed after completion; the partner's photo.

Thin like views.py: reads in acties.selectors, every change through acties.services.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import coordinatie_vereist, goedkeuren_vereist, triage_vereist
from accounts.selectors import organisaties_actief
from acties import selectors as actie_selectors
from acties import services as actie_services
from acties.models import Actie, ActieFoto, ActieInzageSoort, ActieType
from acties.workflow import ActieStatus, InvalidTransition
from basis.formulieren import fouten_als_berichten, fouten_op_formulier
from hotspots import selectors as hotspot_selectors
from hotspots.models import Hotspot
from integrations import dienst_sms, email, webhooks
from integrations.models import WebhookBericht
from meldingen import selectors as melding_selectors

from . import services
from .forms import (
    ActieBesluitForm,
    ActieBevestigingForm,
    ActieFilterForm,
    ActieStapForm,
    ActieVoorstelForm,
    MeldingenAfsluitenForm,
)
from .views import foto_antwoord, foto_bestaat, fotos_vereist, terug_url

MAX_MELDINGEN = 200


def _actie_of_404(pk: int) -> Actie:
    try:
        return actie_selectors.actie_voor_staf(pk=pk)
    except Actie.DoesNotExist:
        raise Http404 from None


ACTIES_PER_PAGINA = 50


@require_GET
@coordinatie_vereist
def acties(request):
    """Every action, filtered and sorted by the URL (works without JavaScript; a link is the view)."""
    form = ActieFilterForm(
        request.GET or None,
        typen=[(t.code, t.label) for t in actie_selectors.actie_typen_actief()],
        partners=list(organisaties_actief().order_by("naam").values_list("code", "naam")),
        stadsdelen=melding_selectors.stadsdeel_keuzes(),
    )
    gegevens = form.cleaned_data if form.is_bound and form.is_valid() else {}
    filter = actie_selectors.ActieFilter(
        **{k: v for k, v in gegevens.items() if v not in (None, "")} | {"te_laat": bool(gegevens.get("te_laat"))}
    )
    pagina = Paginator(actie_selectors.acties_lijst(filter=filter), ACTIES_PER_PAGINA).get_page(
        request.GET.get("pagina")
    )
    query = request.GET.copy()
    query.pop("pagina", None)
    return render(
        request,
        "coordinatie/acties.html",
        {
            "nav": "acties",
            "form": form,
            "pagina": pagina,
            "query": query.urlencode(),
            "wacht_op_akkoord": actie_selectors.acties_aantal_wacht_op_akkoord(),
        },
    )


@require_GET
@goedkeuren_vereist
def akkoord(request):
    """The approver's queue: actions waiting for the second pair of eyes, oldest first, each with what
    an approver weighs (type, covenant, target, the reports' independence) and approve / send back.
    The user's own proposals are listed but cannot be approved by them (four eyes)."""
    wachtend = actie_selectors.acties_wacht_op_akkoord()
    return render(
        request,
        "coordinatie/akkoord.html",
        {
            "nav": "akkoord",
            "rijen": [
                {"actie": a, "eigen": a.voorgesteld_door_id == request.user.pk, "onderbouwing": o} for a, o in wachtend
            ],
            "totaal": actie_selectors.acties_aantal_wacht_op_akkoord(),
        },
    )


def _ids(waarden: list[str]) -> list[int]:
    return [int(w) for w in waarden if w.isdigit()][:MAX_MELDINGEN]


def _doel(request):
    """The target from the query or the form: a hotspot and/or meldingen (ids)."""
    bron = request.POST if request.method == "POST" else request.GET
    hotspot = None
    if (hid := bron.get("hotspot", "")).isdigit():
        try:
            hotspot = hotspot_selectors.hotspot_voor_staf(pk=int(hid))
        except Hotspot.DoesNotExist:
            raise Http404 from None
    meldingen = list(melding_selectors.meldingen_met_ids(ids=_ids(bron.getlist("meldingen"))))
    return hotspot, meldingen


@require_http_methods(["GET", "POST"])
@triage_vereist
def actie_nieuw(request):
    hotspot, meldingen = _doel(request)
    if hotspot is None and not meldingen:
        messages.error(request, _("Kies eerst een hotspot of een of meer meldingen voor de actie."))
        return HttpResponseRedirect(reverse("coordinatie:werkscherm"))
    context = {"nav": "acties", "hotspot": hotspot, "meldingen": meldingen}
    code = (request.POST if request.method == "POST" else request.GET).get("type", "")
    try:
        type_ = actie_selectors.actie_type_met_code(code) if code else None
    except ActieType.DoesNotExist:
        type_ = None
    # Step 1: which kind of action (also where the queue's selection arrives, by POST from its form).
    if type_ is None or request.POST.get("bron") == "selectie":
        return render(
            request, "coordinatie/actie_type_kiezen.html", {**context, "typen": actie_selectors.actie_typen_actief()}
        )

    partijen = actie_selectors.convenant_partijen(type_.convenant)
    context.update(type=type_, woning=type_.richt_zich_op_woning)
    if request.method == "GET":
        form = ActieVoorstelForm(partijen=partijen)
        return render(request, "coordinatie/actie_nieuw.html", {**context, "form": form})

    form = ActieVoorstelForm(request.POST, partijen=partijen)
    if form.is_valid():
        d = form.cleaned_data
        try:
            gevonden = services.actie_adres_zoeken(d["adres"]) if d["adres"].strip() else None
            actie = actie_services.actie_voorstellen(
                type=type_,
                door=request.user,
                hotspot=hotspot,
                meldingen=meldingen,
                adres=gevonden.naam if gevonden else "",
                bag_id=d["bag_id"],
                punt=gevonden.punt if gevonden else None,
                verantwoordelijke=d["verantwoordelijke"],
                deelnemers=d["deelnemers"],
                urgentie=d["urgentie"],
                gepland_van=_dag(d["gepland_van"]),
                gepland_tot=_dag(d["gepland_tot"]),
                partner_samenvatting=d["partner_samenvatting"],
                publieke_samenvatting=d["publieke_samenvatting"],
                interne_notitie=d["interne_notitie"],
            )
        except ValidationError as fout:
            fouten_op_formulier(form, fout)
        else:
            messages.success(request, _("Actie %(id)s is voorgesteld.") % {"id": actie.pk})
            return HttpResponseRedirect(reverse("coordinatie:actie", args=[actie.pk]))
    return render(request, "coordinatie/actie_nieuw.html", {**context, "form": form}, status=400)


def _dag(datum):
    if datum is None:
        return None
    return timezone.make_aware(timezone.datetime(datum.year, datum.month, datum.day))


# The coordinator's and approver's steps (the partner's are in partner/).
STAF_STAPPEN = (
    ActieStatus.WACHT_OP_AKKOORD,
    ActieStatus.GOEDGEKEURD,
    ActieStatus.VOORGESTELD,
    ActieStatus.TOEGEWEZEN,
    ActieStatus.GEANNULEERD,
)


@require_GET
@coordinatie_vereist
def actie(request, pk: int):
    a = _actie_of_404(pk)
    actie_services.actie_inzage_vastleggen(gebruiker=request.user, actie_ids=[a.pk], soort=ActieInzageSoort.ACTIEPAGINA)
    stappen = actie_services.actie_mogelijke_stappen(actie=a, actor=request.user, naar=STAF_STAPPEN)
    meldingen = list(actie_selectors.actie_meldingen(actie=a))
    return render(
        request,
        "coordinatie/actie.html",
        {
            "nav": "acties",
            "actie": a,
            "historie": actie_selectors.actie_historie(actie=a),
            "meldingen": meldingen,
            "open_meldingen": [m for m in meldingen if m.status in ("nieuw", "in_behandeling")],
            "fotos": actie_selectors.actie_fotos(actie=a),
            "stappen": stappen,
            "stap_form": ActieStapForm(
                partijen=actie_selectors.convenant_partijen(a.convenant),
                initial={"verantwoordelijke": a.verantwoordelijke_id},
            ),
            "afsluiten_form": MeldingenAfsluitenForm(),
            "wacht_op_ander": a.status == ActieStatus.WACHT_OP_AKKOORD and a.voorgesteld_door_id == request.user.pk,
            "melder_alleen_status": not actie_selectors.actie_melder_mag_uitkomst_horen(a),
            "woning": actie_selectors.actie_richt_zich_op_woning(a),
            "onderbouwing": actie_selectors.actie_onderbouwing(a),
            "te_laat": actie_selectors.actie_is_te_laat(a),
            "signalen": actie_selectors.actie_signalen(actie=a).select_related("organisatie"),
            "bevestigingen": actie_selectors.actie_bevestigingen(actie=a),
            "bevestiging_form": ActieBevestigingForm(),
            "webhooks": webhooks.webhook_berichten_van_actie(actie_id=a.pk),
            "emails": email.emails_van_actie(actie_id=a.pk),
            "sms": dienst_sms.sms_van_actie(actie_id=a.pk),
            "S": ActieStatus,
        },
    )


@require_POST
@triage_vereist
def actie_stap(request, pk: int):
    a = _actie_of_404(pk)
    terug = HttpResponseRedirect(terug_url(request, reverse("coordinatie:actie", args=[pk])))
    form = ActieStapForm(request.POST, partijen=actie_selectors.convenant_partijen(a.convenant))
    if not form.is_valid():
        fouten_als_berichten(request, form.errors)
        return terug
    d = form.cleaned_data
    try:
        actie_services.actie_transition(
            actie=a, naar=d["naar"], actor=request.user, reden=d["reden"], verantwoordelijke=d["verantwoordelijke"]
        )
    except InvalidTransition:
        messages.error(request, _("Deze stap kan nu niet: de actie is intussen gewijzigd."))
    except PermissionDenied:
        messages.error(
            request, _("Deze stap is niet aan u: een partner accepteert en rondt af, een approver keurt goed.")
        )
    except ValidationError as fout:
        fouten_als_berichten(request, fout)
    else:
        messages.success(request, _("De actie is nu „%(status)s”.") % {"status": ActieStatus(d["naar"]).label})
    return terug


@require_POST
@triage_vereist
def actie_meldingen_afsluiten(request, pk: int):
    a = _actie_of_404(pk)
    form = MeldingenAfsluitenForm(request.POST)
    if not form.is_valid():
        fouten_als_berichten(request, form.errors)
    else:
        try:
            historie = actie_services.acties_meldingen_afsluiten(
                actie=a, notitie=form.cleaned_data["notitie"], actor=request.user
            )
        except ValidationError as fout:
            fouten_als_berichten(request, fout)
        else:
            n = len({e.melding_id for e in historie})
            messages.success(request, _("%(n)s meldingen afgehandeld.") % {"n": n})
    return HttpResponseRedirect(reverse("coordinatie:actie", args=[pk]))


@require_POST
@triage_vereist
def actie_bevestigen(request, pk: int):
    """A staff confirmation of what the reports say about a dwelling (issue 14's safeguard)."""
    a = _actie_of_404(pk)
    form = ActieBevestigingForm(request.POST)
    if not form.is_valid():
        fouten_als_berichten(request, form.errors)
    else:
        try:
            actie_services.actie_bevestigen(actie=a, door=request.user, **form.cleaned_data)
        except InvalidTransition:
            messages.error(request, _("De actie is gesloten; een bevestiging voegt niets meer toe."))
        except ValidationError as fout:
            fouten_als_berichten(request, fout)
        else:
            messages.success(request, _("De bevestiging is vastgelegd."))
    return HttpResponseRedirect(reverse("coordinatie:actie", args=[pk]))


@require_POST
@triage_vereist
def actie_besluit(request, pk: int):
    """The day a 13b closure's decision became public (issue 16): from then on it may be published."""
    a = _actie_of_404(pk)
    form = ActieBesluitForm(request.POST)
    if not form.is_valid():
        fouten_als_berichten(request, form.errors)
    else:
        try:
            actie_services.actie_besluit_openbaar_zetten(
                actie=a, datum=form.cleaned_data["besluit_openbaar_op"], actor=request.user
            )
        except ValidationError as fout:
            fouten_als_berichten(request, fout)
        else:
            messages.success(request, _("De datum van het besluit is vastgelegd."))
    return HttpResponseRedirect(reverse("coordinatie:actie", args=[pk]) + "#kop-besluit")


@require_POST
@triage_vereist
def webhook_opnieuw(request, pk: int, bericht_id: int):
    """A coordinator resends a webhook message that became a dead letter (issue 15)."""
    a = _actie_of_404(pk)
    try:
        webhooks.bericht_opnieuw(bericht_id=bericht_id, actie_id=a.pk)
    except WebhookBericht.DoesNotExist:
        raise Http404 from None
    except ValidationError as fout:
        fouten_als_berichten(request, fout)
    else:
        messages.success(request, _("Het bericht wordt opnieuw verstuurd."))
    return HttpResponseRedirect(reverse("coordinatie:actie", args=[pk]) + "#kop-webhooks")


@require_GET
@fotos_vereist
def actie_foto(request, pk: int):
    """A partner's photo of an action, to the roles that work the cases, each view audited."""
    try:
        f = actie_selectors.actie_foto(pk=pk)
    except ActieFoto.DoesNotExist:
        raise Http404 from None
    if not foto_bestaat(f.bestand):
        raise Http404
    actie_services.actie_inzage_vastleggen(gebruiker=request.user, actie_ids=[f.actie_id], soort=ActieInzageSoort.FOTO)
    return foto_antwoord(f.bestand, bestandsnaam=f"actie-{f.actie_id}-{f.pk}.jpg")
