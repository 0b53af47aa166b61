"""Large-file uploads through Xet with the real, unmodified huggingface_hub + hf_xet (./.venv),
and no environment variable: the client asks Hangar for a Xet write token, uploads xorbs and a
shard to Hangar's CAS endpoints, then commits the file as an LFS pointer.

Hangar's `hangar_xet_xorb_bytes_received_total` counter (GET /metrics) proves the bytes went
through Xet, and measures what deduplication saved on a re-upload of an edited file.

huggingface_hub 0.x (./.venv-hf0) uploads through Xet only when the LFS batch API answers
`transfer: "xet"`, which Hangar does not do yet: there it uploads through LFS (test_lfs.py), and
these tests are skipped. They are skipped too where hf_xet is not installed."""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from pathlib import Path

import pytest
import requests

pytest.importorskip("hf_xet")

import huggingface_hub  # noqa: E402
from huggingface_hub import HfApi  # noqa: E402

if int(huggingface_hub.__version__.split(".")[0]) == 0:
    pytest.skip("huggingface_hub 0.x uses Xet only on an LFS batch answer of transfer 'xet' (not built yet)", allow_module_level=True)

MiB = 1024 * 1024


@pytest.fixture(autouse=True)
def xet_enabled(monkeypatch):
    """Xet on, whatever the caller's environment says (the LFS tests turn it off)."""
    monkeypatch.delenv("HF_HUB_DISABLE_XET", raising=False)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_DISABLE_XET", False)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def xorb_bytes_received(url: str) -> float:
    text = requests.get(url + "/metrics", timeout=30).text
    m = re.search(r"^hangar_xet_xorb_bytes_received_total (\S+)$", text, re.M)
    assert m, "hangar_xet_xorb_bytes_received_total missing from /metrics"
    return float(m.group(1))


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


def test_upload_file_goes_through_xet_and_downloads_byte_identical(hangar, tmp_path: Path):
    api, repo_id = new_repo(hangar, "xet-up")
    data = os.urandom(20 * MiB)
    path = tmp_path / "big.bin"
    path.write_bytes(data)
    before = xorb_bytes_received(hangar.url)

    api.upload_file(path_or_fileobj=str(path), path_in_repo="big.bin", repo_id=repo_id)

    received = xorb_bytes_received(hangar.url) - before
    assert 20 * MiB <= received < 21 * MiB, received  # random bytes: every chunk is new, stored uncompressed
    (info,) = api.get_paths_info(repo_id, ["big.bin"])
    assert info.lfs is not None and info.lfs.sha256 == sha256_of(data) and info.size == len(data)
    assert sha256_of(download(hangar, api, repo_id, "big.bin")) == sha256_of(data)


def test_reupload_of_an_edited_file_sends_only_the_changed_chunks(hangar, tmp_path: Path):
    """100 MiB, then the same with 1 MiB in the middle changed: the second upload's xorbs hold
    the changed chunks only (plus the chunks the edit straddles), well under 5 MiB."""
    api, repo_id = new_repo(hangar, "xet-dedup")
    data = bytearray(os.urandom(100 * MiB))
    path = tmp_path / "weights.bin"
    path.write_bytes(data)
    api.upload_file(path_or_fileobj=str(path), path_in_repo="weights.bin", repo_id=repo_id)

    data[50 * MiB : 51 * MiB] = os.urandom(MiB)
    path.write_bytes(data)
    before = xorb_bytes_received(hangar.url)
    api.upload_file(path_or_fileobj=str(path), path_in_repo="weights.bin", repo_id=repo_id)

    received = xorb_bytes_received(hangar.url) - before
    assert 0 < received < 5 * MiB, received
    assert sha256_of(download(hangar, api, repo_id, "weights.bin")) == sha256_of(bytes(data))


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
