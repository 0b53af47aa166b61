#!/usr/bin/env bash
# Repository API benchmark: Hangar side by side with a reference measured in the same run.
#
#   bash bench/repo-api.sh
#
# Starts Hangar (dist/src/main.js, embedded PostgreSQL, filesystem store) on free loopback ports
# with a temporary data directory, plus a bare node:http server and nginx as references, runs the
# scenarios one at a time and prints a table. Everything it starts is stopped, and its temporary
# directory removed, on exit. See bench/README.md for what each figure means and the knobs below.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$ROOT/bench"
HELPER="$BENCH/repo-api.mjs"

DURATION=${BENCH_DURATION:-10}          # seconds per load test
CONNS=${BENCH_CONNECTIONS:-16}          # connections per load test
THREADS=${BENCH_THREADS:-2}             # wrk threads
WARMUP=${BENCH_WARMUP:-2}               # seconds of unrecorded load before each load test
NFILES=${BENCH_FILES:-1000}             # files in the commit scenarios
FILE_BYTES=${BENCH_FILE_BYTES:-1024}    # bytes per small file
BIG_BYTES=${BENCH_BIG_BYTES:-10485760}  # the big file (10 MiB)
LAT_RUNS=${BENCH_LATENCY_RUNS:-20}      # single GETs for the latency median
COMMIT_RUNS=${BENCH_COMMIT_RUNS:-3}     # timed commits (each side) for the commit median
NGINX_WORKERS=${BENCH_NGINX_WORKERS:-1} # nginx worker processes (Hangar is one process)
PYTHON=${BENCH_PYTHON:-$ROOT/.venv/bin/python}

for v in DURATION CONNS THREADS WARMUP NFILES FILE_BYTES BIG_BYTES LAT_RUNS COMMIT_RUNS NGINX_WORKERS; do
  [[ ${!v} =~ ^[0-9]+$ ]] || { echo "repo-api.sh: BENCH_* setting for $v must be a whole number, got '${!v}'" >&2; exit 2; }
done
[ "$DURATION" -ge 1 ] && [ "$CONNS" -ge 1 ] && [ "$THREADS" -ge 1 ] && [ "$NFILES" -ge 1 ] && [ "$LAT_RUNS" -ge 1 ] && [ "$COMMIT_RUNS" -ge 1 ] && [ "$NGINX_WORKERS" -ge 1 ] ||
  { echo "repo-api.sh: durations, counts and connections must be at least 1" >&2; exit 2; }

BENCH_NAME=repo-api.sh
source "$BENCH/lib/common.sh" # log, fail, need, need_check

# ---------------------------------------------------------------- preflight: tools
need node "Node.js 20+"
need curl "apt-get install -y curl"
need git "apt-get install -y git"
need wrk "apt-get install -y wrk"
need timeout "coreutils"
need cmp "diffutils"
NGINX_BIN=$(command -v nginx 2>/dev/null || true)
[ -z "$NGINX_BIN" ] && [ -x /usr/sbin/nginx ] && NGINX_BIN=/usr/sbin/nginx
[ -n "$NGINX_BIN" ] || missing+=("nginx (apt-get install -y nginx)")
if [ ! -x "$PYTHON" ]; then
  missing+=("$PYTHON (the project venv: bash scripts/setup-venv.sh)")
elif ! "$PYTHON" -c 'import huggingface_hub' >/dev/null 2>&1; then
  missing+=("huggingface_hub in $PYTHON (bash scripts/setup-venv.sh)")
fi
need_check

LOADAVG_START=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)

# ---------------------------------------------------------------- temp dir and cleanup
TMP=$(mktemp -d /tmp/hangar-bench.XXXXXX)
chmod 755 "$TMP" # the embedded PostgreSQL runs as `postgres` when we are root; nginx workers as nobody
HANGAR_PID="" REF_PID="" NEST_PID="" NGINX_PID="" PROBE_PID="" SNAP=""

