#!/usr/bin/env bash
# LFS transfer benchmark: a 1 GiB file up and down through Hangar's LFS on both stores (fs, and
# S3 on a local moto_server), beside raw copies of the same bytes (nginx PUT/GET, moto's own
# presigned PUT/GET), with Hangar's resident memory sampled during each transfer.
#
#   bash bench/lfs-transfer.sh
#
# Everything listens on 127.0.0.1 only; everything it starts is stopped, and its temporary
# directory (with every 1 GiB file) removed, on exit. See bench/README.md.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$ROOT/bench"
HELPER="$BENCH/lfs-transfer.mjs"

SIZE_MIB=${BENCH_LFS_MIB:-1024}        # file size in MiB (1 GiB)
RSS_TARGET_MIB=${BENCH_RSS_TARGET_MIB:-64}
MAX_TIME=${BENCH_MAX_TIME:-900}        # seconds allowed for any one transfer
MOTO_BIN=${BENCH_MOTO:-$ROOT/.venv/bin/moto_server}
DRIVERS=${BENCH_DRIVERS:-fs s3}

for v in SIZE_MIB RSS_TARGET_MIB MAX_TIME; do
  [[ ${!v} =~ ^[0-9]+$ ]] && [ "${!v}" -ge 1 ] || { echo "lfs-transfer.sh: $v must be a whole number ≥ 1, got '${!v}'" >&2; exit 2; }
done
for d in $DRIVERS; do [[ $d == fs || $d == s3 ]] || { echo "lfs-transfer.sh: BENCH_DRIVERS takes fs and/or s3, got '$d'" >&2; exit 2; }; done
SIZE=$((SIZE_MIB * 1048576))

BENCH_NAME=lfs-transfer.sh
LOG_TAG=lfs-bench
source "$BENCH/lib/common.sh" # log, fail, need, need_check
helper() { NODE_NO_WARNINGS=1 node "$HELPER" "$@"; }

# ---------------------------------------------------------------- preflight: tools
need node "Node.js 20+"
need curl "apt-get install -y curl"
need sha256sum "coreutils"
need timeout "coreutils"
NGINX_BIN=$(command -v nginx 2>/dev/null || true)
[ -z "$NGINX_BIN" ] && [ -x /usr/sbin/nginx ] && NGINX_BIN=/usr/sbin/nginx
[ -n "$NGINX_BIN" ] || missing+=("nginx (apt-get install -y nginx)")
[ -n "$NGINX_BIN" ] && ! "$NGINX_BIN" -V 2>&1 | grep -q -- --with-http_dav_module && missing+=("nginx with the dav module (Debian's nginx has it)")
[ -x "$MOTO_BIN" ] || missing+=("$MOTO_BIN (the project venv: python3 -m venv .venv && .venv/bin/pip install 'moto[server]')")
[ -r /proc/self/status ] || missing+=("/proc (Linux), to sample resident memory")
need_check
free_kib=$(df -Pk /tmp | awk 'NR == 2 { print $4 }')
[ "$free_kib" -gt $(((SIZE_MIB * 4 + 1024) * 1024)) ] || fail "/tmp has $((free_kib / 1024)) MiB free; the run needs about $((SIZE_MIB * 4 + 1024)) MiB"

LOADAVG_START=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
CLK_TCK=$(getconf CLK_TCK)

# ---------------------------------------------------------------- temp dir and cleanup
TMP=$(mktemp -d /tmp/hangar-lfs-bench.XXXXXX)
chmod 755 "$TMP" # the embedded PostgreSQL runs as `postgres` when we are root; nginx workers as nobody
HANGAR_PID="" NGINX_PID="" MOTO_PID="" SAMPLER_PID="" SNAP="" HANGAR_DATA=""

source "$BENCH/lib/hangar.sh" # stop_pid, start_hangar, stop_hangar, api, bench_user

