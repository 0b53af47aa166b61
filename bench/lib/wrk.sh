# Sourced by the bench scripts that load URLs with wrk (needs BENCH, TMP, HELPER, DURATION, CONNS,
# THREADS, WARMUP and the functions log and fail).

# wrk_load URL → "req_per_s errors" of one wrk run of anonymous GETs (as a public download is).
wrk_load() {
  local out="$TMP/load.txt"
  timeout $((DURATION + 60)) wrk -c"$CONNS" -t"$THREADS" -d"${DURATION}s" --timeout 10s -s "$BENCH/get.lua" "$1" >"$out" 2>&1 || fail "wrk failed: $(cat "$out")"
  node "$HELPER" wrk-summary "$out" | awk -F'\t' '{ printf "%.0f %d\n", $1, $4 }'
}

# wrk_warm URL…: WARMUP seconds of unrecorded load on each URL (none when WARMUP is 0).
wrk_warm() {
  [ "$WARMUP" -gt 0 ] || return 0
  log "warm-up: ${WARMUP}s on each of $# URLs"
  local url
  for url in "$@"; do timeout $((WARMUP + 30)) wrk -c"$CONNS" -t"$THREADS" -d"${WARMUP}s" -s "$BENCH/get.lua" "$url" >/dev/null 2>&1 || true; done
}
