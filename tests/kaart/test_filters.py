"""The map filter: parsing a query string, refusing bad input in Dutch, and filtering meldingen."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict

from kaart.filters import MeldingFilter, melding_filter_uit_query, meldingen_filteren
from meldingen.models import Melding
from tests.factories import BIJLMERPLEIN, DAM, PLEIN_40_45, MeldingFactory

AMS = ZoneInfo("Europe/Amsterdam")
pytestmark = pytest.mark.django_db


def parse(query: str) -> MeldingFilter:
    return melding_filter_uit_query(QueryDict(query))


def gefilterd(query: str) -> set[int]:
    return set(meldingen_filteren(Melding.objects.all(), parse(query)).values_list("pk", flat=True))


def fouten(query: str) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as exc:
        parse(query)
    return exc.value.message_dict


# --- parsing --------------------------------------------------------------------------------------


def test_empty_query_gives_the_empty_filter():
    f = parse("")
    assert f == MeldingFilter()
    assert f.is_leeg
    assert f.als_query() == ""


def test_comma_lists_and_repeated_parameters_mean_the_same():
    a = parse("status=nieuw,in_behandeling&kanaal=sms")
    b = parse("status=in_behandeling&status=nieuw&kanaal=sms&kanaal=sms")
    assert a == b
    assert a.status == ("in_behandeling", "nieuw")
    assert not a.is_leeg


def test_als_query_round_trips_every_parameter():
    query = (
        "van=2026-10-01&tot=2026-10-31&stadsdeel=T,F&wijk=TD&buurt=TD02&locatie_type=garagebox,portiek"
        "&waarneming=dealen,opslag&status=nieuw&kanaal=web,sms&melder_rol=bewoner"
    )
    f = parse(query)
    assert f.van == dt.date(2026, 10, 1)
    assert f.tot == dt.date(2026, 10, 31)
    assert parse(f.als_query()) == f
    # readable and stable: commas unescaped, parameters in a fixed order
    assert f.als_query().startswith("van=2026-10-01&tot=2026-10-31&stadsdeel=F,T&wijk=TD&buurt=TD02")


def test_other_parameters_are_ignored():
    assert parse("bbox=1,2,3,4&zoom=12&pagina=3") == MeldingFilter()


def test_plain_dict_is_accepted():
    f = melding_filter_uit_query({"status": "nieuw", "kanaal": ["sms", "web"]})
    assert f.status == ("nieuw",)
    assert f.kanaal == ("sms", "web")


@pytest.mark.parametrize(
    ("query", "veld", "tekst"),
    [
        ("status=nieuw,bestaatniet", "status", "Onbekende code voor status: 'bestaatniet'."),
        ("kanaal=fax", "kanaal", "Onbekende code voor kanaal: 'fax'."),
        (
            "locatie_type=garagebox,kelder,zolder",
            "locatie_type",
            "Onbekende codes voor soort plek: 'kelder', 'zolder'.",
        ),
        ("waarneming=vliegen", "waarneming", "Onbekende code voor waarneming: 'vliegen'."),
        ("melder_rol=agent", "melder_rol", "Onbekende code voor rol van de melder: 'agent'."),
        ("stadsdeel=Z", "stadsdeel", "Onbekende code voor stadsdeel: 'Z'."),
        ("wijk=ZZ", "wijk", "Onbekende code voor wijk: 'ZZ'."),
        ("buurt=ZZ99", "buurt", "Onbekende code voor buurt: 'ZZ99'."),
    ],
)
def test_unknown_codes_are_named(query, veld, tekst):
    assert fouten(query) == {veld: [tekst]}


def test_bad_date_is_refused_with_the_expected_format():
    errors = fouten("van=1-10-2026")
    assert "JJJJ-MM-DD" in errors["van"][0]
    assert "'1-10-2026'" in errors["van"][0]


def test_van_after_tot_is_refused():
    errors = fouten("van=2026-11-02&tot=2026-11-01")
    assert errors == {"van": ["De begindatum (2026-11-02) ligt na de einddatum (2026-11-01)."]}


def test_two_dates_for_one_parameter_are_refused():
    assert "van" in fouten("van=2026-11-01,2026-11-02")


def test_all_errors_are_reported_at_once():
    assert set(fouten("van=gisteren&status=x&kanaal=y")) == {"van", "status", "kanaal"}


# --- filtering ------------------------------------------------------------------------------------


def test_van_tot_are_inclusive_days_in_amsterdam():
    # given: meldingen around the edges of 1-2 November in Amsterdam time
    voor = MeldingFactory(observed_at=dt.datetime(2026, 10, 31, 23, 59, tzinfo=AMS))
    begin = MeldingFactory(observed_at=dt.datetime(2026, 11, 1, 0, 0, tzinfo=AMS))
    # 23:30 Amsterdam is already the next day in UTC: still 2 November here
    eind = MeldingFactory(observed_at=dt.datetime(2026, 11, 2, 23, 30, tzinfo=AMS))
    na = MeldingFactory(observed_at=dt.datetime(2026, 11, 3, 0, 0, tzinfo=AMS))
    # then
    assert gefilterd("van=2026-11-01&tot=2026-11-02") == {begin.pk, eind.pk}
    assert gefilterd("van=2026-11-02") == {eind.pk, na.pk}
    assert gefilterd("tot=2026-10-31") == {voor.pk}


def test_area_filters_follow_the_buurt():
    zuidoost = MeldingFactory(latlon=BIJLMERPLEIN)  # TD02, wijk TD, stadsdeel T
    centrum = MeldingFactory(latlon=DAM)  # AD05, AD, A
    nieuw_west = MeldingFactory(latlon=PLEIN_40_45)  # FB07, FB, F
    assert gefilterd("stadsdeel=T") == {zuidoost.pk}
    assert gefilterd("stadsdeel=T,A") == {zuidoost.pk, centrum.pk}
    assert gefilterd("wijk=FB") == {nieuw_west.pk}
    assert gefilterd("buurt=AD05,FB07") == {centrum.pk, nieuw_west.pk}
    # different parameters must all hold
    assert gefilterd("stadsdeel=T&buurt=AD05") == set()


def test_code_filters():
    a = MeldingFactory(locatie_type_id="garagebox", waarnemingen=["opslag", "aanloop"], kanaal="sms")
    b = MeldingFactory(locatie_type_id="portiek", waarnemingen=["dealen"], melder_rol_id="school")
    c = MeldingFactory(locatie_type_id="speelplek", waarnemingen=["ronselen", "dealen"], status="in_behandeling")
    assert gefilterd("locatie_type=garagebox,portiek") == {a.pk, b.pk}
    assert gefilterd("waarneming=aanloop") == {a.pk}
    # any of the given observations
    assert gefilterd("waarneming=dealen,opslag") == {a.pk, b.pk, c.pk}
    assert gefilterd("kanaal=sms") == {a.pk}
    assert gefilterd("melder_rol=school") == {b.pk}
    assert gefilterd("status=in_behandeling") == {c.pk}
    assert gefilterd("status=nieuw&waarneming=dealen") == {b.pk}


def test_empty_filter_keeps_the_queryset():
    ms = MeldingFactory.create_batch(3)
    assert gefilterd("") == {m.pk for m in ms}