stop_hangar() {
  stop_pid "$HANGAR_PID" TERM 20 # Hangar stops its embedded PostgreSQL on SIGTERM
  HANGAR_PID=""
  # If Hangar had to be killed, its PostgreSQL may still run: stop it by its own pid file.
  local pgpid
  [ -n "$HANGAR_DATA" ] || return 0
  pgpid=$(head -n 1 "$HANGAR_DATA/pg/postmaster.pid" 2>/dev/null || true)
  if [[ $pgpid =~ ^[0-9]+$ ]] && kill -0 "$pgpid" 2>/dev/null; then stop_pid "$pgpid" INT 10; fi
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 130 ] && [ "$rc" -ne 143 ]; then
    for f in "$TMP"/hangar-*.log "$TMP/moto.log"; do
      [ -s "$f" ] || continue
      printf '\n--- last lines of %s ---\n' "$f" >&2
      tail -n 25 "$f" >&2 || true
    done
  fi
  [ -n "$SAMPLER_PID" ] && { touch "$TMP/sampler.stop" 2>/dev/null || true; stop_pid "$SAMPLER_PID" TERM 2; }
  stop_pid "$NGINX_PID" TERM 5
  stop_hangar
  stop_pid "$MOTO_PID" TERM 5
  wait 2>/dev/null || true
  [ -n "$SNAP" ] && rm -rf "$SNAP"
  if [ "${BENCH_KEEP:-0}" = 1 ]; then
    rm -f "$TMP/big.bin" "$TMP/dl.bin" "$TMP/www/big.bin"
    find "$TMP" -type f -size +100M -delete 2>/dev/null || true # never keep the big files
    log "kept $TMP without its big files (BENCH_KEEP=1)"
  else
    rm -rf "$TMP"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- build if needed, private copy of dist/
source "$BENCH/lib/dist-snapshot.sh"
prepare_dist_snapshot lfs

