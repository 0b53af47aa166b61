#!/usr/bin/env bash
# Fallback read-through benchmark (issue 18): two Hangar processes, A the upstream and B reading
# through to it (B's fallback source is A, source_type hangar), measured in the same run:
#   (a) a warm cached GET of a file through B (the repository is only on A; a first GET filled
#       B's cache) beside a GET of the same bytes from a repository local to B: requests/s at
#       BENCH_CONNECTIONS connections with wrk, and the single-request median; target >= 0.9x;
#   (b) the cold fill of a BENCH_FILL_MIB MiB LFS file through B beside a direct download of it
#       from A; target <= 1.2x.
#
#   bash bench/fallback.sh                      # the lead's run, on a quiet machine
#   BENCH_FILL_MIB=16 BENCH_DURATION=2 BENCH_ROUNDS=1 bash bench/fallback.sh   # a quick check
#
# A counting proxy (bench/counting-proxy.mjs) sits between B and A: it reports the bytes B
# fetched from A (0 during (a) once the first GET filled the cache). The direct download of (b)
# goes through the same proxy, so both sides of that ratio pay for it alike. Each Hangar has its
# own embedded PostgreSQL and data directory; everything listens on 127.0.0.1 on free ports and is
# stopped, and the temporary directory removed, on exit. See bench/README.md ("fallback.sh").
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$ROOT/bench"
HELPER="$BENCH/repo-api.mjs"

DURATION=${BENCH_DURATION:-10}    # seconds per wrk run
ROUNDS=${BENCH_ROUNDS:-3}         # rounds; each runs the fallback and the local GET once
CONNS=${BENCH_CONNECTIONS:-16}    # wrk connections
THREADS=${BENCH_THREADS:-2}       # wrk threads
WARMUP=${BENCH_WARMUP:-2}         # seconds of unrecorded load on each URL before the rounds
SINGLE=${BENCH_SINGLE_RUNS:-51}   # single requests per URL for the median
FILE_BYTES=${BENCH_FILE_BYTES:-1024}
FILL_MIB=${BENCH_FILL_MIB:-1024}
MAX_TIME=${BENCH_MAX_TIME:-900}   # seconds any one transfer may take

for v in DURATION ROUNDS CONNS THREADS WARMUP SINGLE FILE_BYTES FILL_MIB MAX_TIME; do
  [[ ${!v} =~ ^[0-9]+$ ]] || { echo "fallback.sh: BENCH_* setting for $v must be a whole number, got '${!v}'" >&2; exit 2; }
done
[ "$DURATION" -ge 1 ] && [ "$ROUNDS" -ge 1 ] && [ "$CONNS" -ge 1 ] && [ "$THREADS" -ge 1 ] && [ "$SINGLE" -ge 1 ] && [ "$FILE_BYTES" -ge 1 ] && [ "$FILL_MIB" -ge 1 ] ||
  { echo "fallback.sh: durations, rounds, connections, runs and sizes must be at least 1" >&2; exit 2; }

BENCH_NAME=fallback.sh
source "$BENCH/lib/common.sh" # log, fail, need, need_check

need node "Node.js 20+"
need curl "apt-get install -y curl"
need wrk "apt-get install -y wrk"
need timeout "coreutils"
need sha256sum "coreutils"
need_check

LOADAVG_START=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)

TMP=$(mktemp -d /tmp/hangar-bench.XXXXXX)
chmod 755 "$TMP" # the embedded PostgreSQL runs as `postgres` when we are root
HANGAR_PID="" B_PID="" PROXY_PID="" SNAP=""

source "$BENCH/lib/hangar.sh" # stop_pid, start_hangar, launch_hangar, wait_ready, stop_hangar, api, bench_user

