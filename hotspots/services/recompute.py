"""The full recompute: clusters → hotspots under a stable identity, with merges, splits and history.

See docs/architecture.md, "Hotspots", for the method and the parameter choices.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction

from outbox.services import event_record

from ..events import HOTSPOT_SAMENGEVOEGD
from ..models import Hotspot, HotspotEvent, HotspotKandidaat
from ..workflow import LEVEND, HotspotEventSoort, HotspotStatus, InvalidTransition, gewenste_status, is_allowed
from .clustering import STANDAARD, Cluster, ClusterParameters, clusters_bepalen

# One key for the whole recompute; crc32 keeps it readable and stable across processes.
RECOMPUTE_LOCK_KEY = zlib.crc32(b"hotspots.hotspot_recompute")

# Overlap below which an old hotspot and a new cluster are not the same place.
MIN_JACCARD = 0.1


def _stil_dagen() -> int:
    return settings.HOTSPOT_QUIET_DAYS


def _hongaars(kosten: list[list[float]]) -> list[int]:
    """The assignment of rows to columns with the least total cost (Kuhn-Munkres with potentials,
    O(n²·m)); `kosten` has n <= m rows. Returns the column of each row."""
    n, m = len(kosten), len(kosten[0])
    oneindig = float("inf")
    u, v = [0.0] * (n + 1), [0.0] * (m + 1)
    rij_van = [0] * (m + 1)  # column j (1-based) -> its row (1-based), 0 = free
    via = [0] * (m + 1)
    for i in range(1, n + 1):
        rij_van[0] = i
        j0 = 0
        minimum = [oneindig] * (m + 1)
        gebruikt = [False] * (m + 1)
        while rij_van[j0]:
            gebruikt[j0] = True
            i0, delta, j1 = rij_van[j0], oneindig, 0
            for j in range(1, m + 1):
                if not gebruikt[j]:
                    c = kosten[i0 - 1][j - 1] - u[i0] - v[j]
                    if c < minimum[j]:
                        minimum[j], via[j] = c, j0
                    if minimum[j] < delta:
                        delta, j1 = minimum[j], j
            for j in range(m + 1):
                if gebruikt[j]:
                    u[rij_van[j]] += delta
                    v[j] -= delta
                else:
                    minimum[j] -= delta
            j0 = j1
        while j0:
            j1 = via[j0]
            rij_van[j0] = rij_van[j1]
            j0 = j1
    kolom = [0] * n
    for j in range(1, m + 1):
        if rij_van[j]:
            kolom[rij_van[j] - 1] = j - 1
    return kolom


def toewijzen(
    overlap: dict[tuple[int, int], int], oud_n: dict[int, int], nieuw_n: list[int]
) -> list[tuple[int, int, float]]:
    """The optimal assignment of living hotspots to new clusters: the one with the largest total Jaccard
    over pairs with Jaccard >= MIN_JACCARD, from the shared meldingen per (hotspot, cluster) pair
    (`overlap`, counted in SQL) and the sizes on both sides.

    Solved per connected group of overlapping hotspots and clusters (usually one of each, so the
    Hungarian method runs on tiny matrices). Returns (hotspot id, cluster index, jaccard) pairs sorted by
    hotspot id. Deterministic: the rows and columns go in sorted order.
    """
    paren = {}
    for (hid, ci), gedeeld in overlap.items():
        j = gedeeld / (oud_n[hid] + nieuw_n[ci] - gedeeld)
        if j >= MIN_JACCARD:
            paren[hid, ci] = j
    # connected groups (union-find over hotspots "h…" and clusters "c…")
    ouder: dict[tuple[str, int], tuple[str, int]] = {}

    def wortel(x):
        while ouder.setdefault(x, x) != x:
            ouder[x] = ouder[ouder[x]]
            x = ouder[x]
        return x

    for hid, ci in paren:
        ouder[wortel(("h", hid))] = wortel(("c", ci))
    groepen: dict[tuple[str, int], tuple[set[int], set[int]]] = {}
    for hid, ci in paren:
        hs, cs = groepen.setdefault(wortel(("h", hid)), (set(), set()))
        hs.add(hid)
        cs.add(ci)
    gekoppeld = []
    for hs, cs in groepen.values():
        rijen, kolommen = sorted(hs), sorted(cs)
        omgedraaid = len(rijen) > len(kolommen)
        if omgedraaid:
            rijen, kolommen = kolommen, rijen
        # cost = -jaccard; a pair below the minimum costs 0, like leaving both unassigned
        kosten = [[-paren.get((k, r) if omgedraaid else (r, k), 0.0) for k in kolommen] for r in rijen]
        for r, k in zip(rijen, _hongaars(kosten), strict=True):
            hid, ci = (kolommen[k], r) if omgedraaid else (r, kolommen[k])
            if (hid, ci) in paren:
                gekoppeld.append((hid, ci, paren[hid, ci]))
    return sorted(gekoppeld)


def _status_zetten(hotspot: Hotspot, naar: str, *, as_of: datetime, reden: str, ander: Hotspot | None = None):
    if naar == hotspot.status:
        return None
    if naar not in LEVEND | {HotspotStatus.OPGELOST} or not is_allowed(hotspot.status, naar):
        raise InvalidTransition(hotspot.status, naar)
    event = HotspotEvent.objects.create(
        hotspot=hotspot,
        soort=HotspotEventSoort.STATUS,
        van=hotspot.status,
        naar=naar,
        ander=ander,
        reden=reden,
        as_of=as_of,
    )
    hotspot.status = naar
    return event


def _bijwerken(hotspot: Hotspot, cluster: Cluster, *, as_of: datetime) -> None:
    hotspot.polygon = cluster.polygon
    hotspot.buurt_id = cluster.buurt_id
    hotspot.score = cluster.score
    hotspot.aantal_meldingen = cluster.n
    hotspot.aantal_dagen = cluster.dagen
    hotspot.locatie_types = cluster.locatie_types
    hotspot.waarnemingen = cluster.waarnemingen
    hotspot.eerste_melding = cluster.eerste
    hotspot.laatste_melding = cluster.laatste
    hotspot.trend = cluster.trend
    hotspot.bijgewerkt_op = as_of


def _nieuw(cluster: Cluster, *, as_of: datetime, reden: str, ander: Hotspot | None = None) -> Hotspot:
    hotspot = Hotspot(aangemaakt_op=as_of, status=HotspotStatus.OPKOMEND)
    _bijwerken(hotspot, cluster, as_of=as_of)
    hotspot.status = gewenste_status(
        HotspotStatus.OPKOMEND, heeft_cluster=True, dagen=cluster.dagen, trend=cluster.trend, stil=False
    )
    hotspot.save()
    HotspotEvent.objects.create(
        hotspot=hotspot,
        soort=HotspotEventSoort.GESPLITST if ander else HotspotEventSoort.AANGEMAAKT,
        naar=hotspot.status,
        ander=ander,
        reden=reden,
        as_of=as_of,
    )
    return hotspot


@dataclass
class RecomputeResultaat:
    clusters: int
    aangemaakt: list[int]
    behouden: list[int]
    samengevoegd: list[int]
    gesplitst: list[int]
    afgekoeld: list[int]


OVERLAP_SQL = """
SELECT hm.hotspot_id, l.cid, count(*)
FROM hotspot_leden l
JOIN hotspots_hotspotmelding hm ON hm.melding_id = l.id AND NOT hm.handmatig
JOIN hotspots_hotspot h ON h.id = hm.hotspot_id AND h.status = ANY(%(levend)s)
GROUP BY hm.hotspot_id, l.cid
"""

OUD_N_SQL = """
SELECT h.id, count(hm.id) FILTER (WHERE NOT hm.handmatig)
FROM hotspots_hotspot h LEFT JOIN hotspots_hotspotmelding hm ON hm.hotspot_id = h.id
WHERE h.status = ANY(%(levend)s)
GROUP BY h.id
"""

# Memberships follow the clusters in one statement, whatever their number: links the clustering no
# longer finds go (a coordinator's manual links stay), new ones come. Both parts see the table as it was
# before the statement, which is what each needs.
LEDEN_SQL = """
WITH nieuw AS MATERIALIZED (
    SELECT t.hotspot_id, l.id AS melding_id
    FROM hotspot_leden l JOIN unnest(%(hotspots)s::bigint[], %(cids)s::int[]) AS t(hotspot_id, cid) ON t.cid = l.cid
),
weg AS (
    DELETE FROM hotspots_hotspotmelding hm
    WHERE hm.hotspot_id = ANY(%(hotspots)s) AND NOT hm.handmatig
      AND NOT EXISTS (SELECT 1 FROM nieuw n WHERE n.hotspot_id = hm.hotspot_id AND n.melding_id = hm.melding_id)
)
INSERT INTO hotspots_hotspotmelding (hotspot_id, melding_id, handmatig, gekoppeld_door)
SELECT n.hotspot_id, n.melding_id, false, ''
FROM nieuw n
WHERE NOT EXISTS (
    SELECT 1 FROM hotspots_hotspotmelding hm WHERE hm.hotspot_id = n.hotspot_id AND hm.melding_id = n.melding_id)
