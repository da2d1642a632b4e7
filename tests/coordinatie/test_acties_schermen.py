"""The coordinators' action screens through real requests: propose from a hotspot, a melding or the
queue's selection (the form offers only the covenant's parties), the address looked up at the loopback
PDOK, four eyes on the action's page, assignment, the lists with history on the hotspot and melding
pages, closing the meldingen after completion, and the partner's photo behind the audit trail."""

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from acties.models import Actie, ActieFoto, ActieInzage
from acties.services import actie_transition, actie_voorstellen
from hotspots.models import Hotspot
from meldingen.models import Melding
from tests.factories import HotspotFactory, MeldingFactory
from tests.fakes.tegels import PNG

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def hotspot():
    # web, sms, web: two independent sources (issue 14's safeguard for actions on a home)
    leden = [MeldingFactory(kanaal="sms" if i == 1 else "web") for i in range(3)]
    h = HotspotFactory(polygon=leden[0].locatie.buffer(80), status="actief", aantal_meldingen=3)
    h.meldingen.add(*leden)
    return h


def _opties(html: str, naam: str) -> set[str]:
    import re

    blok = re.search(rf'<select name="{naam}"[^>]*>(.*?)</select>', html, re.S)
    return set(re.findall(r'<option value="([^"]+)"', blok.group(1))) if blok else set()


def test_voorstel_vanaf_hotspot_met_adres_bij_pdok(coordinator, hotspot, org, fake_pdok):
    c = _client(coordinator)
    stap1 = c.get(reverse("coordinatie:actie_nieuw"), {"hotspot": hotspot.pk})
    assert stap1.status_code == 200
    assert 'value="sluiting_13b"' in stap1.content.decode()

    stap2 = c.get(reverse("coordinatie:actie_nieuw"), {"hotspot": hotspot.pk, "type": "sluiting_13b"})
    aangeboden = _opties(stap2.content.decode(), "verantwoordelijke")
    doorzon = set(
        Actie._meta.get_field("convenant")
        .related_model.objects.get(pk="doorzon")
        .partijen.values_list("code", flat=True)
    )
    assert aangeboden == doorzon  # only the covenant's parties
    assert "saoa" not in aangeboden

    antwoord = c.post(
        reverse("coordinatie:actie_nieuw"),
        {
            "type": "sluiting_13b",
            "hotspot": hotspot.pk,
            "verantwoordelijke": "politie",
            "urgentie": "normaal",
            "adres": "Bijlmerplein 1",
            "partner_samenvatting": "Woning waar vanuit gedeald wordt",
        },
    )
    actie = Actie.objects.get()
    assert antwoord.status_code == 302
    assert antwoord.url == reverse("coordinatie:actie", args=[actie.pk])
    assert actie.adres.startswith("Bijlmerplein 1")
    assert actie.punt is not None
    assert (actie.status, actie.verantwoordelijke_id, actie.hotspot_id) == ("voorgesteld", "politie", hotspot.pk)
    assert set(actie.meldingen.values_list("pk", flat=True)) == set(hotspot.meldingen.values_list("pk", flat=True))
    assert Hotspot.objects.get(pk=hotspot.pk).status == "in_aanpak"


def test_partij_buiten_het_convenant_wordt_geweigerd(coordinator, hotspot, fake_pdok):
    antwoord = _client(coordinator).post(
        reverse("coordinatie:actie_nieuw"),
        {
            "type": "adresonderzoek",
            "hotspot": hotspot.pk,
            "verantwoordelijke": "politie",
            "urgentie": "normaal",
            "adres": "Bijlmerplein 1",
        },
    )
    assert antwoord.status_code == 400
    assert not Actie.objects.exists()


def test_adres_niet_gevonden_of_pdok_weg_is_een_nette_fout(coordinator, hotspot, fake_pdok):
    c = _client(coordinator)
    data = {"type": "sluiting_13b", "hotspot": hotspot.pk, "urgentie": "normaal", "adres": "Nergensstraat 999"}
    antwoord = c.post(reverse("coordinatie:actie_nieuw"), data)
    assert antwoord.status_code == 400
    assert "niet gevonden" in antwoord.content.decode()
    assert 'value="Nergensstraat 999"' in antwoord.content.decode()  # what was typed stays
    fake_pdok.fail_next = 500
    antwoord = c.post(reverse("coordinatie:actie_nieuw"), {**data, "adres": "Bijlmerplein 1"})
    assert antwoord.status_code == 400
    assert "PDOK" in antwoord.content.decode()
    assert not Actie.objects.exists()


