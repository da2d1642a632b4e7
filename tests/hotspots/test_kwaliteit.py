"""The quality bar of the detection on one small seeded scenario (the full bar: bench/hotspot_quality.py).

Eight planted hotspots over the real buurten (long-running, moved after a disruption, new, short-lived,
recently and long ended), population-weighted background noise, duplicates, near-identical re-reports
and a burst of rejected spam; the real recompute; the matching rule of ``demo.scenario``.
"""

from demo.scenario import ScenarioConfig, beoordelen, scenario_maken
from hotspots.services import hotspot_recompute

KLEIN = ScenarioConfig(
    naam="test",
    seed=7,
    hotspots=8,
    soorten=("lang", "verplaatst", "nieuw", "kort", "recent_geeindigd", "lang", "geeindigd", "lang"),
    ruis_per_halfjaar=1500,
    spam_uitbarstingen=1,
)


def test_kleine_stad_recall_en_precisie(db):
    # given
    scenario = scenario_maken(config=KLEIN)
    assert sum(h.huidig.actief_op(scenario.as_of) for h in scenario.geplant) >= 5
    # when
    hotspot_recompute(as_of=scenario.as_of)
    # then
    b = beoordelen(scenario)
    gemist = [(h.nummer, h.soort, h.n_venster) for h in b.gemist]
    assert b.recall >= 0.95, f"missed {gemist}"
    assert b.precision >= 0.95, f"false positives {b.onterecht}"
