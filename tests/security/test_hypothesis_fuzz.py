"""Hypothesis throws random input at the three ways text reaches us besides the API: the public form,
the CSV import and the SMS conversation. Values are drawn from a mix of valid codes and arbitrary
unicode (control characters, NUL, surrogate-free astral planes, very long strings). Example counts
are bounded (and derandomized, so CI sees the same examples every run).

- the form never answers 5xx, and a refused form (400) stores nothing;
- the import reports every row: imported, skipped as a repeat, or rejected with its first line number;
- the SMS parser and conversation never raise, and every reply fits in two GSM-7 segments.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from integrations.twilio import tekst
from integrations.twilio.gesprek import Codes, Status, Zoekresultaat, verwerk
from meldingen.importer import COLUMNS, meldingen_import_csv
from meldingen.models import Melding

pytestmark = pytest.mark.django_db

BEGRENSD = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Text as people (and attackers) send it: anything but lone surrogates, which no UTF-8 body can carry.
TEKST = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=300)
LANG = st.builds(lambda c, n: c * n, st.characters(exclude_categories=("Cs",)), st.integers(2_000, 30_000))
RAAR = st.one_of(TEKST, LANG, st.sampled_from(["", " ", "\x00", "\r\n", "\u202e", "😀" * 50, "%00", "'; drop table"]))


def _of_geldig(*geldig: str):
    return st.one_of(st.sampled_from(geldig), RAAR)


# ------------------------------------------------------------------------------------------ form


@given(
    velden=st.fixed_dictionaries(
        {
            "lat": _of_geldig("52.3125", "52.0907", "nan", "inf", "1e308"),
            "lon": _of_geldig("4.9530", "5.1214", "-inf"),
            "adres": _of_geldig("Bijlmerplein 1", "Dam"),
            "locatie_type": _of_geldig("speelplek", "portiek"),
            "waarnemingen": st.lists(_of_geldig("dealen", "aanloop"), max_size=4),
            "datum": _of_geldig(timezone.localdate().isoformat(), "2026-02-30", "0001-01-01"),
            "dagdeel": _of_geldig("avond", "nacht"),
            "frequentie": _of_geldig("dagelijks", "eenmalig"),
            "melder_rol": _of_geldig("bewoner", ""),
            "omschrijving": RAAR,
            "inzend_sleutel": RAAR,
            "actie": st.sampled_from(["", "melden", "zoeken"]) | TEKST,
        },
    )
)
@BEGRENSD
def test_het_formulier_geeft_nooit_een_500_en_bewaart_niets_bij_een_400(client, fake_pdok, velden):
    voor = Melding.objects.count()
    response = client.post("/melden/", velden)
    assert response.status_code < 500
    if response.status_code == 400:
        assert Melding.objects.count() == voor
    else:
        assert response.status_code == 200
        assert Melding.objects.count() in (voor, voor + 1)


# ------------------------------------------------------------------------------------------ CSV


def _cel(kolom: str):
    nu = timezone.now()
    geldig = {
        "observed_at": [(nu - timedelta(days=2)).isoformat(), "2026-13-01T00:00:00+01:00", "gisteren"],
        "lat": ["52.3125", "52.3731", "-0", "NaN"],
        "lon": ["4.9530", "4.8926", "1e999"],
        "locatie_type": ["speelplek", "portiek"],
        "waarnemingen": ["dealen", "dealen;aanloop", ";;"],
        "kanaal": ["web", "sms", "telefoon", "import"],
        "melder_rol": ["", "bewoner"],
        "omschrijving": ["", "Elke avond."],
    }[kolom]
    return st.one_of(st.sampled_from(geldig), RAAR)


def _regeleinden(tekst_: str) -> int:
    # Physical lines as the csv module counts them on a stream opened with newline="": \r\n, \r or \n
    # (also inside a quoted cell).
    return len(re.findall(r"\r\n|\r|\n", tekst_))


RIJ = st.tuples(*(_cel(k) for k in COLUMNS)).map(list)


@given(rijen=st.lists(RIJ, max_size=6))
@settings(BEGRENSD, max_examples=30)  # each example is a real import into PostGIS
def test_elke_csv_rij_wordt_geimporteerd_of_afgewezen_met_regelnummer(rijen):
    # given a file written as a partner system would (csv module), with the line each row starts on
    buffer = io.StringIO()
    schrijver = csv.writer(buffer)
    schrijver.writerow(COLUMNS)
    begin_regels = []
    for rij in rijen:
        begin_regels.append(_regeleinden(buffer.getvalue()) + 1)
        schrijver.writerow(rij)
    # when it is imported
    resultaat = meldingen_import_csv(stream=io.StringIO(buffer.getvalue(), newline=""))
    # then every row is accounted for, and every rejection names the line its row starts on
    assert resultaat.imported + resultaat.skipped + resultaat.rejected == len(rijen)
    assert len(resultaat.errors) == resultaat.rejected
    assert all(fout.line in begin_regels for fout in resultaat.errors)
    assert len({fout.line for fout in resultaat.errors}) == resultaat.rejected


@given(lichaam=TEKST)
@BEGRENSD
def test_willekeurige_tekst_na_de_kop_laat_de_import_niet_vallen(lichaam):
    tekst_ = ",".join(COLUMNS) + "\n" + lichaam
    resultaat = meldingen_import_csv(stream=io.StringIO(tekst_, newline=""))
    regels = _regeleinden(tekst_) + 1
    assert all(2 <= fout.line <= regels for fout in resultaat.errors)
    assert len(resultaat.errors) == resultaat.rejected


# ------------------------------------------------------------------------------------------ SMS


@given(bericht=RAAR)
@BEGRENSD
def test_de_sms_lezer_breekt_nooit(bericht):
    gelezen = tekst.lezen(bericht)
    tekst.lezen(bericht, alles_is_plek=True)
    assert gelezen.plek is None or isinstance(gelezen.plek.tekst, str)
    tekst.nummers(bericht)
    tekst.sleutelwoord(bericht)
    tekst.is_engels(bericht)
    veilig = tekst.gsm_veilig(bericht)
    assert tekst.is_gsm7(veilig)
    assert tekst.segmenten(bericht) >= 0


class NepDiensten:
    """The conversation's outside world without a database or geocoder: two places for every search."""

    def __init__(self):
        self.gemeld: list[dict] = []

    def zoek(self, vraag):
        naam = (vraag.tekst or "x")[:300]
        return Zoekresultaat(
            plekken=[{"lat": 52.3125, "lon": 4.953, "naam": naam}, {"lat": 52.3731, "lon": 4.8926, "naam": "Dam"}]
        )

    def status(self, meldcode):
        return Status(meldcode=meldcode[:20], status="nieuw", buurt="Bijlmerplein", datum="1 dec") if meldcode else None

    def melden(self, gegevens):
        self.gemeld.append(gegevens)
        return "7KQ2M9XH4T", len(self.gemeld)

    def abonneren(self, melding_id, taal):
        pass

    def vergeten(self):
        return 0

    def codes(self):
        # Rows as an administrator may write them: long form labels, and a code tekst.py has no words for.
        return Codes(
            waarnemingen=(
                ("dealen", "Dealen (verkopen, overhandigen)", "Dealing (selling, hand-overs)"),
                ("nieuw_gezien", "Iets wat nog geen trefwoorden heeft, met een lange uitleg erbij", "Something new"),
            ),
            locatie_types=(
                ("speelplek", "Speelplek, speel- of sportveld", "Playground, play or sports field"),
                ("overig", "Andere plek", "Other place"),
            ),
        )


SMS_WOORDEN = st.sampled_from(
    [
        "ja",
        "nee",
        "1",
        "2",
        "3",
        "9",
        "stop",
        "hulp",
        "opnieuw",
        "en",
        "status 7KQ2M9XH4T",
        "elke avond dealen bij de speeltuin op het bijlmerplein",
        "hoek kinkerstraat en bilderdijkstraat",
        "every night dealing at the playground",
    ]
)


@given(berichten=st.lists(st.one_of(SMS_WOORDEN, RAAR), min_size=1, max_size=8), verlopen=st.booleans())
@BEGRENSD
def test_een_sms_gesprek_met_willekeurige_berichten_breekt_nooit(berichten, verlopen):
    diensten = NepDiensten()
    toestand = None
    for bericht in berichten:
        uitkomst = verwerk(toestand, bericht, diensten, verlopen=verlopen)
        assert isinstance(uitkomst.antwoord, str)
        assert uitkomst.antwoord
        assert tekst.is_gsm7(uitkomst.antwoord)
        assert tekst.segmenten(uitkomst.antwoord) <= tekst.MAX_SEGMENTEN
        # The state is stored as JSON between messages.
        toestand = json.loads(json.dumps(uitkomst.toestand)) if uitkomst.toestand is not None else None
