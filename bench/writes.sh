#!/usr/bin/env bash
# Hot thread: many members replying to one story at once, on SQLite and on PostgreSQL.
# See bench/README.md ("Writes"). Flags:
#
#   --databases "sqlite postgres"   which databases (each gets its own server in turn)
#   --writers N (50)  --followers N (20)  --duration S (15)  --warmup S (3)  --workers N (2)
#   --posts N (100000)  --threads N (2000)   the seeded forum (bench/seed.py)
#   --postgres-url URL (postgres://postgres@127.0.0.1:5432/hearth_bench_writes): made and
#                  dropped by the run
#   --results DIR (bench/results/<timestamp>)
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$BENCH_DIR")"
PY="$REPO/.venv/bin/python"
# BENCH_FORUM: the command to serve with instead (another build, to compare)
# (e.g. BENCH_FORUM="env -C /tmp/old PYTHONPATH=/tmp/old .venv/bin/python -m forum")
read -ra forum_cmd <<< "${BENCH_FORUM:-$REPO/.venv/bin/forum}"

databases="sqlite postgres" writers=50 followers=20 duration=15 warmup=3 workers=2
posts=100000 threads=2000 results=""
pg_url="postgres://postgres@127.0.0.1:5432/hearth_bench_writes"

usage() { awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}"; }
while (($#)); do
  case "$1" in
    --databases) databases="$2"; shift 2 ;;
    --writers) writers="$2"; shift 2 ;;
    --followers) followers="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --workers) workers="$2"; shift 2 ;;
    --posts) posts="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --postgres-url) pg_url="$2"; shift 2 ;;
    --results) results="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "writes: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done
say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
results="${results:-$BENCH_DIR/results/$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$results" "$BENCH_DIR/var"

server_pid=""
stop_server() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
cleanup() {
  stop_server
  if [[ " $databases " == *" postgres "* ]]; then "$PY" "$BENCH_DIR/pg.py" drop "$pg_url" || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

field() { "$PY" -c 'import json,sys; print(json.loads(sys.argv[1]).get(sys.argv[2], ""))' "$1" "$2"; }

status=0
for database in $databases; do
  case "$database" in
    sqlite)
      say "sqlite: the seeded forum (reused when unchanged), copied: the run writes to it"
      meta="$("$PY" "$BENCH_DIR/seed.py" --posts "$posts" --threads "$threads" | tail -n 1)"
      copy="$BENCH_DIR/var/writes.sqlite3"
      rm -f "$copy" "$copy-wal" "$copy-shm"
      cp "$(field "$meta" db)" "$copy"
      url="sqlite://$copy" ;;
    postgres)
      say "postgres: seeding a throwaway database ($pg_url)"
      meta="$("$PY" "$BENCH_DIR/seed.py" --posts "$posts" --threads "$threads" \
        --database-url "$pg_url" | tail -n 1)"
      url="$pg_url" ;;
    *) echo "writes: unknown database $database (sqlite postgres)" >&2; exit 2 ;;
  esac
  thread="$(field "$meta" story_thread_id)"
  port="$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  base="http://127.0.0.1:$port"
  say "$database: forum serve --workers $workers on $base"
  FORUM_DATABASE_URL="$url" FORUM_VAR_DIR="$BENCH_DIR/var" FORUM_RATE_LIMITS=off \
  FORUM_PASSWORD_HASHING=fast FORUM_DEBUG=false \
    "${forum_cmd[@]}" serve --host 127.0.0.1 --port "$port" --workers "$workers" \
    >"$results/writes-$database-server.log" 2>&1 &
  server_pid=$!
  for i in $(seq 150); do
    curl -fs -o /dev/null "$base/" && break
    kill -0 "$server_pid" 2>/dev/null || { tail -n 20 "$results/writes-$database-server.log" >&2; exit 1; }
    ((i == 150)) && { echo "writes: the server did not answer within 30s" >&2; exit 1; }
    sleep 0.2
  done
  say "$database: $writers writers on story $thread for ${duration}s (+${warmup}s warm-up)"
  "$PY" "$BENCH_DIR/writers.py" --base "$base" --database-url "$url" --thread "$thread" \
    --writers "$writers" --followers "$followers" --duration "$duration" --warmup "$warmup" \
    --server-pid "$server_pid" --label "$database" --results "$results" >/dev/null || status=1
  stop_server
done
say "results in $results"
exit "$status"
