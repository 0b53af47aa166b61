#!/usr/bin/env bash
# Big-repository benchmark: Hangar side by side with plain git on the same data, same run.
#
#   bash bench/big-repo.sh
#
# Grows one repository to BENCH_FILES (100,000) files with NDJSON commits of BENCH_BATCH (1,000)
# files through Hangar, and the same files with `git add && git commit` in a local repository.
# At each checkpoint (BENCH_POINTS: 1k, 10k, 50k, 100k) it times `git clone --depth 1
# --no-checkout` from Hangar and `git clone --depth 1 --no-checkout file://` of the local
# repository. At full size it times a partial clone (`--filter=blob:none`, whole history) of
# both, a 1-file commit and a 1-commit push against the same on a 100-file repository, recursive
# tree pages 1 and 50, repo info, and resolve HEADs from another client while a clone runs. Everything it starts is stopped, and its temp directory removed, on
# exit. BENCH_NO_BUILD=1 uses dist/ as it is. See bench/README.md.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$ROOT/bench"
GEN="$BENCH/big-repo.mjs"

FILES=${BENCH_FILES:-100000}           # files in the big repository
BATCH=${BENCH_BATCH:-1000}             # files per NDJSON commit (and per git commit)
POINTS=${BENCH_POINTS:-1000 10000 50000 100000} # clone checkpoints (multiples of BATCH, ≤ FILES)
RUNS=${BENCH_RUNS:-3}                  # timed runs per clone (median reported)
SMALL_RUNS=${BENCH_SMALL_RUNS:-5}      # timed runs of the 1-file commit and push
PAGE_RUNS=${BENCH_PAGE_RUNS:-20}       # requests per tree page figure
PAGE_LIMIT=${BENCH_PAGE_LIMIT:-1000}   # tree page size (the default page of the HF API)
BG_CLONES=${BENCH_BG_CLONES:-3}        # full clones, one after the other, during the resolve HEADs

for v in FILES BATCH RUNS SMALL_RUNS PAGE_RUNS PAGE_LIMIT BG_CLONES; do
  [[ ${!v} =~ ^[0-9]+$ ]] && [ "${!v}" -ge 1 ] || { echo "big-repo.sh: BENCH_* setting for $v must be a whole number ≥ 1, got '${!v}'" >&2; exit 2; }
done
for p in $POINTS; do
  [[ $p =~ ^[0-9]+$ ]] && [ $((p % BATCH)) -eq 0 ] && [ "$p" -le "$FILES" ] || { echo "big-repo.sh: BENCH_POINTS must be multiples of $BATCH up to $FILES, got '$p'" >&2; exit 2; }
done

BENCH_NAME=big-repo.sh
source "$BENCH/lib/common.sh" # log, fail, need, need_check

