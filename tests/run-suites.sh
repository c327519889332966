#!/usr/bin/env bash
# The whole suite on SQLite and again on PostgreSQL in a throwaway database, side by side.
# Under CI=true a missing PostgreSQL or browser fails the run instead of skipping.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PG_HOST=${FORUM_TEST_PG_HOST:-127.0.0.1}
PG_PORT=${FORUM_TEST_PG_PORT:-5432}
PG_USER=${FORUM_TEST_PG_USER:-postgres}

echo "== ruff"
$BIN/ruff check forum tests bench

if [ ! -x /usr/bin/chromium ]; then
  echo "== installing Debian's chromium for the browser tests"
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
      || echo "could not install chromium"
  fi
fi
if [ ! -x /usr/bin/chromium ] && [ "${CI:-}" = "true" ]; then
  echo "FAIL: /usr/bin/chromium is missing and CI=true: the browser tests must run." >&2
  exit 1
fi

# The test of several hosts (tests/e2e/test_cluster.py, `make test-cluster`; in the SQLite
# pass) makes network namespaces and starts a PostgreSQL and a Redis of its own: under CI=true
# what it needs must be here (it fails rather than skips without it, and this says why early).
if [ "${CI:-}" = "true" ]; then
  cluster_needs=()
  [ "$(id -u)" = 0 ] || cluster_needs+=("root (for ip netns)")
  command -v ip >/dev/null || cluster_needs+=("iproute2's ip")
  command -v redis-server >/dev/null || cluster_needs+=("redis-server")
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || command -v initdb >/dev/null \
    || cluster_needs+=("PostgreSQL's initdb")
  if [ ${#cluster_needs[@]} -gt 0 ]; then
    echo "FAIL: the test of several hosts needs ${cluster_needs[*]} and CI=true." >&2
    exit 1
  fi
fi

# The PostgreSQL pass leaves out the tests marked backend_independent (the SQLite pass ran
# them); a -m expression among the arguments is kept, combined with that.
PG_MARKS="not backend_independent"
PG_ARGS=()
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    -m) i=$((i + 1)); PG_MARKS="(${args[i]:-}) and not backend_independent" ;;
    -m=*) PG_MARKS="(${args[i]#-m=}) and not backend_independent" ;;
    -m?*) PG_MARKS="(${args[i]#-m}) and not backend_independent" ;;
    *) PG_ARGS+=("${args[i]}") ;;
  esac
done

LOGS=$(mktemp -d)
summary() { grep -E "[0-9]+ (passed|failed|errors?|deselected)\b.* in [0-9.]+s" "$1" | tail -1 | tr -d "="; }

pg_up() { $BIN/python - "$PG_HOST" "$PG_PORT" <<'PY'
import socket, sys
s = socket.socket(); s.settimeout(2)
try:
    s.connect((sys.argv[1], int(sys.argv[2])))
except OSError:
    sys.exit(1)
PY
}

sqlite_pass() {
  $BIN/pytest -p no:cacheprovider --basetemp="$LOGS/tmp-sqlite" "$@" > "$LOGS/sqlite.log" 2>&1
}
# With no arguments each pass runs as two processes side by side, so that four processes share
# the machine's cores and none is left running alone at the end; each pass's log is its two
# logs one after the other. Measured with every process alone: on SQLite the end-to-end tests
# (browsers, real servers) take about as long as all the rest; on PostgreSQL, which leaves out
# the backend-independent tests, the end-to-end and database-level tests take about as long as
# the rest.
wait_both() {  # wait_both PID_A PID_B LOG_A LOG_B LOG: the first failing status, logs joined
  local status_a=0 status_b=0
  wait "$1" || status_a=$?
  wait "$2" || status_b=$?
  cat "$3" "$4" > "$5"
  if [ "$status_a" -ne 0 ]; then return "$status_a"; fi
  return "$status_b"
}
# The command-line tests that start the most subprocesses go with the end-to-end ones, so the
# two processes end at about the same time.
SQLITE_A=(tests/e2e tests/db/test_cli.py tests/db/test_cli_community.py tests/db/test_backup.py)
sqlite_pass_split() {
  local ignore=() path
  for path in "${SQLITE_A[@]}"; do ignore+=("--ignore=$path"); done
  $BIN/pytest -p no:cacheprovider --basetemp="$LOGS/tmp-sqlite-a" "${SQLITE_A[@]}" \
    > "$LOGS/sqlite-a.log" 2>&1 & local a=$!
  $BIN/pytest -p no:cacheprovider --basetemp="$LOGS/tmp-sqlite-b" "${ignore[@]}" \
    > "$LOGS/sqlite-b.log" 2>&1 & local b=$!
  wait_both "$a" "$b" "$LOGS/sqlite-a.log" "$LOGS/sqlite-b.log" "$LOGS/sqlite.log"
}
pg_pass() {
  FORUM_TEST_DATABASE_URL="$URL" $BIN/pytest -p no:cacheprovider --basetemp="$LOGS/tmp-pg" \
    -m "$PG_MARKS" ${PG_ARGS[@]+"${PG_ARGS[@]}"} > "$LOGS/pg.log" 2>&1
}
# The two PostgreSQL processes each have a database of their own (every test empties the
# tables of the one it uses).
pg_pass_split() {
  FORUM_TEST_DATABASE_URL="$URL" $BIN/pytest -p no:cacheprovider --basetemp="$LOGS/tmp-pg-a" \
    -m "$PG_MARKS" tests/e2e tests/db > "$LOGS/pg-a.log" 2>&1 & local a=$!
  FORUM_TEST_DATABASE_URL="$URL_B" $BIN/pytest -p no:cacheprovider \
    --basetemp="$LOGS/tmp-pg-b" -m "$PG_MARKS" --ignore=tests/e2e --ignore=tests/db \
    > "$LOGS/pg-b.log" 2>&1 & local b=$!
  wait_both "$a" "$b" "$LOGS/pg-a.log" "$LOGS/pg-b.log" "$LOGS/pg.log"
}