source "$BENCH/lib/hangar.sh" # stop_pid, start_hangar, stop_hangar, api, bench_user

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  show_hangar_log "$rc"
  stop_pid "$PROBE_PID" TERM 3
  stop_pid "$REF_PID" TERM 3
  stop_pid "$NEST_PID" TERM 3
  stop_pid "$NGINX_PID" TERM 5
  finish_bench "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- build if needed, private copy of dist/
source "$BENCH/lib/dist-snapshot.sh"
prepare_dist_snapshot api

mapfile -t PORTS < <(node "$HELPER" free-ports 6)
[ ${#PORTS[@]} -eq 6 ] || fail "could not find free ports"
HANGAR_PORT=${PORTS[0]} PG_PORT=${PORTS[1]} REF_PORT=${PORTS[2]} NGINX_PORT=${PORTS[3]} PROBE_PORT=${PORTS[4]} NEST_PORT=${PORTS[5]}
H="http://127.0.0.1:$HANGAR_PORT"

# ---------------------------------------------------------------- which tool can load-test HEAD?
# wrk's response parser waits for a body after a HEAD answer that carries Content-Length
# (wg/wrk#198), so with Debian's wrk 4.1.0 every connection stalls after its first request.
# Probe it for one second against a node:http HEAD server; if it stalls, fall back to ab.
HEAD_TOOL=wrk
node "$HELPER" head-server "$PROBE_PORT" '{"Content-Length":"1024","Content-Type":"text/plain"}' >"$TMP/probe.out" 2>&1 &
PROBE_PID=$!
for _ in $(seq 50); do grep -q listening "$TMP/probe.out" 2>/dev/null && break; sleep 0.1; done
grep -q listening "$TMP/probe.out" || fail "the probe HEAD server did not start: $(cat "$TMP/probe.out")"
timeout 20 wrk -c2 -t1 -d1s --timeout 1s -s "$BENCH/head.lua" "http://127.0.0.1:$PROBE_PORT/probe" >"$TMP/probe.wrk" 2>&1 || true
probe_requests=$(node "$HELPER" wrk-summary "$TMP/probe.wrk" 2>/dev/null | cut -f3 || echo 0)
stop_pid "$PROBE_PID" TERM 3
PROBE_PID=""
if [ "${probe_requests:-0}" -lt 10 ]; then
  HEAD_TOOL=ab
  command -v ab >/dev/null 2>&1 ||
    fail "this wrk cannot load-test HEAD (it waits for a body after Content-Length, wg/wrk#198) and ab is missing: apt-get install -y apache2-utils"
  log "wrk stalls on HEAD answers with Content-Length (wg/wrk#198): using ab -k -i for the HEAD scenario"
fi

# ---------------------------------------------------------------- start Hangar
start_hangar "$HANGAR_PORT" "$PG_PORT"
bench_user
AUTH=(-H "Authorization: Bearer $TOKEN")
REPO=bench-repo UPLOAD_REPO=bench-upload
api POST /api/repos/create "$TMP/repo.json" "${AUTH[@]}" -H 'Content-Type: application/json' -d "{\"name\":\"$REPO\"}"
api POST /api/repos/create "$TMP/repo2.json" "${AUTH[@]}" -H 'Content-Type: application/json' -d "{\"name\":\"$UPLOAD_REPO\"}"
log "user $USER_NAME, token, repos $USER_NAME/$REPO and $USER_NAME/$UPLOAD_REPO created"

# ---------------------------------------------------------------- 1. commit 1,000 small files
log "writing $NFILES files of $FILE_BYTES bytes and the NDJSON body"
node "$HELPER" make-files "$TMP/files" "$NFILES" "$FILE_BYTES"
node "$HELPER" ndjson-folder "$TMP/files" "$TMP/commit.ndjson"

# commit_ndjson FILE LABEL [REPO] → prints seconds (curl time_total, end to end)
commit_ndjson() {
  local body=$1 label=$2 repo=${3:-$REPO} result code secs
  result=$(curl -sS -o "$TMP/commit.out" -w '%{http_code} %{time_total}' --max-time 600 -X POST "${AUTH[@]}" \
    -H 'Content-Type: application/x-ndjson' -H 'Expect:' --data-binary "@$body" \
    "$H/api/models/$USER_NAME/$repo/commit/main") || fail "$label: curl failed"
  read -r code secs <<<"$result"
  [ "$code" = 200 ] || fail "$label answered $code: $(head -c 500 "$TMP/commit.out")"
  grep -q '"commitOid"' "$TMP/commit.out" || fail "$label: no commitOid in $(head -c 500 "$TMP/commit.out")"
  awk -v s="$secs" 'BEGIN { printf "%.3f\n", s }'
}

# A ~0.1 s figure taken once is mostly noise, and a fresh process's first commit also pays for
# compiling the code it runs: one untimed commit first, then the median of COMMIT_RUNS commits,
# each into a fresh repository (the first into $REPO, which the later scenarios read), beside
# the median of as many git add+commit runs in fresh repositories.
COMMIT_REPOS=("$REPO")
for i in $(seq 2 "$COMMIT_RUNS") warmup; do
  api POST /api/repos/create "$TMP/repo-$i.json" "${AUTH[@]}" -H 'Content-Type: application/json' -d "{\"name\":\"bench-commit-$i\"}"
  [ "$i" = warmup ] || COMMIT_REPOS+=("bench-commit-$i")
done
log "1. untimed warm-up commit of $NFILES files into $USER_NAME/bench-commit-warmup"
commit_ndjson "$TMP/commit.ndjson" "warm-up NDJSON commit" bench-commit-warmup >/dev/null
log "1. commit of $NFILES files as one NDJSON request, $COMMIT_RUNS runs into fresh repositories"
COMMIT_TIMES=()
for repo in "${COMMIT_REPOS[@]}"; do COMMIT_TIMES+=("$(commit_ndjson "$TMP/commit.ndjson" "NDJSON commit of $NFILES files" "$repo")"); done
COMMIT_S=$(node "$HELPER" median "${COMMIT_TIMES[@]}" | awk '{ printf "%.3f", $1 }')
code=$(curl -sS -o /dev/null -w '%{http_code}' -I --max-time 30 "$H/$USER_NAME/$REPO/resolve/main/f/0001.txt")
[ "$code" = 200 ] || fail "HEAD f/0001.txt after the commit answered $code"

log "1. reference: git add + git commit of the same files, $COMMIT_RUNS runs into fresh repositories"
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
GIT_TIMES=()
for i in $(seq "$COMMIT_RUNS"); do
  mkdir -p "$TMP/gitref-$i"
  cp -r "$TMP/files/." "$TMP/gitref-$i/"
  GITC=(git -C "$TMP/gitref-$i" -c user.name=bench -c user.email=bench@example.com -c commit.gpgsign=false -c gc.auto=0 -c core.hooksPath=/dev/null)
  "${GITC[@]}" init -q -b main
  sync
  t0=$(date +%s%N)
  "${GITC[@]}" add -A
  "${GITC[@]}" commit -q -m bench
  t1=$(date +%s%N)
  GIT_TIMES+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')")
  [ "$("${GITC[@]}" ls-files | wc -l)" -eq "$NFILES" ] || fail "git reference: expected $NFILES files in the commit"
done
GIT_S=$(node "$HELPER" median "${GIT_TIMES[@]}" | awk '{ printf "%.3f", $1 }')

log "1. huggingface_hub HfApi.upload_folder of the same folder into $USER_NAME/$UPLOAD_REPO"
UPLOAD_S=$(env -u HF_TOKEN -u HF_ENDPOINT HF_HOME="$TMP/hf-home" HF_HUB_DISABLE_TELEMETRY=1 HF_HUB_DISABLE_PROGRESS_BARS=1 \
  timeout 600 "$PYTHON" - "$H" "$TOKEN" "$USER_NAME/$UPLOAD_REPO" "$TMP/files" "$NFILES" <<'PY'
import sys, time
from huggingface_hub import HfApi
endpoint, token, repo_id, folder, n = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
api = HfApi(endpoint=endpoint, token=token)
t = time.perf_counter()
api.upload_folder(repo_id=repo_id, folder_path=folder, commit_message="bench")
elapsed = time.perf_counter() - t
files = [f for f in api.list_repo_files(repo_id) if f.startswith("f/")]
if len(files) != n:
    sys.exit(f"upload_folder: expected {n} files under f/, the repo has {len(files)}")
print(f"{elapsed:.3f}")
PY
) || fail "huggingface_hub upload_folder failed"

# ---------------------------------------------------------------- 2. resolve HEAD
RESOLVE_URL="$H/$USER_NAME/$REPO/resolve/main/f/0001.txt"
curl -sS -I -D "$TMP/head.txt" -o /dev/null --max-time 30 "$RESOLVE_URL" || fail "HEAD $RESOLVE_URL failed"
REF_HEADERS=$(node "$HELPER" pick-headers "$TMP/head.txt" X-Repo-Commit ETag Content-Length Content-Type Accept-Ranges Content-Disposition)
node "$HELPER" head-server "$REF_PORT" "$REF_HEADERS" >"$TMP/ref.out" 2>&1 &
REF_PID=$!
for _ in $(seq 50); do grep -q listening "$TMP/ref.out" 2>/dev/null && break; sleep 0.1; done
grep -q listening "$TMP/ref.out" || fail "the node:http reference server did not start: $(cat "$TMP/ref.out")"
REF_URL="http://127.0.0.1:$REF_PORT/$USER_NAME/$REPO/resolve/main/f/0001.txt"

# load_head URL → prints "req_per_s errors"
load_head() {
  local url=$1 out="$TMP/load-head.txt" rps failed non2xx
  if [ "$HEAD_TOOL" = wrk ]; then
    [ "$WARMUP" -gt 0 ] && { timeout $((WARMUP + 30)) wrk -c"$CONNS" -t"$THREADS" -d"${WARMUP}s" -s "$BENCH/head.lua" "$url" >/dev/null 2>&1 || true; }
    timeout $((DURATION + 60)) wrk -c"$CONNS" -t"$THREADS" -d"${DURATION}s" --timeout 10s -s "$BENCH/head.lua" "$url" >"$out" 2>&1 || fail "wrk failed: $(cat "$out")"
    node "$HELPER" wrk-summary "$out" | awk -F'\t' '{ printf "%.0f %d\n", $1, $4 }'
  else
    # ab stops at -n or -t, whichever comes first; -n is set far above what -t allows.
    [ "$WARMUP" -gt 0 ] && { timeout $((WARMUP + 30)) ab -q -k -i -c "$CONNS" -t "$WARMUP" -n 2000000 -s 10 "$url" >/dev/null 2>&1 || true; }
    timeout $((DURATION + 60)) ab -q -k -i -c "$CONNS" -t "$DURATION" -n 2000000 -s 10 "$url" >"$out" 2>&1 || fail "ab failed: $(tail -n 5 "$out")"
    rps=$(awk '/^Requests per second:/ { print $4 }' "$out")
    failed=$(awk '/^Failed requests:/ { print $3 }' "$out")
    non2xx=$(awk '/^Non-2xx responses:/ { print $3 }' "$out")
    [ -n "$rps" ] || fail "could not read ab's output: $(tail -n 5 "$out")"
    awk -v r="$rps" -v e="$((${failed:-0} + ${non2xx:-0}))" 'BEGIN { printf "%.0f %d\n", r, e }'
  fi
}

log "2. resolve HEAD, $CONNS connections, ${DURATION}s: Hangar"
out=$(load_head "$RESOLVE_URL")
read -r HEAD_HANGAR HEAD_HANGAR_ERR <<<"$out"
log "2. HEAD /health, $CONNS connections, ${DURATION}s: Hangar's own floor (no database, no repository)"
out=$(load_head "$H/health")
read -r HEAD_HEALTH HEAD_HEALTH_ERR <<<"$out"
log "2. resolve HEAD, $CONNS connections, ${DURATION}s: node:http reference"
out=$(load_head "$REF_URL")
read -r HEAD_REF HEAD_REF_ERR <<<"$out"
stop_pid "$REF_PID" TERM 3
REF_PID=""
# nest_reference LABEL [DATABASE_URL]: starts the bare NestJS reference (repo-api.mjs
# nest-head-server, with the URL: one statement on that database per request), checks it answers
# the resolve URL, load-tests it like Hangar, stops it; sets NEST_RPS and NEST_ERR.
nest_reference() {
  local label=$1 out="$TMP/nest.out" url="http://127.0.0.1:$NEST_PORT/$USER_NAME/$REPO/resolve/main/f/0001.txt" code result
  node "$HELPER" nest-head-server "$NEST_PORT" "$REF_HEADERS" ${2:+"$2"} >"$out" 2>&1 &
  NEST_PID=$!
  for _ in $(seq 100); do grep -q listening "$out" 2>/dev/null && break; sleep 0.1; done
  grep -q listening "$out" || fail "the $label reference server did not start: $(cat "$out")"
  code=$(curl -sS -o /dev/null -w '%{http_code}' -I --max-time 30 "$url")
  [ "$code" = 200 ] || fail "the $label reference answered $code for $url"
  log "2. resolve HEAD, $CONNS connections, ${DURATION}s: $label reference"
  result=$(load_head "$url")
  read -r NEST_RPS NEST_ERR <<<"$result"
  stop_pid "$NEST_PID" TERM 3
  NEST_PID=""
}
# The same answer from a bare NestJS app: how much of Hangar's floor is the framework's own.
nest_reference "bare NestJS app (Express 5, one controller)"
HEAD_NEST=$NEST_RPS HEAD_NEST_ERR=$NEST_ERR
# The same bare app again, answering after one statement on Hangar's own PostgreSQL: what one
# database round trip per request costs on top of the framework, whoever makes it.
PG_URL="postgres://hangar:$(node -e 'process.stdout.write(encodeURIComponent(require("fs").readFileSync(process.argv[1], "utf8").trim()))' "$TMP/data/pg.password")@127.0.0.1:$PG_PORT/hangar"
nest_reference "bare NestJS app + one PostgreSQL statement per request" "$PG_URL"
HEAD_NEST_PG=$NEST_RPS HEAD_NEST_PG_ERR=$NEST_ERR

# ---------------------------------------------------------------- 3. GET 10 MiB
log "3. committing big.dat ($BIG_BYTES bytes) as a regular file"
mkdir -p "$TMP/www"
head -c "$BIG_BYTES" /dev/urandom >"$TMP/www/big.dat"
chmod 644 "$TMP/www/big.dat"
chmod 755 "$TMP/www"
node "$HELPER" ndjson-file "$TMP/www/big.dat" big.dat "$TMP/big.ndjson"
BIG_COMMIT_S=$(commit_ndjson "$TMP/big.ndjson" "NDJSON commit of big.dat")
rm -f "$TMP/big.ndjson"
BIG_URL="$H/$USER_NAME/$REPO/resolve/main/big.dat"
curl -sS -f -o "$TMP/big.check" --max-time 120 "$BIG_URL" || fail "GET $BIG_URL failed"
cmp -s "$TMP/big.check" "$TMP/www/big.dat" || fail "Hangar's big.dat differs from the committed bytes"

log "3. starting nginx ($NGINX_WORKERS worker) on 127.0.0.1:$NGINX_PORT"
mkdir -p "$TMP/nginx/logs"
cat >"$TMP/nginx/nginx.conf" <<EOF
daemon off;
worker_processes $NGINX_WORKERS;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  client_body_temp_path $TMP/nginx/client_body;
  proxy_temp_path $TMP/nginx/proxy;
  fastcgi_temp_path $TMP/nginx/fastcgi;
  uwsgi_temp_path $TMP/nginx/uwsgi;
  scgi_temp_path $TMP/nginx/scgi;
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $TMP/www;
  }
}
EOF
"$NGINX_BIN" -p "$TMP/nginx" -e "$TMP/nginx/logs/error.log" -c "$TMP/nginx/nginx.conf" >"$TMP/nginx/stdout.log" 2>&1 &
NGINX_PID=$!
NGINX_URL="http://127.0.0.1:$NGINX_PORT/big.dat"
for _ in $(seq 100); do
  kill -0 "$NGINX_PID" 2>/dev/null || fail "nginx exited: $(cat "$TMP/nginx/stdout.log" "$TMP/nginx/logs/error.log" 2>/dev/null | tail -n 5)"
  curl -sf -o /dev/null --max-time 2 "$NGINX_URL" && break
  sleep 0.1