ORDER BY n.hotspot_id, n.melding_id  -- index order: the first run inserts every member
"""

SCORES_SQL = """
INSERT INTO hotspots_hotspotscore (hotspot_id, as_of, score, aantal_meldingen, status)
SELECT id, %(as_of)s, score, aantal_meldingen, status FROM hotspots_hotspot WHERE bijgewerkt_op = %(as_of)s
ON CONFLICT (hotspot_id, as_of) DO UPDATE
SET score = excluded.score, aantal_meldingen = excluded.aantal_meldingen, status = excluded.status
"""


@transaction.atomic
def hotspot_recompute(*, as_of: datetime, parameters: ClusterParameters = STANDAARD) -> RecomputeResultaat | None:
    """Recompute all hotspots from the meldingen observed up to `as_of`.

    `parameters`: the clustering's; production runs the defaults, the quality bench passes variants.

    Returns None without doing anything when another recompute holds the advisory lock: the next
    beat run (15 min) catches up, so waiting would only pile up workers. Deterministic for a given
    `as_of` and database: a rerun finds the same clusters, matches them with Jaccard 1 and writes no
    new events or score rows.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [RECOMPUTE_LOCK_KEY])
        if not cursor.fetchone()[0]:
            return None

    clusters = clusters_bepalen(as_of=as_of, parameters=parameters)
    levend = list(Hotspot.objects.select_for_update().filter(status__in=LEVEND).order_by("id"))
    per_id = {h.pk: h for h in levend}
    with connection.cursor() as cursor:
        cursor.execute(OVERLAP_SQL, {"levend": sorted(LEVEND)})
        overlap = {(hid, cid): n for hid, cid, n in cursor.fetchall()}
        cursor.execute(OUD_N_SQL, {"levend": sorted(LEVEND)})
        oud_n = dict(cursor.fetchall())

    gekoppeld = toewijzen(overlap, oud_n, [c.n for c in clusters])
    cluster_van: dict[int, int] = {hid: ci for hid, ci, _ in gekoppeld}
    hotspot_van: dict[int, int] = {ci: hid for hid, ci, _ in gekoppeld}
    gedeeld_met: dict[int, list[tuple[int, int]]] = {}  # cluster -> [(shared, hotspot)]
    for (hid, ci), n in overlap.items():
        gedeeld_met.setdefault(ci, []).append((n, hid))
    res = RecomputeResultaat(len(clusters), [], [], [], [], [])
    leden_van: dict[int, int] = dict(hotspot_van)  # cluster -> the hotspot that gets its members

    # Clusters without a hotspot: a split-off of an old hotspot (overlaps one that already got its
    # larger part) or a new place.
    stil_grens = as_of - timedelta(days=_stil_dagen())
    for ci, cluster in enumerate(clusters):
        if ci in hotspot_van:
            continue
        if cluster.laatste <= stil_grens:
            continue  # a place that was busy once but has been quiet for the whole period: history, not a hotspot
        bron_id = max(gedeeld_met.get(ci, []), key=lambda t: (t[0], -t[1]), default=(0, None))[1]
        if bron_id is not None:
            bron = per_id[bron_id]
            nieuw = _nieuw(cluster, as_of=as_of, reden=f"afgesplitst van hotspot {bron.pk}", ander=bron)
            HotspotEvent.objects.create(
                hotspot=bron, soort=HotspotEventSoort.GESPLITST, ander=nieuw, reden="gesplitst", as_of=as_of
            )
            res.gesplitst.append(nieuw.pk)
        else:
            nieuw = _nieuw(cluster, as_of=as_of, reden="nieuw cluster")
            res.aangemaakt.append(nieuw.pk)
        leden_van[ci] = nieuw.pk

    for hotspot in levend:
        ci = cluster_van.get(hotspot.pk)
        if ci is not None:
            cluster = clusters[ci]
            _bijwerken(hotspot, cluster, as_of=as_of)
            naar = gewenste_status(
                hotspot.status,
                heeft_cluster=True,
                dagen=cluster.dagen,
                trend=cluster.trend,
                stil=cluster.laatste <= stil_grens,
                aanpak_open=hotspot.aanpak_open,
            )
            _status_zetten(hotspot, naar, as_of=as_of, reden=f"trend {cluster.trend}, {cluster.dagen} dagen")
            hotspot.save()
            res.behouden.append(hotspot.pk)
            continue
        # No cluster of its own: merged into the cluster that took most of its members, or cooling down.
        doel = max(
            ((n, -c, c) for (hid, c), n in overlap.items() if hid == hotspot.pk and c in hotspot_van),
            default=None,
        )
        if doel is not None:
            winnaar = per_id.get(hotspot_van[doel[2]]) or Hotspot.objects.get(pk=hotspot_van[doel[2]])
            _status_zetten(hotspot, HotspotStatus.OPGELOST, as_of=as_of, reden="samengevoegd", ander=winnaar)
            hotspot.samengevoegd_in = winnaar
            hotspot.bijgewerkt_op = as_of
            if hotspot.aanpak_open:
                # Its open actions move to the survivor (acties' handler of the event below, with a
                # history row per action); the survivor is in aanpak from now, whatever its order here.
                hotspot.aanpak_open = False
                winnaar.aanpak_open = True
                _status_zetten(winnaar, HotspotStatus.IN_AANPAK, as_of=as_of, reden=f"acties van {hotspot.pk}")
                winnaar.save()
            hotspot.save()
            event_record(type=HOTSPOT_SAMENGEVOEGD, object_id=hotspot.pk, data={"in": winnaar.pk})
            for h, a in ((hotspot, winnaar), (winnaar, hotspot)):
                HotspotEvent.objects.create(
                    hotspot=h,
                    soort=HotspotEventSoort.SAMENGEVOEGD,
                    ander=a,
                    reden=f"{hotspot.pk} in {winnaar.pk}",
                    as_of=as_of,
                )
            res.samengevoegd.append(hotspot.pk)
            continue
        stil = hotspot.laatste_melding is None or hotspot.laatste_melding <= stil_grens
        naar = gewenste_status(
            hotspot.status,
            heeft_cluster=False,
            dagen=hotspot.aantal_dagen,
            trend=hotspot.trend,
            stil=stil,
            aanpak_open=hotspot.aanpak_open,
        )
        if _status_zetten(hotspot, naar, as_of=as_of, reden="geen cluster meer" + (", stil" if stil else "")):
            hotspot.bijgewerkt_op = as_of
            hotspot.save()
            res.afgekoeld.append(hotspot.pk)

    # A hotspot without a cluster keeps its members: they are its history, and it may heat up again.
    toewijzing = sorted(leden_van.items())
    params = {"hotspots": [hid for _, hid in toewijzing], "cids": [ci for ci, _ in toewijzing]}
    with connection.cursor() as cursor:
        cursor.execute(LEDEN_SQL, params)
        # The thresholds of this run, for the incremental step; the candidates are now clusters or not.
        cursor.execute("DELETE FROM hotspots_hotspotdrempel")
        cursor.execute(
            "INSERT INTO hotspots_hotspotdrempel (buurt_id, minpoints, as_of) SELECT buurt_id, k, %s FROM hotspot_drempel",
            [as_of],
        )
        cursor.execute(SCORES_SQL, {"as_of": as_of})
    HotspotKandidaat.objects.filter(melding__observed_at__lte=as_of).delete()
    return res
