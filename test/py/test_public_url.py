"""Links follow the request: with HANGAR_BASE_URL unset, every URL Hangar hands out (repo and
commit URLs, LFS hrefs, Xet token routes and CAS URLs, signed storage URLs) is built from the
address the client used. The server listens on 0.0.0.0 and the real clients reach it through two
loopback addresses, 127.0.0.1 and 127.0.0.2: create_repo, upload_file through Xet and through
LFS, hf_hub_download through Xet, and git clone + git lfs pull all work on both. Before, links
pointed at `http://localhost:<port>`, which huggingface_hub refuses ("Unrecognized host") and
a client on another machine cannot reach. Runs with both client lines."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import huggingface_hub
import pytest
import requests
from huggingface_hub import HfApi, hf_hub_download
from conftest import MiB, Hangar, _running_hangar, point_0x_client_at, sha256_of, unique, write_random  # noqa: E402

pytest.importorskip("hf_xet")

ADDRESSES = ["127.0.0.1", "127.0.0.2"]


@pytest.fixture(scope="module")
def unset_base_url_hangar() -> Hangar:
    """A Hangar without HANGAR_BASE_URL, listening on every interface; files of 1 KiB and more
    are large files (so a 2 MiB upload is an LFS/Xet upload without a 10 MiB file)."""
    extra = {"HANGAR_BASE_URL": None, "HANGAR_HOST": "0.0.0.0", "HANGAR_LFS_THRESHOLD_BYTES": "1024"}
    with _running_hangar("hangar-py-url-", extra, log_copy_suffix=".url") as (url, admin_token, _data):
        yield Hangar(url=url, admin_token=admin_token)


@pytest.fixture(scope="module")
def user(unset_base_url_hangar):
    name = unique("pyurl")
    return name, unset_base_url_hangar.new_user_token(name)


def at(url: str, address: str) -> str:
    """The same server's URL through another address."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{address}:{parts.port}"


@pytest.mark.parametrize("address", ADDRESSES)
def test_clients_work_through_any_address(unset_base_url_hangar, user, address, tmp_path, monkeypatch):
    name, token = user
    endpoint = at(unset_base_url_hangar.url, address)
    point_0x_client_at(endpoint, monkeypatch)
    api = HfApi(endpoint=endpoint, token=token)

    repo_id = f"{name}/{unique('url')}"
    repo_url = api.create_repo(repo_id)
    assert str(repo_url).startswith(endpoint + "/"), repo_url

    xet_file = tmp_path / "xet.bin"
    xet_digest = write_random(xet_file, 2 * MiB)
    info = api.upload_file(path_or_fileobj=str(xet_file), path_in_repo="xet.bin", repo_id=repo_id)
    assert info.commit_url.startswith(endpoint + "/"), info.commit_url

    # The same client with Xet off uploads through the LFS batch API and its signed hrefs.
    monkeypatch.setenv("HF_HUB_DISABLE_XET", "1")
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_DISABLE_XET", True)
    lfs_file = tmp_path / "lfs.bin"
    lfs_digest = write_random(lfs_file, 2 * MiB)
    api.upload_file(path_or_fileobj=str(lfs_file), path_in_repo="lfs.bin", repo_id=repo_id)
    monkeypatch.delenv("HF_HUB_DISABLE_XET")
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_DISABLE_XET", False)

    entries = {e.path: e for e in api.get_paths_info(repo_id, ["xet.bin", "lfs.bin"])}
    assert entries["xet.bin"].lfs is not None and entries["xet.bin"].lfs.sha256 == xet_digest
    assert entries["lfs.bin"].lfs is not None and entries["lfs.bin"].lfs.sha256 == lfs_digest

    # Resolve hands out the Xet links under the address used; hf_xet then follows them.
    head = requests.head(f"{endpoint}/{repo_id}/resolve/main/xet.bin", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert head.headers.get("X-Xet-Hash"), head.headers
    assert f"<{endpoint}/api/models/{repo_id}/xet-read-token/" in head.headers.get("Link", "")
    local = hf_hub_download(repo_id, "xet.bin", endpoint=endpoint, token=token, cache_dir=tmp_path / "cache")
    assert sha256_of(local) == xet_digest

    remote = f"http://{name}:{token}@{address}:{urlsplit(endpoint).port}/{repo_id}"
    env = {**os.environ, "GIT_LFS_SKIP_SMUDGE": "1", "GIT_TERMINAL_PROMPT": "0"}
    subprocess.run(["git", "clone", "-q", remote, str(tmp_path / "c")], env=env, check=True, timeout=300)
    assert (tmp_path / "c" / "lfs.bin").stat().st_size < 1024  # the pointer
    pull_env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
    subprocess.run(["git", "lfs", "pull"], cwd=tmp_path / "c", env=pull_env, check=True, timeout=300)
    assert sha256_of(tmp_path / "c" / "xet.bin") == xet_digest
    assert sha256_of(Path(tmp_path / "c" / "lfs.bin")) == lfs_digest


def test_forwarded_headers_from_a_trusted_proxy_set_the_links(unset_base_url_hangar, user):
    """X-Forwarded-Host/Proto count only from a trusted proxy (HANGAR_TRUST_PROXY, default
    loopback). The test client is on loopback, so a spoofed header is honoured here; the jest
    suite covers the untrusted case. What this pins: the forwarded host is what comes back."""
    name, token = user
    r = requests.post(
        unset_base_url_hangar.url + "/api/repos/create",
        json={"name": unique("fwd"), "type": "model"},
        headers={"Authorization": f"Bearer {token}", "X-Forwarded-Host": "hub.example.org", "X-Forwarded-Proto": "https"},
        timeout=30,
    )
    assert r.status_code == 200, r.text
    assert r.json()["url"].startswith("https://hub.example.org/"), r.json()
