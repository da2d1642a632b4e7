#!/usr/bin/env bash
# Prepares this machine for `make run` / `make test`: installs with apt what is missing, starts
# PostgreSQL and Redis when they are down, builds .venv, creates the database with PostGIS, migrates
# and loads the city areas. Safe to run again: every step checks before it acts.
#
#   scripts/bootstrap.sh        what the web app, worker and beat need
#   scripts/bootstrap.sh test   the same plus the browser-test toolchain (Chromium, axe-core)
set -euo pipefail
cd "$(dirname "$0")/.."
MODE="${1:-run}"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

# --- system packages -------------------------------------------------------------------------
pg_version() { ls /etc/postgresql 2>/dev/null | sort -V | tail -n1; }
PKGS=(postgresql postgresql-contrib gdal-bin binutils redis-server python3-venv python3-dev gettext)
if [ "$MODE" = test ]; then PKGS+=(chromium fonts-dejavu-core nodejs npm); fi
missing=()
for p in "${PKGS[@]}"; do installed "$p" || missing+=("$p"); done
# Node may come from elsewhere than Debian (nodesource, nvm): accept any working npm.
if command -v npm >/dev/null 2>&1; then
  tmp=(); for p in "${missing[@]}"; do case "$p" in nodejs|npm) ;; *) tmp+=("$p") ;; esac; done
  missing=("${tmp[@]+"${tmp[@]}"}")
fi
apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  say "apt-get install $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
[ "${#missing[@]}" -gt 0 ] && apt_install "${missing[@]}"
PGV="$(pg_version)"
installed "postgresql-$PGV-postgis-3" || apt_install "postgresql-$PGV-postgis-3"

# --- services --------------------------------------------------------------------------------
if ! pg_lsclusters -h 2>/dev/null | grep -q online; then
  say "starting PostgreSQL $PGV"
  pg_lsclusters -h | grep -q . || as_root pg_createcluster "$PGV" main
  as_root pg_ctlcluster --skip-systemctl-redirect "$PGV" main start
fi
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 && break; sleep 1; done
if ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then
  say "starting Redis"
  as_root mkdir -p /var/lib/redis /var/log/redis
  as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/weerbarewijken.log
  for _ in $(seq 1 20); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.5; done
fi

# --- database (only the local default; a DATABASE_URL elsewhere is the operator's business) ----
if [ -z "${DATABASE_URL:-}" ]; then
  if ! as_postgres psql -tAc "select 1 from pg_roles where rolname='weerbarewijken'" | grep -q 1; then
    say "creating database role weerbarewijken"
    # Superuser so that the test runner can create test databases with the PostGIS extension.
    # Local only: production uses its own role with the extension created by a DBA.
    as_postgres psql -q -c "create role weerbarewijken login superuser password 'weerbarewijken'"
  fi
  if ! as_postgres psql -tAc "select 1 from pg_database where datname='weerbarewijken'" | grep -q 1; then
    say "creating database weerbarewijken"
    as_postgres createdb -O weerbarewijken weerbarewijken
  fi
  as_postgres psql -q -d weerbarewijken -c "create extension if not exists postgis"
fi

# --- Python ----------------------------------------------------------------------------------
PY="${PYTHON:-python3}"
[ -x .venv/bin/python ] || { say "creating .venv"; "$PY" -m venv .venv; }
stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  say "installing Python packages"
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q ".[dev]"
  rm -f .venv/.installed-*; touch "$stamp"
fi

if [ "$MODE" = test ] && [ ! -f node_modules/axe-core/axe.min.js ]; then
  say "installing axe-core (npm)"
  npm ci --no-audit --no-fund --silent
fi

# --- Django ----------------------------------------------------------------------------------
say "migrating and loading areas"
.venv/bin/python manage.py compilemessages -l en --ignore=.venv --ignore=node_modules -v 0
.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py load_gebieden
if [ "$MODE" = run ]; then .venv/bin/python manage.py collectstatic --noinput -v 0; fi
