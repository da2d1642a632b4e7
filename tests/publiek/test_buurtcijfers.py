"""Issue 16, "must show": every public number on the buurt page, the open-data feed and the status page
rests on at least 5 reports, and no hidden one can be worked out by subtracting published ones.

The attacker here is written independently of publiek/drempel.py: for every hidden cell it tries every
value its label allows and keeps those for which the other hidden cells can make up the rest (a
subset-sum over their allowed values, no interval shortcut). A hidden figure of 1-4 must keep at least
two possible values."""

import csv
import io
import json
import random
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from meldingen.models import Buurt, LocatieType, Melding, Waarneming
from publiek.buurt import maand_beschermen, maanden_periode
from publiek.drempel import K
from tests.factories import MeldingFactory

TZ = ZoneInfo("Europe/Amsterdam")


# --- the attacker -------------------------------------------------------------------------------------


def _toegestaan(cel: dict, totaal: int | None) -> range:
    """What a hidden cell's label tells: "minder_dan_5" is 0..4, "niet_getoond" is 5 or more."""
    plafond = totaal if totaal is not None else 10_000
    if cel["toelichting"] == "minder_dan_5":
        return range(0, min(K - 1, plafond) + 1)
    return range(K, plafond + 1)


def _sommen(bereiken: list[range], plafond: int) -> set[int]:
    sommen = {0}
    for r in bereiken:
        sommen = {s + v for s in sommen for v in r if s + v <= plafond}
    return sommen


def mogelijke_waarden(totaal: int, cellen: list[dict], *, som: bool) -> dict[int, set[int]]:
    """For each hidden cell (by index) the values consistent with the total, the shown cells and the
    labels: `som` the parts add up to the total, else their sum is at least the total."""
    getoond = sum(c["aantal"] for c in cellen if c["aantal"] is not None)
    verborgen = [i for i, c in enumerate(cellen) if c["aantal"] is None]
    rest = totaal - getoond
    uit = {}
    for i in verborgen:
        anderen = [_toegestaan(cellen[j], totaal) for j in verborgen if j != i]
        mogelijk = set()
        if som:
            sommen = _sommen(anderen, rest)
            mogelijk = {v for v in _toegestaan(cellen[i], totaal) if rest - v in sommen}
        else:
            hoogste = sum(r[-1] for r in anderen if len(r))
            mogelijk = {v for v in _toegestaan(cellen[i], totaal) if v + hoogste >= rest}
        uit[i] = mogelijk
    return uit


def aanvallen(maand: dict, echte: dict | None = None) -> None:
    """Asserts that nothing in one published buurt-month (feed format) gives away a small figure."""
    totaal = maand["meldingen"]["aantal"]
    if totaal is None:
        assert (not maand["plekken"] and not maand["waarnemingen"]) or all(
            c["aantal"] is None for c in maand["plekken"] + maand["waarnemingen"]
        )
        return
    assert totaal >= K
    for soort, som in (("plekken", True), ("waarnemingen", False)):
        cellen = maand[soort]
        for c in cellen:
            assert c["aantal"] is None or c["aantal"] >= K, (soort, c)
        for i, mogelijk in mogelijke_waarden(totaal, cellen, som=som).items():
            assert mogelijk, f"inconsistent: {soort} {cellen[i]}"
            if echte is not None:
                waar = echte[soort][cellen[i]["code"]]
                assert waar in mogelijk
                if 0 < waar < K:
                    assert len(mogelijk) >= 2, (
                        f"{soort} {cellen[i]['code']} = {waar} is recoverable in {maand['maand']}"
                    )


def _als_feed(totaal, plekken, waarnemingen) -> dict:
    t, p, w = maand_beschermen(totaal, plekken, waarnemingen)

    def cel(c):
        return {"aantal": c.waarde, "toelichting": c.reden}

    return {
        "maand": "x",
        "meldingen": cel(t),
        "plekken": [{"code": k, **cel(c)} for k, c in p.items()] if t.getoond else [],
        "waarnemingen": [{"code": k, **cel(c)} for k, c in w.items()] if t.getoond else [],
    }


def _willekeurige_maand(rnd: random.Random):
    """A month of a small buurt: few categories, small and middling counts, the cases where subtracting
    works if nothing more is hidden."""
    plek_codes = [f"p{i}" for i in range(rnd.randint(1, 4))]
    waarneming_codes = [f"w{i}" for i in range(rnd.randint(1, 4))]
    meldingen = []
    for _i in range(rnd.choice([rnd.randint(0, 6), rnd.randint(5, 14), rnd.randint(10, 40)])):
        plek = rnd.choice(plek_codes)
        ws = rnd.sample(waarneming_codes, rnd.randint(1, len(waarneming_codes)))
        meldingen.append((plek, ws))
    plekken = {c: sum(1 for p, _w in meldingen if p == c) for c in plek_codes}
    waarnemingen = {c: sum(1 for _p, ws in meldingen if c in ws) for c in waarneming_codes}
    return len(meldingen), plekken, waarnemingen


