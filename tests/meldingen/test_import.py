import csv
import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from meldingen.importer import meldingen_import_csv
from meldingen.models import Melding, MeldingEvent
from privacy.anonymity import truncate_to_hour
from tests.factories import BIJLMERPLEIN, DAM, PLEIN_40_45, UTRECHT_DOMPLEIN

pytestmark = pytest.mark.django_db

HEADER = ["observed_at", "lat", "lon", "locatie_type", "waarnemingen", "kanaal", "melder_rol", "omschrijving"]


def ago(**delta) -> str:
    return (timezone.now() - timedelta(**delta)).isoformat(timespec="seconds")


def row(**overrides) -> list[str]:
    values = {
        "observed_at": ago(days=3),
        "lat": str(BIJLMERPLEIN[0]),
        "lon": str(BIJLMERPLEIN[1]),
        "locatie_type": "speelplek",
        "waarnemingen": "dealen;ronselen",
        "kanaal": "import",
        "melder_rol": "bewoner",
        "omschrijving": "Elke avond bij de speeltuin.",
    }
    values.update(overrides)
    return [values[name] for name in HEADER]


def write_csv(tmp_path, rows, *, header=HEADER, name="meldingen.csv"):
    path = tmp_path / name
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def run_import(path) -> tuple[list[str], list[str]]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_meldingen", str(path), stdout=out, stderr=err)
    return out.getvalue().splitlines(), err.getvalue().splitlines()


def test_import_stores_every_good_row_in_its_buurt(tmp_path):
    # given
    observed = timezone.now() - timedelta(days=2, hours=5)
    path = write_csv(
        tmp_path,
        [
            row(observed_at=observed.isoformat(), kanaal="sms"),
            row(
                lat=str(PLEIN_40_45[0]),
                lon=str(PLEIN_40_45[1]),
                locatie_type="garagebox",
                waarnemingen="opslag;aanloop;opslag",
                kanaal="telefoon",
                melder_rol="",
                omschrijving="",
            ),
            row(lat=str(DAM[0]), lon=str(DAM[1]), observed_at=ago(days=30).replace("+00:00", "Z"), kanaal="web"),
        ],
    )
    before = timezone.now()
    # when
    out, err = run_import(path)
    # then
    assert err == []
    assert out[-1] == "imported 3, rejected 0"
    bijlmer, plein, dam = Melding.objects.order_by("id")
    assert bijlmer.buurt.wijk.stadsdeel_id == "T"
    assert bijlmer.kanaal == "sms"
    assert bijlmer.observed_at == observed
    assert bijlmer.locatie_type_id == "speelplek"
    assert bijlmer.waarnemingen == ["dealen", "ronselen"]
    assert bijlmer.melder_rol_id == "bewoner"
    assert bijlmer.omschrijving == "Elke avond bij de speeltuin."
    assert bijlmer.status == "nieuw"
    assert bijlmer.dagdeel in {"ochtend", "middag", "avond", "nacht"}
    assert plein.buurt.wijk.stadsdeel_id == "F"
    assert plein.kanaal == "telefoon"
    assert plein.waarnemingen == ["opslag", "aanloop"]
    assert plein.melder_rol_id == "onbekend"
    assert plein.omschrijving == ""
    assert dam.buurt.wijk.stadsdeel_id == "A"
    assert dam.kanaal == "web"
    # received in the hour of the import, not at the observed moment
    assert {m.ontvangen_op for m in (bijlmer, plein, dam)} <= {
        truncate_to_hour(before),
        truncate_to_hour(timezone.now()),
    }
    assert all(m.import_sleutel and len(m.import_sleutel) == 64 for m in (bijlmer, plein, dam))
    assert MeldingEvent.objects.filter(van="", naar="nieuw").count() == 3


def test_import_reports_each_bad_row_by_line_and_keeps_the_good_ones(tmp_path):
    # given: good rows around one bad row of every kind; line 1 is the header
    bad_rows = {
        3: (row(observed_at="gisteren"), "observed_at"),
        5: (row(observed_at=(timezone.now() - timedelta(days=1)).replace(tzinfo=None).isoformat()), "observed_at"),
        6: (row(observed_at=(timezone.now() + timedelta(days=2)).isoformat()), "observed_at"),
        7: (row(observed_at=ago(days=400)), "observed_at"),
        8: (row(locatie_type="ruimteschip"), "locatie_type"),
        10: (row(waarnemingen="dealen;toveren"), "waarnemingen: Onbekende waarneming: toveren."),
        11: (row(waarnemingen=""), "waarnemingen"),
        12: (row(kanaal="fax"), "kanaal"),
        13: (row(melder_rol="agent"), "melder_rol"),
        14: (row(lat="noord"), "lat"),
        15: (row(lat=str(UTRECHT_DOMPLEIN[0]), lon=str(UTRECHT_DOMPLEIN[1])), "buiten Amsterdam"),
        16: (row(omschrijving="x" * 2001), "omschrijving"),
        18: (row()[:-1], "8"),
        19: ([*row(), "extra"], "8"),
    }
    lines = []
    for line in range(2, 21):
        if line in bad_rows:
            lines.append(bad_rows[line][0])
        else:
            lines.append(row(omschrijving=f"goede regel {line}"))
    path = write_csv(tmp_path, lines)
    good = 19 - len(bad_rows)
    # when
    out, err = run_import(path)
    # then
    assert out[-1] == f"imported {good}, rejected {len(bad_rows)}"
    reported = {int(message.split(":")[0].removeprefix("line ")): message for message in err}
    assert set(reported) == set(bad_rows)
    for line, (_row, reason) in bad_rows.items():
        assert reason in reported[line], reported[line]
    assert reported[10] == "line 10: waarnemingen: Onbekende waarneming: toveren."
    assert sorted(Melding.objects.values_list("omschrijving", flat=True)) == sorted(
        f"goede regel {line}" for line in range(2, 21) if line not in bad_rows
    )


