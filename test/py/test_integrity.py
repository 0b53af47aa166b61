"""Hostile content through the real huggingface_hub client: what a repository receives must
never break it for later writers and readers (issue 22). Runs with both client lines."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
import requests
from huggingface_hub import HfApi, snapshot_download
from conftest import point_0x_client_at, unique  # noqa: E402


@pytest.fixture(autouse=True)
def zero_x_endpoint(hangar, monkeypatch):
    point_0x_client_at(hangar.url, monkeypatch)


@pytest.fixture(scope="module")
def user(hangar):
    name = unique("pyintegrity")
    return name, hangar.new_user_token(name)


@pytest.fixture
def api(hangar, user) -> HfApi:
    return HfApi(endpoint=hangar.url, token=user[1])


@pytest.fixture
def repo_id(api, user) -> str:
    rid = f"{user[0]}/{unique('m')}"
    api.create_repo(rid)
    return rid


def raw_commit(api: HfApi, repo_id: str, lines: list[bytes]) -> requests.Response:
    """An NDJSON commit sent byte for byte, past the client's own checks (what a hostile or buggy
    client can send)."""
    body = b"\n".join([b'{"key":"header","value":{"summary":"raw"}}', *lines]) + b"\n"
    return requests.post(
        f"{api.endpoint}/api/models/{repo_id}/commit/main",
        data=body,
        headers={"Authorization": f"Bearer {api.token}", "Content-Type": "application/x-ndjson"},
        timeout=60,
    )


def file_line(path: str, content: bytes) -> bytes:
    return json.dumps({"key": "file", "value": {"path": path, "content": base64.b64encode(content).decode(), "encoding": "base64"}}).encode()


def test_readme_with_many_yaml_aliases_is_card_data(api, repo_id, tmp_path):
    # No bomb: one anchor and 150 plain references (past the YAML reader's default guard of 100).
    card = "---\na: &a x\nb:\n" + "".join("- *a\n" for _ in range(150)) + "---\n# Card\n"
    before = len(api.list_repo_commits(repo_id))
    api.upload_file(path_or_fileobj=card.encode(), path_in_repo="README.md", repo_id=repo_id)
    # Answered 200 once: exactly one commit was made (a 500 after applying makes clients retry).
    assert len(api.list_repo_commits(repo_id)) == before + 1
    api.upload_file(path_or_fileobj=b"after", path_in_repo="after.txt", repo_id=repo_id)
    info = api.repo_info(repo_id)
    assert info.card_data["b"] == ["x"] * 150
    folder = snapshot_download(repo_id, cache_dir=tmp_path / "cache", endpoint=api.endpoint, token=api.token)
    assert (Path(folder) / "README.md").read_text(encoding="utf-8") == card


def test_readme_with_an_alias_bomb_never_fails_a_request(api, repo_id, tmp_path):
    # Past every bound: card data is null (with a warning in the log), requests go on.
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    card = "---\n" + "\n".join(levels) + "\n---\n# Bomb\n"
    before = len(api.list_repo_commits(repo_id))
    r = raw_commit(api, repo_id, [file_line("README.md", card.encode())])
    assert r.status_code == 200, r.text
    assert len(api.list_repo_commits(repo_id)) == before + 1
    api.upload_file(path_or_fileobj=b"after", path_in_repo="after.txt", repo_id=repo_id)
    info = api.repo_info(repo_id)
    assert info.card_data is None or info.card_data == {}
    assert {"README.md", "after.txt"} <= {s.rfilename for s in info.siblings}
    folder = snapshot_download(repo_id, cache_dir=tmp_path / "cache", endpoint=api.endpoint, token=api.token)
    assert (Path(folder) / "README.md").read_text(encoding="utf-8") == card
