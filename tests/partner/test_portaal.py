"""The partner portal (/partner/) through real requests: own tickets only (404 for another's, on every
page and form), participants read, the responsible organisation accepts, declines, starts, reports
progress and completes with an outcome and a photo stripped of its metadata; every view is audited; and
the rendered HTML never holds the reporters' words, meldcodes, photo URLs or the internal notes."""

import io
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from acties.models import Actie, ActieEvent, ActieFoto, ActieInzage
from acties.services import actie_transition, convenant_velden_wijzigen
from acties.workflow import ZichtbaarVeld
from meldingen.models import MeldingFoto
from tests.factories import MeldingFactory
from tests.fakes.tegels import PNG
from tests.meldingen.test_anonymity import jpeg_with_gps

pytestmark = pytest.mark.django_db

GEHEIM_TEKST = "GEHEIM-verhaal-van-de-melder-5519"
GEHEIM_LOCATIE = "naast-de-deur-van-meneer-Y"
GEHEIM_NOTITIE = "INTERN-voor-de-coordinator-8841"

GEVALLEN = {
    "doorzon": ("box_controle", "handhaving"),
    "zoeklicht": ("adresonderzoek", "zoeklicht"),
    None: ("buurtschouw", "handhaving"),
}


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _meldingen():
    result = []
    for i in range(3):
        # web, sms, web: two independent sources, enough for an action on a home (issue 14)
        m = MeldingFactory(
            omschrijving=GEHEIM_TEKST,
            locatie_omschrijving=GEHEIM_LOCATIE,
            locatie_type_id="woning",
            kanaal="sms" if i == 1 else "web",
        )
        foto = MeldingFoto(melding=m, breedte=1, hoogte=1)
        foto.bestand.save("geheim.png", ContentFile(PNG), save=True)
        result.append(m)
    return result


@pytest.fixture
def toegewezen(voorstel, coordinator, org):
    def maak(convenant_code="doorzon", deelnemers=()):
        type_code, partij = GEVALLEN[convenant_code]
        meldingen = _meldingen()
        kwargs = {"meldingen": meldingen, "interne_notitie": GEHEIM_NOTITIE, "partner_samenvatting": "Let op de boxen"}
        if type_code != "buurtschouw":
            kwargs.update(adres="Bijlmerplein 1", bag_id="0363200000000001", punt=meldingen[0].locatie)
        actie = voorstel(type_code, **kwargs)
        actie_transition(
            actie=actie, naar="toegewezen", actor=coordinator, verantwoordelijke=org[partij], deelnemers=deelnemers
        )
        return actie, partij, meldingen

    return maak


def _stap(client, actie, **data):
    return client.post(reverse("partner:stap", args=[actie.pk]), data)


def test_partner_landt_op_zijn_tickets(toegewezen, partners):
    actie, partij, _m = toegewezen()
    client = _client(partners[partij])
    assert client.get(reverse("accounts:start")).url == reverse("partner:lijst")
    lijst = client.get(reverse("partner:lijst"))
    assert lijst.status_code == 200
    assert reverse("partner:ticket", args=[actie.pk]).encode() in lijst.content
    assert lijst["Cache-Control"] == "private, no-store"
    rij = ActieInzage.objects.get(soort="lijst")
    assert (rij.actie_ids, rij.organisatie, rij.gebruikersnaam) == ([actie.pk], partij, partners[partij].username)


def test_de_hele_levensloop_in_het_portaal(toegewezen, partners):
    actie, partij, _m = toegewezen()
    client = _client(partners[partij])
    # declining needs a reason: a Dutch error, nothing changed
    fout = _stap(client, actie, naar="geweigerd", reden=" ")
    assert fout.status_code == 400
    assert "Geef een reden." in fout.content.decode()
    assert Actie.objects.get(pk=actie.pk).status == "toegewezen"

    assert _stap(client, actie, naar="geaccepteerd").status_code == 302
    assert _stap(client, actie, naar="in_uitvoering", reden="Vrijdag met twee man").status_code == 302
    voortgang = client.post(reverse("partner:voortgang", args=[actie.pk]), {"tekst": "Drie boxen open aangetroffen"})
    assert voortgang.status_code == 302
    # completing needs an outcome
    assert _stap(client, actie, naar="afgerond").status_code == 400
    foto = SimpleUploadedFile("IMG_0001.jpg", jpeg_with_gps(), content_type="image/jpeg")
    klaar = _stap(client, actie, naar="afgerond", uitkomst="uitgevoerd", uitkomst_tekst="Boxen gesloten", foto=foto)
    assert klaar.status_code == 302

    actie.refresh_from_db()
    assert (actie.status, actie.uitkomst, actie.uitkomst_tekst) == ("afgerond", "uitgevoerd", "Boxen gesloten")
    stappen = list(ActieEvent.objects.filter(actie=actie).values_list("van", "naar", "reden"))
    assert stappen[-4:] == [
        ("toegewezen", "geaccepteerd", ""),
        ("geaccepteerd", "in_uitvoering", "Vrijdag met twee man"),
        ("in_uitvoering", "in_uitvoering", "Drie boxen open aangetroffen"),
        ("in_uitvoering", "afgerond", ""),
    ]
    opgeslagen = ActieFoto.objects.get(actie=actie)
    data = Path(opgeslagen.bestand.path).read_bytes()
    assert b"SpionCamera" not in data
    assert b"GeheimeSoftware" not in data
    assert not Image.open(io.BytesIO(data)).getexif()
    assert "IMG_0001" not in opgeslagen.bestand.name
    # the partner's own texts are in its history; the page says the ticket asks nothing more
    pagina = client.get(reverse("partner:ticket", args=[actie.pk])).content.decode()
    assert "Drie boxen open aangetroffen" in pagina
    assert "vraagt niets meer" in pagina


