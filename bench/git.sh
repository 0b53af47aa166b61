#!/usr/bin/env bash
# git transport benchmark: Hangar's smart HTTP side by side with `git http-backend`, same run.
#
#   bash bench/git.sh
#
# Runs the scenarios of ../shared/bench/git-baseline.sh twice per repo shape: once against its own
# lighttpd + `git http-backend` (CGI) baseline, once against Hangar (its --url mode: the repo is
# seeded, advanced and reset by (force) pushes). Hangar (dist/src/main.js, embedded PostgreSQL,
# filesystem store) runs on free loopback ports with a temporary data directory. Prints one table
# per shape with both means and the ratio Hangar/http-backend. Everything it starts is stopped,
# and its temporary directory removed, on exit. See bench/README.md for the knobs.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$ROOT/bench"
HELPER="$BENCH/repo-api.mjs"
BASELINE=${BENCH_GIT_BASELINE:-$ROOT/../shared/bench/git-baseline.sh}

SHAPES=${BENCH_SHAPES:-A B}   # which shapes to run
A_RUNS=${BENCH_A_RUNS:-5}     # hyperfine runs per scenario, shape A
A_WARMUP=${BENCH_A_WARMUP:-1}
B_RUNS=${BENCH_B_RUNS:-3}     # shape B
B_WARMUP=${BENCH_B_WARMUP:-1}
B_BIG_MB=${BENCH_B_BIG_MB:-200} # size of shape B's plain git blob
# Shape B pushes its big file as a plain git blob. Hangar refuses plain blobs over the LFS
# threshold (HF's rule, 10 MiB by default), so the bench raises the threshold to 1 GiB.
LFS_THRESHOLD=${BENCH_LFS_THRESHOLD_BYTES:-1073741824}

for v in A_RUNS A_WARMUP B_RUNS B_WARMUP B_BIG_MB LFS_THRESHOLD; do
  [[ ${!v} =~ ^[0-9]+$ ]] || { echo "git.sh: BENCH_* setting for $v must be a whole number, got '${!v}'" >&2; exit 2; }
done
[ "$A_RUNS" -ge 2 ] && [ "$B_RUNS" -ge 2 ] || { echo "git.sh: runs must be at least 2 (hyperfine needs 2 for a standard deviation)" >&2; exit 2; }
for s in $SHAPES; do [[ $s == A || $s == B ]] || { echo "git.sh: BENCH_SHAPES takes A and/or B, got '$s'" >&2; exit 2; }; done
if [[ " $SHAPES " == *" B "* ]] && [ $((B_BIG_MB * 1024 * 1024)) -gt "$LFS_THRESHOLD" ]; then
  echo "git.sh: shape B's ${B_BIG_MB} MiB blob is over BENCH_LFS_THRESHOLD_BYTES=$LFS_THRESHOLD: Hangar would refuse the push" >&2
  exit 2
fi

BENCH_NAME=git.sh
source "$BENCH/lib/common.sh" # log, fail, need, need_check

