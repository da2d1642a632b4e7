"""The events hotspots records in the outbox (outbox/), for handlers in the apps above it.

`data` carries ids only; a handler reads what else it needs through selectors.
"""

# The recompute merged a hotspot (object_id) into another. data: {"in": <surviving hotspot id>}
HOTSPOT_SAMENGEVOEGD = "hotspot.samengevoegd"
