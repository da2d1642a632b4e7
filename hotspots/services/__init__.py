"""Every write of the hotspots app.

clustering.py  the clustering in PostGIS (method and parameters)
recompute.py   the full recompute: identity matching, merges, splits, lifecycle, history
incrementeel.py the fast step on commit of a new melding
status.py      changes made by people: the actions module's status hook, manual links
"""

from .clustering import (
    BIJNA_GELIJK_M,
    BIJNA_GELIJK_MIN,
    BUFFER_M,
    CEL_M,
    EPS_M,
    HALFWAARDE_DAGEN,
    KWETSBARE_PLEKKEN,
    MINPOINTS_VLOER,
    STANDAARD,
    VENSTER_DAGEN,
    ZWARE_WAARNEMINGEN,
    Cluster,
    ClusterParameters,
    clusters_bepalen,
    trend_bepalen,
)
from .incrementeel import hotspot_assign
from .recompute import RECOMPUTE_LOCK_KEY, RecomputeResultaat, hotspot_recompute, toewijzen
from .status import (
    HotspotNietLevend,
    hotspot_aanpak_openen,
    hotspot_aanpak_sluiten,
    hotspot_melding_koppelen,
    hotspot_transition,
    hotspot_vergrendelen,
)

__all__ = [
    "BIJNA_GELIJK_M",
    "BIJNA_GELIJK_MIN",
    "BUFFER_M",
    "CEL_M",
    "EPS_M",
    "HALFWAARDE_DAGEN",
    "KWETSBARE_PLEKKEN",
    "MINPOINTS_VLOER",
    "RECOMPUTE_LOCK_KEY",
    "STANDAARD",
    "VENSTER_DAGEN",
    "ZWARE_WAARNEMINGEN",
    "Cluster",
    "ClusterParameters",
    "HotspotNietLevend",
    "RecomputeResultaat",
    "clusters_bepalen",
    "hotspot_aanpak_openen",
    "hotspot_aanpak_sluiten",
    "hotspot_assign",
    "hotspot_melding_koppelen",
    "hotspot_recompute",
    "hotspot_transition",
    "hotspot_vergrendelen",
    "toewijzen",
    "trend_bepalen",
]
