"""Large files through the real huggingface_hub client and Hangar's git-LFS batch API: single-PUT
("basic") and HF "multipart" uploads, folders mixing regular and LFS files, byte-identical
downloads, LFS metadata in the tree, and one stored copy per sha256. Runs with the newest client
(./.venv) and the last 0.x release (./.venv-hf0).

Xet is off for these tests (HF_HUB_DISABLE_XET): huggingface_hub >= 1.x uploads through Xet
whenever hf_xet is installed, without asking the server, and Hangar speaks LFS. The variable is
read at import time into `huggingface_hub.constants`, and every use reads it from there, so the
autouse fixture sets both; spies then prove each upload went through the LFS batch API (`basic`
or `multipart`) and that the Xet uploader was never called.

The server is the `hangar_lfs` fixture: LFS files of 64 MiB and more are uploaded in 5 MiB parts
(`multipart`), smaller ones with one PUT (`basic`)."""

from __future__ import annotations

import math
import os
from pathlib import Path

import huggingface_hub
import huggingface_hub._commit_api as commit_api
import huggingface_hub.lfs as hf_lfs
import pytest
import requests
from huggingface_hub import HfApi, hf_hub_download, snapshot_download
from huggingface_hub.errors import HfHubHTTPError
from huggingface_hub.utils._runtime import is_xet_available
from conftest import point_0x_client_at, sha256_of, unique, write_random  # noqa: E402

HF_MAJOR = int(huggingface_hub.__version__.split(".")[0])
MiB = 1024 * 1024
CHUNK = 5 * MiB  # HANGAR_LFS_MULTIPART_CHUNK_BYTES of the hangar_lfs fixture


def stored_lfs_objects(hangar_lfs) -> list[Path]:
    """The LFS objects on disk (`objects/lfs/<aa>/<bb>/<oid>`), uploads in progress excluded."""
    root = hangar_lfs.data_dir / "objects" / "lfs"
    if not root.exists():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and p.relative_to(root).parts[0] != "staging")


@pytest.fixture(autouse=True)
def lfs_transfers(hangar_lfs, monkeypatch):
    """Xet off, the 0.x endpoint set, and a record of how each file was uploaded:
    path_in_repo -> ("basic", 1) or ("multipart", number of parts)."""
    monkeypatch.setenv("HF_HUB_DISABLE_XET", "1")
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_DISABLE_XET", True)
    assert not is_xet_available()

    def no_xet(*args, **kwargs):
        raise AssertionError("huggingface_hub tried to upload through Xet; these tests need the LFS batch API")

    monkeypatch.setattr(commit_api, "_upload_xet_files", no_xet)

    seen: dict[str, tuple[str, int]] = {}
    single, multi = hf_lfs._upload_single_part, hf_lfs._upload_multi_part

    def spy_single(operation, upload_url):
        seen[operation.path_in_repo] = ("basic", 1)
        return single(operation=operation, upload_url=upload_url)

    def spy_multi(operation, header, chunk_size, upload_url):
        parts = sum(1 for k in header if str(k).isdigit())
        assert chunk_size == CHUNK, header.get("chunk_size")
        seen[operation.path_in_repo] = ("multipart", parts)
        return multi(operation=operation, header=header, chunk_size=chunk_size, upload_url=upload_url)

    monkeypatch.setattr(hf_lfs, "_upload_single_part", spy_single)
    monkeypatch.setattr(hf_lfs, "_upload_multi_part", spy_multi)

    point_0x_client_at(hangar_lfs.url, monkeypatch)
    return seen


@pytest.fixture(scope="module")
def user(hangar_lfs):
    name = unique("pylfs")
    return name, hangar_lfs.new_user_token(name)


@pytest.fixture
def api(hangar_lfs, user) -> HfApi:
    return HfApi(endpoint=hangar_lfs.url, token=user[1])


@pytest.fixture
def repo_id(api, user) -> str:
    rid = f"{user[0]}/{unique('m')}"
    api.create_repo(rid)
    return rid


def tree(hangar_lfs, user, repo_id: str) -> dict[str, dict]:
    """The raw tree listing (`GET /api/models/{id}/tree/main?recursive=true`), by path."""
    r = requests.get(
        f"{hangar_lfs.url}/api/models/{repo_id}/tree/main",
        params={"recursive": "true"},
        headers={"Authorization": f"Bearer {user[1]}"},
        timeout=30,
    )
    assert r.status_code == 200, r.text
    return {e["path"]: e for e in r.json()}


def assert_lfs(entry, sha256: str, size: int) -> None:
    """A RepoFile of get_paths_info / list_repo_tree that is an LFS file of this content."""
    assert entry.size == size
    assert entry.lfs is not None, entry
    assert entry.lfs.sha256 == sha256
    assert entry.lfs.size == size
    assert 100 < entry.lfs.pointer_size < 200


