from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.management.base import CommandError
from django.utils import timezone


def parse_as_of(waarde: str | None) -> datetime:
    """ISO 8601; without an offset read as Amsterdam time (like the API's observed_at)."""
    if not waarde:
        return timezone.now()
    try:
        moment = datetime.fromisoformat(waarde)
    except ValueError as exc:
        raise CommandError(f"--as-of is no ISO 8601 moment: {waarde!r}") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("Europe/Amsterdam"))
    return moment