def test_geen_klein_getal_is_terug_te_rekenen_in_duizenden_willekeurige_maanden():
    rnd = random.Random(16)
    beschermd = 0
    for _i in range(5000):
        totaal, plekken, waarnemingen = _willekeurige_maand(rnd)
        maand = _als_feed(totaal, plekken, waarnemingen)
        aanvallen(maand, {"plekken": plekken, "waarnemingen": waarnemingen})
        beschermd += any(
            c["toelichting"] == "niet_getoond" for c in [maand["meldingen"], *maand["plekken"], *maand["waarnemingen"]]
        )
    assert beschermd > 50  # the extra hiding was needed, and done, in many of them


@pytest.mark.parametrize(
    ("totaal", "plekken", "verwacht"),
    [
        # a total of 9 against one shown part of 5: the other part would be 4
        (9, {"a": 5, "b": 4}, {"a": None, "b": None}),
        # two hidden parts that together are 8 can only be 4 and 4
        (18, {"a": 10, "b": 4, "c": 4}, {"a": None, "b": None, "c": None}),
        # 3 + 1 hidden under a total of 14: 0..4 each with a sum of 4 is not pinned
        (14, {"a": 10, "b": 3, "c": 1}, {"a": 10, "b": None, "c": None}),
    ],
)
def test_een_totaal_tegen_zijn_delen(totaal, plekken, verwacht):
    t, cellen, _w = maand_beschermen(totaal, plekken, {"w": totaal})
    assert {k: c.waarde for k, c in cellen.items()} == verwacht or not t.getoond
    aanvallen(_als_feed(totaal, plekken, {"w": totaal}), {"plekken": plekken, "waarnemingen": {"w": totaal}})


# --- the real pages, on planted data --------------------------------------------------------------------


def _in_maand(maand: date, dag: int) -> datetime:
    return datetime.combine(maand.replace(day=dag), time(14), tzinfo=TZ)


@pytest.fixture
def geplant(db):
    """A year of meldingen in one buurt with counts chosen to hit the edges (months of 0, 1-4, 5, a
    total of 9 against a part of 5, many), with random kinds; and some that must not count."""
    rnd = random.Random(1616)
    buurt = Buurt.objects.get(geometrie__contains=MeldingFactory.build().locatie)
    plekken = list(LocatieType.objects.values_list("code", flat=True))
    waarnemingen = list(Waarneming.objects.values_list("code", flat=True))
    maanden = maanden_periode()
    aantallen = [0, 1, 4, 5, 9, 6, 23, 12, 3, 7, 40, 11]
    echte: dict[str, dict] = {}
    rijen = []
    for maand, n in zip(maanden, aantallen, strict=True):
        # concentrated on few kinds, as in real buurten, so that subtracting has something to work with
        favoriet = rnd.sample(plekken, 2)
        for i in range(n):
            plek = favoriet[i % 2] if rnd.random() < 0.8 else rnd.choice(plekken)
            ws = ["dealen"] if rnd.random() < 0.7 else rnd.sample(waarnemingen, rnd.randint(1, 3))
            rijen.append(
                MeldingFactory.build(locatie_type_id=plek, waarnemingen=ws, ontvangen_op=_in_maand(maand, 1 + i % 27))
            )
        echte[maand.strftime("%Y-%m")] = {
            "totaal": n,
            "plekken": {p: 0 for p in plekken},
            "waarnemingen": {w: 0 for w in waarnemingen},
        }
    for m in rijen:
        m.buurt = buurt
        e = echte[m.ontvangen_op.astimezone(TZ).strftime("%Y-%m")]
        e["plekken"][m.locatie_type_id] += 1
        for w in m.waarnemingen:
            e["waarnemingen"][w] += 1
    Melding.objects.bulk_create(rijen)
    # not counted: rejected, a duplicate, this month's, and one from before the period
    MeldingFactory(status="afgewezen", afwijs_reden="spam", ontvangen_op=_in_maand(maanden[4], 2))
    origineel = Melding.objects.filter(buurt=buurt).first()
    MeldingFactory(
        status="afgewezen", afwijs_reden="dubbel", duplicaat_van=origineel, ontvangen_op=_in_maand(maanden[4], 3)
    )
    MeldingFactory()
    MeldingFactory(ontvangen_op=_in_maand(maanden[0], 1) - timedelta(days=40))
    return buurt, echte


def _feed_buurt(buurt_code: str) -> dict:
    response = Client().get(reverse("open_data", args=["json"]))
    assert response.status_code == 200
    (b,) = [b for b in json.loads(response.content)["buurten"] if b["code"] == buurt_code]
    return b