def test_upload_file_200mib_goes_multipart_and_downloads_byte_identical(api, hangar_lfs, user, repo_id, lfs_transfers, tmp_path):
    big = tmp_path / "big.safetensors"
    size = 200 * MiB
    digest = write_random(big, size)
    try:
        info = api.upload_file(path_or_fileobj=str(big), path_in_repo="weights/big.safetensors", repo_id=repo_id, commit_message="200 MiB")
    finally:
        big.unlink()
    assert lfs_transfers == {"weights/big.safetensors": ("multipart", math.ceil(size / CHUNK))}

    # The server holds it as an LFS object: the tree says so, and the bytes sit in the LFS store.
    entry = tree(hangar_lfs, user, repo_id)["weights/big.safetensors"]
    assert entry["lfs"]["oid"] == digest and entry["lfs"]["size"] == size and entry["size"] == size
    assert digest in [p.name for p in stored_lfs_objects(hangar_lfs)]
    assert (hangar_lfs.data_dir / "objects" / "lfs" / digest[:2] / digest[2:4] / digest).stat().st_size == size

    (paths_info,) = api.get_paths_info(repo_id, ["weights/big.safetensors"])
    assert_lfs(paths_info, digest, size)

    got = hf_hub_download(repo_id, "weights/big.safetensors", endpoint=hangar_lfs.url, token=user[1], cache_dir=tmp_path / "cache")
    assert os.path.getsize(got) == size
    assert sha256_of(got) == digest
    # The commit the upload returned is the one the file resolves at.
    assert api.model_info(repo_id).sha == info.oid


def test_upload_file_basic_and_multipart_sizes_and_lfs_metadata(api, hangar_lfs, user, repo_id, lfs_transfers, tmp_path):
    small = tmp_path / "small.bin"  # LFS by suffix (.gitattributes), under one part: one PUT
    medium = tmp_path / "medium.dat"  # LFS by size (> 10 MiB), under the multipart threshold: one PUT
    small_sha, medium_sha = write_random(small, 3 * MiB + 5), write_random(medium, 20 * MiB)
    api.upload_file(path_or_fileobj=str(small), path_in_repo="small.bin", repo_id=repo_id)
    api.upload_file(path_or_fileobj=str(medium), path_in_repo="data/medium.dat", repo_id=repo_id)
    assert lfs_transfers == {"small.bin": ("basic", 1), "data/medium.dat": ("basic", 1)}

    infos = {e.path: e for e in api.get_paths_info(repo_id, ["small.bin", "data/medium.dat", ".gitattributes"])}
    assert_lfs(infos["small.bin"], small_sha, 3 * MiB + 5)
    assert_lfs(infos["data/medium.dat"], medium_sha, 20 * MiB)
    assert infos[".gitattributes"].lfs is None

    listed = {e.path: e for e in api.list_repo_tree(repo_id, recursive=True) if hasattr(e, "lfs")}
    assert_lfs(listed["small.bin"], small_sha, 3 * MiB + 5)
    assert_lfs(listed["data/medium.dat"], medium_sha, 20 * MiB)
    assert listed[".gitattributes"].lfs is None

    for name, digest in (("small.bin", small_sha), ("data/medium.dat", medium_sha)):
        got = hf_hub_download(repo_id, name, endpoint=hangar_lfs.url, token=user[1], cache_dir=tmp_path / "cache")
        assert sha256_of(got) == digest, name


def test_upload_folder_mixing_regular_and_lfs_files_and_snapshot_download(api, hangar_lfs, user, repo_id, lfs_transfers, tmp_path):
    folder = tmp_path / "folder"
    folder.mkdir()
    # (with a metadata block: Hangar's validate-yaml answers a card without one with warnings as
    # plain strings, which huggingface_hub >= 1.x cannot read; see the report)
    (folder / "README.md").write_text("---\nlicense: mit\n---\n# mixed\n")
    (folder / "config.json").write_text('{"hidden_size": 8}\n')
    (folder / "sub").mkdir()
    (folder / "sub" / "notes.txt").write_text("small text\n" * 100)
    digests = {
        "README.md": sha256_of(folder / "README.md"),
        "config.json": sha256_of(folder / "config.json"),
        "sub/notes.txt": sha256_of(folder / "sub" / "notes.txt"),
        "weights/tiny.bin": write_random(folder / "weights" / "tiny.bin", 4096),  # LFS by suffix
        "weights/shard.bin": write_random(folder / "weights" / "shard.bin", 6 * MiB + 1),  # LFS, one PUT
        "data/table.dat": write_random(folder / "data" / "table.dat", 11 * MiB),  # LFS by size, one PUT
    }
    lfs_files = {"weights/tiny.bin", "weights/shard.bin", "data/table.dat"}
    api.upload_folder(folder_path=str(folder), repo_id=repo_id, commit_message="mixed folder")
    assert lfs_transfers == {"weights/tiny.bin": ("basic", 1), "weights/shard.bin": ("basic", 1), "data/table.dat": ("basic", 1)}

    entries = tree(hangar_lfs, user, repo_id)
    for path, digest in digests.items():
        if path in lfs_files:
            assert entries[path]["lfs"]["oid"] == digest, path
        else:
            assert "lfs" not in entries[path] or entries[path]["lfs"] is None, entries[path]
    files = {e.path: e for e in api.list_repo_tree(repo_id, recursive=True) if hasattr(e, "lfs")}
    assert {p for p, e in files.items() if e.lfs is not None} == lfs_files

    local = snapshot_download(repo_id, endpoint=hangar_lfs.url, token=user[1], cache_dir=tmp_path / "cache")
    for path, digest in digests.items():
        assert sha256_of(Path(local) / path) == digest, path
    got = sorted(str(p.relative_to(local)) for p in Path(local).rglob("*") if p.is_file())
    assert got == sorted([*digests, ".gitattributes"])


