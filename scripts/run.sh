#!/usr/bin/env bash
# Runs the demo city: gunicorn on http://127.0.0.1:8000 plus a Celery worker and beat, until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-8000}"
# The demo may register a webhook receiver on this machine (integrations/webhooks.py refuses loopback
# in production).
export WEBHOOK_LOOPBACK_TOEGESTAAN="${WEBHOOK_LOOPBACK_TOEGESTAAN:-1}"
# The SMS intake number shown on the buurt pages: the demo has no Twilio number of its own.
export SMS_MELDNUMMER="${SMS_MELDNUMMER:-+31 97 010 200 300 (demo)}"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

.venv/bin/celery -A config worker --loglevel=INFO --concurrency=2 &
pids+=($!)
.venv/bin/celery -A config beat --loglevel=INFO --schedule=/tmp/weerbarewijken-celerybeat-schedule &
pids+=($!)

cat <<MSG

  Weerbare Wijken draait op http://127.0.0.1:${PORT}/
    Melden (publiek):     http://127.0.0.1:${PORT}/melden/
    Status van melding:   http://127.0.0.1:${PORT}/melden/status/
    API-schema (OpenAPI): http://127.0.0.1:${PORT}/api/schema/   (docs: /api/docs/)
    Beheer (staf):        http://127.0.0.1:${PORT}/beheer/
  Demo-logins: zie de regels "logins:" van seed_demo hierboven.  Stoppen: Ctrl-C

MSG
GUNICORN_BIND="127.0.0.1:${PORT}" .venv/bin/gunicorn -c config/gunicorn.conf.py config.wsgi:application &
pids+=($!)
wait -n "${pids[@]}"