def test_de_feed_geeft_nergens_een_klein_of_terug_te_rekenen_getal(geplant):
    buurt, echte = geplant
    feed = _feed_buurt(buurt.code)
    assert [m["maand"] for m in feed["maanden"]] == list(echte)
    for maand in feed["maanden"]:
        e = echte[maand["maand"]]
        # a shown figure is the true one and at least 5; a hidden one is what its label says
        t = maand["meldingen"]
        assert t["aantal"] in (None, e["totaal"])
        if t["aantal"] is None:
            assert (t["toelichting"] == "minder_dan_5" and e["totaal"] < K) or t["toelichting"] == "niet_getoond"
        aanvallen(maand, e)
    # every month of the planted year is there, with its true figure where it may be shown
    assert [m["meldingen"]["aantal"] for m in feed["maanden"]] == [None, None, None, 5, 9, 6, 23, 12, None, 7, 40, 11]


def test_de_csv_zegt_hetzelfde_als_de_json(geplant):
    buurt, _echte = geplant
    feed = _feed_buurt(buurt.code)
    rijen = list(csv.DictReader(io.StringIO(Client().get(reverse("open_data", args=["csv"])).content.decode())))
    uit_csv = {(r["maand"], r["soort"], r["code"]): r["aantal"] for r in rijen if r["buurt_code"] == buurt.code}
    uit_json = {}
    for m in feed["maanden"]:
        uit_json[(m["maand"], "totaal", "")] = m["meldingen"]["aantal"]
        for soort, sleutel in (("plek", "plekken"), ("waarneming", "waarnemingen")):
            for c in m[sleutel]:
                uit_json[(m["maand"], soort, c["code"])] = c["aantal"]
    assert uit_csv == {k: "" if v is None else str(v) for k, v in uit_json.items()}


def _getallen(html: str) -> list[int]:
    """The numbers in the page's main content (the footer's 112 and 0800 numbers are not figures)."""
    html = re.search(r"<main\b.*?</main>", html, re.S).group(0)
    tekst = re.sub(r"<[^>]+>", " ", re.sub(r"<(svg|script|style)\b.*?</\1>", " ", html, flags=re.S))
    # dates (5 december 2026, 2026) and the threshold's own words are not figures about reports
    tekst = re.sub(
        r"\b\d{1,2} \w+ \d{4}\b|\b(19|20)\d\d\b|minder dan 5|less than 5|minstens 5|at least 5|bel 112|call 112|\b\d{4} ?[A-Z]{2}\b",
        " ",
        tekst,
    )
    return [int(g) for g in re.findall(r"\b\d+\b", tekst)]


def test_de_buurtpagina_toont_alleen_wat_de_feed_toont(geplant):
    buurt, _echte = geplant
    feed = _feed_buurt(buurt.code)
    html = Client().get(reverse("buurt:buurt", args=[buurt.code])).content.decode()
    toegestaan = set()
    for m in feed["maanden"]:
        rij = re.search(rf'<tr data-maand="{m["maand"]}">(.*?)</tr>', html, re.S).group(1)
        cellen = dict(re.findall(r'data-cel="([^"]+)">([^<]*)<', rij))
        verwacht_totaal = m["meldingen"]["aantal"]
        assert cellen["totaal"].strip() == (
            str(verwacht_totaal)
            if verwacht_totaal is not None
            else {"minder_dan_5": "minder dan 5", "niet_getoond": "niet getoond"}[m["meldingen"]["toelichting"]]
        )
        getoond = {f"plek:{c['code']}": c["aantal"] for c in m["plekken"] if c["aantal"] is not None} | {
            f"waarneming:{c['code']}": c["aantal"] for c in m["waarnemingen"] if c["aantal"] is not None
        }
        assert {k: int(v.rsplit(":", 1)[1]) for k, v in cellen.items() if k != "totaal"} == getoond
        toegestaan |= set(getoond.values()) | ({verwacht_totaal} if verwacht_totaal else set())
    # no other number on the page (the chart repeats the table; the SVG is checked the same way)
    assert set(_getallen(html)) <= toegestaan
    svg = re.search(r"<svg\b.*?</svg>", html, re.S).group(0)
    assert {int(t) for t in re.findall(r">(\d+)</text>", svg)} <= toegestaan


def test_geen_wijk_of_stadsdeelcijfers_en_de_statuspagina_heeft_geen_getallen(geplant):
    buurt, _echte = geplant
    lijst = Client().get(reverse("buurt:zoeken")).content.decode()
    # the list gives the number of buurten per stadsdeel and nothing else: no area totals of reports
    per_stadsdeel = {}
    for b in Buurt.objects.select_related("wijk"):
        per_stadsdeel[b.wijk.stadsdeel_id] = per_stadsdeel.get(b.wijk.stadsdeel_id, 0) + 1
    zonder_namen = re.sub(r"<a [^>]*>[^<]*</a>", " ", lijst)  # buurt names such as "Kolenkitbuurt 2"
    assert set(_getallen(zonder_namen)) <= set(per_stadsdeel.values())
    melding = Melding.objects.filter(buurt=buurt).first()
    html = Client().post(reverse("meldingen:status_zoeken"), {"meldcode": melding.meldcode}).content.decode()
    zonder_code = html.replace(melding.meldcode, "")
    assert _getallen(zonder_code) == []
    # and 112 is on the page, so the check above looked at the right thing
    assert "112" in html