def test_voorstel_voor_selectie_uit_de_wachtrij(coordinator):
    gekozen = [MeldingFactory() for _i in range(3)]
    c = _client(coordinator)
    stap1 = c.post(
        reverse("coordinatie:actie_nieuw"),
        {"bron": "selectie", "meldingen": [m.pk for m in gekozen], "actie": "accepteren"},
    )
    assert stap1.status_code == 200
    html = stap1.content.decode()
    for m in gekozen:
        assert f'name="meldingen" value="{m.pk}"' in html
    antwoord = c.post(
        reverse("coordinatie:actie_nieuw"),
        {
            "type": "buurtschouw",
            "meldingen": [m.pk for m in gekozen],
            "urgentie": "normaal",
            "verantwoordelijke": "handhaving",
            "deelnemers": ["ymere", "politie"],
        },
    )
    assert antwoord.status_code == 302
    actie = Actie.objects.get()
    assert set(actie.meldingen.all()) == set(gekozen)
    assert set(actie.deelnemers.values_list("code", flat=True)) == {"ymere", "politie"}


def test_vier_ogen_op_de_actiepagina(coordinator, approver, typen, hotspot, org):
    actie = actie_voorstellen(
        type=typen["extra_toezicht"], door=coordinator, hotspot=hotspot, verantwoordelijke=org["politie"]
    )
    dertienb = actie_voorstellen(
        type=typen["sluiting_13b"],
        door=approver,  # an approver who proposes cannot approve it
        hotspot=hotspot,
        adres="Bijlmerplein 1",
        punt=hotspot.polygon.centroid,
        verantwoordelijke=org["politie"],
    )
    a = _client(approver)
    a.post(reverse("coordinatie:actie_stap", args=[dertienb.pk]), {"naar": "wacht_op_akkoord"})
    pagina = a.get(reverse("coordinatie:actie", args=[dertienb.pk])).content.decode()
    assert 'value="goedgekeurd"' not in pagina
    assert 'id="vier-ogen"' in pagina
    a.post(reverse("coordinatie:actie_stap", args=[dertienb.pk]), {"naar": "goedgekeurd"})
    assert Actie.objects.get(pk=dertienb.pk).status == "wacht_op_akkoord"

    # a second person approves, then it is assigned
    tweede = _client(coordinator.__class__.objects.create_user("akkoord-2"))
    from accounts.services import gebruiker_zetten

    ander, _ = gebruiker_zetten(username="akkoord-3", password="x", rol="approver")
    b = _client(ander)
    assert 'value="goedgekeurd"' in b.get(reverse("coordinatie:actie", args=[dertienb.pk])).content.decode()
    b.post(reverse("coordinatie:actie_stap", args=[dertienb.pk]), {"naar": "goedgekeurd"})
    b.post(
        reverse("coordinatie:actie_stap", args=[dertienb.pk]), {"naar": "toegewezen", "verantwoordelijke": "politie"}
    )
    dertienb.refresh_from_db()
    assert (dertienb.status, dertienb.goedgekeurd_door_id) == ("toegewezen", ander.pk)
    assert tweede.get(reverse("coordinatie:actie", args=[dertienb.pk])).status_code == 403  # no role

    # a type without four eyes goes straight to the partner; cancelling needs a reason
    c = _client(coordinator)
    c.post(reverse("coordinatie:actie_stap", args=[actie.pk]), {"naar": "toegewezen", "verantwoordelijke": "politie"})
    assert Actie.objects.get(pk=actie.pk).status == "toegewezen"
    c.post(reverse("coordinatie:actie_stap", args=[actie.pk]), {"naar": "geannuleerd", "reden": ""})
    assert Actie.objects.get(pk=actie.pk).status == "toegewezen"
    # a coordinator cannot make the partner's step
    antwoord = c.post(reverse("coordinatie:actie_stap", args=[actie.pk]), {"naar": "geaccepteerd"})
    assert antwoord.status_code == 302
    assert Actie.objects.get(pk=actie.pk).status == "toegewezen"


def test_hotspot_en_meldingpagina_tonen_acties_met_historie(coordinator, typen, hotspot):
    actie = actie_voorstellen(type=typen["buurtschouw"], door=coordinator, hotspot=hotspot)
    actie_transition(actie=actie, naar="geannuleerd", actor=coordinator, reden="Dubbel ingepland")
    c = _client(coordinator)
    for url in (
        reverse("coordinatie:hotspot", args=[hotspot.pk]),
        reverse("coordinatie:melding", args=[hotspot.meldingen.first().pk]),
    ):
        html = c.get(url).content.decode()
        assert reverse("coordinatie:actie", args=[actie.pk]) in html
        assert "Dubbel ingepland" in html
    assert ActieInzage.objects.filter(soort="actiepagina").count() == 0
    c.get(reverse("coordinatie:actie", args=[actie.pk]))
    assert ActieInzage.objects.get(soort="actiepagina").actie_ids == [actie.pk]


