"""gunicorn settings for `make run` and the benchmarks; production overrides through GUNICORN_* env."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# cores + 1: measured best for this CPU-bound app on 2 cores (bench/intake.py; 2 x cores + 1 had the worst p95).
workers = int(os.environ.get("GUNICORN_WORKERS", str(multiprocessing.cpu_count() + 1)))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = 30
# The access log never carries the client address (%(h)s) or user agent (%(a)s): DOMAIN.md forbids
# both in the logs of the intake endpoints, and one format for all paths is the simplest proof.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None  # empty: no access log at all
access_log_format = '"%(r)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
# Both logs go through a filter that removes client addresses and meldcodes: gunicorn's own warnings
# ("Invalid request from ip=...") and URLs never pass Django's LOGGING (config/gunicorn_logging.py).
logger_class = "config.gunicorn_logging.AnonymousLogger"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
