"""Issue 17, the coordinator's morning: the staff reference instead of the meldcode, search by either,
the received-date filter, sorting, "new since my last visit", the CSV export, the wijk/buurt lists that
narrow, and an auditor without triage buttons."""

import csv
import io
import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Rol
from coordinatie.models import Inzage, InzagePagina
from meldingen.models import Melding, referentie, referentie_id
from meldingen.workflow import MeldingStatus
from tests.factories import HotspotFactory, MeldingFactory

pytestmark = pytest.mark.django_db


def uur_terug(n: int):
    return timezone.now().replace(minute=0, second=0, microsecond=0) - timedelta(hours=n)


def _wachtrij(client, **query) -> str:
    return client.get(reverse("coordinatie:werkscherm"), query).content.decode()


def _referenties(html: str) -> list[str]:
    return re.findall(r'class="kaartje__titel">(M-\d+)<', html)


def test_de_referentie_is_geen_meldcode_en_leest_terug():
    assert referentie(402) == "M-000402"
    assert referentie(12_345_678) == "M-12345678"
    for getypt in ("M-000402", "m402", " M 402 ", "m-0402"):
        assert referentie_id(getypt) == 402, getypt
    for geen in ("402", "7KQ2M9XH4T", "M-", "MX402", ""):
        assert referentie_id(geen) is None, geen


def test_geen_meldcode_op_de_staf_paginas_de_kaart_en_de_export(als, client):
    melding = MeldingFactory(omschrijving="Er wordt gedeald bij de ingang.")
    dubbel = MeldingFactory()
    hotspot = HotspotFactory()
    als(Rol.COORDINATOR)
    paginas = {
        "wachtrij": _wachtrij(client),
        "melding": client.get(reverse("coordinatie:melding", args=[melding.pk])).content.decode(),
        "kaart": client.get("/api/v1/kaart/meldingen", {"zoom": 17, "bbox": "4.94,52.30,4.97,52.32"}).content.decode(),
        "export": client.get(reverse("coordinatie:wachtrij_export")).content.decode("utf-8-sig"),
    }
    if hotspot is not None:
        paginas["hotspot"] = client.get(reverse("coordinatie:hotspot", args=[hotspot.pk])).content.decode()
    als(Rol.AUDITOR)
    paginas["inzagelog"] = client.get(reverse("coordinatie:inzage")).content.decode()
    paginas["inzage-export"] = client.get(reverse("coordinatie:inzage-export")).content.decode()
    for naam, inhoud in paginas.items():
        for m in (melding, dubbel):
            assert m.meldcode not in inhoud, f"meldcode on {naam}"
    for naam in ("wachtrij", "melding", "kaart", "export", "inzagelog", "inzage-export"):
        assert melding.referentie in paginas[naam], f"no reference on {naam}"


def test_zoeken_op_meldcode_of_referentie_zonder_de_code_in_een_url(als, client):
    melding = MeldingFactory()
    als(Rol.COORDINATOR)
    for term in (melding.meldcode.lower(), melding.referentie, f"m{melding.pk}"):
        antwoord = client.post(reverse("coordinatie:zoeken"), {"term": term})
        assert antwoord.status_code == 302
        assert antwoord["Location"] == reverse("coordinatie:melding", args=[melding.pk])
        assert melding.meldcode not in antwoord["Location"]
    onbekend = client.post(reverse("coordinatie:zoeken"), {"term": "ZZZZZZZZZZ"}, follow=True).content.decode()
    assert "Geen melding gevonden met deze referentie of meldcode." in onbekend
    assert client.get(reverse("coordinatie:zoeken"), {"term": melding.meldcode}).status_code == 405


def test_filter_op_de_dag_van_binnenkomst_en_sorteren(als, client):
    nu = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    oud = MeldingFactory(ontvangen_op=nu - timedelta(days=5), observed_at=nu - timedelta(days=1))
    nieuw = MeldingFactory(ontvangen_op=nu - timedelta(days=1), observed_at=nu - timedelta(days=6))
    als(Rol.COORDINATOR)
    assert _referenties(_wachtrij(client)) == [oud.referentie, nieuw.referentie]  # oldest first
    assert _referenties(_wachtrij(client, sorteer="-ontvangen")) == [nieuw.referentie, oud.referentie]
    assert _referenties(_wachtrij(client, sorteer="waargenomen")) == [nieuw.referentie, oud.referentie]
    assert _referenties(_wachtrij(client, sorteer="onzin")) == [oud.referentie, nieuw.referentie]
    sinds = (nu - timedelta(days=2)).date().isoformat()
    assert _referenties(_wachtrij(client, ontvangen_van=sinds)) == [nieuw.referentie]
    assert _referenties(_wachtrij(client, ontvangen_tot=sinds)) == [oud.referentie]
    # the observed-date filter is a different question: the old report was seen yesterday
    assert _referenties(_wachtrij(client, van=sinds)) == [oud.referentie]
    fout = _wachtrij(client, ontvangen_van="2026-12-10", ontvangen_tot="2026-12-01")
    assert "ligt na" in fout
    # the map API takes the same filter
    kaart = client.get(
        "/api/v1/kaart/meldingen", {"zoom": 17, "bbox": "4.94,52.30,4.97,52.32", "ontvangen_van": sinds}
    ).json()
    assert [f["properties"]["referentie"] for f in kaart["features"]] == [nieuw.referentie]