def test_onleesbare_foto_is_een_nette_fout(toegewezen, partners):
    actie, partij, _m = toegewezen()
    client = _client(partners[partij])
    _stap(client, actie, naar="geaccepteerd")
    _stap(client, actie, naar="in_uitvoering")
    kapot = SimpleUploadedFile("x.jpg", b"\xff\xd8\xff\xe0 geen foto", content_type="image/jpeg")
    antwoord = _stap(client, actie, naar="afgerond", uitkomst="uitgevoerd", foto=kapot)
    assert antwoord.status_code == 400
    assert Actie.objects.get(pk=actie.pk).status == "in_uitvoering"
    assert not ActieFoto.objects.exists()


def test_andere_organisatie_krijgt_404_op_elke_pagina_en_elk_formulier(toegewezen, partners, voorstel, org):
    actie, partij, _m = toegewezen()
    vreemd = _client(partners["politie"])
    assert partij != "politie"
    assert vreemd.get(reverse("partner:ticket", args=[actie.pk])).status_code == 404
    assert _stap(vreemd, actie, naar="geaccepteerd").status_code == 404
    assert vreemd.post(reverse("partner:voortgang", args=[actie.pk]), {"tekst": "x"}).status_code == 404
    # an id that does not exist answers the same
    assert vreemd.get(reverse("partner:ticket", args=[actie.pk + 1000])).status_code == 404
    # a proposal naming the organisation is not its ticket yet
    voorstel_ = voorstel("buurtschouw", verantwoordelijke=org["politie"])
    assert vreemd.get(reverse("partner:ticket", args=[voorstel_.pk])).status_code == 404
    assert Actie.objects.get(pk=actie.pk).status == "toegewezen"
    assert not ActieInzage.objects.filter(soort="ticket").exists()


def test_deelnemer_leest_maar_verandert_niets(toegewezen, partners, org):
    actie, _partij, _m = toegewezen(None, deelnemers=[org["ymere"]])
    client = _client(partners["ymere"])
    pagina = client.get(reverse("partner:ticket", args=[actie.pk]))
    assert pagina.status_code == 200
    html = pagina.content.decode()
    assert "alleen lezen" in html
    assert reverse("partner:stap", args=[actie.pk]) not in html
    assert _stap(client, actie, naar="geaccepteerd").status_code == 403
    assert client.post(reverse("partner:voortgang", args=[actie.pk]), {"tekst": "x"}).status_code == 403
    assert Actie.objects.get(pk=actie.pk).status == "toegewezen"


def test_elke_ticketweergave_staat_in_het_inzagelog(toegewezen, partners):
    actie, partij, _m = toegewezen()
    client = _client(partners[partij])
    for _i in range(2):
        client.get(reverse("partner:ticket", args=[actie.pk]))
    rijen = ActieInzage.objects.filter(soort="ticket")
    assert rijen.count() == 2
    assert all(r.actie_ids == [actie.pk] and r.organisatie == partij for r in rijen)


@pytest.mark.parametrize("convenant_code", list(GEVALLEN), ids=lambda c: c or "geen-convenant")
def test_partner_html_toont_nooit_woorden_meldcodes_fotos_of_notities(convenant_code, toegewezen, partners):
    actie, partij, meldingen = toegewezen(convenant_code)
    if convenant_code:
        convenant_velden_wijzigen(convenant=actie.convenant, velden=ZichtbaarVeld.values, door=None)
    client = _client(partners[partij])
    html = client.get(reverse("partner:lijst")).content.decode()
    html += client.get(reverse("partner:ticket", args=[actie.pk])).content.decode()
    # a failed form re-renders the page: the same rules
    html += _stap(client, actie, naar="geweigerd", reden="").content.decode()
    verboden = [GEHEIM_TEKST, GEHEIM_LOCATIE, GEHEIM_NOTITIE, "geheim.png"]
    for m in meldingen:
        verboden.append(m.meldcode)
        verboden += [reverse("coordinatie:foto", args=[f.pk]) for f in m.fotos.all()]
    for woord in verboden:
        assert woord not in html, woord
    assert "Let op de boxen" in html  # the search is real: the allowed summary is found


def test_coordinator_en_gebruiker_zonder_organisatie_komen_er_niet_in(coordinator):
    assert _client(coordinator).get(reverse("partner:lijst")).status_code == 403
    assert Client().get(reverse("partner:lijst")).status_code == 302


def test_lijst_in_paginas_van_vijftig(voorstel, coordinator, org, partners):
    for _i in range(53):
        actie = voorstel("extra_toezicht", meldingen=[MeldingFactory()])
        actie_transition(actie=actie, naar="toegewezen", actor=coordinator, verantwoordelijke=org["politie"])
    client = _client(partners["politie"])
    eerste = client.get(reverse("partner:lijst"))
    assert "Open (53)" in eerste.content.decode()
    assert eerste.content.decode().count("/partner/acties/") == 50
    tweede = client.get(reverse("partner:lijst"), {"pagina": "2"})
    assert tweede.content.decode().count("/partner/acties/") == 3
    # nonsense pages are the first or the last, never an error
    assert client.get(reverse("partner:lijst"), {"pagina": "x" * 50}).status_code == 200
    assert client.get(reverse("partner:lijst"), {"pagina": "999"}).content.decode().count("/partner/acties/") == 3
    # each load is one audit row naming exactly the tickets it showed
    assert [len(r.actie_ids) for r in ActieInzage.objects.filter(soort="lijst").order_by("id")][:2] == [50, 3]