def test_import_counts_physical_lines_across_quoted_line_breaks(tmp_path):
    # given: row 2 spans lines 2-4, so the bad row after it is on line 5; an empty line is ignored
    path = write_csv(tmp_path, [row(omschrijving="eerste regel\ntweede regel\nderde regel"), row(kanaal="fax")])
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\n")
    # when
    out, err = run_import(path)
    # then
    assert err == ["line 5: kanaal: Onbekend kanaal: 'fax' (kies uit web, sms, telefoon, import)."]
    assert out[-1] == "imported 1, rejected 1"
    assert Melding.objects.get().omschrijving == "eerste regel\ntweede regel\nderde regel"


def test_reimporting_adds_nothing(tmp_path):
    # given
    rows = [row(omschrijving=f"melding {n}") for n in range(3)] + [row(kanaal="fax")]
    path = write_csv(tmp_path, rows)
    run_import(path)
    # when
    out, err = run_import(path)
    # then
    assert out == ["skipped 3 already imported", "imported 0, rejected 1"]
    assert err == ["line 5: kanaal: Onbekend kanaal: 'fax' (kies uit web, sms, telefoon, import)."]
    assert Melding.objects.count() == 3


def test_same_row_in_another_spelling_or_file_is_recognised(tmp_path):
    # given: the same report, once in UTC and once in Amsterdam summer/winter time with other spelling
    moment = timezone.now().replace(microsecond=0) - timedelta(days=5)
    local = timezone.localtime(moment)
    first = write_csv(tmp_path, [row(observed_at=moment.isoformat(), melder_rol="", waarnemingen="dealen;ronselen")])
    second = write_csv(
        tmp_path,
        [
            row(
                observed_at=local.isoformat(),
                lat=f"{BIJLMERPLEIN[0]:.6f}",
                melder_rol="onbekend",
                waarnemingen=" ronselen ; dealen ",
            ),
            row(observed_at=local.isoformat(), omschrijving="iets anders"),
        ],
        name="andere-partner.csv",
    )
    run_import(first)
    # when
    out, _err = run_import(second)
    # then
    assert out == ["skipped 1 already imported", "imported 1, rejected 0"]
    assert Melding.objects.count() == 2


def test_duplicate_rows_within_one_file_are_imported_once(tmp_path):
    path = write_csv(tmp_path, [row(), row()])
    out, _err = run_import(path)
    assert out == ["skipped 1 already imported", "imported 1, rejected 0"]
    assert Melding.objects.count() == 1


@pytest.mark.parametrize(
    "header",
    [
        ["observed_at", "lat", "lon", "locatie_type", "waarnemingen", "kanaal", "melder_rol"],
        ["tijd", "lat", "lon", "locatie_type", "waarnemingen", "kanaal", "melder_rol", "omschrijving"],
        [*HEADER, "lat"],
    ],
)
def test_wrong_header_aborts_before_any_row(tmp_path, header):
    path = write_csv(tmp_path, [row()[: len(header)]], header=header)
    with pytest.raises(CommandError, match="header"):
        run_import(path)
    assert Melding.objects.count() == 0


def test_header_may_be_reordered_padded_and_carry_a_bom(tmp_path):
    # given: the export of a spreadsheet
    header = [
        "\ufeffkanaal",
        " lat",
        "lon",
        "observed_at",
        "locatie_type",
        "waarnemingen",
        "melder_rol",
        "omschrijving",
    ]
    values = dict(zip(HEADER, row(), strict=True))
    path = write_csv(tmp_path, [[values[name.strip().lstrip("\ufeff")] for name in header]], header=header)
    # when
    out, err = run_import(path)
    # then
    assert (out[-1], err) == ("imported 1, rejected 0", [])


def test_empty_file_and_missing_file_are_clear_errors(tmp_path):
    empty = tmp_path / "leeg.csv"
    empty.write_text("")
    with pytest.raises(CommandError, match="empty"):
        run_import(empty)
    with pytest.raises(CommandError, match="cannot read"):
        run_import(tmp_path / "bestaat-niet.csv")


def test_non_utf8_file_is_refused_before_any_row(tmp_path):
    path = write_csv(tmp_path, [row()])
    with path.open("ab") as handle:
        handle.write(",".join(row(omschrijving="caf\xe9")).encode("latin-1") + b"\n")
    with pytest.raises(CommandError, match="UTF-8"):
        run_import(path)
    assert Melding.objects.count() == 0


def test_service_returns_the_counts_and_errors():
    # given
    text = ",".join(HEADER) + "\n" + ",".join(row()) + "\n" + ",".join(row(locatie_type="maan")) + "\n"
    # when
    result = meldingen_import_csv(stream=io.StringIO(text, newline=""))
    # then
    assert (result.imported, result.rejected, result.skipped) == (1, 1, 0)
    assert [(error.line, error.reason) for error in result.errors] == [(3, "locatie_type: Kies wat voor plek het is.")]
