"""Global deduplication across users with the real huggingface_hub + hf_xet: a second user with an
empty client cache uploads a file that is already in a public repository, and Hangar's answer to
the client's dedup query (`GET /v1/chunks/default/{hash}`) lets it skip every xorb. Hangar's
`hangar_xet_xorb_bytes_received_total` counter (GET /metrics) measures what was sent. (The
single-user flows are in test_xet.py.) Skipped where hf_xet is not installed."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pytest
import requests

pytest.importorskip("hf_xet")

import huggingface_hub  # noqa: E402
from huggingface_hub import HfApi  # noqa: E402
from conftest import MiB, unique, xorb_bytes_received  # noqa: E402


pytestmark = pytest.mark.usefixtures("hf0_endpoint")


@pytest.fixture(autouse=True)
def xet_enabled(monkeypatch):
    """Xet on, whatever the caller's environment says (the LFS tests turn it off)."""
    monkeypatch.delenv("HF_HUB_DISABLE_XET", raising=False)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_DISABLE_XET", False)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def new_repo(hangar, prefix: str) -> tuple[HfApi, str]:
    user = unique(prefix)
    api = HfApi(endpoint=hangar.url, token=hangar.new_user_token(user))
    repo_id = f"{user}/{unique('model')}"
    api.create_repo(repo_id, private=True)
    return api, repo_id


def download(hangar, api: HfApi, repo_id: str, filename: str) -> bytes:
    r = requests.get(f"{hangar.url}/{repo_id}/resolve/main/{filename}", headers={"Authorization": f"Bearer {api.token}"}, timeout=120)
    assert r.status_code == 200, r.text[:500]
    return r.content


def dedup_hits(url: str) -> float:
    text = requests.get(url + "/metrics", timeout=30).text
    m = re.search(r'^hangar_http_requests_total\{method="GET",route="/v1/chunks/default/:hash",status="200"\} (\S+)$', text, re.M)
    return float(m.group(1)) if m else 0.0


def test_another_user_uploading_a_public_file_again_sends_nothing_through_global_dedup(hangar, tmp_path: Path, monkeypatch):
    """A second user, with an empty client cache (so nothing is known locally), uploads a file
    already in a public repository: Hangar's global dedup answer covers it, no xorb is sent."""
    owner = unique("xet-pub")
    api = HfApi(endpoint=hangar.url, token=hangar.new_user_token(owner))
    api.create_repo(f"{owner}/shared")
    data = os.urandom(80 * MiB)  # two xorbs
    path = tmp_path / "shared.bin"
    path.write_bytes(data)
    api.upload_file(path_or_fileobj=str(path), path_in_repo="shared.bin", repo_id=f"{owner}/shared")

    monkeypatch.setenv("HF_XET_CACHE", str(tmp_path / "fresh-xet-cache"))
    other, repo_id = new_repo(hangar, "xet-other")
    before, hits = xorb_bytes_received(hangar.url), dedup_hits(hangar.url)
    other.upload_file(path_or_fileobj=str(path), path_in_repo="copy.bin", repo_id=repo_id)

    assert dedup_hits(hangar.url) > hits
    assert xorb_bytes_received(hangar.url) - before < MiB
    assert sha256_of(download(hangar, other, repo_id, "copy.bin")) == sha256_of(data)
