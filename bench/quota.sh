#!/usr/bin/env bash
# Quota bench: what storage accounting costs a commit. Two builds side by side in one run: this
# checkout ("new") and the commit just before the Quotas migration landed ("base", a git worktree
# built here), each on its own embedded PostgreSQL, data directory and port. Each round times, on
# both, an NDJSON commit of 1 file and one of 1,000 files (fresh content every round), the two
# builds taking turns going first; it prints the medians and new/base ratios.
#
#   bash bench/quota.sh
#
# Knobs: BENCH_ROUNDS (default 7), BENCH_FILES (1000), BENCH_FILE_BYTES (1024),
# BENCH_BASE_REF (default: the parent of the commit that added migrations/*Quotas*),
# BENCH_NO_BUILD=1 (use dist/ as it is), BENCH_KEEP=1 (keep the temporary directory).
# Everything it starts is stopped, and the worktree and temporary directory removed, on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$ROOT/bench"
HELPER="$BENCH/repo-api.mjs"

ROUNDS=${BENCH_ROUNDS:-7}
NFILES=${BENCH_FILES:-1000}
FILE_BYTES=${BENCH_FILE_BYTES:-1024}
for v in ROUNDS NFILES FILE_BYTES; do
  [[ ${!v} =~ ^[0-9]+$ ]] && [ "${!v}" -ge 1 ] || { echo "quota.sh: BENCH_* setting for $v must be a whole number of at least 1, got '${!v}'" >&2; exit 2; }
done

BENCH_NAME=quota.sh
source "$BENCH/lib/common.sh" # log, fail, need, need_check

for tool in node curl git; do command -v "$tool" >/dev/null 2>&1 || { echo "quota.sh: $tool is missing" >&2; exit 2; }; done
[ -d "$ROOT/node_modules" ] || { echo "quota.sh: run npm ci first" >&2; exit 2; }

QUOTA_COMMIT=$(git -C "$ROOT" log --format=%H --diff-filter=A -- 'migrations/*Quotas*' | tail -n 1)
[ -n "$QUOTA_COMMIT" ] || fail "no commit adds migrations/*Quotas* in this checkout's history"
BASE_REF=${BENCH_BASE_REF:-$QUOTA_COMMIT^}
BASE_SHA=$(git -C "$ROOT" rev-parse --verify "$BASE_REF^{commit}") || fail "BENCH_BASE_REF $BASE_REF is not a commit"
LOADAVG_START=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)

# ---------------------------------------------------------------- temp dir and cleanup
TMP=$(mktemp -d /tmp/hangar-bench.XXXXXX)
chmod 755 "$TMP" # the embedded PostgreSQL runs as `postgres` when we are root
RUN_TMP=$TMP
HANGAR_PID="" SNAP="" NEW_PID="" BASE_PID="" BASE_SRC=""

source "$BENCH/lib/hangar.sh"        # stop_pid, start_hangar, stop_hangar, api, bench_user, finish_bench
source "$BENCH/lib/dist-snapshot.sh" # prepare_dist_snapshot

cleanup() {
  local rc=$? role
  trap - EXIT INT TERM
  for role in base new; do TMP=$RUN_TMP/$role show_hangar_log "$rc"; done
  HANGAR_PID=$BASE_PID TMP=$RUN_TMP/base stop_hangar
  HANGAR_PID=$NEW_PID TMP=$RUN_TMP/new stop_hangar
  if [ -n "$BASE_SRC" ]; then git -C "$ROOT" worktree remove --force "$BASE_SRC" 2>/dev/null || rm -rf "$BASE_SRC"; fi
  # Both stopped above; finish_bench removes the new build's dist/ copy (SNAP) and $TMP.
  HANGAR_PID="" TMP=$RUN_TMP finish_bench "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -p "$RUN_TMP/new" "$RUN_TMP/base"

# ---------------------------------------------------------------- the two builds
prepare_dist_snapshot quota-new # SNAP: a private copy of this checkout's dist/
NEW_SNAP=$SNAP
BASE_SRC="$BENCH/.run-quota-base-${RUN_TMP##*.}"
log "base: git worktree of $BASE_REF ($BASE_SHA) in $BASE_SRC, building it"
git -C "$ROOT" worktree add -q --detach "$BASE_SRC" "$BASE_SHA" || fail "git worktree add $BASE_SHA failed"
ln -s "$ROOT/node_modules" "$BASE_SRC/node_modules"
(cd "$BASE_SRC" && npx nest build >"$RUN_TMP/base-build.log" 2>&1) || { cat "$RUN_TMP/base-build.log" >&2; fail "building $BASE_REF failed"; }

mapfile -t PORTS < <(node "$HELPER" free-ports 4)
[ "${#PORTS[@]}" -eq 4 ] || fail "could not find 4 free ports"

# start ROLE SNAPSHOT PORT PG_PORT: one Hangar with its own data directory under $RUN_TMP/ROLE,
# then a bench user, a token and an empty repository there.
start() {
  local role=$1
  TMP=$RUN_TMP/$role SNAP=$2 start_hangar "$3" "$4"
  printf -v "${role^^}_PID" %s "$HANGAR_PID"
  HANGAR_PID=""
  TMP=$RUN_TMP/$role bench_user
  TMP=$RUN_TMP/$role api POST /api/repos/create "$RUN_TMP/$role/repo.json" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"name":"bench-quota"}'
  printf -v "${role^^}_H" %s "$H"
  printf -v "${role^^}_TOKEN" %s "$TOKEN"
}
start new "$NEW_SNAP" "${PORTS[0]}" "${PORTS[1]}"
start base "$BASE_SRC" "${PORTS[2]}" "${PORTS[3]}"