mapfile -t PORTS < <(helper free-ports 6)
[ ${#PORTS[@]} -eq 6 ] || fail "could not find free ports"
NGINX_PORT=${PORTS[0]} MOTO_PORT=${PORTS[1]}
declare -A HANGAR_PORTS=([fs]=${PORTS[2]} [s3]=${PORTS[4]})
declare -A PG_PORTS=([fs]=${PORTS[3]} [s3]=${PORTS[5]})
MOTO="http://127.0.0.1:$MOTO_PORT"

# ---------------------------------------------------------------- measuring helpers
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
mibs() { awk -v s="$1" -v m="$SIZE_MIB" 'BEGIN { if (s > 0) printf "%.1f", m / s; else print "-" }'; }

rss_kib() { # pid → VmRSS in KiB (0 when gone)
  local k v _
  while read -r k v _; do [ "$k" = VmRSS: ] && { echo "$v"; return 0; }; done <"/proc/$1/status" 2>/dev/null || true
  echo 0
}
cpu_ticks() { # pid → utime + stime in clock ticks
  local stat rest f
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return 0; }
  rest=${stat##*) } # the fields after "pid (comm) "
  read -r -a f <<<"$rest"
  echo $((f[11] + f[12]))
}

# Samples the pid's VmRSS every 100 ms until $TMP/sampler.stop appears; writes the peak (KiB).
start_sampler() {
  local pid=$1
  rm -f "$TMP/sampler.stop" "$TMP/sampler.peak"
  (
    peak=0
    while [ ! -e "$TMP/sampler.stop" ]; do
      v=0
      while read -r k val _; do [ "$k" = VmRSS: ] && { v=$val; break; }; done <"/proc/$pid/status" 2>/dev/null || true
      [ "$v" -gt "$peak" ] && peak=$v
      sleep 0.1
    done
    echo "$peak" >"$TMP/sampler.peak"
  ) &
  SAMPLER_PID=$!
}
stop_sampler() { # → peak KiB
  touch "$TMP/sampler.stop"
  wait "$SAMPLER_PID" 2>/dev/null || true
  SAMPLER_PID=""
  cat "$TMP/sampler.peak" 2>/dev/null || echo 0
}

ROWS=()   # "label|seconds|MiB/s|rss|cpu"
row() { ROWS+=("$1|$2|$3|$4|$5"); }
OVER=()

# measure LABEL PID-or-empty THROUGHPUT(yes/no) -- command…: times the command; when PID is set,
# samples its RSS and CPU around it. Sets M_SECS.
measure() {
  local label=$1 pid=$2 rate=$3 t0 t1 before peak after c0 c1 rss="-" cpu="-" growth
  shift 4
  sync # earlier steps' dirty pages are not written back during this one
  if [ -n "$pid" ]; then
    sleep 0.5
    before=$(rss_kib "$pid")
    c0=$(cpu_ticks "$pid")
    start_sampler "$pid"
  fi
  t0=$(now)
  "$@"
  t1=$(now)
  if [ -n "$pid" ]; then
    peak=$(stop_sampler)
    after=$(rss_kib "$pid")
    c1=$(cpu_ticks "$pid")
    [ "$after" -gt "$peak" ] && peak=$after
    [ "$before" -gt "$peak" ] && peak=$before
    growth=$(((peak - before) / 1024))
    rss=$(awk -v b="$before" -v p="$peak" -v g="$((peak - before))" -v t="$RSS_TARGET_MIB" \
      'BEGIN { printf "%+.1f MiB (%.0f -> %.0f)%s", g / 1024, b / 1024, p / 1024, (g / 1024 < t ? "" : " OVER") }')
    [ "$growth" -ge "$RSS_TARGET_MIB" ] && OVER+=("$label: +$growth MiB")
    cpu=$(awk -v c="$((c1 - c0))" -v h="$CLK_TCK" 'BEGIN { printf "%.1f s", c / h }')
  fi
  M_SECS=$(secs "$t0" "$t1") M_T0=$t0 M_T1=$t1
  row "$label" "$M_SECS s" "$([ "$rate" = yes ] && mibs "$M_SECS" || echo -)" "$rss" "$cpu"
  log "$label: $M_SECS s${pid:+, RSS $rss, CPU $cpu}"
}

# put_file URL FILE LABEL: streamed PUT (curl --upload-file), 2xx expected.
put_file() {
  local url=$1 file=$2 label=$3 code
  code=$(curl -sS -o "$TMP/put.out" -w '%{http_code}' --max-time "$MAX_TIME" -H 'Expect:' --upload-file "$file" "$url") || fail "$label: curl failed"
  [[ $code == 2* ]] || fail "$label answered $code: $(head -c 500 "$TMP/put.out")"
}
# get_file URL OUT LABEL: GET (following redirects), 200 expected.
get_file() {
  local url=$1 out=$2 label=$3 code
  code=$(curl -sS -L -o "$out" -w '%{http_code}' --max-time "$MAX_TIME" "$url") || fail "$label: curl failed"
  [ "$code" = 200 ] || fail "$label answered $code: $(head -c 500 "$out")"
}
# check_file FILE LABEL: the bytes hash to the original.
check_file() {
  local got
  got=$(sha256sum "$1" | cut -d' ' -f1)
  [ "$got" = "$OID" ] || fail "$2: sha256 $got, expected $OID"
  rm -f "$1"
}

# ---------------------------------------------------------------- the file
BIG="$TMP/big.bin"
log "writing $SIZE_MIB MiB of random bytes to $BIG"
head -c "$SIZE" /dev/urandom >"$BIG"
chmod 644 "$BIG"
[ "$(stat -c %s "$BIG")" = "$SIZE" ] || fail "could not write $SIZE bytes to $BIG"
t0=$(now)
OID=$(sha256sum "$BIG" | cut -d' ' -f1)
t1=$(now)
SHA_SECS=$(secs "$t0" "$t1")
log "sha256 $OID ($SHA_SECS s)"

# ---------------------------------------------------------------- reference 1: nginx PUT (dav) / GET
log "starting nginx (1 worker, dav PUT) on 127.0.0.1:$NGINX_PORT"
mkdir -p "$TMP/nginx/logs" "$TMP/www" "$TMP/nginx/client_body"
chmod 777 "$TMP/www" "$TMP/nginx/client_body" # workers run as nobody when we are root
cat >"$TMP/nginx/nginx.conf" <<EOF
daemon off;
worker_processes 1;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/logs/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  client_body_temp_path $TMP/nginx/client_body;
  proxy_temp_path $TMP/nginx/proxy;
  fastcgi_temp_path $TMP/nginx/fastcgi;
  uwsgi_temp_path $TMP/nginx/uwsgi;
  scgi_temp_path $TMP/nginx/scgi;
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $TMP/www;
    client_max_body_size 0;
    location / {
      dav_methods PUT;
      dav_access user:rw group:r all:r;
    }
  }
}
EOF
"$NGINX_BIN" -p "$TMP/nginx" -e "$TMP/nginx/logs/error.log" -c "$TMP/nginx/nginx.conf" >"$TMP/nginx/stdout.log" 2>&1 &
NGINX_PID=$!
for _ in $(seq 100); do
  kill -0 "$NGINX_PID" 2>/dev/null || fail "nginx exited: $(cat "$TMP/nginx/stdout.log" "$TMP/nginx/logs/error.log" 2>/dev/null | tail -n 5)"
  [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$NGINX_PORT/" || true)" != 000 ] && break
  sleep 0.1
