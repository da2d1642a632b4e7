"""Every write of the hotspots app: the full recompute, the incremental step and status changes.

See docs/architecture.md, "Hotspots", for the method and the parameter choices.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry
from django.db import connection, transaction

from .models import Hotspot, HotspotEvent, HotspotMelding, HotspotScore
from .workflow import LEVEND, HotspotEventSoort, HotspotStatus, InvalidTransition, gewenste_status

# One key for the whole recompute; crc32 keeps it readable and stable across processes.
RECOMPUTE_LOCK_KEY = zlib.crc32(b"hotspots.hotspot_recompute")

VENSTER_DAGEN = 90
EPS_M = 150
MINPOINTS_VLOER = 5
HALFWAARDE_DAGEN = 14
BIJNA_GELIJK_M = 25
BIJNA_GELIJK_MIN = 30
BUFFER_M = 25
# Overlap below which an old hotspot and a new cluster are not the same place.
MIN_JACCARD = 0.1
ZWARE_WAARNEMINGEN = ("ronselen", "geweld")
KWETSBARE_PLEKKEN = ("speelplek", "school", "zorglocatie")


def _stil_dagen() -> int:
    return settings.HOTSPOT_QUIET_DAYS


TELT_SQL = f"""
CREATE TEMP TABLE hotspot_telt ON COMMIT DROP AS
WITH venster AS (
    SELECT m.id, m.locatie, m.observed_at, m.buurt_id, m.locatie_type_id, m.waarnemingen
    FROM meldingen_melding m
    WHERE m.observed_at > %(start)s AND m.observed_at <= %(as_of)s
      AND m.status <> 'afgewezen' AND m.duplicaat_van_id IS NULL
),
telt AS (
    -- near-identical reports collapse onto the earliest one; the inner query reads the table, not the
    -- CTE, so it uses the GiST index on locatie
    SELECT v.* FROM venster v
    WHERE NOT EXISTS (
        SELECT 1 FROM meldingen_melding w
        WHERE ST_DWithin(w.locatie, v.locatie, {BIJNA_GELIJK_M})
          AND w.observed_at >= v.observed_at - interval '{BIJNA_GELIJK_MIN} minutes'
          AND w.observed_at > %(start)s
          AND (w.observed_at, w.id) < (v.observed_at, v.id)
          AND w.status <> 'afgewezen' AND w.duplicaat_van_id IS NULL
    )
)
SELECT * FROM telt
"""  # noqa: S608 (constants only; values are parameters)

# The counted meldingen go to a temporary table with its own GiST index and statistics: as CTEs the
# planner estimated one row and re-ran the neighbour count per point (36 s for 2,000 meldingen).
CLUSTER_SQL = f"""
WITH achtergrond AS MATERIALIZED (
    -- expected background count in one eps-disc, from the wijk's rate over the window
    SELECT b.code AS buurt_id,
           greatest({MINPOINTS_VLOER},
                    ceil(coalesce(wn.n, 0) * pi() * {EPS_M}^2 / nullif(ST_Area(w.geometrie), 0)
                         + 3 * sqrt(coalesce(wn.n, 0) * pi() * {EPS_M}^2 / nullif(ST_Area(w.geometrie), 0))))::int
               AS k
    FROM meldingen_buurt b
    JOIN meldingen_wijk w ON w.code = b.wijk_id
    LEFT JOIN (
        SELECT bb.wijk_id, count(*) AS n FROM hotspot_telt t JOIN meldingen_buurt bb ON bb.code = t.buurt_id
        GROUP BY bb.wijk_id
    ) wn ON wn.wijk_id = b.wijk_id
    WHERE b.code IN (SELECT DISTINCT buurt_id FROM hotspot_telt)
),
buren AS MATERIALIZED (
    -- DBSCAN's core test with a local minpoints: neighbours within eps (the point itself included)
    SELECT t.id, count(*) AS n FROM hotspot_telt t JOIN hotspot_telt u ON ST_DWithin(t.locatie, u.locatie, {EPS_M})
    GROUP BY t.id
),
kern AS (
    SELECT t.id, t.locatie FROM hotspot_telt t
    JOIN buren b ON b.id = t.id JOIN achtergrond a ON a.buurt_id = t.buurt_id
    WHERE b.n >= a.k
),
kern_c AS MATERIALIZED (
    -- core points within eps of each other form one cluster
    SELECT id, locatie, ST_ClusterDBSCAN(locatie, eps := {EPS_M}, minpoints := 1) OVER (ORDER BY id) AS c
    FROM kern
),
rand AS (
    -- border points join the cluster of their nearest core point (through the table's GiST index)
    SELECT DISTINCT ON (t.id) t.id, kc.c
    FROM hotspot_telt t
    JOIN hotspot_telt u ON ST_DWithin(u.locatie, t.locatie, {EPS_M})
    JOIN kern_c kc ON kc.id = u.id
    WHERE t.id NOT IN (SELECT id FROM kern)
    ORDER BY t.id, ST_Distance(u.locatie, t.locatie), u.id
),
geclusterd AS (
    SELECT t.*, coalesce(kc.c, r.c) AS c
    FROM hotspot_telt t LEFT JOIN kern_c kc ON kc.id = t.id LEFT JOIN rand r ON r.id = t.id
),
leden AS (
    SELECT g.*, g.c AS cid,
           (CASE WHEN g.waarnemingen && %(zwaar)s THEN 2.0 ELSE 1.0 END)
           * (CASE WHEN g.locatie_type_id = ANY(%(kwetsbaar)s) THEN 1.5 ELSE 1.0 END)
           * power(0.5, extract(epoch FROM %(as_of)s - g.observed_at) / 86400.0 / {HALFWAARDE_DAGEN}) AS bijdrage
    FROM geclusterd g WHERE g.c IS NOT NULL
),
per_cluster AS (
    SELECT cid,
           array_agg(id ORDER BY id) AS ids,
           ST_Buffer(ST_ConvexHull(ST_Collect(locatie)), {BUFFER_M}) AS polygon,
           count(*) AS n,
           count(DISTINCT (observed_at AT TIME ZONE 'Europe/Amsterdam')::date) AS dagen,
           sum(bijdrage) AS gewogen,
           min(observed_at) AS eerste, max(observed_at) AS laatste,
           count(*) FILTER (WHERE observed_at > %(as_of)s - interval '14 days') AS n14,
           count(*) FILTER (WHERE observed_at <= %(as_of)s - interval '14 days'
                            AND observed_at > %(as_of)s - interval '42 days') AS n28
    FROM leden GROUP BY cid
),
types AS (
    SELECT cid, jsonb_agg(jsonb_build_array(code, n) ORDER BY n DESC, code) AS j FROM (
        SELECT cid, locatie_type_id AS code, count(*) AS n,
               row_number() OVER (PARTITION BY cid ORDER BY count(*) DESC, locatie_type_id) AS r
        FROM leden GROUP BY cid, locatie_type_id
    ) x WHERE r <= 3 GROUP BY cid
),
waarn AS (
    SELECT cid, jsonb_agg(jsonb_build_array(code, n) ORDER BY n DESC, code) AS j FROM (
        SELECT cid, code, count(*) AS n,
               row_number() OVER (PARTITION BY cid ORDER BY count(*) DESC, code) AS r
        FROM leden, unnest(waarnemingen) AS code GROUP BY cid, code
    ) x WHERE r <= 3 GROUP BY cid
)
SELECT p.ids, ST_AsEWKB(p.polygon), p.n, p.dagen,
       p.gewogen * sqrt(p.dagen::float / p.n) AS score,
       p.eerste, p.laatste, p.n14, p.n28,
       coalesce(t.j, '[]'::jsonb)::text, coalesce(w.j, '[]'::jsonb)::text,
       (SELECT b.code FROM meldingen_buurt b WHERE ST_Contains(b.geometrie, ST_Centroid(p.polygon))
        ORDER BY b.code LIMIT 1)
FROM per_cluster p LEFT JOIN types t USING (cid) LEFT JOIN waarn w USING (cid)
ORDER BY p.ids[1]
"""  # noqa: S608 (constants only; values are parameters)


@dataclass
class Cluster:
    ids: frozenset[int]
    polygon: GEOSGeometry
    n: int
    dagen: int
    score: float
    eerste: datetime
    laatste: datetime
    trend: str
    locatie_types: list
    waarnemingen: list
    buurt_id: str | None
    eerste_id: int = field(init=False)

    def __post_init__(self) -> None:
        self.eerste_id = min(self.ids)


def trend_bepalen(n14: int, n28: int) -> str:
    """Last 14 days against the 28 before, per day; a 1.5x change either way counts as a trend."""
    per_dag_nu, per_dag_toen = n14 / 14, n28 / 28
    if per_dag_nu > 1.5 * per_dag_toen:
        return "stijgend"
    if per_dag_nu * 1.5 < per_dag_toen:
        return "dalend"
    return "stabiel"


def clusters_bepalen(*, as_of: datetime) -> list[Cluster]:
    """The clusters of counted meldingen observed in the window ending at `as_of` (one SQL query)."""
    params = {
        "start": as_of - timedelta(days=VENSTER_DAGEN),
        "as_of": as_of,
        "zwaar": list(ZWARE_WAARNEMINGEN),
        "kwetsbaar": list(KWETSBARE_PLEKKEN),
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS hotspot_telt")
        cursor.execute(TELT_SQL, params)
        cursor.execute("CREATE INDEX ON hotspot_telt USING gist (locatie)")
        cursor.execute("ANALYZE hotspot_telt")
        cursor.execute(CLUSTER_SQL, params)
        rows = cursor.fetchall()
    return [
        Cluster(
            ids=frozenset(ids),
            polygon=GEOSGeometry(memoryview(bytes(wkb))),
            n=n,
            dagen=dagen,
            score=round(float(score), 6),
            eerste=eerste,
            laatste=laatste,
            trend=trend_bepalen(n14, n28),
            locatie_types=json.loads(types),
            waarnemingen=json.loads(waarn),
            buurt_id=buurt,
        )
        for ids, wkb, n, dagen, score, eerste, laatste, n14, n28, types, waarn, buurt in rows
    ]


def koppelen(oud: dict[int, frozenset[int]], nieuw: list[frozenset[int]]) -> list[tuple[int, int, float]]:
    """Greedy best-Jaccard-first assignment of existing hotspots to new clusters.

    Returns (hotspot id, cluster index, jaccard) pairs. Not the optimal (Hungarian) assignment, but with
    clusters that overlap few others it nearly always is, and it is O(p log p) in the overlapping pairs.
    Ties are broken by the older hotspot id, then the cluster index, so the result is deterministic.
    """
    per_melding: dict[int, list[int]] = {}
    for hid, leden in oud.items():
        for mid in leden:
            per_melding.setdefault(mid, []).append(hid)
    paren = []
    for ci, leden in enumerate(nieuw):
        kandidaten = {hid for mid in leden for hid in per_melding.get(mid, ())}
        for hid in kandidaten:
            j = len(oud[hid] & leden) / len(oud[hid] | leden)
            if j >= MIN_JACCARD:
                paren.append((-j, hid, ci))
    paren.sort()
    bezet_h: set[int] = set()
    bezet_c: set[int] = set()
    gekoppeld = []
    for minj, hid, ci in paren:
        if hid in bezet_h or ci in bezet_c:
            continue
        bezet_h.add(hid)
        bezet_c.add(ci)
        gekoppeld.append((hid, ci, -minj))
    return gekoppeld


def _status_zetten(hotspot: Hotspot, naar: str, *, as_of: datetime, reden: str, ander: Hotspot | None = None):
    if naar == hotspot.status:
        return None
    if naar not in LEVEND | {HotspotStatus.OPGELOST} or not _mag(hotspot.status, naar):
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


def _mag(van: str, naar: str) -> bool:
    from .workflow import is_allowed

    return is_allowed(van, naar)


def _leden_zetten(hotspot: Hotspot, ids: frozenset[int]) -> None:
    huidig = set(HotspotMelding.objects.filter(hotspot=hotspot).values_list("melding_id", flat=True))
    weg = huidig - ids
    if weg:
        HotspotMelding.objects.filter(hotspot=hotspot, melding_id__in=weg).delete()
    erbij = ids - huidig
    HotspotMelding.objects.bulk_create([HotspotMelding(hotspot=hotspot, melding_id=m) for m in sorted(erbij)])


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
    _leden_zetten(hotspot, cluster.ids)
    return hotspot


@dataclass
class RecomputeResultaat:
    clusters: int
    aangemaakt: list[int]
    behouden: list[int]
    samengevoegd: list[int]
    gesplitst: list[int]
    afgekoeld: list[int]


@transaction.atomic
def hotspot_recompute(*, as_of: datetime) -> RecomputeResultaat | None:
    """Recompute all hotspots from the meldingen observed up to `as_of`.

    Returns None without doing anything when another recompute holds the advisory lock: the next
    beat run (15 min) catches up, so waiting would only pile up workers. Deterministic for a given
    `as_of` and database: a rerun finds the same clusters, matches them with Jaccard 1 and writes no
    new events or score rows.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [RECOMPUTE_LOCK_KEY])
        if not cursor.fetchone()[0]:
            return None

    clusters = clusters_bepalen(as_of=as_of)
    levend = list(Hotspot.objects.select_for_update().filter(status__in=LEVEND).order_by("id"))
    per_id = {h.pk: h for h in levend}
    oud: dict[int, frozenset[int]] = {h.pk: frozenset() for h in levend}
    for hid, mid in HotspotMelding.objects.filter(hotspot__in=levend).values_list("hotspot_id", "melding_id"):
        oud[hid] = oud[hid] | {mid}

    gekoppeld = koppelen(oud, [c.ids for c in clusters])
    cluster_van: dict[int, int] = {hid: ci for hid, ci, _ in gekoppeld}
    hotspot_van: dict[int, int] = {ci: hid for hid, ci, _ in gekoppeld}
    res = RecomputeResultaat(len(clusters), [], [], [], [], [])

    # Clusters without a hotspot: a split-off of an old hotspot (overlaps one that already got its
    # larger part) or a new place.
    for ci, cluster in enumerate(clusters):
        if ci in hotspot_van:
            continue
        bron = max(
            (h for h in levend if oud[h.pk] & cluster.ids),
            key=lambda h: (len(oud[h.pk] & cluster.ids), -h.pk),
            default=None,
        )
        if bron is not None:
            nieuw = _nieuw(cluster, as_of=as_of, reden=f"afgesplitst van hotspot {bron.pk}", ander=bron)
            HotspotEvent.objects.create(
                hotspot=bron, soort=HotspotEventSoort.GESPLITST, ander=nieuw, reden="gesplitst", as_of=as_of
            )
            res.gesplitst.append(nieuw.pk)
        else:
            nieuw = _nieuw(cluster, as_of=as_of, reden="nieuw cluster")
            res.aangemaakt.append(nieuw.pk)

    stil_grens = as_of - timedelta(days=_stil_dagen())
    for hotspot in levend:
        ci = cluster_van.get(hotspot.pk)
        if ci is not None:
            cluster = clusters[ci]
            _bijwerken(hotspot, cluster, as_of=as_of)
            naar = gewenste_status(
                hotspot.status, heeft_cluster=True, dagen=cluster.dagen, trend=cluster.trend, stil=False
            )
            _status_zetten(hotspot, naar, as_of=as_of, reden=f"trend {cluster.trend}, {cluster.dagen} dagen")
            hotspot.save()
            _leden_zetten(hotspot, cluster.ids)
            res.behouden.append(hotspot.pk)
            continue
        # No cluster of its own: merged into the cluster that took most of its members, or cooling down.
        doel = max(
            ((len(oud[hotspot.pk] & clusters[c].ids), -c, c) for c in hotspot_van if oud[hotspot.pk] & clusters[c].ids),
            default=None,
        )
        if doel is not None:
            winnaar = per_id.get(hotspot_van[doel[2]])
            winnaar = winnaar or Hotspot.objects.get(pk=hotspot_van[doel[2]])
            _status_zetten(hotspot, HotspotStatus.OPGELOST, as_of=as_of, reden="samengevoegd", ander=winnaar)
            hotspot.samengevoegd_in = winnaar
            hotspot.bijgewerkt_op = as_of
            hotspot.save()
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
            hotspot.status, heeft_cluster=False, dagen=hotspot.aantal_dagen, trend=hotspot.trend, stil=stil
        )
        if _status_zetten(hotspot, naar, as_of=as_of, reden="geen cluster meer" + (", stil" if stil else "")):
            hotspot.bijgewerkt_op = as_of
            hotspot.save()
            res.afgekoeld.append(hotspot.pk)

    for hotspot in Hotspot.objects.filter(bijgewerkt_op=as_of):
        HotspotScore.objects.update_or_create(
            hotspot=hotspot,
            as_of=as_of,
            defaults={"score": hotspot.score, "aantal_meldingen": hotspot.aantal_meldingen, "status": hotspot.status},
        )
    return res