# payload OUT COUNT PREFIX: an NDJSON commit body of COUNT files of FILE_BYTES random text under PREFIX/.
payload() {
  node -e '
    const { randomBytes } = require("node:crypto");
    const { writeFileSync } = require("node:fs");
    const [out, count, bytes, prefix] = process.argv.slice(1);
    const lines = [JSON.stringify({ key: "header", value: { summary: `bench ${prefix}` } })];
    for (let i = 0; i < Number(count); i++) {
      const text = randomBytes(Math.ceil(Number(bytes) / 2)).toString("hex").slice(0, Number(bytes) - 1) + "\n";
      lines.push(JSON.stringify({ key: "file", value: { path: `${prefix}/${String(i).padStart(5, "0")}.txt`, content: Buffer.from(text).toString("base64"), encoding: "base64" } }));
    }
    writeFileSync(out, lines.join("\n") + "\n");
  ' "$1" "$2" "$FILE_BYTES" "$3"
}

# commit ROLE FILE: seconds for the NDJSON commit (curl time_total, end to end).
commit() {
  local role=$1 file=$2 h token result code
  h=${role^^}_H token=${role^^}_TOKEN
  result=$(curl -sS -o "$RUN_TMP/commit.out" -w '%{http_code} %{time_total}' --max-time 600 -X POST \
    -H "Authorization: Bearer ${!token}" -H 'Content-Type: application/x-ndjson' --data-binary "@$file" \
    "${!h}/api/models/benchuser/bench-quota/commit/main") || fail "$role: commit curl failed"
  code=${result%% *}
  [ "$code" = 200 ] || fail "$role: commit answered $code: $(head -c 500 "$RUN_TMP/commit.out")"
  echo "${result#* }"
}

declare -a NEW_ONE=() BASE_ONE=() NEW_MANY=() BASE_MANY=()
log "warm-up: one commit of each size on both"
for role in new base; do
  payload "$RUN_TMP/w1.ndjson" 1 "warm-$role-1" && commit "$role" "$RUN_TMP/w1.ndjson" >/dev/null
  payload "$RUN_TMP/wn.ndjson" "$NFILES" "warm-$role-n" && commit "$role" "$RUN_TMP/wn.ndjson" >/dev/null
done
for ((r = 1; r <= ROUNDS; r++)); do
  # Interleaved, taking turns going first, so drift in the machine's load hits both alike.
  if ((r % 2)); then order=(new base); else order=(base new); fi
  for role in "${order[@]}"; do
    payload "$RUN_TMP/one.ndjson" 1 "r$r-one"
    payload "$RUN_TMP/many.ndjson" "$NFILES" "r$r-many"
    one=$(commit "$role" "$RUN_TMP/one.ndjson")
    many=$(commit "$role" "$RUN_TMP/many.ndjson")
    if [ "$role" = new ]; then NEW_ONE+=("$one") NEW_MANY+=("$many"); else BASE_ONE+=("$one") BASE_MANY+=("$many"); fi
    log "round $r/$ROUNDS $role: 1 file ${one}s, $NFILES files ${many}s"
  done
done

median() { node "$HELPER" median "$@"; }
ratio() { node -e 'const [a, b] = process.argv.slice(1).map(Number); process.stdout.write(b > 0 ? (a / b).toFixed(3) : "n/a")' "$1" "$2"; }
m_new_one=$(median "${NEW_ONE[@]}") m_base_one=$(median "${BASE_ONE[@]}")
m_new_many=$(median "${NEW_MANY[@]}") m_base_many=$(median "${BASE_MANY[@]}")

cat <<EOF

Quota bench: NDJSON commit time, medians of $ROUNDS interleaved rounds (curl time_total, seconds)
  new:  this checkout ($(git -C "$ROOT" rev-parse --short HEAD)$( [ -n "$(git -C "$ROOT" status --porcelain -- src migrations)" ] && echo ', with uncommitted changes'); $DIST_NOTE)
  base: $BASE_REF = $(git -C "$ROOT" log -1 --format='%h %s' "$BASE_SHA" | cut -c1-90)
  load average at start: $LOADAVG_START, at end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)

$(printf '  %-24s %-10s %-10s %s' scenario new base new/base)
$(printf '  %-24s %-10s %-10s %s' 'commit of 1 file' "$m_new_one" "$m_base_one" "$(ratio "$m_new_one" "$m_base_one")")
$(printf '  %-24s %-10s %-10s %s' "commit of $NFILES files" "$m_new_many" "$m_base_many" "$(ratio "$m_new_many" "$m_base_many")")

  every sample (s): new 1 file: ${NEW_ONE[*]}
                    base 1 file: ${BASE_ONE[*]}
                    new $NFILES files: ${NEW_MANY[*]}
                    base $NFILES files: ${BASE_MANY[*]}
EOF
