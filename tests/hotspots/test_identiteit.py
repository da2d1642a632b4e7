import itertools
import random
from datetime import timedelta

from hotspots.models import Hotspot, HotspotEvent, HotspotMelding
from hotspots.services import hotspot_recompute, toewijzen
from hotspots.services.recompute import MIN_JACCARD
from hotspots.workflow import HotspotStatus
from meldingen.models import Melding
from meldingen.workflow import AfwijsReden, MeldingStatus
from tests.hotspots.conftest import BIJLMERPLEIN, plant, verschoven

WEST = BIJLMERPLEIN
OOST = verschoven(BIJLMERPLEIN, 0, 300)
MIDDEN = verschoven(BIJLMERPLEIN, 0, 150)


def _levend():
    return list(Hotspot.objects.exclude(status=HotspotStatus.OPGELOST).order_by("id"))


def test_hotspot_die_meldingen_krijgt_houdt_zijn_id(db, as_of):
    # given
    plant(BIJLMERPLEIN)
    hotspot_recompute(as_of=as_of)
    (hotspot,) = _levend()
    # when: three more reports, recompute a day later
    plant(BIJLMERPLEIN, n=3, dagen=3, seed=9, eind=as_of + timedelta(days=1))
    hotspot_recompute(as_of=as_of + timedelta(days=1))
    # then
    (na,) = _levend()
    assert na.pk == hotspot.pk
    assert na.aantal_meldingen == 15
    assert HotspotMelding.objects.filter(hotspot=na).count() == 15
    assert not HotspotEvent.objects.filter(soort__in=["samengevoegd", "gesplitst"]).exists()


def test_twee_hotspots_die_samensmelten(db, as_of):
    # given two hotspots 300 m apart, the western one larger
    plant(WEST, n=12, seed=1)
    plant(OOST, n=8, dagen=8, seed=2)
    hotspot_recompute(as_of=as_of)
    west, oost = sorted(_levend(), key=lambda h: h.polygon.centroid.x)
    assert west.aantal_meldingen == 12
    assert oost.aantal_meldingen == 8
    # when reports in between join them
    plant(MIDDEN, n=8, dagen=8, straal=20, seed=3)
    hotspot_recompute(as_of=as_of)
    # then the one with the larger overlap keeps its id, the other is merged into it
    (samen,) = _levend()
    assert samen.pk == west.pk
    assert samen.aantal_meldingen == 28
    oost.refresh_from_db()
    assert oost.status == HotspotStatus.OPGELOST
    assert oost.samengevoegd_in_id == west.pk
    assert HotspotEvent.objects.filter(hotspot=oost, soort="samengevoegd", ander=west).count() == 1
    assert HotspotEvent.objects.filter(hotspot=west, soort="samengevoegd", ander=oost).count() == 1
    # and a rerun changes nothing
    aantal = HotspotEvent.objects.count()
    hotspot_recompute(as_of=as_of)
    assert HotspotEvent.objects.count() == aantal
    assert [h.pk for h in _levend()] == [west.pk]


def test_hotspot_die_splitst(db, as_of):
    # given one hotspot over two places joined by reports in between
    plant(WEST, n=12, seed=1)
    plant(OOST, n=8, dagen=8, seed=2)
    brug = plant(MIDDEN, n=8, dagen=8, straal=20, seed=3)
    hotspot_recompute(as_of=as_of)
    (een,) = _levend()
    # when the reports in between turn out to be spam
    Melding.objects.filter(pk__in=[m.pk for m in brug]).update(
        status=MeldingStatus.AFGEWEZEN, afwijs_reden=AfwijsReden.SPAM
    )
    hotspot_recompute(as_of=as_of)
    # then the larger part keeps the id and the other is a new hotspot split off from it
    west, oost = sorted(_levend(), key=lambda h: h.polygon.centroid.x)
    assert west.pk == een.pk
    assert west.aantal_meldingen == 12
    assert oost.pk != een.pk
    assert oost.aantal_meldingen == 8
    assert HotspotEvent.objects.filter(hotspot=oost, soort="gesplitst", ander=west).count() == 1
    assert HotspotEvent.objects.filter(hotspot=west, soort="gesplitst", ander=oost).count() == 1