missing=()
for c in node curl git; do command -v "$c" >/dev/null 2>&1 || missing+=("$c"); done
[ ${#missing[@]} -eq 0 ] || { echo "big-repo.sh: missing tools: ${missing[*]}" >&2; exit 2; }

LOADAVG_START=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
T_START=$(date +%s)
TMP=$(mktemp -d /tmp/hangar-bench-big.XXXXXX)
chmod 755 "$TMP" # the embedded PostgreSQL runs as `postgres` when we are root
HANGAR_PID="" SNAP="" CLONE_PID=""
source "$BENCH/lib/hangar.sh"
source "$BENCH/lib/dist-snapshot.sh"

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  show_hangar_log "$rc"
  stop_pid "$CLONE_PID" TERM 5
  finish_bench "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

prepare_dist_snapshot big
mapfile -t PORTS < <(node "$BENCH/repo-api.mjs" free-ports 2)
[ ${#PORTS[@]} -eq 2 ] || fail "could not find free ports"
start_hangar "${PORTS[0]}" "${PORTS[1]}"
bench_user
AUTH=(-H "Authorization: Bearer $TOKEN")
BIG=big SMALL=small
for r in $BIG $SMALL; do api POST /api/repos/create "$TMP/repo-$r.json" "${AUTH[@]}" -H 'Content-Type: application/json' -d "{\"name\":\"$r\"}"; done

export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0
GITC=(-c user.name=bench -c user.email=bench@example.com -c commit.gpgsign=false -c gc.auto=0 -c core.hooksPath=/dev/null)
REF="$TMP/ref" # the reference repository, grown with the same files
git init -q -b main "$REF"
# The first Hangar commit holds .gitattributes; the reference gets the same file so trees match in size.
curl -sSf "${AUTH[@]}" "$H/$USER_NAME/$BIG/resolve/main/.gitattributes" -o "$REF/.gitattributes"
git "${GITC[@]}" -C "$REF" add -A && git "${GITC[@]}" -C "$REF" commit -q -m init

secs_since() { awk -v a="$1" -v b="$(date +%s%N)" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'; }
median() { node "$BENCH/repo-api.mjs" median "$@" | awk '{ printf "%.3f\n", $1 }'; }
remote() { printf 'http://%s:%s@127.0.0.1:%s/%s/%s' "$USER_NAME" "$TOKEN" "${PORTS[0]}" "$USER_NAME" "$1"; }

# commit_ndjson REPO FILE → seconds (curl time_total)
commit_ndjson() {
  local result code secs
  result=$(curl -sS -o "$TMP/commit.out" -w '%{http_code} %{time_total}' --max-time 900 -X POST "${AUTH[@]}" \
    -H 'Content-Type: application/x-ndjson' -H 'Expect:' --data-binary "@$2" "$H/api/models/$USER_NAME/$1/commit/main") || fail "commit to $1: curl failed"
  read -r code secs <<<"$result"
  [ "$code" = 200 ] || fail "commit to $1 answered $code: $(head -c 500 "$TMP/commit.out")"
  printf '%s\n' "$secs"
}

# proc_cpu_ms PID → user + system CPU time the process has used so far, in ms (0 without /proc)
CLK_TCK=$(getconf CLK_TCK 2>/dev/null || echo 100)
proc_cpu_ms() { awk -v hz="$CLK_TCK" '{ printf "%d\n", ($14 + $15) * 1000 / hz }' "/proc/$1/stat" 2>/dev/null || echo 0; }

# clone_median URL [CLONE_ARGS…] → median seconds of RUNS `git clone CLONE_ARGS` (default --depth 1 --no-checkout)
clone_median() {
  local url=$1 i t0 times=()
  shift
  local args=("$@")
  [ ${#args[@]} -gt 0 ] || args=(--depth 1 --no-checkout)
  for ((i = 0; i < RUNS; i++)); do
    rm -rf "$TMP/clone"
    t0=$(date +%s%N)
    git clone -q "${args[@]}" "$url" "$TMP/clone" || fail "git clone ${args[*]} $url failed"
    times+=("$(secs_since "$t0")")
  done
  rm -rf "$TMP/clone"
  median "${times[@]}"
}

# ---------------------------------------------------------------- 1. grow the big repository
CLONE_ROWS="" CLONE_CPU="" HANGAR_COMMITS=() GIT_COMMITS=()
for ((from = 0; from < FILES; from += BATCH)); do
  n=$((from + BATCH))
  node "$GEN" ndjson "$TMP/batch.ndjson" "$from" "$BATCH" "files $from..$((n - 1))"
  HANGAR_COMMITS+=("$(commit_ndjson $BIG "$TMP/batch.ndjson")")
  node "$GEN" files "$REF" "$from" "$BATCH"
  sync
  t0=$(date +%s%N)
  git "${GITC[@]}" -C "$REF" add -A
  git "${GITC[@]}" -C "$REF" commit -q -m "files $from..$((n - 1))"
  GIT_COMMITS+=("$(secs_since "$t0")")
  if [[ " $POINTS " == *" $n "* ]]; then
    log "$n files: cloning (git clone --depth 1 --no-checkout, $RUNS runs each)"
    # Packed, as a served repository is (git gc): loose objects would make git's side recompress everything.
    git -C "$REF" repack -adq
    cpu0=$(proc_cpu_ms "$HANGAR_PID")
    h=$(clone_median "$(remote $BIG)")
    CLONE_CPU+="$n files $((($(proc_cpu_ms "$HANGAR_PID") - cpu0) / RUNS)) ms, "
    g=$(clone_median "file://$REF")
    CLONE_ROWS+=$(printf '%-38s %10s s %10s s %8s\n' "clone --depth 1 --no-checkout, $n files" "$h" "$g" "$(awk -v a="$h" -v b="$g" 'BEGIN { printf "%.2fx", a / b }')")$'\n'
  fi
  (((n / BATCH) % 10 == 0)) && log "$n files committed"
done
rm -f "$TMP/batch.ndjson"
COMMIT_H=$(median "${HANGAR_COMMITS[@]}") COMMIT_G=$(median "${GIT_COMMITS[@]}")

# ---------------------------------------------------------------- partial clone at full size
log "$FILES files: partial clone (git clone --filter=blob:none --no-checkout, whole history, $RUNS runs each)"
git -C "$REF" config uploadpack.allowFilter true # git's own upload-pack refuses filters otherwise
cpu0=$(proc_cpu_ms "$HANGAR_PID")
h=$(clone_median "$(remote $BIG)" --filter=blob:none --no-checkout)
PARTIAL_CPU=$((($(proc_cpu_ms "$HANGAR_PID") - cpu0) / RUNS))
g=$(clone_median "file://$REF" --filter=blob:none --no-checkout)
PARTIAL_ROW=$(printf '%-38s %10s s %10s s %8s' "clone --filter=blob:none, $FILES files" "$h" "$g" "$(awk -v a="$h" -v b="$g" 'BEGIN { printf "%.2fx", a / b }')")

# ---------------------------------------------------------------- 2. small changes: big vs small repository
node "$GEN" ndjson "$TMP/small.ndjson" 0 100 "100 files"
commit_ndjson $SMALL "$TMP/small.ndjson" >/dev/null
one_file_commits() { # REPO → median seconds of SMALL_RUNS 1-file NDJSON commits
  local i times=()
  for ((i = 0; i < SMALL_RUNS; i++)); do
    printf '%s\n%s\n' '{"key":"header","value":{"summary":"one file"}}' \
      "{\"key\":\"file\",\"value\":{\"path\":\"one/$i-$RANDOM.txt\",\"content\":\"$(printf 'one %s %s\n' "$i" "$RANDOM" | base64 -w0)\",\"encoding\":\"base64\"}}" >"$TMP/one.ndjson"
    times+=("$(commit_ndjson "$1" "$TMP/one.ndjson")")
  done
  median "${times[@]}"
}
one_commit_pushes() { # REPO → median seconds of SMALL_RUNS pushes of one 1-file commit
  local dir="$TMP/push-$1" i t0 oid times=()
  git clone -q --no-checkout "$(remote "$1")" "$dir" || fail "clone of $1 for the push scenario failed"
  git -C "$dir" read-tree HEAD
  for ((i = 0; i < SMALL_RUNS; i++)); do
    oid=$(printf 'pushed %s %s\n' "$i" "$RANDOM" | git -C "$dir" hash-object -w --stdin)
    git -C "$dir" update-index --add --cacheinfo "100644,$oid,pushed/$i-$RANDOM.txt"
    git "${GITC[@]}" -C "$dir" commit -q -m "push $i"
    t0=$(date +%s%N)
    git -C "$dir" push -q origin HEAD:main 2>"$TMP/push.err" || fail "push to $1 failed: $(cat "$TMP/push.err")"
    times+=("$(secs_since "$t0")")
  done
  rm -rf "$dir"
  median "${times[@]}"
}
log "1-file commits and 1-commit pushes ($SMALL_RUNS each) into $FILES-file and 100-file repositories"
C_BIG=$(one_file_commits $BIG) C_SMALL=$(one_file_commits $SMALL)
P_BIG=$(one_commit_pushes $BIG) P_SMALL=$(one_commit_pushes $SMALL)

# ---------------------------------------------------------------- 3. read paths at full size
# timed_gets URL RUNS [curl args] → "p50 p95" in ms of sequential requests
timed_gets() {
  local url=$1 runs=$2 i r code secs times=()
  shift 2
  for ((i = 0; i < runs; i++)); do
    r=$(curl -sS -o /dev/null -w '%{http_code} %{time_total}' --max-time 120 "$@" "$url") || fail "GET $url failed"
    read -r code secs <<<"$r"
    [[ $code == 2* ]] || fail "$url answered $code"
    times+=("$(awk -v s="$secs" 'BEGIN { printf "%.3f", s * 1000 }')")
  done
  node "$GEN" stats "${times[@]}"
}
TREE="$H/api/models/$USER_NAME/$BIG/tree/main?recursive=true&limit=$PAGE_LIMIT"
log "tree?recursive=true pages 1 and 50, repo info"
PAGE50="$TREE"
for ((i = 1; i < 50; i++)); do
  link=$(curl -sS -D - -o /dev/null --max-time 120 "$PAGE50" | tr -d '\r' | sed -n 's/^[Ll]ink: <\([^>]*\)>; rel="next"$/\1/p')
  [ -n "$link" ] || break
  PAGE50=$link
done
[ "$i" -eq 50 ] || log "the listing has fewer than 50 pages of $PAGE_LIMIT: 'page 50' is page $i"
read -r T1_P50 T1_P95 <<<"$(timed_gets "$TREE" "$PAGE_RUNS")"
read -r T50_P50 T50_P95 <<<"$(timed_gets "$PAGE50" "$PAGE_RUNS")"
read -r INFO_P50 INFO_P95 <<<"$(timed_gets "$H/api/models/$USER_NAME/$BIG" 5)"

log "resolve HEADs from another client during $BG_CLONES clones (no --depth) of the big repository, one after the other"
(
  child=""
  trap '[ -z "$child" ] || kill "$child" 2>/dev/null; exit 143' TERM
  for ((i = 0; i < BG_CLONES; i++)); do
    rm -rf "$TMP/bg-clone"
    git clone -q --no-checkout "$(remote $BIG)" "$TMP/bg-clone" 2>/dev/null &
    child=$!
    wait "$child" || exit 1
  done
) &
CLONE_PID=$!
HEAD_TIMES=()
while kill -0 "$CLONE_PID" 2>/dev/null; do
  r=$(curl -sS -I -o /dev/null -w '%{http_code} %{time_total}' --max-time 60 "$H/$USER_NAME/$BIG/resolve/main/d000/f000001.txt") || fail "HEAD during the clone failed"
  read -r code secs <<<"$r"
  [ "$code" = 200 ] || fail "HEAD during the clone answered $code"
  HEAD_TIMES+=("$(awk -v s="$secs" 'BEGIN { printf "%.3f", s * 1000 }')")
done
wait "$CLONE_PID" || fail "the background clone failed"
CLONE_PID=""
rm -rf "$TMP/bg-clone"
[ ${#HEAD_TIMES[@]} -gt 0 ] || HEAD_TIMES=(0)
read -r BG_P50 BG_P95 <<<"$(node "$GEN" stats "${HEAD_TIMES[@]}")"

# ---------------------------------------------------------------- report
REV=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }
echo
echo "Hangar big-repository benchmark ($(date -u +%Y-%m-%dT%H:%M:%SZ), hangar $REV; $DIST_NOTE)"
echo "machine: $(nproc) cores; node $(node --version); $(git --version); load average at start $LOADAVG_START, at end $(cut -d' ' -f1-3 /proc/loadavg)"
echo "repository: $FILES files in folders of 1,000, grown by NDJSON commits of $BATCH files; reference: the same files in a local git repository"
echo
printf '%-38s %12s %12s %8s\n' "scenario" "hangar" "reference" "ratio"
printf '%s' "$CLONE_ROWS"
echo "  (Hangar's process CPU per clone: ${CLONE_CPU%, }; steadier than wall time on a busy machine)"
echo "$PARTIAL_ROW"
echo "  (no --depth: every commit and tree of $((FILES / BATCH)) commits, no blob; Hangar's CPU per clone $PARTIAL_CPU ms)"
printf '%-38s %10s s %10s s %8s\n' "commit of $BATCH files (median)" "$COMMIT_H" "$COMMIT_G" "$(ratio "$COMMIT_H" "$COMMIT_G")"
echo "  (reference: git add -A && git commit of the same files)"
printf '%-38s %10s s %10s s %8s\n' "1-file commit, $FILES vs 100 files" "$C_BIG" "$C_SMALL" "$(ratio "$C_BIG" "$C_SMALL")"
printf '%-38s %10s s %10s s %8s\n' "1-commit push, $FILES vs 100 files" "$P_BIG" "$P_SMALL" "$(ratio "$P_BIG" "$P_SMALL")"
echo "  (reference: the same operation on a 100-file Hangar repository)"
printf '%-38s %s\n' "tree?recursive=true page 1" "p50 $T1_P50 ms, p95 $T1_P95 ms ($PAGE_RUNS requests, $PAGE_LIMIT entries a page)"
printf '%-38s %s\n' "tree?recursive=true page 50" "p50 $T50_P50 ms, p95 $T50_P95 ms"
printf '%-38s %s\n' "repo info ($FILES siblings)" "p50 $INFO_P50 ms, p95 $INFO_P95 ms (5 requests)"
printf '%-38s %s\n' "resolve HEAD during a full clone" "p50 $BG_P50 ms, p95 $BG_P95 ms (${#HEAD_TIMES[@]} requests during $BG_CLONES clones)"
echo "total wall time: $(($(date +%s) - T_START)) s"