done
curl -sS -f -o "$TMP/big.check" --max-time 60 "$NGINX_URL" || fail "GET $NGINX_URL failed"
cmp -s "$TMP/big.check" "$TMP/www/big.dat" || fail "nginx's big.dat differs from the file"
rm -f "$TMP/big.check"

# latency URL → median of LAT_RUNS sequential GETs (new connection each), in ms
latency() {
  local url=$1 i result code secs times=()
  for ((i = 0; i < LAT_RUNS; i++)); do
    result=$(curl -sS -o /dev/null -w '%{http_code} %{time_total}' --max-time 60 "$url") || fail "GET $url failed"
    read -r code secs <<<"$result"
    [ "$code" = 200 ] || fail "GET $url answered $code"
    times+=("$(awk -v s="$secs" 'BEGIN { printf "%.3f", s * 1000 }')")
  done
  node "$HELPER" median "${times[@]}" | awk '{ printf "%.1f\n", $1 }'
}

# load_get URL → prints "req_per_s mib_per_s requests errors"
load_get() {
  local url=$1 out="$TMP/load-get.txt"
  [ "$WARMUP" -gt 0 ] && { timeout $((WARMUP + 60)) wrk -c"$CONNS" -t"$THREADS" -d"${WARMUP}s" --timeout 30s -s "$BENCH/get.lua" "$url" >/dev/null 2>&1 || true; }
  timeout $((DURATION + 90)) wrk -c"$CONNS" -t"$THREADS" -d"${DURATION}s" --timeout 30s -s "$BENCH/get.lua" "$url" >"$out" 2>&1 || fail "wrk failed: $(cat "$out")"
  node "$HELPER" wrk-summary "$out" | tr '\t' ' '
}

