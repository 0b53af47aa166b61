"""Rate limits the real huggingface_hub understands: a 429 carries the Hub's `RateLimit` and
`RateLimit-Policy` headers (plus Retry-After); huggingface_hub >= 1.2 sleeps until the window
resets and retries by itself; 0.x gives up with the 429, which a caller retries after Retry-After."""

from __future__ import annotations

import logging
import re
import time

import pytest
import requests
from huggingface_hub import HfApi
from huggingface_hub.errors import HfHubHTTPError

from conftest import Hangar, _running_hangar, point_0x_client_at, unique

WINDOW = 6
API_LIMIT = 8
RATELIMIT = re.compile(r'^"(\w+)";r=(\d+);t=(\d+)$')


def _client_version() -> tuple[int, int]:
    import huggingface_hub

    major, minor = huggingface_hub.__version__.split(".")[:2]
    return int(major), int(minor)


SLEEPS_ON_RATELIMIT = _client_version() >= (1, 2)


@pytest.fixture(scope="module")
def limited() -> Hangar:
    extra = {"HANGAR_RATE_LIMIT_API_REQUESTS": str(API_LIMIT), "HANGAR_RATE_LIMIT_WINDOW_SECONDS": str(WINDOW)}
    with _running_hangar("hangar-py-ratelimit-", extra, log_copy_suffix=".ratelimit") as (url, admin_token, _data):
        yield Hangar(url=url, admin_token=admin_token)


def refused_429s(url: str) -> float:
    """Hangar's count of the 429 answers it sent (every route: the limiter answers before routing)."""
    text = requests.get(url + "/metrics", timeout=30).text
    return sum(float(v) for v in re.findall(r'^hangar_http_requests_total\{[^}]*status="429"[^}]*\} (\S+)$', text, re.M))


def spend_api_budget(url: str, token: str) -> int:
    """Calls the API until refused, early enough in a window that a call right after is still
    refused; returns the seconds the 429 said were left."""
    while True:
        for _ in range(API_LIMIT + 1):
            r = requests.get(url + "/api/whoami-v2", headers={"Authorization": f"Bearer {token}"}, timeout=30)
            if r.status_code == 429:
                break
        assert r.status_code == 429, "the api limit never came"
        bucket, remaining, reset = RATELIMIT.match(r.headers["RateLimit"]).groups()
        assert (bucket, remaining) == ("api", "0")
        assert r.headers["RateLimit-Policy"] == f'"fixed window";"api";q={API_LIMIT};w={WINDOW}'
        assert r.headers["Retry-After"] == reset
        assert r.headers["X-Error-Code"] == "RateLimited"
        if int(reset) >= 3:
            return int(reset)
        time.sleep(int(reset))  # too close to the window's end: start again in the next one


def test_upload_after_the_limit_waits_for_the_window_and_lands(limited, caplog, monkeypatch):
    point_0x_client_at(limited.url, monkeypatch)
    token = limited.new_user_token(unique("pyrl"))
    api = HfApi(endpoint=limited.url, token=token)
    repo_id = api.create_repo(unique("limited")).repo_id
    spend_api_budget(limited.url, token)
    refused_before = refused_429s(limited.url)

    if SLEEPS_ON_RATELIMIT:
        # preupload is refused; the client reads RateLimit, sleeps t+1 s and retries on its own.
        with caplog.at_level(logging.WARNING, logger="huggingface_hub"):
            info = api.upload_file(path_or_fileobj=b"after the wait\n", path_in_repo="a.txt", repo_id=repo_id)
        assert any("Rate limited. Waiting" in m for m in caplog.messages), caplog.messages
    else:
        # 0.x does not retry a 429: the caller sees it, with the headers to know how long to wait.
        with pytest.raises(HfHubHTTPError) as refused:
            api.upload_file(path_or_fileobj=b"after the wait\n", path_in_repo="a.txt", repo_id=repo_id)
        response = refused.value.response
        assert response.status_code == 429
        bucket, remaining, reset = RATELIMIT.match(response.headers["RateLimit"]).groups()
        assert (bucket, remaining) == ("api", "0")
        assert response.headers["Retry-After"] == reset
        time.sleep(int(reset) + 1)
        info = api.upload_file(path_or_fileobj=b"after the wait\n", path_in_repo="a.txt", repo_id=repo_id)

    assert refused_429s(limited.url) > refused_before, "the server never refused the upload's calls"
    assert api.list_repo_commits(repo_id)[0].commit_id == info.oid
    content = requests.get(f"{limited.url}/{repo_id}/resolve/main/a.txt", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert content.status_code == 200 and content.content == b"after the wait\n"
