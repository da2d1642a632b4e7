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
