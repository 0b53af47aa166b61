#!/usr/bin/env bash
# The crash test with more kills than CI runs: 20 SIGKILLs per operation (NDJSON commit, git push,
# LFS upload + commit, Xet upload), each followed by a restart and the full consistency check
# (test/crash/sigkill.spec.ts). KILLS=<n> changes the count. Needs a build (npx nest build) and,
# like the tests, HANGAR_TEST_DATABASE_URL or the embedded PostgreSQL jest starts.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
HANGAR_CRASH_KILLS="${KILLS:-20}" npx jest --runInBand test/crash
echo "crash bench: ${KILLS:-20} kills per operation, passed in $(( $(date +%s) - started ))s"