# ---------------------------------------------------------------- preflight: tools
[ -f "$BASELINE" ] || { echo "git.sh: the baseline script is missing: $BASELINE (set BENCH_GIT_BASELINE)" >&2; exit 2; }
[ -f "$(dirname "$BASELINE")/gen-repo.mjs" ] || { echo "git.sh: gen-repo.mjs is missing beside $BASELINE" >&2; exit 2; }
apt_missing=()
for c in lighttpd hyperfine; do command -v "$c" >/dev/null 2>&1 || [ -x "/usr/sbin/$c" ] || apt_missing+=("$c"); done
if [ ${#apt_missing[@]} -gt 0 ]; then
  log "installing from apt: ${apt_missing[*]}"
  { apt-get install -y -qq "${apt_missing[@]}" >/dev/null 2>&1 ||
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_missing[@]}" >/dev/null; }; } ||
    { echo "git.sh: could not install ${apt_missing[*]} (apt-get install -y ${apt_missing[*]})" >&2; exit 2; }
fi
need node "Node.js 20+"
need curl "apt-get install -y curl"
need git "apt-get install -y git"
need git-lfs "apt-get install -y git-lfs (the baseline script checks for it)"
need hyperfine "apt-get install -y hyperfine"
need_check

LOADAVG_START=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
T_START=$(date +%s)

# ---------------------------------------------------------------- temp dir and cleanup
TMP=$(mktemp -d /tmp/hangar-bench-git.XXXXXX)
chmod 755 "$TMP" # the embedded PostgreSQL runs as `postgres` when we are root
HANGAR_PID="" SNAP="" CHILD_PID=""

source "$BENCH/lib/hangar.sh" # stop_pid, start_hangar, stop_hangar, api, bench_user

stop_group() { # pgid seconds: TERM the process group, wait up to seconds, then SIGKILL it
  local pgid=$1 secs=$2 i
  [ -n "$pgid" ] || return 0
  kill -0 -- "-$pgid" 2>/dev/null || return 0
  kill -TERM -- "-$pgid" 2>/dev/null || true
  for ((i = 0; i < secs * 10; i++)); do
    kill -0 -- "-$pgid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL -- "-$pgid" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  show_hangar_log "$rc"
  # The baseline script runs in its own process group (setsid): TERM the group (its EXIT trap
  # stops its lighttpd; hyperfine and git go with it), then KILL what is left.
  stop_group "$CHILD_PID" 20
  stop_hangar
  wait 2>/dev/null || true
  [ -n "$SNAP" ] && rm -rf "$SNAP"
  if [ "${BENCH_KEEP:-0}" = 1 ]; then
    # Keep the logs and JSON, never the generated repositories or the stored objects.
    rm -rf "$TMP/data" "$TMP"/*/repos "$TMP"/*/tmp
    log "kept $TMP (BENCH_KEEP=1)"
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
prepare_dist_snapshot git

mapfile -t PORTS < <(node "$HELPER" free-ports 2)
[ ${#PORTS[@]} -eq 2 ] || fail "could not find free ports"
HANGAR_PORT=${PORTS[0]} PG_PORT=${PORTS[1]}
H="http://127.0.0.1:$HANGAR_PORT"

# ---------------------------------------------------------------- start Hangar
SECRET=$(node -e 'process.stdout.write(require("crypto").randomBytes(24).toString("hex"))')
start_hangar "$HANGAR_PORT" "$PG_PORT" HANGAR_SECRET="$SECRET" HANGAR_LFS_THRESHOLD_BYTES="$LFS_THRESHOLD"
bench_user
for s in $SHAPES; do
  repo="git-shape-$(tr 'A-Z' 'a-z' <<<"$s")"
  api POST /api/repos/create "$TMP/repo-$s.json" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d "{\"name\":\"$repo\"}"
done
log "user $USER_NAME, a write token and one repo per shape created"

rss_mib() { awk -v k="$2:" '$1 == k { printf "%.0f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo '?'; }

# ---------------------------------------------------------------- run the baseline script
# run_baseline LABEL SERVER-ARGS… : one invocation of git-baseline.sh, its workdir $TMP/LABEL.
run_baseline() {
  local label=$1
  shift
  log "$label: git-baseline.sh $(sed -E 's#//[^/@]*@#//#g' <<<"$*")"
  local t0
  t0=$(date +%s)
  # stderr (its progress lines) goes to the log only; its table to $label.out.
  setsid bash "$BASELINE" --workdir "$TMP/$label" "$@" >"$TMP/$label.out" 2>"$TMP/$label.err" &
  CHILD_PID=$!
  if ! wait "$CHILD_PID"; then
    CHILD_PID=""
    printf '%s\n' "--- $label: git-baseline.sh failed; its last output ---" >&2
    tail -n 30 "$TMP/$label.err" >&2
    fail "git-baseline.sh ($label) failed"
  fi
  CHILD_PID=""
  log "$label: done in $(($(date +%s) - t0)) s"
}

REPORT="$TMP/report.txt"
: >"$REPORT"
for s in $SHAPES; do
  repo="git-shape-$(tr 'A-Z' 'a-z' <<<"$s")"
  if [ "$s" = A ]; then
    SHAPE_ARGS=(--files 1000 --file-size 4096 --commits 100)
    RUN_ARGS=(--runs "$A_RUNS" --warmup "$A_WARMUP")
    DESC="shape A: 1000 files x 4 KiB, 100 commits x 10 changed files; --runs $A_RUNS --warmup $A_WARMUP"
  else
    SHAPE_ARGS=(--files 9 --commits 10 --changes 1 --big-mb "$B_BIG_MB")
    RUN_ARGS=(--runs "$B_RUNS" --warmup "$B_WARMUP")
    DESC="shape B: 9 files x 4 KiB + one ${B_BIG_MB} MiB plain git blob, 10 commits x 1 changed file; --runs $B_RUNS --warmup $B_WARMUP"
  fi
  run_baseline "$s-http-backend" "${SHAPE_ARGS[@]}" "${RUN_ARGS[@]}"
  run_baseline "$s-hangar" "${SHAPE_ARGS[@]}" "${RUN_ARGS[@]}" --url "http://$USER_NAME:$TOKEN@127.0.0.1:$HANGAR_PORT/$USER_NAME/$repo"
  node - "$TMP/$s-http-backend/results" "$TMP/$s-hangar/results" "$DESC" "$(rss_mib "$HANGAR_PID" VmHWM)" >>"$REPORT" <<'EOF'
const fs = require('fs'), path = require('path');
const [base, hangar, desc, hwm] = process.argv.slice(2);
const load = (dir, name) => {
  const f = path.join(dir, name + '.json');
  return fs.existsSync(f) ? JSON.parse(fs.readFileSync(f, 'utf8')).results[0] : null;
};
// [file, label, target ratio or null]
const rows = [
  ['clone-nocheckout', 'clone --no-checkout (v2)', 1.2],
  ['clone-depth1', 'clone --depth 1', 1.2],
  ['fetch-1commit', 'fetch 1 new commit', 1.5],
  ['push-1commit', 'push 1 commit', 1.5],
  ['clone-v2', 'clone (v2, with checkout)', null],
  ['clone-v0', 'clone (v0, with checkout)', null],
  ['push-big', 'push rewriting the big blob', null],
];
const s = (x) => `${x.mean.toFixed(3)} ± ${(x.stddev ?? 0).toFixed(3)}`;
const out = [desc, ''];
out.push(`${'scenario'.padEnd(30)}${'http-backend s'.padStart(17)}${'Hangar s'.padStart(17)}${'Hangar/http'.padStart(13)}${'target'.padStart(8)}  verdict`);
for (const [file, label, target] of rows) {
  const b = load(base, file), h = load(hangar, file);
  if (!b || !h) continue;
  const ratio = h.mean / b.mean;
  const verdict = target === null ? '(extra)' : ratio <= target ? 'ok' : 'OVER';
  out.push(`${label.padEnd(30)}${s(b).padStart(17)}${s(h).padStart(17)}${(ratio.toFixed(2) + 'x').padStart(13)}${(target === null ? '-' : '<= ' + target.toFixed(1)).padStart(8)}  ${verdict}`);
}
out.push(`(Hangar peak RSS so far, VmHWM: ${hwm} MiB)`, '');
process.stdout.write(out.join('\n') + '\n');
EOF
  { grep -E '^ +[0-9]+ objects' "$TMP/$s-http-backend.out" | sed -e 's/^ */  http-backend repo: /' -e 's/; *$//'; grep -E '^ +[0-9]+ objects' "$TMP/$s-hangar.out" | sed -e 's/^ */  Hangar repo:       /' -e 's/; *$//'; echo; } >>"$REPORT" || true
done

# ---------------------------------------------------------------- report
stop_pid "$HANGAR_PID" TERM 20
HANGAR_PID=""
echo
echo "git transport: Hangar vs git http-backend — git $(git --version | awk '{print $3}'), $(lighttpd -v 2>/dev/null | head -1 | cut -d' ' -f1) + git http-backend (CGI), $(nproc) cores, load average at start $LOADAVG_START"
echo "Hangar: $DIST_NOTE; fs store, embedded PostgreSQL; started with HANGAR_LFS_THRESHOLD_BYTES=$LFS_THRESHOLD"
echo "        (shape B pushes its big file as a plain git blob, which Hangar's default 10 MiB threshold — HF's rule — refuses)"
echo "client: the scenarios of $(realpath --relative-to="$ROOT" "$BASELINE" 2>/dev/null || echo "$BASELINE"), hyperfine mean ± σ in seconds"
echo
cat "$REPORT"
echo "total wall time: $(($(date +%s) - T_START)) s"