def test_meldingen_afsluiten_na_afronden(coordinator, typen, hotspot, org, partners):
    actie = actie_voorstellen(type=typen["extra_toezicht"], door=coordinator, hotspot=hotspot)
    actie_transition(actie=actie, naar="toegewezen", actor=coordinator, verantwoordelijke=org["politie"])
    for naar in ("geaccepteerd", "in_uitvoering"):
        actie_transition(actie=actie, naar=naar, actor=partners["politie"])
    actie_transition(actie=actie, naar="afgerond", actor=partners["politie"], uitkomst="uitgevoerd")
    c = _client(coordinator)
    c.post(
        reverse("coordinatie:actie_meldingen_afsluiten", args=[actie.pk]), {"notitie": "Er is extra toezicht geweest."}
    )
    statussen = set(Melding.objects.filter(pk__in=actie.meldingen.all()).values_list("status", flat=True))
    assert statussen == {"afgehandeld"}
    assert Hotspot.objects.get(pk=hotspot.pk).status == "actief"


def test_foto_van_de_partner_alleen_voor_wie_zaken_behandelt(coordinator, typen, hotspot, partners):
    actie = actie_voorstellen(type=typen["buurtschouw"], door=coordinator, hotspot=hotspot)
    from django.utils import timezone

    foto = ActieFoto(actie=actie, aangemaakt_op=timezone.now())
    foto.bestand.save("x.jpg", ContentFile(PNG), save=True)
    url = reverse("coordinatie:actie_foto", args=[foto.pk])
    assert _client(partners["politie"]).get(url).status_code == 403
    antwoord = _client(coordinator).get(url)
    assert antwoord.status_code == 200
    assert antwoord["Cache-Control"] == "private, no-store"
    assert ActieInzage.objects.get(soort="foto").actie_ids == [actie.pk]


def test_onderbouwing_en_bevestiging_op_de_actiepagina(coordinator, typen, org):
    melding = MeldingFactory(locatie_type_id="woning")
    actie = actie_voorstellen(
        type=typen["huurmaatregel"],
        door=coordinator,
        meldingen=[melding],
        adres="Bijlmerplein 1",
        punt=melding.locatie,
        verantwoordelijke=org["ymere"],
    )
    c = _client(coordinator)
    pagina = c.get(reverse("coordinatie:actie", args=[actie.pk])).content.decode()
    assert "1 onafhankelijke melding." in pagina
    assert "Nodig voor toewijzen" in pagina
    # assigning is refused with the reason on the page
    c.post(reverse("coordinatie:actie_stap", args=[actie.pk]), {"naar": "toegewezen", "verantwoordelijke": "ymere"})
    assert Actie.objects.get(pk=actie.pk).status == "voorgesteld"
    c.post(
        reverse("coordinatie:actie_bevestigen", args=[actie.pk]),
        {"wijze": "ter_plaatse", "toelichting": "Zelf gezien op 2 december, 21 uur."},
    )
    pagina = c.get(reverse("coordinatie:actie", args=[actie.pk])).content.decode()
    assert "Zelf gezien op 2 december" in pagina
    c.post(reverse("coordinatie:actie_stap", args=[actie.pk]), {"naar": "toegewezen", "verantwoordelijke": "ymere"})
    assert Actie.objects.get(pk=actie.pk).status == "toegewezen"


def test_wachtrij_van_de_approver(coordinator, approver, typen, hotspot, org):
    van_ander = actie_voorstellen(
        type=typen["sluiting_13b"],
        door=coordinator,
        hotspot=hotspot,
        adres="Bijlmerplein 1",
        punt=hotspot.polygon.centroid,
        verantwoordelijke=org["politie"],
    )
    eigen = actie_voorstellen(
        type=typen["sluiting_13b"],
        door=approver,
        hotspot=hotspot,
        adres="Bijlmerplein 10",
        punt=hotspot.polygon.centroid,
        verantwoordelijke=org["politie"],
    )
    actie_transition(actie=van_ander, naar="wacht_op_akkoord", actor=coordinator)
    actie_transition(actie=eigen, naar="wacht_op_akkoord", actor=approver)
    assert _client(coordinator).get(reverse("coordinatie:akkoord")).status_code == 403

    a = _client(approver)
    html = a.get(reverse("coordinatie:akkoord")).content.decode()
    stap = reverse("coordinatie:actie_stap", args=[van_ander.pk])
    assert f'action="{stap}"' in html
    assert f'action="{reverse("coordinatie:actie_stap", args=[eigen.pk])}"' not in html  # four eyes
    antwoord = a.post(stap, {"naar": "goedgekeurd", "volgende": reverse("coordinatie:akkoord")})
    assert antwoord.url == reverse("coordinatie:akkoord")
    assert Actie.objects.get(pk=van_ander.pk).goedgekeurd_door_id == approver.pk
    # sending back needs a reason; an outside "volgende" is ignored
    antwoord = a.post(
        reverse("coordinatie:actie_stap", args=[eigen.pk]), {"naar": "voorgesteld", "volgende": "https://evil.example/"}
    )
    assert antwoord.url == reverse("coordinatie:actie", args=[eigen.pk])
    assert Actie.objects.get(pk=eigen.pk).status == "wacht_op_akkoord"
