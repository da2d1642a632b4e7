"""Which handlers run for which event type. Handlers register by decorator in their app's handlers.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Event

HandlerFunc = Callable[["Event"], None]


@dataclass(frozen=True)
class Handler:
    naam: str  # stable: recorded per handled event, so renaming a handler runs it again for open events
    func: HandlerFunc


_HANDLERS: dict[str, list[Handler]] = {}


def handler(event_type: str, *, naam: str | None = None) -> Callable[[HandlerFunc], HandlerFunc]:
    """Registers `func` for `event_type`. A handler must be idempotent: delivery is at least once (a
    worker killed after the handler's work committed but before it was recorded runs it again), so
    it either checks what it already did or carries `event.sleutel` as an idempotency key."""

    def register(func: HandlerFunc) -> HandlerFunc:
        h = Handler(naam=naam or f"{func.__module__}.{func.__qualname__}", func=func)
        bestaand = _HANDLERS.setdefault(event_type, [])
        if all(b.naam != h.naam for b in bestaand):  # a module imported twice registers once
            bestaand.append(h)
        return func

    return register


def handlers_voor(event_type: str) -> list[Handler]:
    return list(_HANDLERS.get(event_type, ()))


def event_types() -> list[str]:
    return sorted(_HANDLERS)
