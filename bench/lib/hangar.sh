# Sourced by the bench scripts (needs ROOT, BENCH, TMP, SNAP, and the functions log and fail).
# Starts a private Hangar (embedded PostgreSQL, filesystem store, data under $TMP/data) and gives
# the helpers every script needs: stop_pid, stop_hangar, api, bench_user (start_peer: a second node).

# stop_pid PID SIGNAL SECONDS: signal, wait up to SECONDS, then SIGKILL.
stop_pid() {
  local pid=$1 sig=$2 secs=$3 i
  [ -n "$pid" ] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  kill "-$sig" "$pid" 2>/dev/null || true
  for ((i = 0; i < secs * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}

# launch_hangar LOG URL [NAME=VALUE…]: runs dist/src/main.js in the background on the data under
# $TMP/data, listening where URL says, logging to LOG; sets LAUNCHED_PID. Only the settings given
# here reach it: HANGAR_* from the environment are dropped.
launch_hangar() {
  local logfile=$1 url=$2 port=${2##*:}
  shift 2
  local unset_hangar
  mapfile -t unset_hangar < <(compgen -e | grep '^HANGAR_' | sed 's/^/--unset=/' || true)
  env "${unset_hangar[@]}" HANGAR_DATA_DIR="$TMP/data" HANGAR_PORT="$port" HANGAR_HOST=127.0.0.1 HANGAR_BASE_URL="$url" \
    HANGAR_ADMIN_TOKEN="$ADMIN_TOKEN" HANGAR_LOG_LEVEL=warn HANGAR_STORAGE_DRIVER=fs "$@" \
    node "$SNAP/dist/src/main.js" >"$logfile" 2>&1 &
  LAUNCHED_PID=$!
}

# wait_ready URL PID WHAT: waits up to 180 s (the first start runs initdb) for URL/health/ready.
wait_ready() {
  local url=$1 pid=$2 what=$3
  for _ in $(seq 1800); do
    kill -0 "$pid" 2>/dev/null || fail "$what exited during startup"
    if curl -sf -o /dev/null --max-time 2 "$url/health/ready"; then return 0; fi
    sleep 0.1
  done
  fail "$what was not ready within 180 s ($url/health/ready)"
}

# start_hangar PORT PG_PORT [NAME=VALUE…]: sets HANGAR_PID, H (its URL) and ADMIN_TOKEN; waits for
# /health/ready. It runs the embedded PostgreSQL on PG_PORT.
start_hangar() {
  local port=$1 pg_port=$2
  shift 2
  H="http://127.0.0.1:$port"
  ADMIN_TOKEN=$(node -e 'process.stdout.write(require("crypto").randomBytes(24).toString("hex"))')
  log "starting Hangar on 127.0.0.1:$port (embedded PostgreSQL on $pg_port, data in $TMP/data) $*"
  launch_hangar "$TMP/hangar.log" "$H" HANGAR_EMBEDDED_PG_PORT="$pg_port" "$@"
  HANGAR_PID=$LAUNCHED_PID
  wait_ready "$H" "$HANGAR_PID" Hangar
  log "Hangar is ready (pid $HANGAR_PID)"
}

# start_peer PORT PG_PORT [NAME=VALUE…]: a second node on the database (the embedded PostgreSQL of
# start_hangar, on PG_PORT, reached by URL) and store of the first, as behind a load balancer;
# sets PEER_PID and PEER (its URL). Stop it (stop_pid "$PEER_PID" TERM 20) before stop_hangar.
start_peer() {
  local port=$1 pg_port=$2
  shift 2
  PEER="http://127.0.0.1:$port"
  log "starting a second Hangar on 127.0.0.1:$port (same database and store) $*"
  launch_hangar "$TMP/peer.log" "$PEER" HANGAR_DATABASE_URL="postgres://hangar:$(tr -d '\n' <"$TMP/data/pg.password")@127.0.0.1:$pg_port/hangar" "$@"
  PEER_PID=$LAUNCHED_PID
  wait_ready "$PEER" "$PEER_PID" "the second Hangar"
  log "second Hangar is ready (pid $PEER_PID)"
}

# stop_hangar: SIGTERM (Hangar stops its embedded PostgreSQL); if it had to be killed, PostgreSQL
# is stopped through its own pid file.
stop_hangar() {
  stop_pid "$HANGAR_PID" TERM 20
  HANGAR_PID=""
  local pgpid
  pgpid=$(head -n 1 "$TMP/data/pg/postmaster.pid" 2>/dev/null || true)
  if [[ $pgpid =~ ^[0-9]+$ ]] && kill -0 "$pgpid" 2>/dev/null; then stop_pid "$pgpid" INT 10; fi
}

# api METHOD PATH OUTFILE [curl args…]: fails with the answer when the status is not 2xx.
api() {
  local method=$1 path=$2 out=$3 code
  shift 3
  code=$(curl -sS -o "$out" -w '%{http_code}' --max-time 600 -X "$method" "$@" "$H$path") || fail "$method $path: curl failed"
  [[ $code == 2* ]] || fail "$method $path answered $code: $(head -c 500 "$out")"
}

# bench_user: creates benchuser with the admin API, logs in, sets USER_NAME and TOKEN (write).
bench_user() {
  USER_NAME=benchuser
  local password='bench-password-for-a-temporary-user'
  api POST /admin/api/users "$TMP/user.json" -H "X-Admin-Token: $ADMIN_TOKEN" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$USER_NAME\",\"email\":\"$USER_NAME@example.com\",\"password\":\"$password\",\"email_verified\":true}"
  api POST /api/auth/login "$TMP/login.json" -c "$TMP/cookies.txt" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$USER_NAME\",\"password\":\"$password\"}"
  api POST /api/auth/tokens/create "$TMP/token.json" -b "$TMP/cookies.txt" -H 'Content-Type: application/json' -d '{"name":"bench","role":"write"}'
  TOKEN=$(node "$BENCH/repo-api.mjs" json-get token <"$TMP/token.json")
  [ -n "$TOKEN" ] || fail "no token in $(head -c 300 "$TMP/token.json")"
}

# show_hangar_log RC: after a failure (not Ctrl-C, not TERM), the last lines of the Hangar log
# (and of the second node's, when start_peer ran one).
show_hangar_log() {
  local rc=$1 f
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 130 ] && [ "$rc" -ne 143 ]; then
    for f in "$TMP/hangar.log" "$TMP/peer.log"; do
      [ -f "$f" ] || continue
      printf '\n--- last lines of %s ---\n' "$f" >&2
      tail -n 25 "$f" >&2 || true
    done
  fi
}

# finish_bench RC: the end every bench's EXIT trap shares once its own processes are stopped:
# stop Hangar, drop the dist/ snapshot, remove $TMP (kept with BENCH_KEEP=1), exit with RC.
finish_bench() {
  local rc=$1
  stop_hangar
  wait 2>/dev/null || true
  [ -n "$SNAP" ] && rm -rf "$SNAP"
  if [ "${BENCH_KEEP:-0}" = 1 ]; then log "kept $TMP (BENCH_KEEP=1)"; else rm -rf "$TMP"; fi
  exit "$rc"
}
