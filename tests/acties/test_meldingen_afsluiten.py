"""Closing an action's meldingen in one step, with the note passing the covenant's disclosure rule."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from acties.services import actie_transition, acties_meldingen_afsluiten
from hotspots.models import HotspotMelding
from meldingen.models import MeldingEvent
from meldingen.services import melding_transition
from tests.factories import HotspotFactory, MeldingFactory

pytestmark = pytest.mark.django_db

UITKOMST = "Negen mensen woonden er onrechtmatig; de huur is opgezegd."


def afronden(actie, coordinator, partner, org):
    actie_transition(actie=actie, naar="toegewezen", actor=coordinator, verantwoordelijke=org)
    for naar in ("geaccepteerd", "in_uitvoering"):
        actie_transition(actie=actie, naar=naar, actor=partner)
    actie_transition(actie=actie, naar="afgerond", actor=partner, uitkomst="uitgevoerd", uitkomst_tekst=UITKOMST)


def test_zoeklicht_notitie_bereikt_de_melder_nooit(client, voorstel, coordinator, partners, org):
    nieuw = MeldingFactory(locatie_type_id="spookwoning")
    in_behandeling = MeldingFactory(locatie_type_id="woning", kanaal="sms")  # a second, independent source
    melding_transition(melding=in_behandeling, naar="in_behandeling", actor=coordinator)
    actie = voorstel("adresonderzoek", meldingen=[nieuw, in_behandeling], punt=nieuw.locatie)
    afronden(actie, coordinator, partners["zoeklicht"], org["zoeklicht"])
    acties_meldingen_afsluiten(actie=actie, notitie=f"Uitkomst: {UITKOMST}", actor=coordinator)
    for melding in (nieuw, in_behandeling):
        melding.refresh_from_db()
        assert melding.status == "afgehandeld"
        laatste = MeldingEvent.objects.filter(melding=melding).last()
        assert laatste.toelichting == "Uw melding is afgehandeld."
    alle_teksten = " ".join(MeldingEvent.objects.values_list("toelichting", flat=True))
    assert "huur" not in alle_teksten
    assert "Negen" not in alle_teksten
    # and what the reporter reads (the status API with the meldcode) says only that it was handled
    for melding in (nieuw, in_behandeling):
        antwoord = client.get(f"/api/v1/meldingen/{melding.meldcode}/status")
        assert antwoord.status_code == 200
        assert "afgehandeld" in antwoord.content.decode()
        assert "huur" not in antwoord.content.decode()


def test_buiten_zoeklicht_gaat_de_notitie_mee(voorstel, coordinator, partners, org):
    melding = MeldingFactory()
    afgewezen = MeldingFactory()
    melding_transition(melding=afgewezen, naar="afgewezen", actor=coordinator, reden="spam")
    actie = voorstel("extra_toezicht", meldingen=[melding, afgewezen])
    afronden(actie, coordinator, partners["politie"], org["politie"])
    acties_meldingen_afsluiten(actie=actie, notitie="Er is drie weken extra gesurveilleerd.", actor=coordinator)
    melding.refresh_from_db()
    afgewezen.refresh_from_db()
    assert (melding.status, afgewezen.status) == ("afgehandeld", "afgewezen")
    assert MeldingEvent.objects.filter(melding=melding).last().toelichting == "Er is drie weken extra gesurveilleerd."


def test_pas_na_afronden_en_alleen_door_coordinatie(voorstel, coordinator, partners, org):
    melding = MeldingFactory()
    actie = voorstel("extra_toezicht", meldingen=[melding])
    with pytest.raises(ValidationError):
        acties_meldingen_afsluiten(actie=actie, notitie="", actor=coordinator)
    afronden(actie, coordinator, partners["politie"], org["politie"])
    with pytest.raises(PermissionDenied):
        acties_meldingen_afsluiten(actie=actie, notitie="", actor=partners["politie"])
    melding.refresh_from_db()
    assert melding.status == "nieuw"


def test_bij_een_hotspot_horen_de_getelde_leden_van_dat_moment(voorstel):
    hotspot = HotspotFactory()
    lid, dubbel, later = MeldingFactory(), MeldingFactory(), MeldingFactory()
    dubbel.status, dubbel.afwijs_reden, dubbel.duplicaat_van = "afgewezen", "dubbel", lid
    dubbel.save()
    for m in (lid, dubbel):
        HotspotMelding.objects.create(hotspot=hotspot, melding=m)
    eigen = MeldingFactory()
    actie = voorstel("buurtschouw", hotspot=hotspot, meldingen=[eigen])
    HotspotMelding.objects.create(hotspot=hotspot, melding=later)  # the next recompute
    assert set(actie.meldingen.all()) == {lid, eigen}