def test_nieuw_sinds_mijn_vorige_bezoek(als, client):
    eerder = MeldingFactory()
    coordinator = als(Rol.COORDINATOR)
    with time_machine.travel(timezone.now(), tick=False) as reis:
        eerste = _wachtrij(client)
        assert eerste.count("label-nieuw") == 1  # a first visit: everything is new
        reis.shift(timedelta(minutes=40))
        client.force_login(coordinator)  # staff sessions end after a while idle
        _wachtrij(client)  # a new visit: what was there is now seen
        reis.shift(timedelta(minutes=40))
        client.force_login(coordinator)
        binnen = MeldingFactory()
        html = _wachtrij(client)  # another visit: only the one filed since
        assert f'kaartje--nieuw" id="melding-{binnen.pk}"' in html
        assert f'kaartje--nieuw" id="melding-{eerder.pk}"' not in html
        assert "1 nieuw sinds uw vorige bezoek" in html
        # reloading during the visit (triage without JS) keeps it new
        reis.shift(timedelta(minutes=5))
        html = _wachtrij(client, nieuw="1")
        assert _referenties(html) == [binnen.referentie]
    # another coordinator has a visit of their own
    assert coordinator.pk != als(Rol.COORDINATOR, "tweede-coordinator").pk
    assert _wachtrij(client).count("label-nieuw") == 2


def test_de_wachtrij_als_csv_met_een_inzagerij(als, client):
    a = MeldingFactory(omschrijving='=HYPERLINK("http://x")', locatie_omschrijving="achter de garage")
    b = MeldingFactory(omschrijving="Gewoon een tekst", status=MeldingStatus.NIEUW)
    MeldingFactory(status=MeldingStatus.IN_BEHANDELING)  # not in the queue
    gebruiker = als(Rol.COORDINATOR)
    antwoord = client.get(reverse("coordinatie:wachtrij_export"), {"sorteer": "-ontvangen"})
    assert antwoord.status_code == 200
    assert antwoord["Content-Type"].startswith("text/csv")
    assert "no-store" in antwoord["Cache-Control"]
    rijen = list(csv.reader(io.StringIO(antwoord.content.decode("utf-8-sig")), delimiter=";"))
    kop, data = rijen[0], rijen[1:]
    assert kop[0] == "referentie"
    assert sorted(r[0] for r in data) == sorted([a.referentie, b.referentie])
    tekst = {r[0]: r[kop.index("omschrijving")] for r in data}
    assert tekst[a.referentie].startswith("'=")  # a spreadsheet does not run it
    assert "Speelplek" in {r[kop.index("soort plek")] for r in data} or data[0][kop.index("soort plek")]
    assert not any(re.search(r"\d{4}-\d{2}-\d{2}", cel) for r in data for cel in r)  # local dates, not ISO
    rij = Inzage.objects.get(pagina=InzagePagina.WACHTRIJ_EXPORT)
    assert rij.gebruiker == gebruiker
    assert sorted(rij.melding_ids) == sorted([a.pk, b.pk])
    # a bad filter is a 400 with the reason, not an export of everything
    assert client.get(reverse("coordinatie:wachtrij_export"), {"van": "gisteren"}).status_code == 400
    als(Rol.PARTNER)
    assert client.get(reverse("coordinatie:wachtrij_export")).status_code in (302, 403)


def test_de_auditor_ziet_de_wachtrij_zonder_knoppen(als, client):
    melding = MeldingFactory()
    als(Rol.AUDITOR)
    html = _wachtrij(client)
    assert melding.referentie in html
    assert reverse("coordinatie:triage", args=[melding.pk]) not in html
    assert 'id="bulkformulier"' not in html
    assert 'name="meldingen"' not in html
    als(Rol.COORDINATOR)
    assert reverse("coordinatie:triage", args=[melding.pk]) in _wachtrij(client)


