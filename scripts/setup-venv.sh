#!/usr/bin/env bash
# Creates ./.venv with the Python packages the client tests and the S3 test server need, and
# ./.venv-hf0 with the last 0.x huggingface_hub (requirements-hf0.txt) for the second client run.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then python3 -m venv .venv; fi
.venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
if [ ! -x .venv-hf0/bin/python ]; then python3 -m venv .venv-hf0; fi
.venv-hf0/bin/pip install --quiet --disable-pip-version-check -r requirements-hf0.txt
