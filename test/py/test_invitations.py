"""An organization invitation, accepted through the API, lets the new member read the org's
private repository with huggingface_hub (which could not see it before)."""

from __future__ import annotations

import pytest
import requests
from huggingface_hub import HfApi, hf_hub_download
from huggingface_hub.errors import RepositoryNotFoundError
from conftest import point_0x_client_at, unique  # noqa: E402


@pytest.fixture(autouse=True)
def _endpoint(hangar, monkeypatch):
    point_0x_client_at(hangar.url, monkeypatch)


def test_accepted_org_invitation_grants_the_role_and_read_access_to_private_repos(hangar, tmp_path):
    owner_token = hangar.new_user_token(unique("owner"))
    newcomer_name = unique("newcomer")
    newcomer_token = hangar.new_user_token(newcomer_name)
    org = unique("invorg")
    as_owner = {"Authorization": f"Bearer {owner_token}"}
    assert requests.post(f"{hangar.url}/org/create", json={"name": org}, headers=as_owner, timeout=30).status_code == 200

    owner = HfApi(endpoint=hangar.url, token=owner_token)
    repo_id = f"{org}/{unique('secret')}"
    owner.create_repo(repo_id, private=True)
    owner.upload_file(path_or_fileobj=b"for members only\n", path_in_repo="notes.txt", repo_id=repo_id)

    newcomer = HfApi(endpoint=hangar.url, token=newcomer_token)
    with pytest.raises(RepositoryNotFoundError):
        newcomer.model_info(repo_id)

    created = requests.post(
        f"{hangar.url}/api/invitations/org/{org}/create", json={"role": "member", "max_usage": None, "expires_days": 7}, headers=as_owner, timeout=30
    )
    assert created.status_code == 200, created.text
    link = created.json()["invitation_link"]
    assert link.startswith(f"{hangar.url}/invite/")
    token = link.rsplit("/", 1)[1]

    details = requests.get(f"{hangar.url}/api/invitations/{token}", timeout=30).json()
    assert (details["org_name"], details["role"], details["is_available"]) == (org, "write", True)  # "member" is stored under its new name

    accepted = requests.post(f"{hangar.url}/api/invitations/{token}/accept", headers={"Authorization": f"Bearer {newcomer_token}"}, timeout=30)
    assert accepted.status_code == 200, accepted.text

    assert newcomer.model_info(repo_id).private is True
    path = hf_hub_download(repo_id, "notes.txt", endpoint=hangar.url, token=newcomer_token, cache_dir=tmp_path)
    assert open(path, "rb").read() == b"for members only\n"
    assert _org_of(newcomer.whoami(), org)["roleInOrg"] == "write"

    # One use only: a second account is refused, and stays outside.
    third_token = hangar.new_user_token(unique("third"))
    again = requests.post(f"{hangar.url}/api/invitations/{token}/accept", headers={"Authorization": f"Bearer {third_token}"}, timeout=30)
    assert again.status_code == 410 and again.headers["X-Error-Code"] == "InvitationUsedUp"
    with pytest.raises(RepositoryNotFoundError):
        HfApi(endpoint=hangar.url, token=third_token).model_info(repo_id)


def _org_of(whoami: dict, org: str) -> dict:
    return next(o for o in whoami["orgs"] if o["name"] == org)
