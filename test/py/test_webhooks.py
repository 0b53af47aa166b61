"""Webhooks as huggingface_hub drives them (issue 20): create_webhook, get_webhook, list_webhooks,
update_webhook, disable_webhook, enable_webhook and delete_webhook against Hangar, and a real
receiver on loopback that gets the payload of an upload_file (parsed by the client's own
WebhookPayload model when pydantic is installed). The server of this module allows private
targets (the receiver is on loopback); the session server, which does not, refuses them.
Both client versions run these."""

from __future__ import annotations

import importlib.util
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from huggingface_hub import HfApi, WebhookWatchedItem
from huggingface_hub.utils import HfHubHTTPError

from conftest import Hangar, _running_hangar, point_0x_client_at, unique


class Receiver:
    """A real HTTP server on loopback recording every POST (headers and JSON body); answers 200."""

    def __init__(self) -> None:
        self.received: list[tuple[dict, dict]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                outer.received.append(({k.lower(): v for k, v in self.headers.items()}, json.loads(body)))
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, predicate, seconds: float = 30) -> list[tuple[dict, dict]]:
        deadline = time.time() + seconds
        while not predicate(self.received):
            assert time.time() < deadline, f"receiver got {[b.get('event') for _, b in self.received]}"
            time.sleep(0.05)
        return self.received


@pytest.fixture(scope="module")
def server():
    env = {"HANGAR_WEBHOOK_ALLOW_PRIVATE": "true", "HANGAR_WEBHOOK_RETRY_BASE_MS": "50", "HANGAR_WEBHOOK_POLL_MS": "200"}
    with _running_hangar("hangar-py-webhooks-", env) as (url, admin_token, _data):
        with pytest.MonkeyPatch.context() as mp:
            point_0x_client_at(url, mp)  # 0.x builds the webhook routes from its global endpoint
            yield Hangar(url=url, admin_token=admin_token)


@pytest.fixture(scope="module")
def receiver():
    r = Receiver()
    yield r
    r.server.shutdown()


@pytest.fixture(scope="module")
def owner(server):
    name = unique("who")
    return HfApi(endpoint=server.url, token=server.new_user_token(name)), name


def test_webhook_settings_through_the_client(owner, receiver):
    api, name = owner
    repo = api.create_repo(unique("whr")).repo_id
    created = api.create_webhook(url=receiver.url, watched=[WebhookWatchedItem(type="model", name=repo), {"type": "user", "name": name}], secret="s3cret")
    assert created.url == receiver.url and created.secret == "s3cret" and created.disabled is False and created.job is None
    assert [(w.type, w.name) for w in created.watched] == [("model", repo), ("user", name)]
    assert created.domains == ["repo", "discussion"]  # 0.x sends "discussions": the same domain
    assert api.get_webhook(created.id) == created
    assert created.id in [w.id for w in api.list_webhooks()]

    updated = api.update_webhook(created.id, url=receiver.url + "?v=2", watched=[{"type": "model", "name": repo}], domains=["repo"], secret="other")
    assert (updated.url, updated.domains, updated.secret, [w.name for w in updated.watched]) == (receiver.url + "?v=2", ["repo"], "other", [repo])
    assert api.disable_webhook(created.id).disabled is True
    assert api.enable_webhook(created.id).disabled is False

    api.delete_webhook(created.id)
    with pytest.raises(HfHubHTTPError) as e:
        api.get_webhook(created.id)
    assert e.value.response.status_code == 404
    assert created.id not in [w.id for w in api.list_webhooks()]


def test_upload_file_delivers_the_payload_the_client_parses(owner, receiver):
    api, name = owner
    repo = api.create_repo(unique("whp")).repo_id
    hook = api.create_webhook(url=receiver.url, watched=[{"type": "model", "name": repo}], domains=["repo"], secret="hdr")
    info = api.upload_file(path_or_fileobj=b"hello\n", path_in_repo="hello.txt", repo_id=repo)
    mine = lambda got: [(h, b) for h, b in got if b.get("webhook", {}).get("id") == hook.id]  # noqa: E731
    receiver.wait_for(lambda got: len(mine(got)) >= 1)
    [(headers, body)] = mine(receiver.received)
    assert headers["x-webhook-secret"] == "hdr"
    assert body["event"] == {"action": "update", "scope": "repo.content"}
    assert body["repo"]["name"] == repo and body["repo"]["headSha"] == info.oid
    assert body["updatedRefs"][0]["ref"] == "refs/heads/main" and body["updatedRefs"][0]["newSha"] == info.oid
    if importlib.util.find_spec("pydantic"):
        from huggingface_hub import WebhookPayload

        payload = WebhookPayload.model_validate(body)
        assert (payload.event.scope, payload.repo.head_sha, payload.webhook.id, payload.webhook.version) == ("repo.content", info.oid, hook.id, 3)
        assert payload.updatedRefs[0].newSha == info.oid
    api.delete_webhook(hook.id)


def test_a_private_target_is_refused_without_the_flag(hangar):
    name = unique("whs")
    api = HfApi(endpoint=hangar.url, token=hangar.new_user_token(name))
    with pytest.MonkeyPatch.context() as mp:
        point_0x_client_at(hangar.url, mp)
        for url in ("http://127.0.0.1:9/hook", "http://localhost/hook", "http://[::1]/hook"):
            with pytest.raises(HfHubHTTPError) as e:
                api.create_webhook(url=url, watched=[{"type": "user", "name": name}])
            assert e.value.response.status_code == 400
            assert e.value.response.headers["X-Error-Code"] == "WebhookTargetRefused"