done
NGINX_URL="http://127.0.0.1:$NGINX_PORT/big.bin"
measure "nginx PUT (dav, to disk)" "" yes -- put_file "$NGINX_URL" "$BIG" "nginx PUT"
[ "$(stat -c %s "$TMP/www/big.bin" 2>/dev/null || echo 0)" = "$SIZE" ] || fail "nginx stored $(stat -c %s "$TMP/www/big.bin" 2>/dev/null || echo no) bytes"
measure "nginx GET (sendfile)" "" yes -- get_file "$NGINX_URL" "$TMP/dl.bin" "nginx GET"
check_file "$TMP/dl.bin" "nginx GET"
stop_pid "$NGINX_PID" TERM 5
NGINX_PID=""
rm -f "$TMP/www/big.bin"

# ---------------------------------------------------------------- moto (S3) and reference 2: its own PUT / GET
if [[ " $DRIVERS " == *" s3 "* ]]; then
  log "starting moto_server on $MOTO"
  PYTHONUNBUFFERED=1 "$MOTO_BIN" -H 127.0.0.1 -p "$MOTO_PORT" >"$TMP/moto.log" 2>&1 &
  MOTO_PID=$!
  ready=0
  for _ in $(seq 300); do
    kill -0 "$MOTO_PID" 2>/dev/null || fail "moto_server exited during startup"
    if curl -s -o /dev/null --max-time 2 "$MOTO/moto-api/"; then ready=1; break; fi
    sleep 0.1
  done
  [ "$ready" = 1 ] || fail "moto_server did not answer within 30 s"
  helper s3-create-bucket "$MOTO" raw || fail "could not create the bucket 'raw' on moto"
  RAW_PUT=$(helper s3-presign "$MOTO" raw big.bin PUT)
  RAW_GET=$(helper s3-presign "$MOTO" raw big.bin GET)
  measure "moto S3 PUT (presigned)" "" yes -- put_file "$RAW_PUT" "$BIG" "moto PUT"
  MOTO_RSS_AFTER_PUT=$(($(rss_kib "$MOTO_PID") / 1024))
  measure "moto S3 GET (presigned)" "" yes -- get_file "$RAW_GET" "$TMP/dl.bin" "moto GET"
  check_file "$TMP/dl.bin" "moto GET"
  measure "moto S3 CopyObject (server-side)" "" no -- helper s3-copy "$MOTO" raw big.bin copy.bin
  helper s3-delete "$MOTO" raw big.bin || fail "could not delete raw/big.bin on moto"
  helper s3-delete "$MOTO" raw copy.bin || fail "could not delete raw/copy.bin on moto"
fi

# ---------------------------------------------------------------- Hangar, once per driver
ADMIN_TOKEN=$(node -e 'process.stdout.write(require("crypto").randomBytes(24).toString("hex"))')
SECRET=$(node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("hex"))')
mapfile -t UNSET_HANGAR < <(compgen -e | grep '^HANGAR_' | sed 's/^/--unset=/' || true)

