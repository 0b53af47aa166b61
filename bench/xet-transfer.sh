#!/usr/bin/env bash
# Xet vs LFS benchmark on one Hangar: a 1 GiB file up and down through each path with the real
# huggingface_hub + hf_xet, the re-upload of a 1 MiB-edited copy (bytes sent, seconds), and a
# plain GET of the Xet file (reassembled by Hangar). See bench/xet-transfer.py and bench/README.md.
#
#   bash bench/xet-transfer.sh            # BENCH_XET_MIB=256 for a shorter run
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$ROOT/bench"
PY="$ROOT/.venv/bin/python"
BENCH_NAME=xet-transfer.sh
LOG_TAG=xet-bench
source "$BENCH/lib/common.sh" # log, fail, need, need_check
[ -x "$PY" ] || fail "$PY missing: bash scripts/setup-venv.sh"
"$PY" -c 'import hf_xet' 2>/dev/null || fail "hf_xet is not installed in .venv (bash scripts/setup-venv.sh)"
free_kib=$(df -Pk /tmp | awk 'NR == 2 { print $4 }')
[ "$free_kib" -gt $(((${BENCH_XET_MIB:-1024} * 8 + 1024) * 1024)) ] || fail "/tmp needs about $((${BENCH_XET_MIB:-1024} * 8 + 1024)) MiB free"

TMP=$(mktemp -d /tmp/hangar-xet-bench-sh.XXXXXX)
SNAP=""
trap '[ -n "$SNAP" ] && rm -rf "$SNAP"; rm -rf "$TMP"' EXIT
source "$BENCH/lib/dist-snapshot.sh"
prepare_dist_snapshot xet
log "$DIST_NOTE"
"$PY" "$BENCH/xet-transfer.py" --dist "$SNAP/dist"