log "3. GET big.dat: single-request latency, median of $LAT_RUNS (Hangar, then nginx)"
LAT_HANGAR=$(latency "$BIG_URL")
LAT_NGINX=$(latency "$NGINX_URL")
log "3. GET big.dat, $CONNS connections, ${DURATION}s: Hangar"
out=$(load_get "$BIG_URL")
read -r GET_HANGAR_RPS GET_HANGAR_MIBS GET_HANGAR_N GET_HANGAR_ERR <<<"$out"
log "3. GET big.dat, $CONNS connections, ${DURATION}s: nginx"
out=$(load_get "$NGINX_URL")
read -r GET_NGINX_RPS GET_NGINX_MIBS GET_NGINX_N GET_NGINX_ERR <<<"$out"

# ---------------------------------------------------------------- report
note_err() { [ "${1:-0}" = 0 ] && echo "" || echo " [$1 errors]"; }
HEAD_TOOL_DESC=$([ "$HEAD_TOOL" = wrk ] && echo "wrk -c$CONNS -t$THREADS" || echo "ab -k -i -c$CONNS")
HF_VERSION=$("$PYTHON" -c 'import huggingface_hub; print(huggingface_hub.__version__)')
REV=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -n "$(git -C "$ROOT" status --porcelain -- src migrations 2>/dev/null)" ] && REV="$REV+local changes"

