"""What a partner sees of an action: only its own organisation's tickets, only the fields the covenant
lists, and never the reporters' words, photos or meldcodes or the internal notes, whatever the list."""

import dataclasses

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from acties.models import Actie
from acties.selectors import actie_melder_tekst, actie_voor_partner, acties_voor_organisatie
from acties.services import actie_transition, convenant_velden_wijzigen
from acties.workflow import ZichtbaarVeld
from meldingen.models import MeldingFoto
from tests.factories import MeldingFactory
from tests.fakes.tegels import PNG

pytestmark = pytest.mark.django_db

GEHEIM_TEKST = "GEHEIM-verhaal-van-de-melder-7431"
GEHEIM_NOTITIE = "INTERN-alleen-voor-coordinatoren-2290"
GEHEIM_LOCATIE = "achter-de-flat-van-mevrouw-X"

# Per covenant (None: a type without one) a type and a party that carries it out.
GEVALLEN = {
    "doorzon": ("box_controle", "handhaving"),
    "zoeklicht": ("adresonderzoek", "zoeklicht"),
    None: ("buurtschouw", "handhaving"),
}


def _geplante_meldingen(locatie_type="woning"):
    meldingen = []
    for i in range(3):
        # web, sms, web: two independent sources, enough for an action on a home (issue 14)
        melding = MeldingFactory(
            omschrijving=GEHEIM_TEKST,
            locatie_omschrijving=GEHEIM_LOCATIE,
            locatie_type_id=locatie_type,
            kanaal="sms" if i == 1 else "web",
        )
        foto = MeldingFoto(melding=melding, breedte=1, hoogte=1)
        foto.bestand.save("geheim.png", ContentFile(PNG), save=True)
        meldingen.append(melding)
    return meldingen


def _als_tekst(weergave) -> str:
    return repr(weergave) + " " + " ".join(str(v) for v in dataclasses.asdict(weergave).values())


@pytest.fixture
def toegewezen(voorstel, coordinator, org, typen):
    def maak(convenant_code):
        type_code, partij = GEVALLEN[convenant_code]
        meldingen = _geplante_meldingen()
        kwargs = {
            "meldingen": meldingen,
            "interne_notitie": GEHEIM_NOTITIE,
            "partner_samenvatting": "Kijk bij de boxen",
        }
        if type_code != "buurtschouw":
            kwargs.update(adres="Bijlmerplein 1", bag_id="0363200000000001", punt=meldingen[0].locatie)
        actie = voorstel(type_code, **kwargs)
        assert actie.convenant_id == convenant_code
        actie_transition(actie=actie, naar="toegewezen", actor=coordinator, verantwoordelijke=org[partij])
        return actie, org[partij], meldingen

    return maak


@pytest.mark.parametrize("convenant_code", list(GEVALLEN), ids=lambda c: c or "geen-convenant")
def test_het_ticket_toont_nooit_woorden_fotos_meldcodes_of_notities(convenant_code, toegewezen):
    actie, partij, meldingen = toegewezen(convenant_code)
    if convenant_code:
        # Even a covenant that lists every field there is cannot reach them: they are no field.
        convenant_velden_wijzigen(convenant=actie.convenant, velden=ZichtbaarVeld.values, door=None)
    tekst = _als_tekst(actie_voor_partner(actie_id=actie.pk, organisatie=partij))
    verboden = [GEHEIM_TEKST, GEHEIM_NOTITIE, GEHEIM_LOCATIE, "geheim", ".png", ".jpg"]
    for melding in meldingen:
        verboden.append(melding.meldcode)
        for foto in melding.fotos.all():
            verboden += [foto.bestand.name, reverse("coordinatie:foto", args=[foto.pk])]
    for woord in verboden:
        assert woord not in tekst, woord
    # The search does find what is allowed, so it is a real search.
    assert "Kijk bij de boxen" in tekst


