"""The partner portal (/partner/): an organisation's own action tickets, and the steps it takes on them.

Thin: what a partner may see comes from acties.selectors (the covenant's field list is applied there,
so no template here can show more); every step goes through acties.services.actie_transition. A
ticket of another organisation is a 404, never a 403: an id says nothing about what exists.
"""

from __future__ import annotations

import json
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.access import geen_toegang, partner_vereist
from accounts.selectors import organisatie_van
from acties import selectors, services
from acties.models import Actie, ActieInzageSoort
from acties.workflow import ActieStatus, InvalidTransition
from basis.formulieren import fouten_op_formulier

from .forms import StapForm, VoortgangForm


def met_organisatie(view):
    """The partner's own active organisation as the view's second argument (403 without one); with a
    `pk`, also the ticket, 404 when it is not the organisation's."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        organisatie = organisatie_van(request.user)
        if organisatie is None or not organisatie.actief:
            return geen_toegang(request)
        if "pk" in kwargs:
            try:
                kwargs["ticket"] = selectors.actie_voor_partner(actie_id=kwargs.pop("pk"), organisatie=organisatie)
            except Actie.DoesNotExist:
                raise Http404 from None
        return view(request, organisatie, *args, **kwargs)

    return partner_vereist(wrapper)


def alleen_uitvoerder(view):
    """A participating organisation reads only: its POSTs are refused."""

    @wraps(view)
    def wrapper(request, organisatie, ticket):
        if not ticket.verantwoordelijk:
            return geen_toegang(request)
        return view(request, organisatie, ticket)

    return wrapper


@require_GET
@met_organisatie
def lijst(request, organisatie):
    open_ = selectors.partner_tickets(organisatie=organisatie, open=True, pagina=request.GET.get("pagina"))
    gesloten = selectors.partner_tickets(organisatie=organisatie, open=False, per_pagina=20)
    services.actie_inzage_vastleggen(
        gebruiker=request.user,
        actie_ids=[t.id for t in [*open_.object_list, *gesloten.object_list]],
        soort=ActieInzageSoort.LIJST,
    )
    return render(
        request,
        "partner/lijst.html",
        {"nav": "partner", "organisatie": organisatie, "open": open_, "gesloten": gesloten},
    )


def _ticketpagina(request, ticket, organisatie, *, stap_form=None, voortgang_form=None, status=200):
    services.actie_inzage_vastleggen(gebruiker=request.user, actie_ids=[ticket.id], soort=ActieInzageSoort.TICKET)
    kaart = None
    if ticket.gebied_geojson:
        kaart = {
            "type": "FeatureCollection",
            "features": [{"type": "Feature", "geometry": json.loads(ticket.gebied_geojson), "properties": {}}],
        }
    return render(
        request,
        "partner/ticket.html",
        {
            "nav": "partner",
            "organisatie": organisatie,
            "ticket": ticket,
            "kaart": kaart,
            "stap_form": stap_form or StapForm(),
            "voortgang_form": voortgang_form or VoortgangForm(),
            "S": ActieStatus,
        },
        status=status,
    )


@require_GET
@met_organisatie
def ticket(request, organisatie, ticket):
    return _ticketpagina(request, ticket, organisatie)


def _terug(pk: int) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("partner:ticket", args=[pk]))


@require_POST
@met_organisatie
@alleen_uitvoerder
def stap(request, organisatie, ticket):
    pk = ticket.id
    form = StapForm(request.POST, request.FILES)
    if not form.is_valid():
        return _ticketpagina(request, ticket, organisatie, stap_form=form, status=400)
    d = form.cleaned_data
    try:
        services.actie_transition(
            actie=Actie(pk=pk),
            naar=d["naar"],
            actor=request.user,
            reden=d["reden"],
            uitkomst=d["uitkomst"],
            uitkomst_tekst=d["uitkomst_tekst"],
            foto=d["foto"],
        )
    except InvalidTransition:
        messages.warning(
            request, _("Deze stap kan nu niet: de actie is intussen gewijzigd. Bekijk de stand hieronder.")
        )
        return _terug(pk)
    except PermissionDenied:
        return geen_toegang(request)
    except ValidationError as fout:
        fouten_op_formulier(form, fout)
        return _ticketpagina(request, ticket, organisatie, stap_form=form, status=400)
    messages.success(request, _("Opgeslagen: de actie is nu „%(status)s”.") % {"status": ActieStatus(d["naar"]).label})
    return _terug(pk)


@require_POST
@met_organisatie
@alleen_uitvoerder
def voortgang(request, organisatie, ticket):
    pk = ticket.id
    form = VoortgangForm(request.POST)
    if not form.is_valid():
        return _ticketpagina(request, ticket, organisatie, voortgang_form=form, status=400)
    try:
        services.actie_voortgang_melden(actie=Actie(pk=pk), tekst=form.cleaned_data["tekst"], actor=request.user)
    except InvalidTransition:
        messages.warning(
            request, _("Voortgang melden kan alleen bij een geaccepteerde actie of een actie in uitvoering.")
        )
        return _terug(pk)
    except ValidationError as fout:
        fouten_op_formulier(form, fout)
        return _ticketpagina(request, ticket, organisatie, voortgang_form=form, status=400)
    messages.success(request, _("Voortgang opgeslagen."))
    return _terug(pk)
