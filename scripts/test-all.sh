#!/usr/bin/env bash
# Runs every test: builds, then jest (unit + e2e) against PostgreSQL, then the e2e files again
# against the embedded PostgreSQL, then the pytest suite with the real huggingface_hub (the newest
# release, then the last 0.x release).
# PostgreSQL: HANGAR_TEST_DATABASE_URL (e.g. postgres://postgres:postgres@127.0.0.1:5432/postgres);
# when unset, every run uses the embedded PostgreSQL from npm.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
bash scripts/setup-venv.sh
npm run build
if [ -n "${HANGAR_TEST_DATABASE_URL:-}" ]; then
  echo "== jest: all tests, PostgreSQL at HANGAR_TEST_DATABASE_URL"
  npx jest --runInBand
  echo "== jest: end-to-end tests again, embedded PostgreSQL"
  HANGAR_TEST_DATABASE_URL= npx jest --runInBand test/e2e
else
  echo "== jest: all tests, embedded PostgreSQL"
  npx jest --runInBand
fi
echo "== pytest: huggingface_hub (newest, requirements.txt) against Hangar (embedded default)"
.venv/bin/python -m pytest -q test/py
echo "== pytest: huggingface_hub 0.x (requirements-hf0.txt) against Hangar (embedded default)"
.venv-hf0/bin/python -m pytest -q test/py
echo "== all tests passed in $(( $(date +%s) - started ))s"
