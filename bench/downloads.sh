#!/usr/bin/env bash
# Download counting benchmark: resolve GET throughput with counting on, beside the same with
# counting off (HANGAR_DOWNLOAD_COUNTING=false), measured in the same run.
#
#   bash bench/downloads.sh
#
# Starts two Hangar nodes on free loopback ports that share one embedded PostgreSQL and one
# filesystem store (the first node runs the database; the second reaches it by URL), so both
# serve the very same repository and file. Counting is on in one node and off in the other.
# The load alternates between them for several rounds (on, off, then off, on, …) so that drift
# on the machine falls on both alike; the report gives each node's median and their ratio.
# Everything it starts is stopped, and its temporary directory removed, on exit. See
# bench/README.md ("downloads.sh") for the figures and the knobs below.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$ROOT/bench"
HELPER="$BENCH/repo-api.mjs"

DURATION=${BENCH_DURATION:-10}   # seconds per load run
ROUNDS=${BENCH_ROUNDS:-5}        # rounds; each runs both nodes once
CONNS=${BENCH_CONNECTIONS:-16}   # connections per load run
THREADS=${BENCH_THREADS:-2}      # wrk threads
WARMUP=${BENCH_WARMUP:-2}        # seconds of unrecorded load on each node before the rounds
FILE_BYTES=${BENCH_FILE_BYTES:-1024}

for v in DURATION ROUNDS CONNS THREADS WARMUP FILE_BYTES; do
  [[ ${!v} =~ ^[0-9]+$ ]] || { echo "downloads.sh: BENCH_* setting for $v must be a whole number, got '${!v}'" >&2; exit 2; }
done
[ "$DURATION" -ge 1 ] && [ "$ROUNDS" -ge 1 ] && [ "$CONNS" -ge 1 ] && [ "$THREADS" -ge 1 ] && [ "$FILE_BYTES" -ge 1 ] ||
  { echo "downloads.sh: durations, rounds, connections and sizes must be at least 1" >&2; exit 2; }

BENCH_NAME=downloads.sh
source "$BENCH/lib/common.sh" # log, fail, need, need_check

need node "Node.js 20+"
need curl "apt-get install -y curl"
need wrk "apt-get install -y wrk"
need timeout "coreutils"
need_check

LOADAVG_START=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)

TMP=$(mktemp -d /tmp/hangar-bench.XXXXXX)
chmod 755 "$TMP" # the embedded PostgreSQL runs as `postgres` when we are root
HANGAR_PID="" PEER_PID="" SNAP=""

source "$BENCH/lib/hangar.sh" # stop_pid, start_hangar, start_peer, stop_hangar, api, bench_user

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  show_hangar_log "$rc"
  stop_pid "$PEER_PID" TERM 20 # before the node that runs the database
  finish_bench "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

source "$BENCH/lib/dist-snapshot.sh"
prepare_dist_snapshot downloads

