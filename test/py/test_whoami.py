"""The newest huggingface_hub (pinned in requirements.txt) authenticates against Hangar with
nothing but the endpoint and a token changed."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import requests
from huggingface_hub import HfApi
from huggingface_hub.errors import HfHubHTTPError
from conftest import unique  # noqa: E402

# huggingface_hub 0.x re-raises a plain requests.HTTPError from whoami; 1.x+ raises HfHubHTTPError (httpx).
HTTP_ERRORS = (HfHubHTTPError, requests.HTTPError)


def test_whoami_returns_the_user_with_orgs(hangar):
    name = unique("py")
    token = hangar.new_user_token(name)
    org = unique("pyorg")
    r = requests.post(f"{hangar.url}/org/create", json={"name": org}, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert r.status_code == 200, r.text

    me = HfApi(endpoint=hangar.url, token=token).whoami()
    assert me["type"] == "user"
    assert me["name"] == name
    assert me["email"] == f"{name}@example.com"
    assert [o["name"] for o in me["orgs"]] == [org]
    assert me["orgs"][0]["roleInOrg"] == "admin"  # the Hub has no super-admin: its name for the role is admin
    assert me["auth"]["accessToken"]["role"] == "write"
    assert me["auth"]["accessToken"]["displayName"] == "pytest"


def test_read_token_reports_its_role(hangar):
    token = hangar.new_user_token(unique("pyread"), role="read")
    me = HfApi(endpoint=hangar.url, token=token).whoami()
    assert me["auth"]["accessToken"]["role"] == "read"


def test_revoked_token_gets_401_with_hf_headers(hangar):
    name = unique("pyrev")
    token = hangar.new_user_token(name)
    api = HfApi(endpoint=hangar.url, token=token)
    assert api.whoami()["name"] == name
    tokens = requests.get(f"{hangar.url}/api/auth/tokens", headers={"Authorization": f"Bearer {token}"}, timeout=30).json()["tokens"]
    r = requests.delete(f"{hangar.url}/api/auth/tokens/{tokens[0]['id']}", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert r.status_code == 200, r.text
    with pytest.raises(HTTP_ERRORS) as err:
        HfApi(endpoint=hangar.url, token=token).whoami()
    assert err.value.response.status_code == 401
    assert err.value.response.headers["X-Error-Code"] == "InvalidCredentials"
    assert err.value.response.headers["X-Error-Message"] == "Invalid credentials in Authorization header"


def test_rotated_token_replaces_the_old_one(hangar):
    name = unique("pyrot")
    old = hangar.new_user_token(name)
    r = hangar.admin("POST", f"/admin/api/users/{name}/rotate-token")
    assert r.status_code == 200, r.text
    assert r.headers["Cache-Control"] == "no-store"
    new = r.json()["token"]
    with pytest.raises(HTTP_ERRORS) as err:
        HfApi(endpoint=hangar.url, token=old).whoami()
    assert err.value.response.status_code == 401
    assert err.value.response.headers["X-Error-Code"] == "InvalidCredentials"
    assert HfApi(endpoint=hangar.url, token=new).whoami()["name"] == name


def test_hf_cli_whoami_with_only_endpoint_and_token_set(hangar, tmp_path):
    name = unique("pycli")
    token = hangar.new_user_token(name)
    env = {**os.environ, "HF_ENDPOINT": hangar.url, "HF_TOKEN": token, "HF_HOME": str(tmp_path)}
    hf = os.path.join(os.path.dirname(sys.executable), "hf")
    out = subprocess.run([hf, "auth", "whoami"], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert name in out.stdout
