"""Domain events through a transactional outbox: the one path for side effects that cross apps.

A service that makes a change records an `Event` in the same transaction (`services.event_record`).
Apps register handlers for event types in their own `handlers.py` (`registry.handler`); the dispatcher
(`services.events_dispatch`) runs them after the commit: woken at most every couple of seconds, and
swept every minute by beat, so a dead broker delays work and never loses it. docs/architecture.md,
"Side effects", has the rule.

This app sits on the floor: it imports no domain app, the domain apps import it.
"""
