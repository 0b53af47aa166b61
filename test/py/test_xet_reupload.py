"""A Xet re-upload after the repository that held the bytes was deleted, as a user hits it.

hf_xet keeps the shards of its own uploads in its cache (under HF_HOME) for three weeks and, from
any later process, answers its dedup questions from them: xorbs it uploaded before are not sent
again, the new shard just names them. So: upload to repo A, delete A, create B, upload the same
bytes again from a fresh process with the same HF_HOME: Hangar must accept the shard (the xorbs
are the uploader's, whatever became of A) and B must serve the same bytes. Each step runs in its
own process, as separate `hf upload` runs would. Skipped where hf_xet is not installed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

pytest.importorskip("hf_xet")

from conftest import MiB, sha256_of, unique, write_random  # noqa: E402

UPLOAD = (
    "import sys; from huggingface_hub import HfApi; api = HfApi(); "
    "api.create_repo(sys.argv[1], private=True); "
    "api.upload_file(path_or_fileobj=sys.argv[2], path_in_repo='weights.bin', repo_id=sys.argv[1])"
)
DELETE = "import sys; from huggingface_hub import HfApi; HfApi().delete_repo(sys.argv[1])"


def run(script: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    out = subprocess.run([sys.executable, "-c", script, *args], env=env, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-4000:]
    return out


def test_same_bytes_upload_again_after_the_repository_was_deleted(hangar, tmp_path: Path):
    name = unique("reup")
    token = hangar.new_user_token(name)
    env = {k: v for k, v in os.environ.items() if not k.startswith("HF_")}
    env.update(HF_ENDPOINT=hangar.url, HF_TOKEN=token, HF_HOME=str(tmp_path / "hf-home"))
    data = tmp_path / "weights.bin"
    digest = write_random(data, 12 * MiB)  # over the LFS threshold: goes through Xet

    repo_a, repo_b = f"{name}/{unique('a')}", f"{name}/{unique('b')}"
    run(UPLOAD, env, repo_a, str(data))
    assert list((tmp_path / "hf-home").rglob("*.mdb")), "hf_xet cached no shard: the test would prove nothing"
    run(DELETE, env, repo_a)
    run(UPLOAD, env, repo_b, str(data))

    r = requests.get(f"{hangar.url}/{repo_b}/resolve/main/weights.bin", headers={"Authorization": f"Bearer {token}"}, timeout=120)
    assert r.status_code == 200, r.text[:500]
    got = tmp_path / "got.bin"
    got.write_bytes(r.content)
    assert sha256_of(got) == digest
