"""The events meldingen records in the outbox (outbox/), for handlers in the apps above it.

`data` carries ids and status codes only; a handler reads what else it needs through selectors.
"""

# A melding was stored (every intake path). data: {}
MELDING_AANGEMAAKT = "melding.aangemaakt"
# A melding changed status (melding_transition). data: {"van", "naar", "melding_event_id"}
MELDING_STATUS_GEWIJZIGD = "melding.status_gewijzigd"
