from meldingen.models import Buurt
from meldingen.selectors import buurt_codes_voor_punten
from tests.factories import rd_point


def test_buurt_codes_voor_punten_in_volgorde_en_none_buiten_de_stad(db):
    dam, bijlmer = rd_point(52.3731, 4.8926), rd_point(52.3125, 4.9530)
    noordzee = rd_point(52.40, 4.40)
    codes = buurt_codes_voor_punten([(bijlmer.x, bijlmer.y), (noordzee.x, noordzee.y), (dam.x, dam.y)])
    assert codes == [
        Buurt.objects.get(geometrie__contains=bijlmer).code,
        None,
        Buurt.objects.get(geometrie__contains=dam).code,
    ]
    assert buurt_codes_voor_punten([]) == []


def test_de_getelde_relatie_voor_sql_is_de_queryset_geteld(db):
    """`geteld_relatie_sql` is what the hotspot SQL reads: it must hold exactly `geteld()`."""
    from django.db import connection

    from meldingen.models import Melding
    from meldingen.selectors import geteld_relatie_sql
    from meldingen.workflow import AfwijsReden, MeldingStatus
    from tests.factories import DAM, MeldingFactory

    nieuw = MeldingFactory(latlon=DAM)
    lopend = MeldingFactory(latlon=DAM, status=MeldingStatus.IN_BEHANDELING)
    MeldingFactory(latlon=DAM, status=MeldingStatus.AFGEWEZEN, afwijs_reden=AfwijsReden.SPAM)
    MeldingFactory(latlon=DAM, status=MeldingStatus.AFGEWEZEN, afwijs_reden=AfwijsReden.DUBBEL, duplicaat_van=nieuw)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT m.id FROM {geteld_relatie_sql()} m")  # noqa: S608
        uit_sql = {row[0] for row in cursor.fetchall()}
    assert uit_sql == set(Melding.objects.geteld().values_list("pk", flat=True)) == {nieuw.pk, lopend.pk}