if ! pg_up; then
  if [ "${CI:-}" = "true" ]; then
    echo "FAIL: PostgreSQL is not answering on ${PG_HOST}:${PG_PORT} and CI=true." >&2
    exit 1
  fi
  echo "== suite on SQLite (PostgreSQL not answering on ${PG_HOST}:${PG_PORT}; CI=true makes this fail)"
  $BIN/pytest -p no:cacheprovider "$@" 2>&1 | tee "$LOGS/sqlite.log"
  echo "SQLite:    $(summary "$LOGS/sqlite.log")"
  exit 0
fi

DB="hearth_test_$$_$(date +%s)"
URL="postgres://${PG_USER}@${PG_HOST}:${PG_PORT}/${DB}"
ADMIN_URL="postgres://${PG_USER}@${PG_HOST}:${PG_PORT}/postgres"
$BIN/python -m tests.pgdb create "$ADMIN_URL" "$DB"
DB_B=""
trap '$BIN/python -m tests.pgdb drop "$ADMIN_URL" "$DB"
      if [ -n "$DB_B" ]; then $BIN/python -m tests.pgdb drop "$ADMIN_URL" "$DB_B"; fi' EXIT
if [ $# -eq 0 ] && [ "${FORUM_TEST_SEQUENTIAL:-}" != "1" ]; then
  DB_B="${DB}_b"
  URL_B="postgres://${PG_USER}@${PG_HOST}:${PG_PORT}/${DB_B}"
  $BIN/python -m tests.pgdb create "$ADMIN_URL" "$DB_B"
fi

# The two passes share nothing (their own database, temporary folders, free ports, Redis keys
# named at random), so they run side by side on the machine's cores; FORUM_TEST_SEQUENTIAL=1
# runs one after the other. Each pass's whole output is printed when it ends.
set +e
if [ "${FORUM_TEST_SEQUENTIAL:-}" = "1" ]; then
  echo "== suite on SQLite, then on PostgreSQL (database $DB)"
  sqlite_pass "$@"; sqlite_status=$?
  pg_pass; pg_status=$?
else
  echo "== suite on SQLite and on PostgreSQL (database $DB${DB_B:+ and $DB_B}), side by side;" \
    "logs in $LOGS"
  if [ $# -eq 0 ]; then
    sqlite_pass_split & sqlite_pid=$!
    pg_pass_split & pg_pid=$!
  else
    sqlite_pass "$@" & sqlite_pid=$!
    pg_pass & pg_pid=$!
  fi
  wait "$sqlite_pid"; sqlite_status=$?
  wait "$pg_pid"; pg_status=$?
fi
set -e
echo "== suite on SQLite"
cat "$LOGS/sqlite.log"
echo "== suite on PostgreSQL (database $DB${DB_B:+ and $DB_B})"
cat "$LOGS/pg.log"
echo "== summary"
if [ -f "$LOGS/sqlite-a.log" ]; then
  echo "SQLite:    $(summary "$LOGS/sqlite-a.log") (end-to-end and command-line)"
  echo "           $(summary "$LOGS/sqlite-b.log") (the rest)"
else
  echo "SQLite:    $(summary "$LOGS/sqlite.log")"
fi
if [ -f "$LOGS/pg-a.log" ]; then
  echo "PostgreSQL:$(summary "$LOGS/pg-a.log") (end-to-end and database-level)"
  echo "           $(summary "$LOGS/pg-b.log") (the rest)"
else
  echo "PostgreSQL:$(summary "$LOGS/pg.log")"
fi
if [ "$sqlite_status" -ne 0 ]; then exit "$sqlite_status"; fi
# 5: the arguments picked only backend-independent tests, so nothing was left to run there.
if [ "$pg_status" -ne 0 ] && [ "$pg_status" -ne 5 ]; then exit "$pg_status"; fi
