# Sourced by the bench scripts (needs ROOT, BENCH, TMP and the functions log and fail).
# prepare_dist_snapshot NAME: builds dist/ when it is missing or older than the sources (unless
# BENCH_NO_BUILD=1), then copies it to $BENCH/.run-NAME-<tmp id>/dist so that a rebuild by someone
# else during the run (nest build empties dist/ first) cannot take files away from the running
# Hangar; the copy sits under bench/ so node_modules is still found by walking up (bench/.gitignore
# has .run-*/). Sets SNAP (the copy) and DIST_NOTE (when dist/ was built, for the report header).
prepare_dist_snapshot() {
  local name=$1
  cd "$ROOT"
  if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
    if [ ! -f dist/src/main.js ]; then
      log "dist/src/main.js missing: npx nest build"
      npx nest build >"$TMP/build.log" 2>&1 || { cat "$TMP/build.log" >&2; fail "npx nest build failed"; }
    elif [ -n "$(find src migrations -name '*.ts' -newer dist/src/main.js 2>/dev/null | head -n 1)" ]; then
      log "sources newer than dist/: npx nest build (BENCH_NO_BUILD=1 skips)"
      npx nest build >"$TMP/build.log" 2>&1 || { cat "$TMP/build.log" >&2; fail "npx nest build failed"; }
    fi
  fi
  [ -f dist/src/main.js ] || fail "dist/src/main.js is missing (run npx nest build)"
  compgen -G 'dist/migrations/*.js' >/dev/null || fail "dist/migrations/ has no migrations: dist/ is incomplete (a build in progress?); run npx nest build"
  DIST_NOTE="dist/src/main.js built $(date -u -r dist/src/main.js +%Y-%m-%dT%H:%M:%SZ)"
  [ -n "$(find src migrations -name '*.ts' -newer dist/src/main.js 2>/dev/null | head -n 1)" ] && DIST_NOTE="$DIST_NOTE, OLDER than some sources"
  SNAP="$BENCH/.run-$name-${TMP##*.}"
  mkdir -p "$SNAP"
  cp -a dist "$SNAP/dist"
  [ -f "$SNAP/dist/src/main.js" ] && compgen -G "$SNAP/dist/migrations/*.js" >/dev/null || fail "copying dist/ raced with a build; run again"
}