def test_same_content_in_a_second_repository_is_stored_once(api, hangar_lfs, user, lfs_transfers, tmp_path):
    first, second = f"{user[0]}/{unique('d1')}", f"{user[0]}/{unique('d2')}"
    api.create_repo(first)
    api.create_repo(second)
    content = tmp_path / "shared.bin"
    size = 7 * MiB
    digest = write_random(content, size)
    api.upload_file(path_or_fileobj=str(content), path_in_repo="shared.bin", repo_id=first)
    assert lfs_transfers == {"shared.bin": ("basic", 1)}
    before = stored_lfs_objects(hangar_lfs)
    assert [p.name for p in before].count(digest) == 1

    lfs_transfers.clear()
    api.upload_file(path_or_fileobj=str(content), path_in_repo="copy/shared.bin", repo_id=second)
    # The server answered the batch without upload actions: the client sent no bytes.
    assert lfs_transfers == {}
    after = stored_lfs_objects(hangar_lfs)
    assert after == before
    (entry,) = api.get_paths_info(second, ["copy/shared.bin"])
    assert_lfs(entry, digest, size)
    got = hf_hub_download(second, "copy/shared.bin", endpoint=hangar_lfs.url, token=user[1], cache_dir=tmp_path / "cache")
    assert sha256_of(got) == digest


def test_list_lfs_files_and_permanently_delete_them(api, hangar_lfs, user, repo_id, tmp_path):
    """The client's own calls: list_lfs_files, then permanently_delete_lfs_files with and without
    rewrite_history. A file some ref reaches is refused (409) unless history is rewritten."""
    kept, dropped = tmp_path / "kept.bin", tmp_path / "dropped.bin"
    kept_sha, dropped_sha = write_random(kept, 1 * MiB), write_random(dropped, 2 * MiB)
    api.upload_file(path_or_fileobj=str(dropped), path_in_repo="ckpt/dropped.bin", repo_id=repo_id)
    api.upload_file(path_or_fileobj=str(kept), path_in_repo="kept.bin", repo_id=repo_id)
    api.delete_file("ckpt/dropped.bin", repo_id=repo_id)
    titles = [c.title for c in api.list_repo_commits(repo_id)]

    files = {f.file_oid: f for f in api.list_lfs_files(repo_id)}
    assert {(sha, f.filename, f.size, f.ref) for sha, f in files.items()} == {
        (kept_sha, "kept.bin", 1 * MiB, "refs/heads/main"),
        (dropped_sha, "ckpt/dropped.bin", 2 * MiB, "refs/heads/main"),
    }

    with pytest.raises(HfHubHTTPError) as err:
        api.permanently_delete_lfs_files(repo_id, [files[dropped_sha]], rewrite_history=False)
    assert err.value.response.status_code == 409
    assert err.value.response.headers["X-Error-Code"] == "LfsFileReferenced"
    assert {f.file_oid for f in api.list_lfs_files(repo_id)} == {kept_sha, dropped_sha}

    api.permanently_delete_lfs_files(repo_id, [files[dropped_sha]])
    assert [f.file_oid for f in api.list_lfs_files(repo_id)] == [kept_sha]
    assert [c.title for c in api.list_repo_commits(repo_id)] == titles
    for c in api.list_repo_commits(repo_id):
        assert "ckpt/dropped.bin" not in {e.path for e in api.list_repo_tree(repo_id, revision=c.commit_id, recursive=True)}
    got = hf_hub_download(repo_id, "kept.bin", endpoint=hangar_lfs.url, token=user[1], cache_dir=tmp_path / "cache")
    assert sha256_of(got) == kept_sha
