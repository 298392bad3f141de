#!/usr/bin/env bash
# Make sure what the test suite talks to is there: Chromium, PostgreSQL and Redis.
# Starts a service that is down, installs Debian's chromium when it is missing,
# and flushes the Redis databases the tests use: B + N for pytest-xdist worker gwN (N < 4),
# B being the db of REDIS_URL (`make test` passes db 12, so dbs 12-15).
set -euo pipefail
BASE_DB="${REDIS_URL:-redis://127.0.0.1:6379/12}"
BASE_DB="${BASE_DB##*/}"
BASE_DB="${BASE_DB:-0}"
REDIS_DBS="${REDIS_TEST_DBS:-$(seq -s ' ' "$BASE_DB" $((BASE_DB + 3)))}"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if [ "${1:-}" != "--no-browser" ] && [ ! -x /usr/bin/chromium ]; then
  echo "Installing Debian's chromium for the browser tests..."
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium >/dev/null
fi

if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  echo "PostgreSQL is down; starting it..."
  as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
  for _ in $(seq 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
pg_isready -h 127.0.0.1 -p 5432 || { echo "PostgreSQL does not answer on 127.0.0.1:5432"; exit 1; }

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "Redis is down; starting it..."
  as_root mkdir -p /var/lib/redis /var/log/redis
  as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" \
    --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 30); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.5; done
fi
for db in $REDIS_DBS; do redis-cli -h 127.0.0.1 -p 6379 -n "$db" flushdb >/dev/null; done
echo "chromium, PostgreSQL and Redis are ready (Redis dbs $REDIS_DBS flushed)."
