"""Quotas with the real clients: an upload that would pass the namespace's quota fails with the
quota message (huggingface_hub through Xet and through LFS, the newest and the last 0.x client)
and leaves nothing committed or charged; an upload that fits succeeds and /api/quota counts the
file's bytes; a recount afterwards corrects nothing."""

from __future__ import annotations

import huggingface_hub
import pytest
import requests
from huggingface_hub import HfApi
from huggingface_hub.utils import HfHubHTTPError

from conftest import MiB, unique, write_random  # noqa: E402

pytestmark = pytest.mark.usefixtures("hf0_endpoint")

# Pointer blob, tree and commit objects a one-file commit adds besides the file itself.
GIT_OVERHEAD = 4096


@pytest.fixture(params=["xet", "lfs"])
def transfer(request, monkeypatch):
    if request.param == "lfs":
        monkeypatch.setenv("HF_HUB_DISABLE_XET", "1")
        monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_DISABLE_XET", True)
    else:
        pytest.importorskip("hf_xet")
    return request.param


def usage(hangar, token: str, namespace: str) -> dict:
    r = requests.get(f"{hangar.url}/api/quota/{namespace}", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()


def test_upload_over_quota_fails_with_the_message_and_one_that_fits_is_counted(hangar, transfer, tmp_path):
    name = unique("quota")
    token = hangar.new_user_token(name)
    api = HfApi(endpoint=hangar.url, token=token)
    repo_id = f"{name}/{unique('q')}"
    api.create_repo(repo_id)
    before = usage(hangar, token, name)["public_used_bytes"]
    r = hangar.admin("PUT", f"/admin/api/quota/{name}", json={"private_quota_bytes": None, "public_quota_bytes": before + 3 * MiB})
    assert r.status_code == 200, r.text
    head = api.repo_info(repo_id).sha

    big = tmp_path / "big.bin"
    write_random(big, 4 * MiB)
    with pytest.raises(HfHubHTTPError) as err:
        api.upload_file(path_or_fileobj=str(big), path_in_repo="big.bin", repo_id=repo_id)
    assert "Storage quota exceeded" in str(err.value)
    assert err.value.response.status_code == 413
    assert api.repo_info(repo_id).sha == head
    assert usage(hangar, token, name)["public_used_bytes"] == before

    small = tmp_path / "small.bin"
    write_random(small, 2 * MiB)
    api.upload_file(path_or_fileobj=str(small), path_in_repo="small.bin", repo_id=repo_id)
    after = usage(hangar, token, name)
    assert 2 * MiB <= after["public_used_bytes"] - before <= 2 * MiB + GIT_OVERHEAD
    assert after["public_used_bytes"] <= after["public_quota_bytes"]
    repo = requests.get(f"{hangar.url}/api/quota/repo/model/{repo_id}", headers={"Authorization": f"Bearer {token}"}, timeout=30).json()
    assert repo["used_bytes"] == after["public_used_bytes"]

    r = hangar.admin("POST", f"/admin/api/quota/{name}/recalculate")
    assert r.status_code == 200, r.text
    assert r.json()["corrections"] == []