def test_hotspot_zonder_cluster_koelt_af_en_is_na_de_stille_periode_opgelost(db, as_of, settings):
    # given
    settings.HOTSPOT_QUIET_DAYS = 28
    meldingen = plant(BIJLMERPLEIN)
    hotspot_recompute(as_of=as_of)
    (hotspot,) = _levend()
    # when the reports no longer count
    Melding.objects.filter(pk__in=[m.pk for m in meldingen]).update(
        status=MeldingStatus.AFGEWEZEN, afwijs_reden=AfwijsReden.GEEN_DRUGSOVERLAST
    )
    hotspot_recompute(as_of=as_of)
    # then
    hotspot.refresh_from_db()
    assert hotspot.status == HotspotStatus.AFKOELEND
    hotspot_recompute(as_of=as_of + timedelta(days=20))
    hotspot.refresh_from_db()
    assert hotspot.status == HotspotStatus.AFKOELEND
    hotspot_recompute(as_of=as_of + timedelta(days=28))
    hotspot.refresh_from_db()
    assert hotspot.status == HotspotStatus.OPGELOST
    assert list(hotspot.events.filter(soort="status").values_list("van", "naar")) == [
        ("actief", "afkoelend"),
        ("afkoelend", "opgelost"),
    ]


def test_toewijzen_geeft_een_cluster_aan_de_hotspot_met_de_grootste_jaccard():
    # hotspot 1 = {1, 2, 3} and hotspot 2 = {3, 4, 5, 6} both overlap cluster 0 = {1..6}; cluster 1 = {9}
    overlap = {(1, 0): 3, (2, 0): 4}
    assert toewijzen(overlap, {1: 3, 2: 4}, [6, 1]) == [(2, 0, 4 / 6)]


def test_toewijzen_is_optimaal_waar_gulzig_een_hotspot_zou_verliezen():
    # hotspot 1 (14 members) split into cluster 0 (7 of them) and cluster 1 (6); hotspot 2 (4 members)
    # lies for 3 in cluster 0. Best pair first would give cluster 0 to hotspot 1 (J 7/17) and leave
    # hotspot 2 without a cluster; the optimal assignment keeps both: 1 → cluster 1, 2 → cluster 0.
    overlap = {(1, 0): 7, (1, 1): 6, (2, 0): 3}
    assert toewijzen(overlap, {1: 14, 2: 4}, [10, 6]) == [(1, 1, 6 / 14), (2, 0, 3 / 11)]


def test_toewijzen_per_groep_en_onder_de_drempel_niet():
    # two unrelated places, more clusters than hotspots in one of them, and a pair below MIN_JACCARD
    overlap = {(5, 0): 10, (5, 1): 2, (7, 2): 4, (7, 3): 5, (8, 3): 1}
    # hotspot 8 shares 1 of its 30 with cluster 3: Jaccard 1/35 < MIN_JACCARD, so it does not compete
    assert toewijzen(overlap, {5: 12, 7: 10, 8: 30}, [10, 4, 4, 6]) == [(5, 0, 10 / 12), (7, 3, 5 / 11)]


def test_stille_plek_is_opgelost_ook_als_oude_meldingen_nog_een_cluster_vormen(db, as_of, settings):
    # given a hotspot whose last report is 40 days before as_of (still inside the 90-day window)
    settings.HOTSPOT_QUIET_DAYS = 28
    plant(BIJLMERPLEIN, eind=as_of - timedelta(days=39))
    hotspot_recompute(as_of=as_of - timedelta(days=38))
    (hotspot,) = _levend()
    # when recomputed after the quiet period
    hotspot_recompute(as_of=as_of)
    # then it is resolved, and a city without history would not even create it
    hotspot.refresh_from_db()
    assert hotspot.status == HotspotStatus.OPGELOST
    assert not _levend()
    Hotspot.objects.all().delete()
    assert hotspot_recompute(as_of=as_of + timedelta(minutes=1)).aangemaakt == []


def test_toewijzen_haalt_de_grootste_totale_jaccard_in_willekeurige_gevallen():
    rng = random.Random(4)
    for _ in range(300):
        hotspots, clusters = rng.randint(1, 4), rng.randint(1, 4)
        oud_n = {h: rng.randint(5, 30) for h in range(hotspots)}
        nieuw_n = [rng.randint(5, 30) for _ in range(clusters)]
        overlap = {
            (h, c): rng.randint(1, min(oud_n[h], nieuw_n[c]))
            for h in range(hotspots)
            for c in range(clusters)
            if rng.random() < 0.6
        }
        jac = {(h, c): n / (oud_n[h] + nieuw_n[c] - n) for (h, c), n in overlap.items()}
        geldig = {p: j for p, j in jac.items() if j >= MIN_JACCARD}
        # every partial matching, by brute force
        beste = 0.0
        for perm in itertools.permutations([*range(clusters), *[None] * hotspots], hotspots):
            beste = max(beste, sum(geldig.get((h, c), 0.0) for h, c in enumerate(perm) if c is not None))
        gekoppeld = toewijzen(overlap, oud_n, nieuw_n)
        assert abs(sum(j for _, _, j in gekoppeld) - beste) < 1e-9
        assert len({c for _, c, _ in gekoppeld}) == len(gekoppeld) == len({h for h, _, _ in gekoppeld})
        assert all(j >= MIN_JACCARD for _, _, j in gekoppeld)
