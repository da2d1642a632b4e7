from datetime import timedelta

import factory
from django.contrib.gis.geos import Point
from django.utils import timezone

from meldingen.models import Buurt, Kanaal, Melding
from meldingen.services import meldcode_generate, point_rd
from privacy.anonymity import truncate_to_hour

# Real places with the buurt they lie in (checked against the 2022 buurt geometry in tests).
BIJLMERPLEIN = (52.3125, 4.9530)
DAM = (52.3731, 4.8926)
PLEIN_40_45 = (52.3773, 4.8020)
UTRECHT_DOMPLEIN = (52.0907, 5.1214)


def rd_point(lat: float, lon: float) -> Point:
    return point_rd(lat=lat, lon=lon)


class MeldingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Melding

    class Params:
        latlon = BIJLMERPLEIN

    meldcode = factory.LazyFunction(meldcode_generate)
    kanaal = Kanaal.WEB
    locatie = factory.LazyAttribute(lambda o: rd_point(*o.latlon))
    buurt = factory.LazyAttribute(lambda o: Buurt.objects.get(geometrie__contains=o.locatie))
    locatie_type_id = "speelplek"
    waarnemingen = factory.LazyFunction(lambda: ["dealen"])
    observed_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    dagdeel = "avond"
    frequentie = "dagelijks"
    melder_rol_id = "bewoner"
    ontvangen_op = factory.LazyFunction(lambda: truncate_to_hour(timezone.now()))


class HotspotFactory(factory.django.DjangoModelFactory):
    """A hotspot as the recompute would leave it, for tests of the pages and the map data; tests of the
    detection itself plant meldingen and recompute instead (tests/hotspots)."""

    class Meta:
        model = "hotspots.Hotspot"

    class Params:
        latlon = BIJLMERPLEIN
        straal_m = 50

    polygon = factory.LazyAttribute(lambda o: rd_point(*o.latlon).buffer(o.straal_m))
    buurt = factory.LazyAttribute(lambda o: Buurt.objects.filter(geometrie__contains=o.polygon.centroid).first())
    status = "actief"
    score = 1.0
    aantal_meldingen = 10
    aantal_dagen = 5
    locatie_types = factory.LazyFunction(lambda: [["speelplek", 10]])
    waarnemingen = factory.LazyFunction(lambda: [["dealen", 10]])
    eerste_melding = factory.LazyFunction(lambda: timezone.now() - timedelta(days=10))
    laatste_melding = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    aangemaakt_op = factory.LazyFunction(timezone.now)
    bijgewerkt_op = factory.LazyFunction(timezone.now)