def test_wijk_en_buurt_versmallen_na_een_stadsdeel(als, client):
    als(Rol.COORDINATOR)
    html = _wachtrij(client, stadsdeel="T")
    wijk_select = re.search(r'<select id="f-wijk".*?</select>', html, re.S).group(0)
    zichtbaar = re.findall(r'<option value="(\w+)" data-stadsdeel="(\w)"[^>]*?(?<!disabled)>', wijk_select)
    assert zichtbaar
    assert all(sd == "T" for _c, sd in zichtbaar)
    verborgen = re.findall(r'<option value="(\w+)" data-stadsdeel="(\w)" data-wijk="\w+" hidden disabled>', wijk_select)
    assert verborgen
    assert all(sd != "T" for _c, sd in verborgen)
    buurt_select = re.search(r'<select id="f-buurt".*?</select>', _wachtrij(client, wijk="TD"), re.S).group(0)
    for code, wijk, rest in re.findall(
        r'<option value="(\w+)" data-stadsdeel="\w" data-wijk="(\w+)"([^>]*)>', buurt_select
    ):
        assert ("hidden" in rest) == (wijk != "TD"), code


def test_dubbel_op_referentie_en_kandidaten_met_een_label(als, client):
    origineel = MeldingFactory(status=MeldingStatus.IN_BEHANDELING)
    melding = MeldingFactory()
    als(Rol.COORDINATOR)
    html = _wachtrij(client)
    assert f'value="{origineel.referentie}"' in html
    wachtrij = html.split('id="wachtrij"', 1)[1].split("</section>", 1)[0]
    assert "in_behandeling" not in re.sub(r'(value|name|data-[a-z-]+|id|class)="[^"]*"', "", wachtrij)
    assert "In behandeling" in wachtrij
    client.post(
        reverse("coordinatie:triage", args=[melding.pk]), {"actie": "dubbel", "origineel": origineel.referentie.lower()}
    )
    melding.refresh_from_db()
    assert melding.duplicaat_van_id == origineel.pk
    fout = client.post(
        reverse("coordinatie:triage", args=[MeldingFactory().pk]),
        {"actie": "dubbel", "origineel": "M-999999"},
        follow=True,
    ).content.decode()
    assert "Melding M-999999 bestaat niet." in fout


def test_melding_str_is_de_referentie():
    melding = MeldingFactory()
    assert str(Melding.objects.get(pk=melding.pk)) == melding.referentie


def _json_stap(client, melding, **data):
    return client.post(reverse("coordinatie:triage", args=[melding.pk]), data, HTTP_ACCEPT="application/json")


def test_triage_zonder_herladen_antwoordt_json(als, client):
    """wachtrij.js sends a step with Accept: application/json and gets what it needs to update the queue
    in place: whether it worked, the messages, and whether the card still belongs in the queue."""
    a, b, c = MeldingFactory(), MeldingFactory(), MeldingFactory()
    als(Rol.COORDINATOR)
    antwoord = _json_stap(client, a, actie="accepteren")
    assert antwoord.status_code == 200
    assert antwoord.json() == {
        "gelukt": True,
        "berichten": [f"{a.referentie} is geaccepteerd (in behandeling)."],
        "in_wachtrij": False,
        "status": "In behandeling",
    }
    # a note keeps the melding in the queue
    notitie = _json_stap(client, b, actie="notitie", tekst="Even navragen bij de wijkagent.").json()
    assert (notitie["gelukt"], notitie["in_wachtrij"]) == (True, True)
    # an invalid step: 400, the reason, and nothing changed
    fout = _json_stap(client, b, actie="afwijzen")
    assert fout.status_code == 400
    assert fout.json()["berichten"] == [f"{b.referentie}: Kies een reden om af te wijzen."]
    assert fout.json()["in_wachtrij"] is True
    # a lost race (a colleague was quicker): 409, and the card leaves the queue anyway
    Melding.objects.filter(pk=c.pk).update(status=MeldingStatus.IN_BEHANDELING)
    race = _json_stap(client, c, actie="accepteren")
    assert race.status_code == 409
    assert race.json()["in_wachtrij"] is False
    assert "de status is intussen veranderd" in race.json()["berichten"][0]
    # and without the header, the old redirect with its message
    assert client.post(reverse("coordinatie:triage", args=[b.pk]), {"actie": "accepteren"}).status_code == 302
    # no messages were queued by the JSON answers (they would show up on the next page load)
    html = _wachtrij(client)
    assert html.count("bericht--") == 1  # only the redirect's own success message


def _foto_bij(melding, kleur=(120, 10, 10)):
    from django.core.files.base import ContentFile
    from PIL import Image

    from meldingen.models import MeldingFoto

    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), kleur).save(buffer, format="JPEG")
    f = MeldingFoto(melding=melding, breedte=640, hoogte=480)
    f.bestand.save("raam.jpg", ContentFile(buffer.getvalue()), save=True)
    return f