ASSIGN_SQL = """
WITH m AS (
    SELECT id, locatie, observed_at FROM meldingen_melding
    WHERE id = %(melding_id)s AND status <> 'afgewezen' AND duplicaat_van_id IS NULL
),
h AS (
    SELECT h.id FROM hotspots_hotspot h, m
    WHERE h.status = ANY(%(levend)s) AND ST_Intersects(h.polygon, m.locatie)
    ORDER BY h.score DESC, h.id LIMIT 1
),
ins AS (
    INSERT INTO hotspots_hotspotmelding (hotspot_id, melding_id)
    SELECT h.id, m.id FROM h, m
    ON CONFLICT DO NOTHING
    RETURNING hotspot_id
)
UPDATE hotspots_hotspot SET aantal_meldingen = aantal_meldingen + 1,
       laatste_melding = greatest(laatste_melding, (SELECT observed_at FROM m))
WHERE id IN (SELECT hotspot_id FROM ins)
RETURNING id
"""


def hotspot_assign(*, melding_id: int) -> int | None:
    """The incremental step on commit of a new melding: join the strongest living hotspot whose
    polygon holds it (one statement, GiST on the polygon). Score, days and trend wait for the next
    recompute; a melding outside every hotspot waits for it too (no candidate registration yet).
    Returns the hotspot id, or None.
    """
    with connection.cursor() as cursor:
        cursor.execute(ASSIGN_SQL, {"melding_id": melding_id, "levend": sorted(LEVEND)})
        row = cursor.fetchone()
    return row[0] if row else None


@transaction.atomic
def hotspot_transition(*, hotspot: Hotspot, to: str, reden: str = "", as_of: datetime | None = None) -> HotspotEvent:
    """The hook for the actions module: `in_aanpak` when an action opens, `actief` when it closes."""
    from django.utils import timezone

    hotspot = Hotspot.objects.select_for_update().get(pk=hotspot.pk)
    event = _status_zetten(hotspot, to, as_of=as_of or timezone.now(), reden=reden)
    if event is None:
        raise InvalidTransition(hotspot.status, to)
    hotspot.save(update_fields=["status"])
    return event
