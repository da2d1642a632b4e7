"""The clustering's parameters are data (ClusterParameters): the recompute runs the defaults, and a
variant passed in changes what is found, with no source patched (the quality bench relies on this)."""

import pytest
from django.db import transaction

from hotspots.models import Hotspot
from hotspots.services import ClusterParameters, clusters_bepalen, hotspot_recompute
from hotspots.services.clustering import BUFFER_M, EPS_M, MINPOINTS_VLOER, VENSTER_DAGEN
from tests.hotspots.conftest import BIJLMERPLEIN, plant


def test_de_standaard_is_wat_de_constanten_zeggen():
    p = ClusterParameters()
    assert (p.venster_dagen, p.eps_m, p.minpoints_vloer, p.buffer_m) == (
        VENSTER_DAGEN,
        EPS_M,
        MINPOINTS_VLOER,
        BUFFER_M,
    )
    # 150 m around a 75 m cell's centre: 13 cells
    assert len(p.buren) == 13
    assert p.disc_m2 == 13 * 75 * 75


def test_een_variant_verandert_wat_de_recompute_vindt(db, as_of):
    # given: 12 counted reports close together
    plant(BIJLMERPLEIN)
    # when / then: the defaults find them; a floor above 12 does not, in the same process
    assert hotspot_recompute(as_of=as_of, parameters=ClusterParameters(minpoints_vloer=13)).clusters == 0
    assert Hotspot.objects.count() == 0
    assert hotspot_recompute(as_of=as_of).clusters == 1


def test_andere_cellen_en_straal_bouwen_geldige_sql(db, as_of):
    # given
    plant(BIJLMERPLEIN)
    # when: a finer grid, a smaller disc, the Poisson threshold and a wider buffer
    with transaction.atomic():
        clusters = clusters_bepalen(
            as_of=as_of, parameters=ClusterParameters(cel_m=50, eps_m=100, drempel="poisson", buffer_m=40)
        )
    # then: still the one place, its polygon buffered by the variant's 40 m
    assert len(clusters) == 1
    assert clusters[0].n == 12
    with transaction.atomic():
        smal = clusters_bepalen(as_of=as_of)[0]
    assert clusters[0].polygon.area > smal.polygon.area


def test_een_onbekende_drempel_wordt_geweigerd():
    with pytest.raises(ValueError, match="drempel"):
        ClusterParameters(drempel="wortel")