start_hangar() { # driver
  local driver=$1 port=${HANGAR_PORTS[$1]} ready=0 extra=()
  H="http://127.0.0.1:$port"
  HANGAR_DATA="$TMP/data-$driver"
  mkdir -p "$HANGAR_DATA"
  chmod 755 "$HANGAR_DATA"
  if [ "$driver" = s3 ]; then
    extra=(HANGAR_STORAGE_DRIVER=s3 HANGAR_S3_ENDPOINT="$MOTO" HANGAR_S3_PUBLIC_ENDPOINT="$MOTO" HANGAR_S3_BUCKET=bench
      HANGAR_S3_ACCESS_KEY_ID=testing HANGAR_S3_SECRET_ACCESS_KEY=testing)
  else
    extra=(HANGAR_STORAGE_DRIVER=fs)
  fi
  log "starting Hangar ($driver store) on $H (embedded PostgreSQL on ${PG_PORTS[$driver]}, data in $HANGAR_DATA)"
  env "${UNSET_HANGAR[@]}" HANGAR_DATA_DIR="$HANGAR_DATA" HANGAR_PORT="$port" HANGAR_HOST=127.0.0.1 HANGAR_BASE_URL="$H" \
    HANGAR_EMBEDDED_PG_PORT="${PG_PORTS[$driver]}" HANGAR_ADMIN_TOKEN="$ADMIN_TOKEN" HANGAR_SECRET="$SECRET" HANGAR_LOG_LEVEL=warn \
    "${extra[@]}" node "$SNAP/dist/src/main.js" >"$TMP/hangar-$driver.log" 2>&1 &
  HANGAR_PID=$!
  for _ in $(seq 1800); do # up to 180 s: the first start runs initdb
    kill -0 "$HANGAR_PID" 2>/dev/null || fail "Hangar ($driver) exited during startup"
    if curl -sf -o /dev/null --max-time 2 "$H/health/ready"; then ready=1; break; fi
    sleep 0.1
  done
  [ "$ready" = 1 ] || fail "Hangar ($driver) was not ready within 180 s ($H/health/ready)"
}

# api METHOD PATH OUTFILE [curl args…]: fails with the answer when the status is not 2xx.
api() {
  local method=$1 path=$2 out=$3 code
  shift 3
  code=$(curl -sS -o "$out" -w '%{http_code}' --max-time "$MAX_TIME" -X "$method" "$@" "$H$path") || fail "$method $path: curl failed"
  [[ $code == 2* ]] || fail "$method $path answered $code: $(head -c 500 "$out")"
}
verify_upload() { # the verify href is always Hangar's
  local code
  code=$(curl -sS -o "$TMP/verify.json" -w '%{http_code}' --max-time "$MAX_TIME" -X POST -H 'Content-Type: application/vnd.git-lfs+json' \
    -d "{\"oid\":\"$OID\",\"size\":$SIZE}" "$VERIFY_HREF") || fail "verify: curl failed"
  [ "$code" = 200 ] || fail "verify answered $code: $(head -c 500 "$TMP/verify.json")"
}
commit_lfs() {
  printf '%s\n%s\n' '{"key":"header","value":{"summary":"1 GiB LFS file"}}' \
    "{\"key\":\"lfsFile\",\"value\":{\"path\":\"big.bin\",\"algo\":\"sha256\",\"oid\":\"$OID\",\"size\":$SIZE}}" >"$TMP/commit.ndjson"
  api POST "/api/models/$USER_NAME/$REPO/commit/main" "$TMP/commit.json" "${AUTH[@]}" -H 'Content-Type: application/x-ndjson' --data-binary "@$TMP/commit.ndjson"
  grep -q '"commitOid"' "$TMP/commit.json" || fail "commit: no commitOid in $(head -c 500 "$TMP/commit.json")"
}

