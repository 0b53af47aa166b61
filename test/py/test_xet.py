"""Large files through Xet, as a new user gets them: the newest huggingface_hub with hf_xet from
PyPI and no environment variable. Uploads go to Hangar's CAS (xet-write-token, xorbs, shards),
downloads come back byte-identical through every path a client may take: hf_xet's
reconstructions, a plain GET of `resolve` (Hangar reassembles the xorbs), a Range request,
huggingface_hub with HF_HUB_DISABLE_XET=1, and git + git-lfs. A re-upload of a copy with 1 MiB
changed in the middle sends Hangar less than 5 MiB of xorbs (its own counter, from /metrics).

huggingface_hub 0.x also uploads through Xet when hf_xet is installed and the LFS batch answers
the `xet` transfer, which Hangar does; both client versions run these tests."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from huggingface_hub import CommitOperationCopy, HfApi, hf_hub_download, snapshot_download
from conftest import MiB, sha256_of, unique, write_random, xorb_bytes_received  # noqa: E402

pytest.importorskip("hf_xet")


pytestmark = pytest.mark.usefixtures("hf0_endpoint")


@pytest.fixture(scope="module")
def user(hangar):
    token = hangar.new_user_token(unique("xet"))
    api = HfApi(endpoint=hangar.url, token=token)
    return api, token, api.whoami()["name"]


@pytest.fixture(scope="module")
def big_repo(hangar, user, tmp_path_factory):
    """A repository holding a 100 MiB random file uploaded with upload_file (through Xet)."""
    api, _token, name = user
    repo_id = f"{name}/{unique('big')}"
    api.create_repo(repo_id)
    path = tmp_path_factory.mktemp("big") / "big.bin"
    digest = write_random(path, 100 * MiB)
    before = xorb_bytes_received(hangar.url)
    info = api.upload_file(path_or_fileobj=str(path), path_in_repo="big.bin", repo_id=repo_id)
    received = xorb_bytes_received(hangar.url) - before
    return repo_id, path, digest, info, received


def test_upload_file_goes_through_xet_and_is_an_lfs_file(big_repo, user):
    api, _token, _name = user
    repo_id, _path, digest, info, received = big_repo
    # Random bytes do not compress: the whole file arrived as xorbs.
    assert received >= 100 * MiB
    assert re.fullmatch(r"[0-9a-f]{40}", info.oid)
    (entry,) = api.get_paths_info(repo_id, ["big.bin"])
    assert entry.lfs is not None and entry.lfs.sha256 == digest and entry.size == 100 * MiB
    if hasattr(entry, "xet_hash"):  # huggingface_hub >= 1.x reads the tree's xetHash
        assert entry.xet_hash and re.fullmatch(r"[0-9a-f]{64}", entry.xet_hash)


def test_hf_hub_download_through_xet(big_repo, hangar, user, tmp_path):
    _api, token, _name = user
    repo_id, _path, digest, _info, _received = big_repo
    head = requests.head(f"{hangar.url}/{repo_id}/resolve/main/big.bin", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert head.headers.get("X-Xet-Hash") and "xet-auth" in head.headers.get("Link", "")
    local = hf_hub_download(repo_id, "big.bin", endpoint=hangar.url, token=token, cache_dir=tmp_path)
    assert sha256_of(local) == digest


def test_plain_http_and_range_get_reassembled_bytes(big_repo, hangar, user):
    _api, token, _name = user
    repo_id, path, digest, _info, _received = big_repo
    url = f"{hangar.url}/{repo_id}/resolve/main/big.bin"
    auth = {"Authorization": f"Bearer {token}"}
    h = hashlib.sha256()
    with requests.get(url, headers=auth, stream=True, timeout=120) as r:
        assert r.status_code == 200 and r.headers["Content-Length"] == str(100 * MiB)
        for piece in r.iter_content(MiB):
            h.update(piece)
    assert h.hexdigest() == digest
    start, end = 33 * MiB - 5, 67 * MiB + 11  # spans chunk and xorb boundaries
    r = requests.get(url, headers={**auth, "Range": f"bytes={start}-{end}"}, timeout=120)
    assert r.status_code == 206 and r.headers["Content-Range"] == f"bytes {start}-{end}/{100 * MiB}"
    with open(path, "rb") as f:
        f.seek(start)
        assert hashlib.sha256(r.content).hexdigest() == hashlib.sha256(f.read(end - start + 1)).hexdigest()


def test_download_with_xet_disabled(big_repo, hangar, user, tmp_path):
    _api, token, _name = user
    repo_id, _path, digest, _info, _received = big_repo
    script = (
        "import sys; from huggingface_hub import hf_hub_download; "
        "print(hf_hub_download(sys.argv[1], 'big.bin', endpoint=sys.argv[2], token=sys.argv[3], cache_dir=sys.argv[4]))"
    )
    env = {**os.environ, "HF_HUB_DISABLE_XET": "1"}
    out = subprocess.run([sys.executable, "-c", script, repo_id, hangar.url, token, str(tmp_path)], env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    assert sha256_of(out.stdout.strip().splitlines()[-1]) == digest


def test_git_clone_and_lfs_pull(big_repo, hangar, user, tmp_path):
    _api, token, name = user
    repo_id, _path, digest, _info, _received = big_repo
    u = urlsplit(hangar.url)
    remote = f"{u.scheme}://{name}:{token}@{u.netloc}/{repo_id}"
    env = {**os.environ, "GIT_LFS_SKIP_SMUDGE": "1", "GIT_TERMINAL_PROMPT": "0"}
    subprocess.run(["git", "clone", "-q", remote, str(tmp_path / "c")], env=env, check=True, timeout=300)
    assert (tmp_path / "c" / "big.bin").stat().st_size < 1024  # the pointer
    subprocess.run(["git", "lfs", "pull"], cwd=tmp_path / "c", env={**os.environ, "GIT_TERMINAL_PROMPT": "0"}, check=True, timeout=300)
    assert sha256_of(tmp_path / "c" / "big.bin") == digest


def test_edited_copy_sends_only_the_change(big_repo, hangar, user, tmp_path):
    api, token, _name = user
    repo_id, path, _digest, _info, _received = big_repo
    edited = tmp_path / "edited.bin"
    shutil.copyfile(path, edited)
    with open(edited, "r+b") as f:
        f.seek(50 * MiB)
        f.write(os.urandom(MiB))
    digest = sha256_of(edited)
    before = xorb_bytes_received(hangar.url)
    api.upload_file(path_or_fileobj=str(edited), path_in_repo="big.bin", repo_id=repo_id, commit_message="edit 1 MiB")
    received = xorb_bytes_received(hangar.url) - before
    assert 0 < received < 5 * MiB, f"{received} bytes of xorbs for a 1 MiB edit"
    local = hf_hub_download(repo_id, "big.bin", endpoint=hangar.url, token=token, cache_dir=tmp_path / "dl")
    assert sha256_of(local) == digest


def test_upload_folder_with_large_and_small_files(hangar, user, tmp_path):
    api, token, name = user
    repo_id = f"{name}/{unique('folder')}"
    api.create_repo(repo_id)
    src = tmp_path / "src"
    digests = {f"weights/part-{i}.bin": write_random(src / "weights" / f"part-{i}.bin", (12 + 3 * i) * MiB) for i in range(3)}
    for i in range(3):
        (src / f"notes-{i}.txt").write_text(f"small file {i}\n")
        digests[f"notes-{i}.txt"] = hashlib.sha256(f"small file {i}\n".encode()).hexdigest()
    api.upload_folder(folder_path=str(src), repo_id=repo_id)
    infos = {e.path: e for e in api.get_paths_info(repo_id, list(digests))}
    for i in range(3):
        assert infos[f"weights/part-{i}.bin"].lfs is not None
    assert infos["notes-0.txt"].lfs is None
    out = Path(snapshot_download(repo_id, endpoint=hangar.url, token=token, cache_dir=tmp_path / "snap"))
    assert {p: sha256_of(out / p) for p in digests} == digests


def test_copy_of_an_lfs_file_within_and_across_repositories(big_repo, hangar, user, tmp_path):
    """huggingface_hub 2.x copies an LFS file with an `lfsFile` line without a size, and across
    repositories first asks the source to let the target link the object (`lfs-files/duplicate`)."""
    api, token, name = user
    repo_id = big_repo[0]
    (source,) = api.get_paths_info(repo_id, ["big.bin"])
    api.create_commit(repo_id, [CommitOperationCopy(src_path_in_repo="big.bin", path_in_repo="copies/big.bin")], commit_message="copy")
    (copied,) = api.get_paths_info(repo_id, ["copies/big.bin"])
    assert copied.lfs is not None and copied.lfs.sha256 == source.lfs.sha256 and copied.size == source.size
    if "src_repo_id" not in getattr(CommitOperationCopy, "__dataclass_fields__", {}):
        return  # cross-repository copies arrived in huggingface_hub 1.x
    other = f"{name}/{unique('copy')}"
    api.create_repo(other)
    api.create_commit(other, [CommitOperationCopy(src_path_in_repo="big.bin", path_in_repo="w.bin", src_repo_id=repo_id, src_repo_type="model")], commit_message="copy across")
    (entry,) = api.get_paths_info(other, ["w.bin"])
    assert entry.lfs is not None and entry.lfs.sha256 == source.lfs.sha256
    local = hf_hub_download(other, "w.bin", endpoint=hangar.url, token=token, cache_dir=tmp_path)
    assert sha256_of(local) == source.lfs.sha256
