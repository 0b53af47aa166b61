# Sourced first by every bench script, after it sets BENCH_NAME (its file name) and, if it wants
# another tag on its log lines than "bench", LOG_TAG. Gives log, fail, need and need_check.

log() { printf '[%s %s] %s\n' "${LOG_TAG:-bench}" "$(date +%H:%M:%S)" "$*" >&2; }
fail() {
  printf '\n%s: FAILED: %s\n' "$BENCH_NAME" "$*" >&2
  exit 1
}

# need TOOL HINT notes a missing tool; need_check then names every missing one and exits 2, so a
# run never starts only to stop half way for want of a tool.
missing=()
need() { command -v "$1" >/dev/null 2>&1 || missing+=("$1 ($2)"); }
need_check() {
  [ ${#missing[@]} -eq 0 ] && return 0
  printf '%s: missing tools:\n' "$BENCH_NAME" >&2
  printf '  - %s\n' "${missing[@]}" >&2
  exit 2
}