cleanup() {
  local rc=$? pgpid
  trap - EXIT INT TERM
  show_hangar_log "$rc" # A's log (hangar.log) and B's (peer.log)
  stop_pid "$B_PID" TERM 20
  pgpid=$(head -n 1 "$TMP/data-b/pg/postmaster.pid" 2>/dev/null || true)
  if [[ $pgpid =~ ^[0-9]+$ ]] && kill -0 "$pgpid" 2>/dev/null; then stop_pid "$pgpid" INT 10; fi
  stop_pid "$PROXY_PID" TERM 5
  finish_bench "$rc" # stops A, removes the dist/ snapshot and $TMP
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

source "$BENCH/lib/dist-snapshot.sh"
prepare_dist_snapshot fallback

mapfile -t PORTS < <(node "$HELPER" free-ports 5)
[ ${#PORTS[@]} -eq 5 ] || fail "could not find free ports"
A_PORT=${PORTS[0]} A_PG=${PORTS[1]} B_PORT=${PORTS[2]} B_PG=${PORTS[3]} PROXY_PORT=${PORTS[4]}

# ---------------------------------------------------------------- A, the upstream hub, and the counting proxy in front of it
start_hangar "$A_PORT" "$A_PG"
A="$H"
PROXY="http://127.0.0.1:$PROXY_PORT"
node "$BENCH/counting-proxy.mjs" "$PROXY_PORT" "$A" >"$TMP/proxy.log" 2>&1 &
PROXY_PID=$!
proxied_bytes() { curl -sS -f --max-time 10 "$PROXY/__bench/bytes" || fail "the counting proxy does not answer"; }
for _ in $(seq 100); do curl -sf -o /dev/null --max-time 2 "$PROXY/__bench/bytes" && break; sleep 0.1; done
proxied_bytes >/dev/null

# ---------------------------------------------------------------- B: its own database and store; A (through the proxy) is its fallback source
B="http://127.0.0.1:$B_PORT"
log "starting Hangar B on 127.0.0.1:$B_PORT (embedded PostgreSQL on $B_PG, data in $TMP/data-b)"
# Refs trusted for an hour: the warm GETs of (a) then make no upstream call at all, as in production between ref checks.
launch_hangar "$TMP/peer.log" "$B" HANGAR_DATA_DIR="$TMP/data-b" HANGAR_EMBEDDED_PG_PORT="$B_PG" HANGAR_FALLBACK_REF_TTL_SECONDS=3600 HANGAR_FALLBACK_TIMEOUT_SECONDS=60
B_PID=$LAUNCHED_PID
wait_ready "$B" "$B_PID" "Hangar B"

# ---------------------------------------------------------------- on A: the repository (a small regular file, a big LFS file)
head -c "$FILE_BYTES" /dev/urandom >"$TMP/small.bin"
log "writing the ${FILL_MIB} MiB file"
head -c $((FILL_MIB * 1024 * 1024)) /dev/urandom >"$TMP/big.bin"
OID=$(sha256sum "$TMP/big.bin" | cut -d' ' -f1)
SIZE=$(stat -c %s "$TMP/big.bin")
H="$A"
bench_user
AUTH=(-H "Authorization: Bearer $TOKEN")
REPO=bench-fallback
api POST /api/repos/create "$TMP/repo.json" "${AUTH[@]}" -H 'Content-Type: application/json' -d "{\"name\":\"$REPO\"}"
node "$HELPER" ndjson-file "$TMP/small.bin" small.bin "$TMP/commit.ndjson"
api POST "/api/models/$USER_NAME/$REPO/commit/main" "$TMP/commit.out" "${AUTH[@]}" -H 'Content-Type: application/x-ndjson' --data-binary "@$TMP/commit.ndjson"
api POST "/$USER_NAME/$REPO.git/info/lfs/objects/batch" "$TMP/batch.json" "${AUTH[@]}" \
  -H 'Accept: application/vnd.git-lfs+json' -H 'Content-Type: application/vnd.git-lfs+json' \
  -d "{\"operation\":\"upload\",\"transfers\":[\"basic\"],\"hash_algo\":\"sha256\",\"objects\":[{\"oid\":\"$OID\",\"size\":$SIZE}]}"
UPLOAD_HREF=$(node "$BENCH/lfs-transfer.mjs" json-get objects.0.actions.upload.href <"$TMP/batch.json")
VERIFY_HREF=$(node "$BENCH/lfs-transfer.mjs" json-get objects.0.actions.verify.href <"$TMP/batch.json")
code=$(curl -sS -o "$TMP/put.out" -w '%{http_code}' --max-time "$MAX_TIME" -H 'Expect:' --upload-file "$TMP/big.bin" "$UPLOAD_HREF") || fail "LFS upload to A: curl failed"
[[ $code == 2* ]] || fail "LFS upload to A answered $code: $(head -c 300 "$TMP/put.out")"
code=$(curl -sS -o "$TMP/verify.out" -w '%{http_code}' --max-time "$MAX_TIME" -X POST -H 'Content-Type: application/vnd.git-lfs+json' -d "{\"oid\":\"$OID\",\"size\":$SIZE}" "$VERIFY_HREF") || fail "LFS verify on A: curl failed"
[ "$code" = 200 ] || fail "LFS verify on A answered $code: $(head -c 300 "$TMP/verify.out")"
printf '%s\n%s\n' '{"key":"header","value":{"summary":"the big LFS file"}}' \
  "{\"key\":\"lfsFile\",\"value\":{\"path\":\"big.bin\",\"algo\":\"sha256\",\"oid\":\"$OID\",\"size\":$SIZE}}" >"$TMP/commit-lfs.ndjson"
api POST "/api/models/$USER_NAME/$REPO/commit/main" "$TMP/commit-lfs.out" "${AUTH[@]}" -H 'Content-Type: application/x-ndjson' --data-binary "@$TMP/commit-lfs.ndjson"
A_USER=$USER_NAME

# ---------------------------------------------------------------- on B: a local repository with the same small file, and the source
H="$B"
bench_user
AUTH=(-H "Authorization: Bearer $TOKEN")
LOCAL_REPO=bench-local
api POST /api/repos/create "$TMP/repo-b.json" "${AUTH[@]}" -H 'Content-Type: application/json' -d "{\"name\":\"$LOCAL_REPO\"}"
api POST "/api/models/$USER_NAME/$LOCAL_REPO/commit/main" "$TMP/commit-b.out" "${AUTH[@]}" -H 'Content-Type: application/x-ndjson' --data-binary "@$TMP/commit.ndjson"
api POST /admin/api/fallback-sources "$TMP/source.json" -H "X-Admin-Token: $ADMIN_TOKEN" -H 'Content-Type: application/json' \
  -d "{\"url\":\"$PROXY\",\"name\":\"A\",\"source_type\":\"hangar\"}"
FB_URL="$B/$A_USER/$REPO/resolve/main/small.bin"
LOCAL_URL="$B/$USER_NAME/$LOCAL_REPO/resolve/main/small.bin"
# B reads its source list anew within about 2 s.
for _ in $(seq 100); do [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$B/api/models/$A_USER/$REPO")" = 200 ] && break; sleep 0.1; done
for url in "$FB_URL" "$LOCAL_URL"; do
  curl -sS -f -o "$TMP/check.bin" --max-time 30 "$url" || fail "GET $url failed"
  cmp -s "$TMP/check.bin" "$TMP/small.bin" || fail "$url served other bytes than were committed"
done

# ---------------------------------------------------------------- (a) warm cached GET through B beside a local GET on B
source "$BENCH/lib/wrk.sh" # wrk_load, wrk_warm
BYTES_A0=$(proxied_bytes)
wrk_warm "$FB_URL" "$LOCAL_URL"
FB_RPS=() LOCAL_RPS=() ERRORS=0
for ((round = 1; round <= ROUNDS; round++)); do
  if ((round % 2)); then order=(fallback local); else order=(local fallback); fi
  for which in "${order[@]}"; do
    url=$([ "$which" = fallback ] && echo "$FB_URL" || echo "$LOCAL_URL")
    log "round $round/$ROUNDS: $which GET, $CONNS connections, ${DURATION}s"
    read -r rps err <<<"$(wrk_load "$url")"
    ERRORS=$((ERRORS + err))
    if [ "$which" = fallback ]; then FB_RPS+=("$rps"); else LOCAL_RPS+=("$rps"); fi
  done
done
log "single requests: $SINGLE on each URL, alternating"
FB_MS=() LOCAL_MS=()
for ((i = 0; i < SINGLE; i++)); do
  FB_MS+=("$(curl -sS -f -o /dev/null -w '%{time_total}' --max-time 30 "$FB_URL" | awk '{ printf "%.3f", $1 * 1000 }')")
  LOCAL_MS+=("$(curl -sS -f -o /dev/null -w '%{time_total}' --max-time 30 "$LOCAL_URL" | awk '{ printf "%.3f", $1 * 1000 }')")
done
BYTES_A1=$(proxied_bytes)
WARM_FROM_A=$((BYTES_A1 - BYTES_A0))

# ---------------------------------------------------------------- (b) cold fill through B beside a direct download from A
# CPU seconds the whole machine has been busy so far (all cores; idle and iowait left out).
machine_busy_seconds() { awk -v hz="$(getconf CLK_TCK)" '/^cpu / { printf "%.2f", ($2 + $3 + $4 + $7 + $8 + $9) / hz }' /proc/stat; }
timed_get() { # URL OUT → "seconds cores", cores = how many were busy on average (whole machine) during the transfer
  local t0 t1 b0 b1
  sync
  b0=$(machine_busy_seconds)
  t0=$(date +%s.%N)
  curl -sS -f -L -o "$2" --max-time "$MAX_TIME" "$1" || fail "GET $1 failed"
  t1=$(date +%s.%N)
  b1=$(machine_busy_seconds)
  [ "$(sha256sum "$2" | cut -d' ' -f1)" = "$OID" ] || fail "GET $1: the bytes do not hash to the committed file"
  rm -f "$2"
  awk -v a="$t0" -v b="$t1" -v c="$b0" -v d="$b1" 'BEGIN { printf "%.2f %.2f", b - a, (b > a ? (d - c) / (b - a) : 0) }'
}
# CPU seconds (user + system) a process has used so far: steadier than wall clock on a shared machine.
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }
log "direct download of the ${FILL_MIB} MiB file from A (through the proxy)"
got=$(timed_get "$PROXY/$A_USER/$REPO/resolve/main/big.bin" "$TMP/direct.bin")
read -r DIRECT_S DIRECT_CORES <<<"$got"
BYTES_B0=$(proxied_bytes)
log "cold fill of the ${FILL_MIB} MiB file through B"
CPU_B0=$(cpu_seconds "$B_PID")
got=$(timed_get "$B/$A_USER/$REPO/resolve/main/big.bin" "$TMP/fill.bin")
read -r FILL_S FILL_CORES <<<"$got"
CPU_B1=$(cpu_seconds "$B_PID")
FILL_CPU_S=$(awk -v a="$CPU_B0" -v b="$CPU_B1" 'BEGIN { printf "%.2f", b - a }')
BYTES_B1=$(proxied_bytes)
FILL_FROM_A=$((BYTES_B1 - BYTES_B0))

# ---------------------------------------------------------------- report
FB_MED=$(node "$HELPER" median "${FB_RPS[@]}")
LOCAL_MED=$(node "$HELPER" median "${LOCAL_RPS[@]}")
FB_MS_MED=$(node "$HELPER" median "${FB_MS[@]}")
LOCAL_MS_MED=$(node "$HELPER" median "${LOCAL_MS[@]}")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
RPS_RATIO=$(ratio "$FB_MED" "$LOCAL_MED")
MS_RATIO=$(ratio "$LOCAL_MS_MED" "$FB_MS_MED") # speed: local time / fallback time
FILL_RATIO=$(ratio "$FILL_S" "$DIRECT_S")
verdict() { awk -v r="$1" -v t="$2" -v dir="$3" 'BEGIN { ok = (dir == "ge" ? r >= t : r <= t); print (ok ? "met" : "MISSED") }'; }
REV=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -n "$(git -C "$ROOT" status --porcelain -- src migrations 2>/dev/null)" ] && REV="$REV+local changes"

echo
echo "Hangar fallback read-through benchmark ($(date -u +%Y-%m-%dT%H:%M:%SZ), hangar $REV; $DIST_NOTE)"
echo "machine: $(nproc) cores, $(uname -m); node $(node --version)"
echo "load average before the run: $LOADAVG_START (other work on this machine skews the figures)"
echo "(a) anonymous GET of one $FILE_BYTES-byte file, wrk -c$CONNS -t$THREADS, ${DURATION}s per run, $ROUNDS rounds alternating the order, ${WARMUP}s warm-up; $SINGLE single requests each"
echo "(b) one ${FILL_MIB} MiB LFS file, curl, the direct download first (both through the counting proxy)"
echo
printf '%-34s %16s %22s %8s  %s\n' "measure" "through B (fallback)" "local on B / from A" "ratio" "target"
printf '%-34s %16s %22s %8s  %s\n' "(a) warm GET, req/s (median)" "$FB_MED" "$LOCAL_MED" "$RPS_RATIO" ">= 0.90 ($(verdict "$RPS_RATIO" 0.9 ge))"
printf '%-34s %16s %22s %8s  %s\n' "(a) warm GET, single request ms" "$FB_MS_MED" "$LOCAL_MS_MED" "$MS_RATIO" ">= 0.90 ($(verdict "$MS_RATIO" 0.9 ge); local ms / fallback ms)"
printf '%-34s %16s %22s %8s  %s\n' "(b) cold ${FILL_MIB} MiB, seconds" "$FILL_S" "$DIRECT_S" "$FILL_RATIO" "<= 1.20 ($(verdict "$FILL_RATIO" 1.2 le))"
echo
echo "bytes B fetched from A during (a), after the first fill: $WARM_FROM_A (must be 0)$([ "$ERRORS" -gt 0 ] && echo "; $ERRORS wrk errors" || true)"
echo "bytes B fetched from A for the cold fill: $FILL_FROM_A (the file is $SIZE bytes; the rest is metadata)"
echo "B's CPU time (user + system) during the cold fill: ${FILL_CPU_S} s ($(awk -v c="$FILL_CPU_S" -v m="$FILL_MIB" 'BEGIN { printf "%.2f", c * 1024 / m }') s per GiB)"
# When the direct download already keeps the cores busy, B's CPU adds to the fill's wall time
# almost one for one: the fill can't be shorter than (the direct download's CPU + B's) / cores.
echo "cores busy on average (whole machine, $(nproc) cores): $DIRECT_CORES during the direct download, $FILL_CORES during the cold fill"
[ "$WARM_FROM_A" -eq 0 ] || fail "B fetched $WARM_FROM_A bytes from A during the warm GETs: the cache did not answer them"
