#!/usr/bin/env bash
# The whole suite. PostgreSQL and Redis from DATABASE_URL/REDIS_URL, defaulting
# to the local services; without them it runs on SQLite with in-process tasks
# and says which integration tests it skipped. KT_REQUIRE_SERVICES=1 (CI) turns
# a missing service into a failure instead.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

: "${KT_TEST_DATABASE_URL:=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/keeptrusts}}"
: "${KT_TEST_REDIS_URL:=${REDIS_URL:-redis://127.0.0.1:6379/0}}"

if $PY scripts/services.py postgres "$KT_TEST_DATABASE_URL"; then
  export DATABASE_URL="$KT_TEST_DATABASE_URL"
  echo "make test: PostgreSQL at $DATABASE_URL"
else
  [ "${KT_REQUIRE_SERVICES:-0}" = "1" ] && { echo "make test: PostgreSQL is not reachable at $KT_TEST_DATABASE_URL and KT_REQUIRE_SERVICES=1" >&2; exit 1; }
  unset DATABASE_URL
  echo "make test: PostgreSQL not reachable; running on SQLite (integration tests that need it are skipped)"
fi
if $PY scripts/services.py redis "$KT_TEST_REDIS_URL"; then
  export KT_TEST_REDIS_URL
  echo "make test: Redis at $KT_TEST_REDIS_URL"
else
  [ "${KT_REQUIRE_SERVICES:-0}" = "1" ] && { echo "make test: Redis is not reachable at $KT_TEST_REDIS_URL and KT_REQUIRE_SERVICES=1" >&2; exit 1; }
  unset KT_TEST_REDIS_URL
  echo "make test: Redis not reachable; tests that need a real broker are skipped"
fi
bash scripts/ensure-chromium.sh || [ "${KT_REQUIRE_SERVICES:-0}" != "1" ]
# Unit tests see eager tasks; tests that need the real broker start their own worker.
unset REDIS_URL
exec $PY -m pytest "$@"
