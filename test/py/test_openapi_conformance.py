"""The committed OpenAPI document tells the truth about what Hangar answers (issue 22 item 15):
schemathesis (a property-based fuzzer, pinned in requirements.txt) sends a few generated
requests to every operation, with a write token and the admin token, and checks that each
answer's status code is declared, its body matches the declared schema and its Content-Type
is a declared one. Bounded (few examples per operation, three checks) so that it fits in CI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from conftest import ROOT, commit_ndjson

CHECKS = "status_code_conformance,response_schema_conformance,content_type_conformance"


def schemathesis_cli() -> list[str]:
    """schemathesis from this interpreter's environment (./.venv, from requirements.txt). The
    document does not depend on the client version, so the run with the 0.x client (.venv-hf0,
    without schemathesis) skips it instead of fuzzing the same server a second time."""
    try:
        import schemathesis  # noqa: F401
    except ImportError:
        pytest.skip("schemathesis is not in this venv: the conformance run belongs to ./.venv (requirements.txt)")
    return [sys.executable, "-m", "schemathesis.cli"]


def seed_the_examples(hangar) -> str:
    """The repositories the document's examples name (`alice/my-model` with `config.json` and a
    `checkpoints` folder, of each type), so that example requests reach the success answers
    too; returns alice's write token."""
    token = hangar.new_user_token("alice")
    auth = {"Authorization": f"Bearer {token}"}
    lines = [
        {"key": "header", "value": {"summary": "examples"}},
        {"key": "file", "value": {"path": "config.json", "content": "e30=", "encoding": "base64"}},
        {"key": "file", "value": {"path": "checkpoints/step-1.txt", "content": "MQ==", "encoding": "base64"}},
    ]
    for kind in ("model", "dataset", "space"):
        extra = {"sdk": "static"} if kind == "space" else {}
        r = requests.post(f"{hangar.url}/api/repos/create", json={"name": "my-model", "type": kind, **extra}, headers=auth, timeout=30)
        assert r.status_code == 200, r.text
        r = commit_ndjson(hangar.url, token, "alice/my-model", lines, repo_type=kind)
        assert r.status_code == 200, r.text
    return token


def remove_fallback_sources(hangar) -> None:
    """Schemathesis adds fallback sources with made-up URLs. Live, they would turn every missing
    repository of this shared server into an upstream error for the test files that come after."""
    listed = hangar.admin("GET", "/admin/api/fallback-sources")
    assert listed.status_code == 200, listed.text
    for source in listed.json():
        r = hangar.admin("DELETE", f"/admin/api/fallback-sources/{source['id']}")
        assert r.status_code == 200, r.text
    assert hangar.admin("GET", "/admin/api/fallback-sources").json() == []


def test_every_operation_answers_as_documented(hangar, tmp_path):
    token = seed_the_examples(hangar)
    cli = schemathesis_cli()
    report = tmp_path / "report.json"
    cmd = [
        *cli,
        "run",
        str(ROOT / "openapi" / "openapi.json"),
        "--url",
        hangar.url,
        "--checks",
        CHECKS,
        "--max-examples",
        os.environ.get("HANGAR_ST_MAX_EXAMPLES", "3"),
        "--seed",
        "22",
        "--generation-deterministic",
        "--phases",
        "examples,coverage,fuzzing",
        "--continue-on-failure",
        "--request-timeout",
        "30",
        "--no-color",
        "-H",
        f"Authorization: Bearer {token}",
        "-H",
        f"X-Admin-Token: {hangar.admin_token}",
        "--generation-with-security-parameters",
        "false",
        "--suppress-health-check",
        "all",
        # The admin event stream stays open by design (events.e2e.spec.ts covers it); fuzzing it
        # would only wait for the request timeout.
        "--exclude-path",
        "/admin/api/events",
    ]
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "st_hooks", "PYTHONPATH": str(Path(__file__).parent)}
    try:
        out = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    finally:
        remove_fallback_sources(hangar)
    if out.returncode != 0 or os.environ.get("HANGAR_ST_LOG"):  # keep schemathesis's report of the run
        Path(os.environ.get("HANGAR_ST_LOG", tmp_path / "st.log")).write_text(out.stdout + out.stderr)
    assert out.returncode == 0, out.stdout[-12000:] + out.stderr[-3000:]