# moto's log (werkzeug) stamps each request, to the second, when its answer starts: the GET of
# the staged object as Hangar starts reading it, the HEAD that precedes the copy once Hangar has
# hashed the bytes, the CopyObject once it is done. That splits the S3 verify (+-1 s).
moto_stamp() { # grep-pattern → epoch seconds of the last matching log line (empty if none)
  local line ts
  line=$(sed 's/\x1b\[[0-9;]*m//g' "$TMP/moto.log" | grep -E "$1" | tail -n 1) || true
  ts=$(sed -n 's/^[^[]*\[\([0-9]*\)\/\([A-Za-z]*\)\/\([0-9]*\) \([0-9:]*\)\].*/\1 \2 \3 \4/p' <<<"$line")
  [ -n "$ts" ] && date -d "$ts" +%s 2>/dev/null || true
}
split_verify() { # upload-href verify-start verify-end
  local key t_head t_copy
  key=${1#"$MOTO"}
  key=${key%%\?*}
  t_head=$(moto_stamp "\"HEAD ${key} ")
  t_copy=$(moto_stamp '"PUT /bench/lfs/[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{64}\?x-id=CopyObject ')
  if [ -z "$t_head" ] || [ -z "$t_copy" ]; then
    log "could not split the verify from moto's log"
    return 0
  fi
  row "  of which: GET from moto + sha256 (+-1 s)" "$(awk -v a="$2" -v b="$t_head" 'BEGIN { printf "~%.0f", b - a }') s" "-" "" ""
  row "  of which: CopyObject in moto (+-1 s)" "$(awk -v a="$t_head" -v b="$t_copy" 'BEGIN { printf "~%.0f", b - a }') s" "-" "" ""
  row "  of which: DB + delete staging (+-1 s)" "$(awk -v a="$t_copy" -v b="$3" 'BEGIN { printf "~%.0f", b - a }') s" "-" "" ""
}

run_driver() {
  local d=$1 upload_href redirects
  start_hangar "$d"
  USER_NAME=benchuser PASSWORD='bench-password-for-a-temporary-user' REPO=bench-lfs
  api POST /admin/api/users "$TMP/user.json" -H "X-Admin-Token: $ADMIN_TOKEN" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$USER_NAME\",\"email\":\"$USER_NAME@example.com\",\"password\":\"$PASSWORD\",\"email_verified\":true}"
  api POST /api/auth/login "$TMP/login.json" -c "$TMP/cookies.txt" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$USER_NAME\",\"password\":\"$PASSWORD\"}"
  api POST /api/auth/tokens/create "$TMP/token.json" -b "$TMP/cookies.txt" -H 'Content-Type: application/json' -d '{"name":"bench"}'
  TOKEN=$(helper json-get token <"$TMP/token.json")
  AUTH=(-H "Authorization: Bearer $TOKEN")
  api POST /api/repos/create "$TMP/repo.json" "${AUTH[@]}" -H 'Content-Type: application/json' -d "{\"name\":\"$REPO\"}"
  log "Hangar ($d) is ready: user, token and repo $USER_NAME/$REPO created"

  api POST "/$USER_NAME/$REPO.git/info/lfs/objects/batch" "$TMP/batch.json" "${AUTH[@]}" \
    -H 'Accept: application/vnd.git-lfs+json' -H 'Content-Type: application/vnd.git-lfs+json' \
    -d "{\"operation\":\"upload\",\"transfers\":[\"basic\"],\"hash_algo\":\"sha256\",\"objects\":[{\"oid\":\"$OID\",\"size\":$SIZE}]}"
  [ "$(helper json-get transfer <"$TMP/batch.json")" = basic ] || fail "batch ($d): transfer is not basic: $(head -c 500 "$TMP/batch.json")"
  upload_href=$(helper json-get objects.0.actions.upload.href <"$TMP/batch.json")
  VERIFY_HREF=$(helper json-get objects.0.actions.verify.href <"$TMP/batch.json")
  if [ "$d" = fs ]; then
    [[ $upload_href == "$H/lfs/uploads/"* ]] || fail "batch (fs): the upload href is not Hangar's: $upload_href"
    measure "hangar fs: upload PUT /lfs/uploads" "$HANGAR_PID" yes -- put_file "$upload_href" "$BIG" "Hangar (fs) upload"
  else
    [[ $upload_href == "$MOTO/"* ]] || fail "batch (s3): the upload href is not a presigned moto URL: $upload_href"
    measure "hangar s3: upload PUT -> moto" "$HANGAR_PID" yes -- put_file "$upload_href" "$BIG" "Hangar (s3) upload"
  fi
  UPLOAD_SECS=$M_SECS
  measure "hangar $d: verify" "$HANGAR_PID" no -- verify_upload
  VERIFY_SECS=$M_SECS
  [ "$d" = s3 ] && split_verify "$upload_href" "$M_T0" "$M_T1"
  # The upload as the client lives it: PUT + verify until the object is usable.
  row "hangar $d: upload+verify" "$(awk -v a="$UPLOAD_SECS" -v b="$VERIFY_SECS" 'BEGIN { printf "%.2f", a + b }') s" \
    "$(mibs "$(awk -v a="$UPLOAD_SECS" -v b="$VERIFY_SECS" 'BEGIN { print a + b }')")" "" ""
  measure "hangar $d: commit lfsFile" "$HANGAR_PID" no -- commit_lfs
  if [ "$d" = fs ]; then
    measure "hangar fs: GET /resolve (streamed)" "$HANGAR_PID" yes -- get_file "$H/$USER_NAME/$REPO/resolve/main/big.bin" "$TMP/dl.bin" "Hangar (fs) download"
  else
    redirects=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 30 -I "$H/$USER_NAME/$REPO/resolve/main/big.bin") || fail "HEAD resolve (s3) failed"
    [ "$redirects" = 302 ] || fail "resolve (s3) answered $redirects, expected a 302 to the store"
    measure "hangar s3: GET /resolve -> 302 -> moto" "$HANGAR_PID" yes -- get_file "$H/$USER_NAME/$REPO/resolve/main/big.bin" "$TMP/dl.bin" "Hangar (s3) download"
  fi
  check_file "$TMP/dl.bin" "Hangar ($d) download"
  stop_hangar
  rm -rf "$HANGAR_DATA" # the stored copy (fs)
  HANGAR_DATA=""
}