echo
echo "Hangar repository API benchmark ($(date -u +%Y-%m-%dT%H:%M:%SZ), hangar $REV; $DIST_NOTE)"
echo "machine: $(nproc) cores, $(uname -m); node $(node --version); $(git --version | cut -d' ' -f3 | sed 's/^/git /'); huggingface_hub $HF_VERSION; nginx $("$NGINX_BIN" -v 2>&1 | sed 's|.*/||')"
echo "load average before the run: $LOADAVG_START (other work on this machine skews the figures)"
echo "load: ${DURATION}s per run after ${WARMUP}s warm-up, one run at a time; HEAD with $HEAD_TOOL_DESC, GET with wrk -c$CONNS -t$THREADS"
echo
printf '%-34s %-26s %s\n' "scenario" "hangar" "reference (what)"
printf '%-34s %-26s %s\n' "commit $NFILES files (NDJSON)" "$COMMIT_S s" "$GIT_S s (git add+commit)"
printf '%-34s %-26s %s\n' "upload_folder $NFILES files" "$UPLOAD_S s" "-"
printf '%-34s %-26s %s\n' "resolve HEAD, $CONNS conns" "$HEAD_HANGAR req/s$(note_err "$HEAD_HANGAR_ERR")" "$HEAD_REF req/s (node:http)$(note_err "$HEAD_REF_ERR")"
printf '%-34s %-26s %s\n' "HEAD /health, $CONNS conns" "$HEAD_HEALTH req/s$(note_err "$HEAD_HEALTH_ERR")" "$HEAD_REF req/s (node:http)$(note_err "$HEAD_REF_ERR")"
printf '%-34s %-26s %s\n' "HEAD, bare NestJS app, $CONNS conns" "-" "$HEAD_NEST req/s (NestJS + Express 5, one controller)$(note_err "$HEAD_NEST_ERR"); NestJS / node:http = $(awk -v a="$HEAD_NEST" -v b="$HEAD_REF" 'BEGIN { printf "%.2f", a / b }'), HEAD /health / NestJS = $(awk -v a="$HEAD_HEALTH" -v b="$HEAD_NEST" 'BEGIN { printf "%.2f", a / b }')"
printf '%-34s %-26s %s\n' "HEAD, bare NestJS + 1 statement" "-" "$HEAD_NEST_PG req/s (the same app, one PostgreSQL round trip first)$(note_err "$HEAD_NEST_PG_ERR")"
# The round trip's cost per request, 1/rate(with) - 1/rate(without), added to /health's: the most
# any route making one round trip can reach against /health when the node's CPU is the limit.
echo "one round trip costs $(awk -v a="$HEAD_NEST_PG" -v b="$HEAD_NEST" 'BEGIN { printf "%.0f", 1e6 / a - 1e6 / b }') us a request at this load; /health plus that alone = $(awk -v a="$HEAD_NEST_PG" -v b="$HEAD_NEST" -v h="$HEAD_HEALTH" 'BEGIN { printf "%.2f", 1 / (1 + h * (1 / a - 1 / b)) }') x /health (the ceiling of resolve HEAD / HEAD /health with one round trip)"
echo "ratios: resolve HEAD / HEAD /health = $(awk -v a="$HEAD_HANGAR" -v b="$HEAD_HEALTH" 'BEGIN { printf "%.2f", a / b }') (target >= 0.6); HEAD /health / node:http = $(awk -v a="$HEAD_HEALTH" -v b="$HEAD_REF" 'BEGIN { printf "%.2f", a / b }') (target >= 0.15); GET: hangar / nginx = $(awk -v a="$GET_HANGAR_MIBS" -v b="$GET_NGINX_MIBS" 'BEGIN { printf "%.2f", a / b }') (target >= 0.5); commit: hangar / git = $(awk -v a="$COMMIT_S" -v b="$GIT_S" 'BEGIN { printf "%.2f", a / b }') (target <= 1.2)"
printf '%-34s %-26s %s\n' "GET $((BIG_BYTES / 1048576)) MiB, $CONNS conns" "$GET_HANGAR_RPS req/s, $GET_HANGAR_MIBS MiB/s$(note_err "$GET_HANGAR_ERR")" \
  "$GET_NGINX_RPS req/s, $GET_NGINX_MIBS MiB/s (nginx, $NGINX_WORKERS worker)$(note_err "$GET_NGINX_ERR")"
printf '%-34s %-26s %s\n' "GET $((BIG_BYTES / 1048576)) MiB, 1 request median" "$LAT_HANGAR ms" "$LAT_NGINX ms (nginx)"
echo
echo "also: commit of big.dat ($BIG_BYTES bytes, one NDJSON line): $BIG_COMMIT_S s; GET load completed $GET_HANGAR_N (hangar) / $GET_NGINX_N (nginx) requests"