def test_duimnagels_in_de_wachtrij_staan_in_de_ene_inzagerij(als, client):
    from PIL import Image

    melding = MeldingFactory()
    foto = _foto_bij(melding)
    elders = _foto_bij(MeldingFactory(status=MeldingStatus.IN_BEHANDELING))  # not in the queue
    coordinator = als(Rol.COORDINATOR)
    klein = reverse("coordinatie:foto_klein", args=[foto.pk])
    # before a queue load showed it: a 404, as for a photo that does not exist
    assert client.get(klein).status_code == 404
    html = _wachtrij(client)
    assert f'src="{klein}"' in html
    rij = Inzage.objects.get(pagina=InzagePagina.WACHTRIJ)
    assert rij.foto_ids == [foto.pk]
    voor = Inzage.objects.count()
    antwoord = client.get(klein)
    assert antwoord.status_code == 200
    assert antwoord["Content-Type"] == "image/jpeg"
    assert "no-store" in antwoord["Cache-Control"]
    with Image.open(io.BytesIO(antwoord.content)) as beeld:
        assert max(beeld.size) <= 96
        assert not beeld.getexif()
    assert Inzage.objects.count() == voor  # the queue's row covers it
    # a photo the queue did not show stays out of reach
    assert client.get(reverse("coordinatie:foto_klein", args=[elders.pk])).status_code == 404
    # a queue load more than an hour ago no longer counts
    tweede = als(Rol.COORDINATOR, "tweede-coordinator")
    with time_machine.travel(timezone.now() - timedelta(minutes=61)):
        client.force_login(tweede)
        _wachtrij(client)
    client.logout()  # a fresh session: the old one's last activity lies an hour back
    client.force_login(tweede)
    assert client.get(klein).status_code == 404
    assert coordinator != tweede
    # the auditor sees no thumbnails and gets none
    als(Rol.AUDITOR)
    assert klein not in _wachtrij(client)
    assert client.get(klein).status_code == 403


RAUWE_CODE = re.compile(r"\b[a-z]+_[a-z_]+\b")  # in_behandeling, geen_drugsoverlast, extra_toezicht, ...
ISO_DATUM = re.compile(r"\b20\d\d-\d\d-\d\d\b")


def _zichtbare_tekst(html: str) -> str:
    """What a reader sees: no scripts, styles, JSON data or attributes, no tags."""
    html = re.sub(r"<(script|style|template)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_geen_rauwe_codes_of_iso_datums_op_de_stafpaginas(als, client, voorstel):
    """Labels, local dates and references, never a code from the lists or an ISO date (issue 17)."""
    melding = MeldingFactory(
        status=MeldingStatus.AFGEWEZEN, afwijs_reden="geen_drugsoverlast", locatie_type_id="portiek",
        waarnemingen=["dealen", "gebruik"], melder_rol_id="bewoner",
    )  # fmt: skip
    nieuw = MeldingFactory()
    actie = voorstel("extra_toezicht")
    hotspot = actie.hotspot
    als(Rol.COORDINATOR)
    paginas = {
        "werkscherm": reverse("coordinatie:werkscherm"),
        "melding": reverse("coordinatie:melding", args=[melding.pk]),
        "melding (nieuw)": reverse("coordinatie:melding", args=[nieuw.pk]),
        "hotspot": reverse("coordinatie:hotspot", args=[hotspot.pk]),
        "acties": reverse("coordinatie:acties"),
        "actie": reverse("coordinatie:actie", args=[actie.pk]),
    }
    for naam, url in paginas.items():
        antwoord = client.get(url)
        assert antwoord.status_code == 200, naam
        tekst = _zichtbare_tekst(antwoord.content.decode())
        assert not RAUWE_CODE.findall(tekst), (naam, RAUWE_CODE.findall(tekst))
        assert not ISO_DATUM.findall(tekst), (naam, ISO_DATUM.findall(tekst))
        assert melding.meldcode not in antwoord.content.decode(), naam


def test_dubbele_kandidaten_met_hun_tekst_naast_die_van_de_melding(als, client):
    origineel = MeldingFactory(omschrijving="Twee mannen bij de box, elke avond.", ontvangen_op=uur_terug(5))
    melding = MeldingFactory(omschrijving="Weer die twee mannen bij box 12.")
    als(Rol.COORDINATOR)
    html = _wachtrij(client)
    naast = re.search(r'<div class="naast">(.*?)</div>', html, re.S).group(1)
    assert melding.referentie in naast
    assert "Weer die twee mannen bij box 12." in naast
    assert origineel.referentie in naast
    assert "Twee mannen bij de box, elke avond." in naast
