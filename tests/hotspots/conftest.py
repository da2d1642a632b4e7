import math
import random
from datetime import UTC, datetime, timedelta

import pytest

from tests.factories import MeldingFactory

AS_OF = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)
BIJLMERPLEIN = (52.3125, 4.9530)
DAM = (52.3731, 4.8926)


def verschoven(latlon: tuple[float, float], noord_m: float, oost_m: float) -> tuple[float, float]:
    lat, lon = latlon
    return (lat + noord_m / 111_320, lon + oost_m / (111_320 * math.cos(math.radians(lat))))


def plant(latlon, *, n=12, dagen=10, straal=60, seed=1, eind=AS_OF, **kwargs):
    """n reports over `dagen` distinct days within `straal` m of `latlon`, the last day at `eind` - 1 day."""
    rnd = random.Random(seed)
    result = []
    for i in range(n):
        hoek, r = rnd.uniform(0, 2 * math.pi), straal * math.sqrt(rnd.random())
        result.append(
            MeldingFactory(
                latlon=verschoven(latlon, r * math.sin(hoek), r * math.cos(hoek)),
                observed_at=eind - timedelta(days=1 + (i % dagen), hours=rnd.randint(0, 5)),
                **kwargs,
            )
        )
    return result


@pytest.fixture
def as_of():
    return AS_OF
