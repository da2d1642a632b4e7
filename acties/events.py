"""The events acties records in the outbox (outbox/), for notifications and webhooks hanging on them.

`data` carries ids and status codes only; a handler reads what else it needs through selectors.
"""

# An action was proposed (actie_voorstellen). data: {"type": code, "actie_event_id"}
ACTIE_VOORGESTELD = "actie.voorgesteld"
# An action changed status (actie_transition). data: {"van", "naar", "actie_event_id", "organisatie"}
# ("organisatie" is the responsible organisation's code after the change, or "").
ACTIE_STATUS_GEWIJZIGD = "actie.status_gewijzigd"
# A deadline of the responsible organisation is near (acties_termijnen_bewaken). data: {"soort", "deadline",
# "organisatie", "signaal_id"}
ACTIE_HERINNERING = "actie.herinnering"
# A deadline passed: acceptance or completion is overdue, for the coordinators. data: as above
ACTIE_ESCALATIE = "actie.escalatie"
