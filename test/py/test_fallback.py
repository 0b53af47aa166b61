"""Issue 18: a repository that exists only on an upstream Hangar (A), read with the real
huggingface_hub through a Hangar (B) whose fallback source is A: snapshot_download,
hf_hub_download (with and without hf_xet), model_info, list_repo_files and HfFileSystem work,
and keep working from B's cache once A is stopped; a file B never fetched then fails with a
clear 5xx error instead of hanging. Runs with both client versions."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from huggingface_hub import HfApi, HfFileSystem, hf_hub_download, snapshot_download
import requests
from huggingface_hub.utils import HfHubHTTPError, LocalEntryNotFoundError

import huggingface_hub.constants as hf_constants
from conftest import MiB, Hangar, _running_hangar, point_0x_client_at, unique, write_random  # noqa: E402

FILES = {
    "config.json": b'{"model_type": "fallback", "hidden_size": 32}',
    "sub/notes.txt": b"plain text in a folder\n" * 50,
    "never.txt": b"only ever asked for once A is gone\n",
}


@pytest.fixture(scope="module")
def two_hubs(tmp_path_factory):
    """A (upstream) and B (fallback source: A); yields (a, b, repo_id, sha, local copies, stop_a)."""
    with contextlib.ExitStack() as stack:
        a_stack = contextlib.ExitStack()
        stack.callback(a_stack.close)
        a_url, a_admin, _ = a_stack.enter_context(_running_hangar("hangar-py-fa-", {}, log_copy_suffix=".a"))
        b_url, b_admin, _ = stack.enter_context(
            _running_hangar("hangar-py-fb-", {"HANGAR_FALLBACK_REF_TTL_SECONDS": "0", "HANGAR_FALLBACK_TIMEOUT_SECONDS": "5"}, log_copy_suffix=".b")
        )
        a, b = Hangar(url=a_url, admin_token=a_admin), Hangar(url=b_url, admin_token=b_admin)
        owner = unique("up")
        api_a = HfApi(endpoint=a.url, token=a.new_user_token(owner))
        repo_id = f"{owner}/{unique('model')}"
        upload_mp = stack.enter_context(pytest.MonkeyPatch.context())
        point_0x_client_at(a.url, upload_mp)
        api_a.create_repo(repo_id)
        src = tmp_path_factory.mktemp("upload")
        for name, data in FILES.items():
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            (src / name).write_bytes(data)
        # A large file (LFS; through Xet when hf_xet is installed, as users upload them).
        write_random(src / "model.safetensors", 3 * MiB)
        api_a.upload_folder(folder_path=str(src), repo_id=repo_id)
        sha = api_a.model_info(repo_id).sha
        upload_mp.undo()
        r = b.admin("POST", "/admin/api/fallback-sources", json={"url": a.url, "name": "A", "source_type": "hangar"})
        assert r.status_code == 200, r.text
        with pytest.MonkeyPatch.context() as mp:
            point_0x_client_at(b.url, mp)
            yield a, b, repo_id, sha, src, a_stack.close


def _read_everything(b: Hangar, repo_id: str, sha: str, src: Path, cache: Path, mp: pytest.MonkeyPatch) -> None:
    api = HfApi(endpoint=b.url, token=False)
    assert api.model_info(repo_id).sha == sha
    assert sorted(f for f in api.list_repo_files(repo_id) if f != ".gitattributes") == sorted([*FILES, "model.safetensors"])
    snap = Path(snapshot_download(repo_id, endpoint=b.url, cache_dir=cache / "snap", token=False, ignore_patterns=["never.txt"]))
    for name in ["config.json", "sub/notes.txt", "model.safetensors"]:
        assert (snap / name).read_bytes() == (src / name).read_bytes(), name
    assert not (snap / "never.txt").exists()
    for disable_xet in (False, True):
        mp.setattr(hf_constants, "HF_HUB_DISABLE_XET", disable_xet)
        path = hf_hub_download(repo_id, "model.safetensors", endpoint=b.url, cache_dir=cache / f"dl-{disable_xet}", token=False)
        assert Path(path).read_bytes() == (src / "model.safetensors").read_bytes()
    fs = HfFileSystem(endpoint=b.url, token=False)
    assert fs.read_bytes(f"{repo_id}/sub/notes.txt") == FILES["sub/notes.txt"]
    assert fs.read_bytes(f"{repo_id}/model.safetensors") == (src / "model.safetensors").read_bytes()


def test_reads_a_repo_only_upstream_then_serves_it_with_the_upstream_down(two_hubs, tmp_path, monkeypatch):
    a, b, repo_id, sha, src, stop_a = two_hubs
    _read_everything(b, repo_id, sha, src, tmp_path / "online", monkeypatch)
    stop_a()
    # Fresh client caches: every answer now comes from B alone.
    _read_everything(b, repo_id, sha, src, tmp_path / "offline", monkeypatch)
    # Hangar answers at once (the client then retries 5xx answers with its own backoff).
    r = requests.head(f"{b.url}/{repo_id}/resolve/main/never.txt", timeout=30)
    assert r.status_code in (502, 504)
    assert r.headers.get("X-Error-Code") == "UpstreamUnavailable"
    with pytest.raises((HfHubHTTPError, LocalEntryNotFoundError)) as err:
        hf_hub_download(repo_id, "never.txt", endpoint=b.url, cache_dir=tmp_path / "never", token=False)
    assert "UpstreamUnavailable" in _chain(err.value) or "502" in _chain(err.value)


def _chain(exc: BaseException | None) -> str:
    """The messages and error codes of an exception and its causes (the client wraps the HTTP error)."""
    parts = []
    while exc is not None:
        parts.append(str(exc))
        response = getattr(exc, "response", None)
        if response is not None:
            parts.append(f"{response.status_code} {response.headers.get('X-Error-Code')}")
        exc = exc.__cause__ or exc.__context__
    return "\n".join(parts)
