"""Issue 14, the self-identifying text flag: a melding whose free text may reveal its reporter is flagged
on the queue and the melding page. The rules are measured on a held-out half of hand-written examples
that was committed before the rules (tests/meldingen/data/README.md)."""

import json
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meldingen.zelfverraad import tekst_zelfverraad
from tests.factories import MeldingFactory

DATA = Path(__file__).parent / "data"
MIN_RECALL = 0.85
MIN_PRECISION = 0.70


def _voorbeelden(naam: str) -> list[dict]:
    with (DATA / naam).open(encoding="utf-8") as f:
        return [json.loads(regel) for regel in f if regel.strip()]


def _meet(voorbeelden: list[dict]) -> tuple[float, float, list[str]]:
    tp = fp = fn = 0
    fouten = []
    for v in voorbeelden:
        gevlagd = tekst_zelfverraad(v["tekst"], locatie=v["locatie"]) is not None
        if gevlagd and v["risico"]:
            tp += 1
        elif gevlagd:
            fp += 1
            fouten.append(f"vals alarm: {v['tekst']}")
        elif v["risico"]:
            fn += 1
            fouten.append(f"gemist: {v['tekst']}")
    return tp / (tp + fp), tp / (tp + fn), fouten


def test_de_voorbeelden_zijn_volledig_en_in_balans():
    toets, ontwikkel = _voorbeelden("zelfverraad_toets.jsonl"), _voorbeelden("zelfverraad_ontwikkel.jsonl")
    assert len(toets) + len(ontwikkel) >= 120
    for helft in (toets, ontwikkel):
        assert sum(v["risico"] for v in helft) * 2 == len(helft)
    # the held-out half is not a copy of the development half
    assert not {v["tekst"] for v in toets} & {v["tekst"] for v in ontwikkel}


def test_precisie_en_recall_op_de_achtergehouden_helft(capsys):
    precision, recall, fouten = _meet(_voorbeelden("zelfverraad_toets.jsonl"))
    with capsys.disabled():
        print(f"\nzelfverraad, achtergehouden helft: precision {precision:.2f}, recall {recall:.2f}")
        for fout in fouten:
            print(f"  {fout}")
    assert recall >= MIN_RECALL
    assert precision >= MIN_PRECISION


def test_cijfers_op_de_teksten_van_een_tweede_schrijver(capsys):
    """Not a held-out measure any more (see data/README.md), but the broader wording: printed, and held
    to the same targets so a change that loses it shows."""
    precision, recall, _fouten = _meet(_voorbeelden("zelfverraad_extern.jsonl"))
    with capsys.disabled():
        print(f"\nzelfverraad, tweede schrijver: precision {precision:.2f}, recall {recall:.2f}")
    assert recall >= MIN_RECALL
    assert precision >= MIN_PRECISION


@pytest.mark.parametrize(
    ("tekst", "reden"),
    [
        ("Bel me: +31 (0)6 12 34 56 78", "contact"),
        ("mail naar a.b@example.org", "contact"),
        ("ik zie het vanuit m'n slaapkamerraam", "plek"),
        ("bij ons voor de deur", "plek"),
        ("the one above us", "plek"),
        ("mijn oudste zoon", "relatie"),
        ("our upstairs neighbour's flat", "relatie"),
        ("ik woon hier op 14", "huisnummer"),
        ("als huismeester weet ik dat", "rol"),
        ("Groeten, Ria van der Berg", "naam"),
        ("Ik ben Youssef en", "naam"),
    ],
)
def test_redenen(tekst, reden):
    signaal = tekst_zelfverraad(tekst, locatie="Javastraat 36")
    assert signaal is not None
    assert reden in signaal.redenen


@pytest.mark.parametrize(
    "tekst",
    [
        "tussen 22:00 en 02:00, 3 jongens, tram 14",
        "volgens mij wordt er gedeald, ik zie het al maanden",
        "het gaat om nummer 36",  # the reported number itself
        "in onze wijk en bij ons in de buurt",  # broad places
        "in my opinion the neighbourhood is unsafe",
        "op 12-03-2026 om 22 uur",  # a date is not a phone number
        "ik heb de politie gebeld",
        "ik woon hier al 20 jaar en nu is het erger dan ooit",
        "",
    ],
)
def test_geen_vals_alarm(tekst):
    assert tekst_zelfverraad(tekst, locatie="Javastraat 36") is None


def test_een_nummer_naast_het_gemelde_adres():
    signaal = tekst_zelfverraad("het is bij nummer 38 begonnen", locatie="Javastraat 36, 1094HK Amsterdam")
    assert signaal is not None
    assert signaal.redenen == ("huisnummer",)
    assert tekst_zelfverraad("Javastraat 40 ook", locatie="Javastraat 36") is not None
    # far down the street is not next door, and without a number in the place there is nothing to compare
    assert tekst_zelfverraad("het is bij nummer 120 begonnen", locatie="Javastraat 36") is None
    assert tekst_zelfverraad("het is bij nummer 38 begonnen", locatie="Speeltuin Balboaplein") is None


@pytest.mark.django_db
def test_vlag_op_wachtrij_en_meldingpagina(coordinator):
    verraad = MeldingFactory(omschrijving="Ze dealen recht onder mijn balkon, bel 0612345678")
    gewoon = MeldingFactory(omschrijving="Twee jongens op scooters bij de ingang.")
    gewist = MeldingFactory(omschrijving="", tekst_verwijderd_op=timezone.now())
    c = Client()
    c.force_login(coordinator)
    wachtrij = c.get(reverse("coordinatie:werkscherm")).content.decode()
    assert wachtrij.count("Tekst kan de melder verraden") == 1
    pagina = c.get(reverse("coordinatie:melding", args=[verraad.pk])).content.decode()
    assert "eigen woning, portiek of werkplek, telefoonnummer of e-mailadres" in pagina
    assert "“mijn balkon”" in pagina
    assert "“0612345678”" in pagina
    for m in (gewoon, gewist):
        assert "Tekst kan de melder verraden" not in c.get(reverse("coordinatie:melding", args=[m.pk])).content.decode()