def test_zoeklicht_toont_alleen_zijn_velden(toegewezen):
    actie, partij, meldingen = toegewezen("zoeklicht")
    weergave = actie_voor_partner(actie_id=actie.pk, organisatie=partij)
    assert weergave.gebied_geojson is None  # not on Zoeklicht's list
    assert weergave.adres == "Bijlmerplein 1"
    assert weergave.bag_id == "0363200000000001"
    assert weergave.aantal_meldingen == 3
    assert weergave.periode == (meldingen[0].observed_at.date(), meldingen[0].observed_at.date())
    assert "Woning" in " ".join(weergave.aard_signaal)


def test_een_veld_van_de_lijst_halen_haalt_het_van_het_ticket(toegewezen):
    actie, partij, _m = toegewezen("doorzon")
    assert actie_voor_partner(actie_id=actie.pk, organisatie=partij).adres == "Bijlmerplein 1"
    velden = [v for v in actie.convenant.zichtbare_velden if v not in {"adres", "bag_id", "aantal_meldingen"}]
    convenant_velden_wijzigen(convenant=actie.convenant, velden=velden, door=None)
    weergave = actie_voor_partner(actie_id=actie.pk, organisatie=partij)
    assert (weergave.adres, weergave.bag_id, weergave.aantal_meldingen) == (None, None, None)
    assert weergave.gebied_geojson is not None  # Doorzon still lists the area
    assert '"coordinates"' in weergave.gebied_geojson


def test_alleen_eigen_tickets(voorstel, coordinator, org, partners):
    eigen = voorstel("buurtschouw")
    actie_transition(
        actie=eigen,
        naar="toegewezen",
        actor=coordinator,
        verantwoordelijke=org["handhaving"],
        deelnemers=[org["ymere"]],
    )
    ander = voorstel("extra_toezicht")
    actie_transition(actie=ander, naar="toegewezen", actor=coordinator, verantwoordelijke=org["politie"])
    voorstel("buurtschouw", verantwoordelijke=org["handhaving"])  # named, but not yet assigned
    assert list(acties_voor_organisatie(org["handhaving"])) == [eigen]
    assert list(acties_voor_organisatie(org["ymere"])) == [eigen]
    assert list(acties_voor_organisatie(org["politie"])) == [ander]
    assert actie_voor_partner(actie_id=eigen.pk, organisatie=org["handhaving"]).verantwoordelijk
    assert not actie_voor_partner(actie_id=eigen.pk, organisatie=org["ymere"]).verantwoordelijk
    for org_code, actie in (("politie", eigen), ("handhaving", ander), ("saoa", eigen)):
        with pytest.raises(Actie.DoesNotExist):
            actie_voor_partner(actie_id=actie.pk, organisatie=org[org_code])


def test_afgewezen_partner_verliest_het_ticket_bij_hertoewijzing(voorstel, coordinator, org, partners):
    actie = voorstel("extra_toezicht")
    actie_transition(actie=actie, naar="toegewezen", actor=coordinator, verantwoordelijke=org["politie"])
    actie_transition(actie=actie, naar="geweigerd", actor=partners["politie"], reden="Geen capaciteit")
    assert list(acties_voor_organisatie(org["politie"])) == [actie]
    actie_transition(actie=actie, naar="toegewezen", actor=coordinator, verantwoordelijke=org["handhaving"])
    assert list(acties_voor_organisatie(org["politie"])) == []
    actie_transition(actie=actie, naar="geannuleerd", actor=coordinator, reden="Overbodig")
    assert list(acties_voor_organisatie(org["handhaving"])) == [actie]  # was assigned: stays visible


def test_zoeklicht_melder_hoort_nooit_de_uitkomst(toegewezen, voorstel, coordinator, org):
    actie, _partij, _m = toegewezen("zoeklicht")
    notitie = "Op dit adres woonden 9 mensen onrechtmatig; de huur is opgezegd."
    assert actie_melder_tekst(actie, notitie=notitie) == "Uw melding is in onderzoek."
    actie_transition(actie=actie, naar="geannuleerd", actor=coordinator, reden="Dubbel")
    actie.refresh_from_db()
    assert actie_melder_tekst(actie, notitie=notitie) == "Uw melding is afgehandeld."
    doorzon, _p, _m2 = toegewezen("doorzon")
    assert actie_melder_tekst(doorzon, notitie=f" {notitie} ") == notitie
