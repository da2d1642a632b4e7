import logging
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("weerbarewijken")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Tasks a filing schedules: the outbox wake-up (published when the filing commits) and the early
# recompute it may ask for. The worker logs "received" and "succeeded" for every task with a
# timestamp, which for these would put a filing's second in the worker's log (DOMAIN.md: no filing time
# finer than the hour is stored or logged). Their failures are still logged (WARNING and above).
STILLE_TAKEN = frozenset({"outbox.tasks.outbox_dispatch", "hotspots.tasks.hotspots_recompute"})


class StilleTakenFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        data = getattr(record, "data", None)
        return not (record.levelno <= logging.INFO and isinstance(data, dict) and data.get("name") in STILLE_TAKEN)


for _logger in ("celery.worker.strategy", "celery.app.trace"):
    logging.getLogger(_logger).addFilter(StilleTakenFilter())