for d in $DRIVERS; do run_driver "$d"; done
[ -n "$MOTO_PID" ] && MOTO_RSS_END=$(($(rss_kib "$MOTO_PID") / 1024))

# ---------------------------------------------------------------- report
REV=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -n "$(git -C "$ROOT" status --porcelain -- src migrations 2>/dev/null)" ] && REV="$REV+local changes"
MOTO_VERSION=$("${MOTO_BIN%/*}/python" -c 'import moto; print(moto.__version__)' 2>/dev/null || echo '?')
echo
echo "Hangar LFS transfer benchmark ($(date -u +%Y-%m-%dT%H:%M:%SZ), hangar $REV; $DIST_NOTE)"
echo "machine: $(nproc) cores, $(uname -m); node $(node --version); nginx $("$NGINX_BIN" -v 2>&1 | sed 's|.*/||'); moto $MOTO_VERSION; $(curl --version | head -n 1 | cut -d' ' -f1-2)"
echo "load average before the run: $LOADAVG_START (other work on this machine skews the figures)"
echo "file: $SIZE_MIB MiB of random bytes, one curl at a time, loopback; sha256sum of it: $SHA_SECS s ($(mibs "$SHA_SECS") MiB/s)"
echo "RSS: Hangar's VmRSS sampled every 100 ms; growth = peak − RSS just before the step (target < $RSS_TARGET_MIB MiB)"
echo
printf '%-44s %10s %9s  %-38s %s\n' "step" "time" "MiB/s" "hangar RSS growth (before -> peak MiB)" "hangar CPU"
for r in "${ROWS[@]}"; do
  IFS='|' read -r label t rate rss cpu <<<"$r"
  printf '%-44s %10s %9s  %-38s %s\n' "$label" "$t" "$rate" "${rss:-}" "${cpu:-}"
done
echo
[[ " $DRIVERS " == *" s3 "* ]] && echo "moto RSS: ${MOTO_RSS_AFTER_PUT:-?} MiB right after its own PUT (it buffers the request body), ${MOTO_RSS_END:-?} MiB at the end"
if [ ${#OVER[@]} -gt 0 ]; then
  echo "RSS growth at or over the $RSS_TARGET_MIB MiB target: ${OVER[*]}"
else
  echo "RSS growth under the $RSS_TARGET_MIB MiB target in every Hangar step"
fi
