"""Gated repositories and per-repository grants through huggingface_hub and git: a gated
repository's files raise GatedRepoError until the owner accepts the request (or grants access),
the request listings name the right users, auth_check passes and fails as documented, and git
clone follows the same decision. Runs with both client lines (./.venv and ./.venv-hf0)."""

from __future__ import annotations

import inspect

import pytest
import requests
from huggingface_hub import HfApi, hf_hub_download
from huggingface_hub.utils import GatedRepoError, HfHubHTTPError, RepositoryNotFoundError
from conftest import point_0x_client_at, unique  # noqa: E402
from test_git import clone_url, git  # noqa: E402


@pytest.fixture(autouse=True)
def zero_x_endpoint(hangar, monkeypatch):
    point_0x_client_at(hangar.url, monkeypatch)


@pytest.fixture(scope="module")
def owner(hangar):
    name = unique("gown")
    return name, hangar.new_user_token(name)


def stranger(hangar):
    name = unique("greq")
    return name, hangar.new_user_token(name)


def owner_read_token(hangar, owner) -> str:
    password = f"pw-{owner[0]}-long-enough"  # conftest's new_user_token
    s = requests.Session()
    assert s.post(hangar.url + "/api/auth/login", json={"username": owner[0], "password": password}, timeout=30).status_code == 200
    r = s.post(hangar.url + "/api/auth/tokens/create", json={"name": "read", "role": "read"}, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()["token"]


def gated_repo(hangar, owner, mode: str = "manual") -> str:
    api = HfApi(endpoint=hangar.url, token=owner[1])
    repo_id = f"{owner[0]}/{unique('gated')}"
    api.create_repo(repo_id)
    api.upload_file(path_or_fileobj=b"weights\n", path_in_repo="weights.txt", repo_id=repo_id)
    api.update_repo_settings(repo_id, gated=mode)
    return repo_id


def ask_access(hangar, user, repo_id: str, fields: dict | None = None) -> requests.Response:
    r = requests.post(f"{hangar.url}/api/models/{repo_id}/ask-access", json={"fields": fields} if fields else {}, headers={"Authorization": f"Bearer {user[1]}"}, timeout=30)
    assert r.status_code == 200, r.text
    return r


def test_download_is_gated_until_the_request_is_accepted(hangar, owner, tmp_path):
    repo_id = gated_repo(hangar, owner)
    bob = stranger(hangar)
    bob_api = HfApi(endpoint=hangar.url, token=bob[1])
    # Metadata stays visible; the files do not.
    assert bob_api.model_info(repo_id).gated == "manual"
    with pytest.raises(GatedRepoError):
        hf_hub_download(repo_id, "weights.txt", token=bob[1], endpoint=hangar.url, cache_dir=tmp_path / "c1")
    with pytest.raises(GatedRepoError):
        hf_hub_download(repo_id, "weights.txt", token=False, endpoint=hangar.url, cache_dir=tmp_path / "c0")
    with pytest.raises(GatedRepoError):
        bob_api.auth_check(repo_id)

    ask_access(hangar, bob, repo_id, {"company": "Acme"})
    owner_api = HfApi(endpoint=hangar.url, token=owner[1])
    pending = list(owner_api.list_pending_access_requests(repo_id))
    assert [(r.username, r.fields) for r in pending] == [(bob[0], {"company": "Acme"})]
    assert list(owner_api.list_accepted_access_requests(repo_id)) == []
    with pytest.raises(GatedRepoError):  # still pending
        hf_hub_download(repo_id, "weights.txt", token=bob[1], endpoint=hangar.url, cache_dir=tmp_path / "c2")

    owner_api.accept_access_request(repo_id, bob[0])
    assert [r.username for r in owner_api.list_accepted_access_requests(repo_id)] == [bob[0]]
    assert list(owner_api.list_pending_access_requests(repo_id)) == []
    path = hf_hub_download(repo_id, "weights.txt", token=bob[1], endpoint=hangar.url, cache_dir=tmp_path / "c3")
    assert open(path, "rb").read() == b"weights\n"
    bob_api.auth_check(repo_id)  # passes

    owner_api.reject_access_request(repo_id, bob[0], rejection_reason="no longer")
    assert [r.username for r in owner_api.list_rejected_access_requests(repo_id)] == [bob[0]]
    with pytest.raises(GatedRepoError):
        bob_api.auth_check(repo_id)

    owner_api.cancel_access_request(repo_id, bob[0])
    assert [r.username for r in owner_api.list_pending_access_requests(repo_id)] == [bob[0]]


def test_grant_access_and_auto_gating(hangar, owner, tmp_path):
    repo_id = gated_repo(hangar, owner)
    carol = stranger(hangar)
    owner_api = HfApi(endpoint=hangar.url, token=owner[1])
    owner_api.grant_access(repo_id, carol[0])
    assert [r.username for r in owner_api.list_accepted_access_requests(repo_id)] == [carol[0]]
    HfApi(endpoint=hangar.url, token=carol[1]).auth_check(repo_id)
    hf_hub_download(repo_id, "weights.txt", token=carol[1], endpoint=hangar.url, cache_dir=tmp_path / "c")

    auto_id = gated_repo(hangar, owner, "auto")
    dave = stranger(hangar)
    with pytest.raises(GatedRepoError):
        HfApi(endpoint=hangar.url, token=dave[1]).auth_check(auto_id)
    assert ask_access(hangar, dave, auto_id).json()["status"] == "accepted"
    HfApi(endpoint=hangar.url, token=dave[1]).auth_check(auto_id)


def test_auth_check_on_missing_private_and_write(hangar, owner):
    api = HfApi(endpoint=hangar.url, token=owner[1])
    private_id = f"{owner[0]}/{unique('priv')}"
    api.create_repo(private_id, private=True)
    api.auth_check(private_id)
    if "write" in inspect.signature(HfApi.auth_check).parameters:  # 0.x has no write check
        api.auth_check(private_id, write=True)
        with pytest.raises(HfHubHTTPError) as e:
            HfApi(endpoint=hangar.url, token=owner_read_token(hangar, owner)).auth_check(private_id, write=True)
        assert e.value.response.status_code == 403
    erin = stranger(hangar)
    with pytest.raises(RepositoryNotFoundError):
        HfApi(endpoint=hangar.url, token=erin[1]).auth_check(private_id)
    with pytest.raises(RepositoryNotFoundError):
        HfApi(endpoint=hangar.url, token=erin[1]).auth_check(f"{owner[0]}/{unique('missing')}")


def test_a_read_grant_opens_a_private_repo_to_one_user_until_revoked(hangar, owner, tmp_path):
    api = HfApi(endpoint=hangar.url, token=owner[1])
    private_id = f"{owner[0]}/{unique('shared')}"
    api.create_repo(private_id, private=True)
    api.upload_file(path_or_fileobj=b"secret\n", path_in_repo="s.txt", repo_id=private_id)
    frank = stranger(hangar)
    with pytest.raises(RepositoryNotFoundError):
        hf_hub_download(private_id, "s.txt", token=frank[1], endpoint=hangar.url, cache_dir=tmp_path / "c0")
    auth = {"Authorization": f"Bearer {owner[1]}"}
    r = requests.post(f"{hangar.url}/api/models/{private_id}/access", json={"username": frank[0], "role": "read"}, headers=auth, timeout=30)
    assert r.status_code == 200, r.text
    path = hf_hub_download(private_id, "s.txt", token=frank[1], endpoint=hangar.url, cache_dir=tmp_path / "c1")
    assert open(path, "rb").read() == b"secret\n"
    git(tmp_path, "clone", "-q", clone_url(hangar, frank, private_id), str(tmp_path / "work"))
    assert (tmp_path / "work" / "s.txt").read_bytes() == b"secret\n"
    r = requests.delete(f"{hangar.url}/api/models/{private_id}/access/{frank[0]}", headers=auth, timeout=30)
    assert r.status_code == 200, r.text
    with pytest.raises(RepositoryNotFoundError):
        HfApi(endpoint=hangar.url, token=frank[1]).auth_check(private_id)


def test_git_clone_of_a_gated_repo_needs_access(hangar, owner, tmp_path):
    import subprocess

    repo_id = gated_repo(hangar, owner)
    gina = stranger(hangar)
    r = subprocess.run(
        ["git", "clone", "-q", clone_url(hangar, gina, repo_id), str(tmp_path / "denied")],
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0"},
        capture_output=True,
        timeout=120,
    )
    assert r.returncode != 0
    assert not (tmp_path / "denied" / "weights.txt").exists()
    HfApi(endpoint=hangar.url, token=owner[1]).grant_access(repo_id, gina[0])
    git(tmp_path, "clone", "-q", clone_url(hangar, gina, repo_id), str(tmp_path / "work"))
    assert (tmp_path / "work" / "weights.txt").read_bytes() == b"weights\n"
