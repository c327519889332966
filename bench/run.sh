#!/usr/bin/env bash
# `make bench`: seed a big forum, serve it with `forum serve --workers 2`, load the home,
# category and story pages with wrk — signed out and as a signed-in member — and print
# requests/s, p50, p99, server CPU and worker memory for each.
# See bench/README.md. Flags (pass through make with BENCH_ARGS="..."):
#
#   dataset   --posts N (100000)  --threads N (2000)  --users N  --seed N  --db PATH  --force
#             --analyze (ANALYZE right after seeding; forum serve also does it at start)
#   load      --duration S (15)  --warmup S (5)  --connections N (32)  --wrk-threads N (2)
#   server    --workers N (2)  --port N (a free one)
#   other     --pages "home category story help member-home member-category member-story
#             member-notifications"  --profile (py-spy one worker per page, after the measured
#             runs)  --results DIR (bench/results/<timestamp>)
#             --wait-idle S (60: wait up to S seconds for other processes to go quiet)
#   memory    --memory-requests N (0: off) — after the measured runs, N more requests on
#             --memory-page (member-story), worker RSS sampled every 10 s (memory.tsv)
#   spirit    --compare-spirit — also load Spirit's topic page (bench/spirit.sh sets it up
#             in bench/var/spirit) in the same run, and print the ratio
#             --writes "sqlite postgres" (then 50 writers on one story: bench/writes.sh)
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$BENCH_DIR")"
PY="$REPO/.venv/bin/python"
FORUM="$REPO/.venv/bin/forum"

duration=15 warmup=5 connections=32 wrk_threads=2 workers=2 port="" profile=0 wait_idle=60
pages="home category story help member-home member-category member-story member-notifications"
# help: a template page without queries, as a baseline; member-*: signed in (never cached)
memory_requests=0 memory_page=member-story compare_spirit=0
results=""
seed_args=()
writes=""  # --writes "sqlite postgres": the hot-thread write benchmark after the pages

usage() { awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}"; }

while (($#)); do
  case "$1" in
    --posts|--threads|--users|--seed|--db) seed_args+=("$1" "$2"); shift 2 ;;
    --force|--analyze) seed_args+=("$1"); shift ;;
    --duration) duration="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --connections|-c) connections="$2"; shift 2 ;;
    --wrk-threads) wrk_threads="$2"; shift 2 ;;
    --workers) workers="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --pages) pages="$2"; shift 2 ;;
    --profile) profile=1; shift ;;
    --results) results="$2"; shift 2 ;;
    --wait-idle) wait_idle="$2"; shift 2 ;;
    --memory-requests) memory_requests="$2"; shift 2 ;;
    --memory-page) memory_page="$2"; shift 2 ;;
    --compare-spirit) compare_spirit=1; shift ;;
    --writes) writes="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "bench: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# --- the load generator ------------------------------------------------------------------
if ! command -v wrk >/dev/null; then
  say "installing wrk"
  if [[ $(id -u) -eq 0 ]]; then
    apt-get update -qq && apt-get install -y -qq wrk
  else
    sudo apt-get update -qq && sudo apt-get install -y -qq wrk
  fi
fi

# --- the dataset -------------------------------------------------------------------------
say "seeding (reused when unchanged; --force re-seeds)"
meta="$("$PY" "$BENCH_DIR/seed.py" "${seed_args[@]}" | tail -n 1)"
field() { "$PY" -c 'import json,sys; print(json.loads(sys.argv[1]).get(sys.argv[2], ""))' "$meta" "$1"; }
db="$(field db)"
story_id="$(field story_thread_id)"
category="$(field category_slug)"
dataset="$(field posts) posts / $(field threads) threads / $(field users) members"
[[ "$(field analyzed)" == True ]] && dataset="$dataset, ANALYZEd"

# A signed-in member's session (bench/member.py: the member bench_reader, made once).
cookie=""
if [[ " $pages $memory_page " == *" member-"* ]]; then
  cookie="$("$PY" "$BENCH_DIR/member.py" --db "$db" | tail -n 1)"
fi

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
results="${results:-$BENCH_DIR/results/$stamp}"
mkdir -p "$results"
printf '%s\n' "$meta" > "$results/dataset.json"

# --- the server --------------------------------------------------------------------------
if [[ -z "$port" ]]; then
  port="$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
fi
base="http://127.0.0.1:$port"
server_pid=""
background_pids=()

