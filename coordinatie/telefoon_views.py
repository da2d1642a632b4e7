"""A report taken by phone (issue 17): a coordinator enters it with the residents' own form, service and
rules (the place found through PDOK, the same checks, photos stripped, contact details taken out of the
text), as `kanaal=telefoon`. The caller is told the meldcode; nothing about the caller is stored."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.access import triage_vereist
from meldingen.forms import MeldingForm
from meldingen.intake import formulier_indienen, melding_met_inzend_sleutel, plek_uit_formulier
from meldingen.models import Kanaal
from meldingen.services import inzend_sleutel_hash


@require_http_methods(["GET", "POST"])
@triage_vereist
def melding_telefoon(request):
    if request.method == "GET":
        return render(request, "coordinatie/telefoon.html", {"form": MeldingForm(), "nav": "telefoon"})
    sleutel = request.POST.get("inzend_sleutel", "")[:64]
    inzend_sleutel = inzend_sleutel_hash(sleutel) if sleutel else None
    form = MeldingForm(request.POST, request.FILES)
    if request.POST.get("actie") == "zoeken":
        form.is_valid()
        _locatie, kandidaten = plek_uit_formulier(form)
        form.set_kandidaten(kandidaten)
        return render(request, "coordinatie/telefoon.html", {"form": form, "nav": "telefoon", "gezocht": True})
    melding = (melding_met_inzend_sleutel(inzend_sleutel) if inzend_sleutel else None) or formulier_indienen(
        form, inzend_sleutel=inzend_sleutel, melder_sleutel="", kanaal=Kanaal.TELEFOON
    )
    if melding is None:
        return render(request, "coordinatie/telefoon.html", {"form": form, "nav": "telefoon"}, status=400)
    messages.success(
        request,
        _("De melding is vastgelegd. Geef de beller de meldcode: %(code)s. Daarmee volgt de beller de melding.")
        % {"code": melding.meldcode},
    )
    return HttpResponseRedirect(reverse("coordinatie:melding", args=[melding.pk]))