mapfile -t PORTS < <(node "$HELPER" free-ports 3)
[ ${#PORTS[@]} -eq 3 ] || fail "could not find free ports"
ON_PORT=${PORTS[0]} PG_PORT=${PORTS[1]} OFF_PORT=${PORTS[2]}

# ---------------------------------------------------------------- node 1: counting on (runs the database)
start_hangar "$ON_PORT" "$PG_PORT" HANGAR_DOWNLOAD_COUNTING=true
ON="$H"

# ---------------------------------------------------------------- node 2: counting off, same database and store
start_peer "$OFF_PORT" "$PG_PORT" HANGAR_DOWNLOAD_COUNTING=false
OFF="$PEER"

# ---------------------------------------------------------------- one public repository, one small file
bench_user
AUTH=(-H "Authorization: Bearer $TOKEN")
REPO=bench-downloads
api POST /api/repos/create "$TMP/repo.json" "${AUTH[@]}" -H 'Content-Type: application/json' -d "{\"name\":\"$REPO\"}"
head -c "$FILE_BYTES" /dev/urandom >"$TMP/file.bin"
node "$HELPER" ndjson-file "$TMP/file.bin" file.bin "$TMP/commit.ndjson"
api POST "/api/models/$USER_NAME/$REPO/commit/main" "$TMP/commit.out" "${AUTH[@]}" -H 'Content-Type: application/x-ndjson' --data-binary "@$TMP/commit.ndjson"
PATH_URL="/$USER_NAME/$REPO/resolve/main/file.bin"
for base in "$ON" "$OFF"; do
  curl -sS -f -o "$TMP/check.bin" --max-time 30 "$base$PATH_URL" || fail "GET $base$PATH_URL failed"
  cmp -s "$TMP/check.bin" "$TMP/file.bin" || fail "$base served other bytes than were committed"
done

# downloads_of BASE → the repository's all-time download count as that node reports it
downloads_of() {
  curl -sS -f --max-time 30 "$1/api/models/$USER_NAME/$REPO" | node -e 'let s="";process.stdin.on("data",c=>s+=c).on("end",()=>process.stdout.write(String(JSON.parse(s).downloadsAllTime)))'
}

source "$BENCH/lib/wrk.sh" # wrk_load, wrk_warm
load() { wrk_load "$1$PATH_URL"; }

wrk_warm "$ON$PATH_URL" "$OFF$PATH_URL"
# The count moves through the counting node only; read it once the batch is flushed (about 1 s).
sleep 2
COUNT_BEFORE=$(downloads_of "$ON")

ON_RPS=() OFF_RPS=() ERRORS=0 ROUND_LINES=()
for ((round = 1; round <= ROUNDS; round++)); do
  if ((round % 2)); then order=(on off); else order=(off on); fi
  line="round $round:"
  for which in "${order[@]}"; do
    base=$([ "$which" = on ] && echo "$ON" || echo "$OFF")
    log "round $round/$ROUNDS: counting $which, $CONNS connections, ${DURATION}s"
    read -r rps err <<<"$(load "$base")"
    ERRORS=$((ERRORS + err))
    if [ "$which" = on ]; then ON_RPS+=("$rps"); else OFF_RPS+=("$rps"); fi
    line="$line $which $rps req/s"
  done
  ROUND_LINES+=("$line")
done

sleep 2
COUNT_AFTER=$(downloads_of "$ON")

ON_MED=$(node "$HELPER" median "${ON_RPS[@]}")
OFF_MED=$(node "$HELPER" median "${OFF_RPS[@]}")
SLOWER=$(awk -v on="$ON_MED" -v off="$OFF_MED" 'BEGIN { printf "%.1f", (1 - on / off) * 100 }')
VERDICT=$(awk -v s="$SLOWER" 'BEGIN { print (s <= 3 ? "within" : "OVER") }')
REV=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -n "$(git -C "$ROOT" status --porcelain -- src migrations 2>/dev/null)" ] && REV="$REV+local changes"

echo
echo "Hangar download counting benchmark ($(date -u +%Y-%m-%dT%H:%M:%SZ), hangar $REV; $DIST_NOTE)"
echo "machine: $(nproc) cores, $(uname -m); node $(node --version)"
echo "load average before the run: $LOADAVG_START (other work on this machine skews the figures)"
echo "load: anonymous GET of one $FILE_BYTES-byte file, wrk -c$CONNS -t$THREADS, ${DURATION}s per run, $ROUNDS rounds alternating the order, ${WARMUP}s warm-up per node"
echo
for l in "${ROUND_LINES[@]}"; do echo "$l"; done
echo
printf '%-30s %s req/s\n' "median, counting on" "$ON_MED"
printf '%-30s %s req/s\n' "median, counting off" "$OFF_MED"
echo "counting on is $SLOWER % slower than off (target <= 3 %: $VERDICT)$([ "$ERRORS" -gt 0 ] && echo "; $ERRORS wrk errors" || true)"
echo "downloadsAllTime of the repository: $COUNT_BEFORE before the rounds, $COUNT_AFTER after (one client: one session per 15-minute window)"