cleanup() {
  local pid
  for pid in "${background_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [[ -n "${spirit_pid:-}" ]] && kill -0 "$spirit_pid" 2>/dev/null; then
    kill -TERM "$spirit_pid" 2>/dev/null || true
  fi
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "starting forum serve --workers $workers on $base (log: $results/server.log)"
FORUM_DATABASE_URL="sqlite://$db" \
FORUM_VAR_DIR="$(dirname "$db")" \
FORUM_RATE_LIMITS=off \
FORUM_PASSWORD_HASHING=fast \
FORUM_DEBUG=false \
  "$FORUM" serve --host 127.0.0.1 --port "$port" --workers "$workers" \
  >"$results/server.log" 2>&1 &
server_pid=$!

for i in $(seq 150); do
  if curl -fs -o /dev/null "$base/"; then break; fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "bench: the server exited; see $results/server.log" >&2; tail -n 20 "$results/server.log" >&2
    exit 1
  fi
  ((i == 150)) && { echo "bench: the server did not answer within 30s" >&2; exit 1; }
  sleep 0.2
done

# The worker processes (children of uvicorn's supervisor, not its resource tracker).
worker_pids=()
for pid in $(pgrep -P "$server_pid"); do
  if grep -q spawn_main "/proc/$pid/cmdline" 2>/dev/null; then worker_pids+=("$pid"); fi
done
server_cpu_ticks() {  # utime + stime of all workers, in clock ticks
  local total=0 pid f
  for pid in "${worker_pids[@]}"; do
    read -ra f < <(sed 's/^.*) //' "/proc/$pid/stat")
    total=$((total + f[11] + f[12]))
  done
  echo "$total"
}

worker_rss() {  # "pid:KiB pid:KiB" — VmRSS of each worker
  local pid out=()
  for pid in "${worker_pids[@]}"; do
    out+=("$pid:$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")")
  done
  echo "${out[*]}"
}

declare -A url=(
  [home]="$base/"
  [category]="$base/c/$category"
  [story]="$base/stories/$story_id"
  [help]="$base/help"
  [member-home]="$base/"
  [member-category]="$base/c/$category"
  [member-story]="$base/stories/$story_id"
  [member-notifications]="$base/notifications"
)
# The request headers of a page: a member's carry the session cookie.
headers_of() {
  if [[ "$1" == member-* ]]; then printf '%s\n' "-H" "Cookie: $cookie"; fi
  if [[ "$1" == spirit-topic ]]; then printf '%s\n' "-H" "Cookie: $spirit_cookie"; fi
}
spirit_cookie=""
for page in $pages; do
  [[ -n "${url[$page]:-}" ]] || { echo "bench: unknown page $page (${!url[*]})" >&2; exit 2; }
done

# --- sanity: every page answers 200, the story pages show 50 replies, members are signed in
for page in $pages; do
  mapfile -t h < <(headers_of "$page")
  code="$(curl -s "${h[@]}" -o "$results/$page.html" -w '%{http_code}' "${url[$page]}")"
  [[ "$code" == 200 ]] || { echo "bench: ${url[$page]} answered $code" >&2; exit 1; }
  if [[ "$page" == member-* ]] && ! grep -q 'action="/signout"' "$results/$page.html"; then
    echo "bench: $page is not signed in (see $results/$page.html)" >&2; exit 1
  fi
  if [[ "$page" == story || "$page" == member-story ]]; then
    replies="$(grep -c 'class="post post--reply"' "$results/$page.html" || true)"
    [[ "$replies" == 50 ]] || { echo "bench: $page shows $replies replies, not 50" >&2; exit 1; }
  fi
done

# --- optional: Spirit (Django) on the same machine, its topic page in the same run -------
spirit_pid=""
if ((compare_spirit)); then
  bash "$BENCH_DIR/spirit.sh" setup
  spirit_cookie="$(bash "$BENCH_DIR/spirit.sh" cookie)"  # its topic page, signed in too
  spirit_port="$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  say "starting Spirit (bench/spirit.sh serve) on port $spirit_port"
  bash "$BENCH_DIR/spirit.sh" serve "$spirit_port" >"$results/spirit-server.log" 2>&1 &
  spirit_pid=$!
  spirit_url="$(bash "$BENCH_DIR/spirit.sh" url "$spirit_port")"
  for i in $(seq 150); do
    curl -fs -o /dev/null "$spirit_url" && break
    ((i == 150)) && { echo "bench: Spirit did not answer; see $results/spirit-server.log" >&2; exit 1; }
    sleep 0.2
  done
  url[spirit-topic]="$spirit_url"
  pages="$pages spirit-topic"
  curl -s -H "Cookie: $spirit_cookie" -o "$results/spirit-topic.html" "$spirit_url"
  grep -q 'bench_reader' "$results/spirit-topic.html" || { echo "bench: Spirit: not signed in" >&2; exit 1; }
fi

machine_busy_ticks() {  # all CPUs, all processes: user+nice+system+irq+softirq+steal
  local f
  read -ra f < /proc/stat
  echo $((f[1] + f[2] + f[3] + f[6] + f[7] + f[8]))
}

# --- a quiet machine: the numbers mean nothing while something else uses the CPUs -------
if ((wait_idle > 0)); then
  deadline=$((SECONDS + wait_idle))
  while :; do
    b="$(machine_busy_ticks)"; sleep 3; a="$(machine_busy_ticks)"
    busy="$(( (a - b) * 100 / (3 * $(getconf CLK_TCK)) ))"  # percent of one core
    if ((busy < 25)); then break; fi
    if ((SECONDS >= deadline)); then
      say "WARNING: other processes use ${busy}% of a core; the numbers will be low"
      break
    fi
    say "waiting for other processes to go quiet (${busy}% of a core busy)"
  done
fi

# --- warm up, then measure ---------------------------------------------------------------
if ((warmup > 0)); then
  say "warming up (${warmup}s per page)"
  for page in $pages; do
    mapfile -t h < <(headers_of "$page")
    wrk -t"$wrk_threads" -c"$connections" -d"${warmup}s" "${h[@]}" "${url[$page]}" >/dev/null
  done
fi

say "measuring: wrk -t$wrk_threads -c$connections -d${duration}s --latency --timeout 10s, one page at a time"
for page in $pages; do
  printf '    %-9s %s\n' "$page" "${url[$page]}" >&2
  mapfile -t h < <(headers_of "$page")
  rss_before="$(worker_rss)"
  before="$(server_cpu_ticks)" machine_before="$(machine_busy_ticks)"
  TIMEFORMAT='%U %S'
  { time wrk -t"$wrk_threads" -c"$connections" -d"${duration}s" --latency --timeout 10s "${h[@]}" \
      -s "$BENCH_DIR/wrk_report.lua" "${url[$page]}" >"$results/$page.wrk.txt"; } \
      2>"$results/$page.wrk-cpu"
  after="$(server_cpu_ticks)" machine_after="$(machine_busy_ticks)"
  if [[ "$page" != spirit-* ]]; then
    echo "$before $after $(getconf CLK_TCK)" >"$results/$page.server-cpu"
    echo "$rss_before" >"$results/$page.rss"; worker_rss >>"$results/$page.rss"
  fi
  echo "$machine_before $machine_after" >"$results/$page.machine-cpu"
  echo "${url[$page]}" >"$results/$page.url"
done

{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "dataset: $dataset (story thread $story_id, category $category)"
  echo "load: wrk -t$wrk_threads -c$connections -d${duration}s --latency (warm-up ${warmup}s/page)"
  echo "member: bench_reader (signed in, two muted words); visitor pages carry no cookie"
  echo "code: $(git -C "$REPO" rev-parse --short HEAD)$(git -C "$REPO" diff --quiet HEAD -- forum templates 2>/dev/null || echo ' + uncommitted changes in forum/ or templates/')"
  echo "server: forum serve --workers $workers (uvloop, httptools), SQLite WAL, rate limits off"
  echo "machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$results/setup.txt"

"$PY" "$BENCH_DIR/report.py" "$results" $pages

# --- optional: memory over many requests -------------------------------------------------
if ((memory_requests > 0)); then
  say "memory: $memory_requests requests on $memory_page, worker RSS every 10 s"
  mapfile -t h < <(headers_of "$memory_page")
  done_requests=0
  printf 'requests\tworker RSS (pid:KiB)\n0\t%s\n' "$(worker_rss)" >"$results/memory.tsv"
  while ((done_requests < memory_requests)); do
    n="$(wrk -t"$wrk_threads" -c"$connections" -d10s -s "$BENCH_DIR/wrk_report.lua" "${h[@]}" \
         "${url[$memory_page]}" | sed -n 's/^WRK_JSON .*"requests": *\([0-9]*\).*/\1/p')"
    done_requests=$((done_requests + ${n:-0}))
    printf '%s\t%s\n' "$done_requests" "$(worker_rss)" >>"$results/memory.tsv"
    ((${n:-0} > 0)) || { echo "bench: no requests answered in the memory run" >&2; break; }
  done
  cat "$results/memory.tsv"
fi

# --- optional: where does a worker's time go? --------------------------------------------
if ((profile)); then
  if [[ ! -x "$REPO/.venv/bin/py-spy" ]]; then
    say "installing py-spy into .venv"
    "$PY" -m pip install --quiet py-spy
  fi
  target="${worker_pids[0]}"
  for page in $pages; do
    [[ "$page" == spirit-* ]] && continue
    say "profiling worker $target under load: $page (${duration}s)"
    mapfile -t h < <(headers_of "$page")
    wrk -t"$wrk_threads" -c"$connections" -d"$((duration + 3))s" "${h[@]}" "${url[$page]}" \
      >/dev/null &
    background_pids+=($!)
    sleep 1
    "$REPO/.venv/bin/py-spy" record --pid "$target" --duration "$duration" --rate 250 \
      --format raw --output "$results/profile-$page.txt" >/dev/null 2>&1
    wait "${background_pids[-1]}" 2>/dev/null || true
    "$PY" "$BENCH_DIR/hotspots.py" "$results/profile-$page.txt" --top 15 \
      | tee "$results/hotspots-$page.txt"
  done
fi
if [[ -n "$writes" ]]; then  # bench/writes.sh: its own servers and (PostgreSQL) database
  bash "$BENCH_DIR/writes.sh" --databases "$writes" --results "$results"
fi
say "results in $results"
