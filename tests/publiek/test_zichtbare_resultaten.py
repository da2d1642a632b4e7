"""Issue 16: the reporter and the neighbourhood see that something happened, and never more than they may.

Actions run through the real services (proposal, assignment, the partner's steps), the pages are fetched
through Django's test client, the texts come out of the real outbox."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from acties.services import actie_besluit_openbaar_zetten, actie_transition
from hotspots.models import HotspotMelding
from integrations.models import UitgaandSms
from meldingen.models import MeldingEvent
from meldingen.workflow import MeldingStatus
from outbox.services import events_dispatch
from tests.factories import HotspotFactory, MeldingFactory
from tests.integrations.test_sms_outbound import abonnement_maken, fake_twilio_server, twilio  # noqa: F401

pytestmark = pytest.mark.django_db

GEHEIM_ADRES = "Bijlmerplein 1"
GEHEIM_UITKOMST = "Bewoner Jansen woont er niet, onderhuurder aangetroffen"
PARTIJ = {
    "buurtschouw": "handhaving",
    "box_controle": "handhaving",
    "adresonderzoek": "zoeklicht",
    "sluiting_13b": "politie",
}


@pytest.fixture
def uitvoeren(coordinator, approver, partners, org):
    """Assigns a proposed action (with the approver's yes where the type needs it) and lets its partner
    accept, start and complete it."""

    def doe(actie, *, uitkomst="uitgevoerd", tekst="", tot="afgerond"):
        partij = PARTIJ[actie.type_id]
        if actie.type.vier_ogen:
            actie_transition(actie=actie, naar="wacht_op_akkoord", actor=coordinator)
            actie_transition(actie=actie, naar="goedgekeurd", actor=approver)
        actie_transition(actie=actie, naar="toegewezen", actor=coordinator, verantwoordelijke=org[partij])
        if tot == "toegewezen":
            return actie
        for naar in ("geaccepteerd", "in_uitvoering"):
            actie_transition(actie=actie, naar=naar, actor=partners[partij])
        if tot == "afgerond":
            actie_transition(
                actie=actie, naar="afgerond", actor=partners[partij], uitkomst=uitkomst, uitkomst_tekst=tekst
            )
        actie.refresh_from_db()
        return actie

    return doe


def _status(meldcode: str, taal: str = "nl") -> str:
    with translation.override(taal):  # the previous request may have left English active in this thread
        pad = reverse("meldingen:status_zoeken")
    response = Client().post(pad, {"meldcode": meldcode})
    assert response.status_code == 200
    return response.content.decode()


def _tekst(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_een_afgeronde_actie_bij_de_hotspot_staat_op_de_statuspagina_van_zijn_melders(voorstel, uitvoeren, partners):
    # given a melding that belonged to the hotspot when the action was assigned
    melding = MeldingFactory()
    hotspot = HotspotFactory()
    lid = HotspotMelding.objects.create(hotspot=hotspot, melding=melding)
    actie = uitvoeren(
        voorstel("buurtschouw", hotspot=hotspot, publieke_samenvatting="Schouw rond het plein"), tot="toegewezen"
    )
    assert _tekst(_status(melding.meldcode)).count("Buurtschouw: is gepland.") == 1
    # and that left the hotspot at a recompute afterwards
    lid.delete()
    # when the partner completes the action
    for naar in ("geaccepteerd", "in_uitvoering"):
        actie_transition(actie=actie, naar=naar, actor=partners["handhaving"])
    actie_transition(actie=actie, naar="afgerond", actor=partners["handhaving"], uitkomst="niets_aangetroffen")
    # then the reporter reads when and what, with the outcome (no covenant limits it) and the public summary
    tekst = _tekst(_status(melding.meldcode))
    vandaag = timezone.localdate()
    assert f"Op {vandaag.day} " in tekst
    assert "Er is een buurtschouw gehouden." in tekst
    assert "Uitkomst: Niets aangetroffen" in tekst
    assert "Schouw rond het plein" in tekst
    # and in English on the English page, and through the API
    assert "An inspection walk was held." in _tekst(_status(melding.meldcode, "en"))
    api = Client().get(f"/api/v1/meldingen/{melding.meldcode}/status").json()
    (a,) = api["acties"]
    assert (a["fase"], a["datum"], a["uitkomst"]) == ("afgerond", vandaag.isoformat(), "Niets aangetroffen")
    # and a melding that joined the hotspot only after the assignment does not see it
    later = MeldingFactory()
    HotspotMelding.objects.create(hotspot=hotspot, melding=later)
    assert "buurtschouw" not in _tekst(_status(later.meldcode)).lower()


def test_zoeklicht_de_melder_hoort_nooit_de_uitkomst_van_een_adresonderzoek(voorstel, uitvoeren, partners):
    # given an address investigation under Zoeklicht on two reports about a home
    actie = voorstel("adresonderzoek")
    (melding, *_rest) = list(actie.meldingen.all())
    uitvoeren(actie, tot="toegewezen")
    lopend = _tekst(_status(melding.meldcode))
    assert "Naar aanleiding van meldingen loopt een onderzoek." in lopend
    assert "Adresonderzoek" not in lopend
    # when it is completed with an outcome and an explanation
    for naar in ("geaccepteerd", "in_uitvoering"):
        actie_transition(actie=actie, naar=naar, actor=partners["zoeklicht"])
    actie_transition(
        actie=actie, naar="afgerond", actor=partners["zoeklicht"], uitkomst="uitgevoerd", uitkomst_tekst=GEHEIM_UITKOMST
    )
    # then page and API say "afgehandeld" and nothing of the outcome, the type, the date or the address
    for taal in ("nl", "en"):
        html = _status(melding.meldcode, taal)
        assert "Uitgevoerd" not in html
        assert "Carried out" not in html
        assert GEHEIM_UITKOMST not in html
        assert GEHEIM_ADRES not in html
        assert "dresonderzoek" not in html
        assert "ddress investigation" not in html
    assert "Het onderzoek naar aanleiding van meldingen is afgehandeld." in _tekst(_status(melding.meldcode))
    (a,) = Client().get(f"/api/v1/meldingen/{melding.meldcode}/status").json()["acties"]
    assert (a["fase"], a["uitkomst"], a["datum"], a["samenvatting"]) == ("afgehandeld", "", None, "")


def test_een_13b_sluiting_is_pas_openbaar_als_het_besluit_het_is(voorstel, uitvoeren, coordinator):
    # given a completed 13b closure of a home
    actie = uitvoeren(voorstel("sluiting_13b", publieke_samenvatting=f"Pand {GEHEIM_ADRES} gesloten"))
    melding = actie.meldingen.first()
    buurt = Client().get(reverse("buurt:buurt", args=[actie.buurt_id])).content.decode()
    # then before the decision is public neither the buurt page nor the reporter hears of it
    assert "gesloten" not in buurt
    assert "Sluiting" not in buurt
    assert "Sluiting" not in _status(melding.meldcode)
    # nor when the decision is due to become public tomorrow
    actie_besluit_openbaar_zetten(actie=actie, datum=timezone.localdate() + timedelta(days=1), actor=coordinator)
    assert "gesloten" not in Client().get(reverse("buurt:buurt", args=[actie.buurt_id])).content.decode()
    # when it became public today
    actie_besluit_openbaar_zetten(actie=actie, datum=timezone.localdate(), actor=coordinator)
    buurt = _tekst(Client().get(reverse("buurt:buurt", args=[actie.buurt_id])).content.decode())
    # then the buurt page lists it, "in deze buurt", without the address or the summary naming it
    assert "De burgemeester heeft een pand gesloten. (in deze buurt)" in buurt
    assert GEHEIM_ADRES not in buurt
    assert "Bijlmerplein" not in buurt
    assert "De burgemeester heeft een pand gesloten." in _tekst(_status(melding.meldcode))
    # and the history says who set the date
    assert actie.events.filter(reden__startswith="Besluit openbaar op").count() == 2


def test_de_coordinator_zet_de_datum_van_het_besluit_op_de_actiepagina(voorstel, coordinator, client):
    actie = voorstel("sluiting_13b")
    client.force_login(coordinator)
    pagina = client.get(reverse("coordinatie:actie", args=[actie.pk])).content.decode()
    assert "Het besluit is nog niet openbaar" in pagina
    vandaag = timezone.localdate()
    client.post(reverse("coordinatie:actie_besluit", args=[actie.pk]), {"besluit_openbaar_op": vandaag.isoformat()})
    actie.refresh_from_db()
    assert actie.besluit_openbaar_op == vandaag
    # a type without a decision refuses, with a message instead of a crash
    schouw = voorstel("buurtschouw")
    antwoord = client.post(
        reverse("coordinatie:actie_besluit", args=[schouw.pk]),
        {"besluit_openbaar_op": vandaag.isoformat()},
        follow=True,
    )
    assert "Voor deze soort actie is geen besluit nodig." in antwoord.content.decode()


def test_een_afgeronde_actie_geeft_de_sms_abonnee_een_tekst_eenmaal(voorstel, uitvoeren, partners, twilio):  # noqa: F811
    # given a reporter who opted in to texts, on a melding the action follows
    melding = MeldingFactory(kanaal="sms")
    abonnement = abonnement_maken(melding=melding, taal="en")
    actie = uitvoeren(voorstel("buurtschouw", meldingen=[melding]), tot="in_uitvoering")
    events_dispatch()
    assert not UitgaandSms.objects.filter(abonnement=abonnement).exists()  # a step in between is no news
    # when the partner completes it and the outbox runs (twice: delivery is at least once)
    actie_transition(actie=actie, naar="afgerond", actor=partners["handhaving"], uitkomst="uitgevoerd")
    events_dispatch()
    from integrations.handlers import sms_actie_afgerond
    from outbox.models import Event

    sms_actie_afgerond(Event.objects.filter(type="actie.status_gewijzigd", object_id=actie.pk).last())
    # then one short text in the subscriber's language
    (sms,) = UitgaandSms.objects.filter(abonnement=abonnement)
    assert sms.tekst.startswith(f"Weerbare Wijken, report {melding.meldcode}: On ")
    assert sms.tekst.endswith("An inspection walk was held.")


def test_de_notitie_bij_het_afsluiten_staat_op_de_statuspagina(voorstel, uitvoeren, coordinator):
    from acties.services import acties_meldingen_afsluiten

    actie = uitvoeren(voorstel("buurtschouw", meldingen=[MeldingFactory()]))
    melding = actie.meldingen.get()
    acties_meldingen_afsluiten(actie=actie, notitie="De verlichting bij het speelveld is vernieuwd.", actor=coordinator)
    assert MeldingEvent.objects.filter(melding=melding, naar=MeldingStatus.AFGEHANDELD).exists()
    tekst = _tekst(_status(melding.meldcode))
    assert "Bericht van de coördinator: De verlichting bij het speelveld is vernieuwd." in tekst
    assert Client().get(f"/api/v1/meldingen/{melding.meldcode}/status").json()["notitie"].startswith("De verlichting")


# --- the buurt pages themselves -----------------------------------------------------------------------


def _buurt_code() -> str:
    return MeldingFactory.build().buurt.code


def test_de_buurtpagina_is_cachebaar_zonder_cookies_en_antwoordt_304_op_dezelfde_etag(db):
    code = _buurt_code()
    client = Client()
    eerste = client.get(reverse("buurt:buurt", args=[code]))
    assert eerste.status_code == 200
    assert eerste["Cache-Control"].startswith("public, max-age=")
    assert not eerste.cookies  # no session, no CSRF, no language cookie
    assert eerste.has_header("ETag")
    tweede = client.get(reverse("buurt:buurt", args=[code]), HTTP_IF_NONE_MATCH=eerste["ETag"])
    assert tweede.status_code == 304
    feed = client.get(reverse("open_data", args=["json"]))
    assert feed["Cache-Control"].startswith("public")
    assert client.get(reverse("open_data", args=["json"]), HTTP_IF_NONE_MATCH=feed["ETag"]).status_code == 304
    assert client.get(reverse("open_data", args=["xml"])).status_code == 404
    # English at /en/, from the URL alone
    engels = client.get("/en" + reverse("buurt:buurt", args=[code])).content.decode()
    assert "Reports per month" in engels
    assert client.get(reverse("buurt:buurt", args=["XX99"])).status_code == 404


def test_zoeken_op_naam_postcode_en_zonder_geocoder(fake_pdok):
    client = Client()
    zoek = reverse("buurt:zoeken")
    bijlmer = MeldingFactory.build().buurt
    # a buurt's own name, or a postcode through PDOK: straight to the page
    assert client.get(zoek, {"q": bijlmer.naam}).url == reverse("buurt:buurt", args=[bijlmer.code])
    postcode = client.get(zoek, {"q": "1102DA"})
    assert postcode.status_code == 302
    assert postcode["Cache-Control"] == "no-store"
    # nothing found: a clear answer and the list to choose from
    niets = client.get(zoek, {"q": "Xyzzystraat"})
    assert niets.status_code == 404
    assert "Geen buurt gevonden in Amsterdam" in niets.content.decode()
    assert client.get(zoek, {"q": "  "}).status_code == 400
    # PDOK down: the names still work and the resident is told, with the list below
    fake_pdok.fail_next = 500
    storing = client.get(zoek, {"q": "Bijlmerplein"}).content.decode()
    assert "Zoeken op straat of postcode lukt nu even niet" in storing
    assert "Alle buurten per stadsdeel" in storing
    # hostile input is just text
    boos = client.get(zoek, {"q": "<script>alert(1)</script>' OR 1=1 --" * 20})
    assert boos.status_code in (200, 404)
    assert "<script>alert" not in boos.content.decode()


def test_geen_adres_of_coordinaten_op_de_openbare_paginas(voorstel, uitvoeren):
    # given completed public actions on a dwelling and at an address, and meldingen with their places
    geheim = "Gaasperdammerweg 99 hoog"
    woning = uitvoeren(
        voorstel(
            "box_controle",
            adres=GEHEIM_ADRES,
            publieke_samenvatting=f"Boxen bij {GEHEIM_ADRES}",
            meldingen=[
                MeldingFactory(locatie_type_id="woning", locatie_omschrijving=geheim),
                MeldingFactory(locatie_type_id="woning", kanaal="sms"),
            ],
        )
    )
    melding = woning.meldingen.first()
    buurt = Client().get(reverse("buurt:buurt", args=[woning.buurt_id])).content.decode()
    status = _status(melding.meldcode)
    feed = Client().get(reverse("open_data", args=["json"])).content.decode()
    lat, lon = 52.3125, 4.9530
    rd = melding.locatie
    for pagina in (buurt, status, feed):
        assert GEHEIM_ADRES not in pagina
        assert geheim not in pagina
        assert "0363200000000001" not in pagina  # BAG id
        for getal in (f"{lat:.3f}", f"{lon:.3f}", str(int(rd.x)), str(int(rd.y))):
            assert getal not in pagina
    # the action is there, as "in deze buurt" only: a dwelling's summary is never shown
    assert "Garage- en bergingsboxen zijn gecontroleerd. (in deze buurt)" in _tekst(buurt)
    assert "Boxen bij" not in buurt


def test_de_sms_na_een_adresonderzoek_zegt_alleen_afgehandeld(voorstel, uitvoeren, partners, twilio):  # noqa: F811
    actie = voorstel("adresonderzoek")
    melding = actie.meldingen.get(kanaal="sms")
    abonnement = abonnement_maken(melding=melding)
    uitvoeren(actie, uitkomst="uitgevoerd", tekst=GEHEIM_UITKOMST)
    events_dispatch()
    teksten = [s.tekst for s in UitgaandSms.objects.filter(abonnement=abonnement)]
    assert teksten == [
        f"Weerbare Wijken, melding {melding.meldcode}: Het onderzoek naar aanleiding van meldingen is afgehandeld."
    ]


def test_een_13b_sluiting_zonder_openbaar_besluit_stuurt_geen_sms(voorstel, uitvoeren, twilio):  # noqa: F811
    actie = voorstel("sluiting_13b")
    melding = actie.meldingen.get(kanaal="sms")
    abonnement = abonnement_maken(melding=melding)
    uitvoeren(actie)
    events_dispatch()
    assert not UitgaandSms.objects.filter(abonnement=abonnement).exists()
