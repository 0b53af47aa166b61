# Sourced by the bench scripts (needs ROOT, BENCH, TMP, SNAP, and the functions log and fail).
# Starts a private Hangar (embedded PostgreSQL, filesystem store, data under $TMP/data) and gives
# the helpers every script needs: stop_pid, stop_hangar, api, bench_user.

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

# start_hangar PORT PG_PORT [NAME=VALUE…]: sets HANGAR_PID, H (its URL) and ADMIN_TOKEN; waits for
# /health/ready. Only the settings given here reach it: HANGAR_* from the environment are dropped.
start_hangar() {
  local port=$1 pg_port=$2 ready=0
  shift 2
  H="http://127.0.0.1:$port"
  ADMIN_TOKEN=$(node -e 'process.stdout.write(require("crypto").randomBytes(24).toString("hex"))')
  log "starting Hangar on 127.0.0.1:$port (embedded PostgreSQL on $pg_port, data in $TMP/data) $*"
  local unset_hangar
  mapfile -t unset_hangar < <(compgen -e | grep '^HANGAR_' | sed 's/^/--unset=/' || true)
  env "${unset_hangar[@]}" HANGAR_DATA_DIR="$TMP/data" HANGAR_PORT="$port" HANGAR_HOST=127.0.0.1 HANGAR_BASE_URL="$H" \
    HANGAR_EMBEDDED_PG_PORT="$pg_port" HANGAR_ADMIN_TOKEN="$ADMIN_TOKEN" HANGAR_LOG_LEVEL=warn HANGAR_STORAGE_DRIVER=fs "$@" \
    node "$SNAP/dist/src/main.js" >"$TMP/hangar.log" 2>&1 &
  HANGAR_PID=$!
  for _ in $(seq 1800); do # up to 180 s: the first start runs initdb
    kill -0 "$HANGAR_PID" 2>/dev/null || fail "Hangar exited during startup"
    if curl -sf -o /dev/null --max-time 2 "$H/health/ready"; then ready=1; break; fi
    sleep 0.1
  done
  [ "$ready" = 1 ] || fail "Hangar was not ready within 180 s ($H/health/ready)"
  log "Hangar is ready (pid $HANGAR_PID)"
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

# show_hangar_log RC: after a failure (not Ctrl-C, not TERM), the last lines of the Hangar log.
show_hangar_log() {
  local rc=$1
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 130 ] && [ "$rc" -ne 143 ] && [ -f "$TMP/hangar.log" ]; then
    printf '\n--- last lines of the Hangar log (%s) ---\n' "$TMP/hangar.log" >&2
    tail -n 25 "$TMP/hangar.log" >&2 || true
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
