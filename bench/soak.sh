#!/usr/bin/env bash
# Soak: a mixed load (downloads, commits, recursive listings, shallow clones) for a while, against
# one Hangar node and then two nodes behind a round-robin proxy (one PostgreSQL, one store).
#
#   bash bench/soak.sh                   # 600 s per run (the figures the issue asks for)
#   SOAK_SECONDS=30 bash bench/soak.sh   # a smoke run
#
# Knobs: SOAK_SECONDS (per run, default 600), SOAK_WORKERS (concurrent loops, default 8),
# SOAK_WARMUP (unrecorded seconds before each run, default 10), SOAK_NODES ("1 2", "1" or "2"),
# SOAK_GIT_CACHE_MB (the nodes' HANGAR_GIT_CACHE_MB).
# Prints per run: RSS of each node at the start and the end of the recorded load, the error
# count, and p50/p95 per operation. Exits 1 when a run had errors.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$ROOT/bench"
SECONDS_PER_RUN=${SOAK_SECONDS:-600}
WORKERS=${SOAK_WORKERS:-8}
WARMUP=${SOAK_WARMUP:-10}
NODES=${SOAK_NODES:-1 2}

BENCH_NAME=soak.sh
LOG_TAG=soak
source "$BENCH/lib/common.sh" # log, fail, need, need_check
for v in SECONDS_PER_RUN WORKERS WARMUP; do [[ ${!v} =~ ^[0-9]+$ ]] || fail "$v must be a whole number"; done

TMP=$(mktemp -d /tmp/hangar-soak.XXXXXX)
chmod 755 "$TMP"
HANGAR_PID="" NODE2_PID="" PROXY_PID="" SNAP=""
source "$BENCH/lib/hangar.sh"

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  show_hangar_log "$rc"
  stop_pid "$PROXY_PID" TERM 3
  stop_pid "$NODE2_PID" TERM 20
  finish_bench "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

source "$BENCH/lib/dist-snapshot.sh"
prepare_dist_snapshot soak

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
PORT=$(free_port) PG_PORT=$(free_port) PORT2=$(free_port) PROXY_PORT=$(free_port)
SECRET=$(node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("hex"))')

# Node 1 on the embedded PostgreSQL; node 2 (when asked) on node 1's database and store.
# SOAK_GIT_CACHE_MB: the nodes' HANGAR_GIT_CACHE_MB (unset: Hangar's default).
CACHE_ENV=()
[ -n "${SOAK_GIT_CACHE_MB:-}" ] && CACHE_ENV=(HANGAR_GIT_CACHE_MB="$SOAK_GIT_CACHE_MB")
start_hangar "$PORT" "$PG_PORT" HANGAR_SECRET="$SECRET" "${CACHE_ENV[@]}"
NODE1=$H
bench_user
AUTH=(-H "Authorization: Bearer $TOKEN")
REPO="$USER_NAME/soak"
api POST /api/repos/create "$TMP/repo.json" "${AUTH[@]}" -H 'Content-Type: application/json' -d '{"name":"soak"}'
node -e '
  const lines = [JSON.stringify({ key: "header", value: { summary: "seed" } })];
  for (let i = 0; i < 50; i++) lines.push(JSON.stringify({ key: "file", value: { path: `data/file-${i}.txt`, content: Buffer.from(`file ${i}\n`.repeat(100)).toString("base64"), encoding: "base64" } }));
  process.stdout.write(lines.join("\n"));' >"$TMP/seed.ndjson"
api POST "/api/models/$REPO/commit/main" "$TMP/seed.json" "${AUTH[@]}" -H 'Content-Type: application/x-ndjson' --data-binary "@$TMP/seed.ndjson"
log "seeded $REPO with 50 files"

run() {
  local label=$1 url=$2 pids=$3 nodes=$4
  log "$label: warm-up ${WARMUP}s"
  [ "$WARMUP" -gt 0 ] && { node "$BENCH/soak.mjs" "$url" "$TOKEN" "$REPO" "$WARMUP" "$WORKERS" "$pids" "$nodes" >/dev/null || true; }
  log "$label: ${SECONDS_PER_RUN}s of mixed load, $WORKERS workers"
  echo "== $label: ${SECONDS_PER_RUN}s, $WORKERS workers (downloads, commits, recursive listings, shallow clones in turn)"
  node "$BENCH/soak.mjs" "$url" "$TOKEN" "$REPO" "$SECONDS_PER_RUN" "$WORKERS" "$pids" "$nodes"
}

status=0
for n in $NODES; do
  case $n in
    1) run "one node" "$NODE1" "$HANGAR_PID" "$NODE1" || status=1 ;;
    2)
      if [ -z "$NODE2_PID" ]; then
        pg_password=$(cat "$TMP/data/pg.password")
        env -i PATH="$PATH" HOME="$HOME" HANGAR_HOST=127.0.0.1 HANGAR_PORT="$PORT2" HANGAR_BASE_URL="http://127.0.0.1:$PROXY_PORT" \
          HANGAR_DATA_DIR="$TMP/data2" HANGAR_STORAGE_ROOT="$TMP/data/objects" HANGAR_SECRET="$SECRET" HANGAR_ADMIN_TOKEN="$ADMIN_TOKEN" \
          HANGAR_DATABASE_URL="postgres://hangar:$pg_password@127.0.0.1:$PG_PORT/hangar" HANGAR_LOG_LEVEL=warn "${CACHE_ENV[@]}" \
          node "$SNAP/dist/src/main.js" >"$TMP/hangar2.log" 2>&1 &
        NODE2_PID=$!
        for _ in $(seq 600); do curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$PORT2/health/ready" && break; sleep 0.1; done
        curl -sf -o /dev/null "http://127.0.0.1:$PORT2/health/ready" || fail "node 2 did not start: $(tail -5 "$TMP/hangar2.log")"
        node "$BENCH/soak-proxy.mjs" "$PROXY_PORT" "$NODE1" "http://127.0.0.1:$PORT2" >"$TMP/proxy.log" 2>&1 &
        PROXY_PID=$!
        for _ in $(seq 50); do grep -q listening "$TMP/proxy.log" 2>/dev/null && break; sleep 0.1; done
      fi
      run "two nodes behind a round-robin proxy" "http://127.0.0.1:$PROXY_PORT" "$HANGAR_PID,$NODE2_PID" "$NODE1,http://127.0.0.1:$PORT2" || status=1
      ;;
    *) fail "SOAK_NODES holds 1 and/or 2, got '$n'" ;;
  esac
done
exit $status
