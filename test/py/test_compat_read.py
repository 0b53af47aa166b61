"""What the newest clients send and read by default on the read / repos / browse / auth side
(issue 11, items 7, 8, 11, 12, 13, 17, 18, 19, 20), driven through the real huggingface_hub
(newest and last 0.x, branched on HF_MAJOR where they differ)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys

import huggingface_hub
import pytest
import requests
from huggingface_hub import CommitOperationAdd, HfApi, RepoCard, hf_hub_download
from huggingface_hub.errors import RepositoryNotFoundError
from conftest import unique  # noqa: E402

HF_MAJOR = int(huggingface_hub.__version__.split(".")[0])


pytestmark = pytest.mark.usefixtures("hf0_endpoint")


@pytest.fixture(scope="module")
def user(hangar):
    name = unique("pycompat")
    return name, hangar.new_user_token(name)


@pytest.fixture(scope="module")
def stranger(hangar):
    name = unique("pystranger")
    return name, hangar.new_user_token(name)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def add(path: str, content: bytes) -> CommitOperationAdd:
    return CommitOperationAdd(path_in_repo=path, path_or_fileobj=content)


# --- item 7: HEAD is a revision --------------------------------------------------------------


def test_head_revision_means_the_default_branch_head(api, user, tmp_path):
    rid = f"{user[0]}/{unique('head')}"
    api.create_repo(rid)
    done = api.create_commit(rid, operations=[add("a.txt", b"at head")], commit_message="c")
    info = api.model_info(rid, revision="HEAD")
    assert info.sha == done.oid
    assert "a.txt" in {f.path for f in api.list_repo_tree(rid, revision="HEAD")}
    path = hf_hub_download(rid, "a.txt", revision="HEAD", endpoint=api.endpoint, token=user[1], cache_dir=tmp_path)
    assert open(path, "rb").read() == b"at head"


# --- item 8: lenient query keys --------------------------------------------------------------


def test_list_filters_the_clients_send_are_accepted_and_honoured(api, user):
    ns = user[0]
    tag = unique("flt")
    card = b"---\npipeline_tag: text-classification\nlibrary_name: transformers\nlanguage: [fr]\n---\n# c\n"
    classifier, other, gated = f"{ns}/{tag}-cls", f"{ns}/{tag}-other", f"{ns}/{tag}-gated"
    for rid in (classifier, other, gated):
        api.create_repo(rid)
    api.upload_file(path_or_fileobj=card, path_in_repo="README.md", repo_id=classifier)
    api.update_repo_settings(gated, gated="auto")

    assert {m.id for m in api.list_models(search=tag, pipeline_tag="text-classification")} == {classifier}
    assert {m.id for m in api.list_models(search=tag, gated=True)} == {gated}
    assert {m.id for m in api.list_models(search=tag, gated=False)} == {classifier, other}
    # Keys Hangar has nothing to filter on are ignored, not refused.
    kwargs = dict(search=tag, apps="llama.cpp", inference_provider="all", sort="trending_score", expand=["likes", "trendingScore"])
    if HF_MAJOR >= 1:
        kwargs["num_parameters"] = "min:1B"
    assert {m.id for m in api.list_models(**kwargs)} == {classifier, other, gated}
    if HF_MAJOR == 0:  # 0.x folds library / language into `filter`
        assert {m.id for m in api.list_models(search=tag, library="transformers", language="fr")} == {classifier}
    # What other clients send as keys of their own.
    r = requests.get(f"{api.endpoint}/api/models", params={"search": tag, "library": "transformers", "language": "fr", "sort": "trendingScore"}, timeout=30)
    assert r.status_code == 200, r.text
    assert [m["id"] for m in r.json()] == [classifier]


def test_expand_brackets_and_unknown_keys_on_repo_info(api, user):
    rid = f"{user[0]}/{unique('exp')}"
    api.create_repo(rid)
    for query in ("expand[]=likes", "expand=likes&expand=downloads", "blobs=true&someNewFlag=1"):
        r = requests.get(f"{api.endpoint}/api/models/{rid}?{query}", headers=bearer(user[1]), timeout=30)
        assert r.status_code == 200, (query, r.text)
        assert r.json()["id"] == rid
    # Body fields we don't use are ignored on HF routes...
    r = requests.post(f"{api.endpoint}/api/repos/create", json={"name": unique("body"), "someFutureField": True}, headers=bearer(user[1]), timeout=30)
    assert r.status_code == 200, r.text


def test_admin_routes_stay_strict(hangar):
    r = hangar.admin("GET", "/admin/api/users?notAKey=1")
    assert r.status_code == 400
    assert r.headers["X-Error-Code"] == "ValidationError"


# --- item 11: card-derived fields ------------------------------------------------------------


def test_pipeline_tag_and_library_name_come_from_the_card(api, user):
    rid = f"{user[0]}/{unique('card')}"
    api.create_repo(rid)
    card = b"---\npipeline_tag: fill-mask\nlibrary_name: transformers\nlicense: mit\n---\n# c\n"
    api.upload_file(path_or_fileobj=card, path_in_repo="README.md", repo_id=rid)
    info = api.model_info(rid)
    assert info.pipeline_tag == "fill-mask"
    assert info.library_name == "transformers"
    assert {"transformers", "fill-mask", "license:mit"} <= set(info.tags)
    listed = [m for m in api.list_models(author=user[0], pipeline_tag="fill-mask")]
    assert [m.id for m in listed] == [rid]
    assert listed[0].pipeline_tag == "fill-mask" and listed[0].library_name == "transformers"
    assert rid in {m.id for m in api.list_models(author=user[0], filter="transformers")}


# --- item 12: LFS siblings with files_metadata -------------------------------------------------


def test_files_metadata_gives_lfs_siblings_their_real_size(api, user):
    rid = f"{user[0]}/{unique('blobs')}"
    api.create_repo(rid)
    content = os.urandom(3000)  # *.bin is LFS through the default .gitattributes
    api.upload_file(path_or_fileobj=content, path_in_repo="weights.bin", repo_id=rid)
    api.upload_file(path_or_fileobj=b"small", path_in_repo="small.txt", repo_id=rid)
    siblings = {s.rfilename: s for s in api.model_info(rid, files_metadata=True).siblings}
    weights = siblings["weights.bin"]
    assert weights.size == len(content)
    assert weights.lfs is not None
    assert weights.lfs.sha256 == hashlib.sha256(content).hexdigest()
    assert weights.lfs.size == len(content)
    assert 100 < weights.lfs.pointer_size < 200
    assert siblings["small.txt"].size == 5 and siblings["small.txt"].lfs is None


# --- item 13: anonymous callers get 401 RepoNotFound -------------------------------------------


def test_anonymous_gets_401_repo_not_found_and_strangers_404(hangar, api, anon, user, stranger):
    private = f"{user[0]}/{unique('priv')}"
    api.create_repo(private, private=True)
    api.upload_file(path_or_fileobj=b"secret", path_in_repo="s.txt", repo_id=private)
    missing = f"{user[0]}/{unique('missing')}"
    strange = HfApi(endpoint=hangar.url, token=stranger[1])

    for rid in (private, missing):
        with pytest.raises(RepositoryNotFoundError) as err:
            anon.repo_info(rid)
        assert err.value.response.status_code == 401
        with pytest.raises(RepositoryNotFoundError) as err:
            strange.repo_info(rid)
        assert err.value.response.status_code == 404
        assert anon.repo_exists(rid) is False
        assert strange.repo_exists(rid) is False
        assert anon.file_exists(rid, "s.txt") is False

    url = hangar.url
    paths = (f"/{private}/resolve/main/s.txt", f"/api/models/{private}/tree/main", f"/api/models/{missing}/revision/main", f"/api/models/{private}/xet-read-token/main")
    for path in paths:
        r = requests.get(url + path, timeout=30)
        assert (r.status_code, r.headers.get("X-Error-Code")) == (401, "RepoNotFound"), path
        r = requests.get(url + path, headers=bearer(stranger[1]), timeout=30)
        assert (r.status_code, r.headers.get("X-Error-Code")) == (404, "RepoNotFound"), path
    r = requests.get(f"{url}/{private}.git/info/refs?service=git-upload-pack", timeout=30)
    assert r.status_code == 401 and r.headers.get("X-Error-Code") == "RepoNotFound" and "WWW-Authenticate" in r.headers
    r = requests.post(
        f"{url}/{private}.git/info/lfs/objects/batch",
        json={"operation": "download", "objects": [{"oid": "0" * 64, "size": 1}]},
        headers={"Accept": "application/vnd.git-lfs+json"},
        timeout=30,
    )
    assert r.status_code == 401 and r.headers.get("X-Error-Code") == "RepoNotFound" and "LFS-Authenticate" in r.headers


def test_repo_ids_without_namespace_are_repo_not_found(hangar, api, anon):
    name = unique("nonamespace")
    for client in (api, anon):
        assert client.repo_exists(name) is False
        assert client.repo_exists(name, repo_type="dataset") is False
        assert client.file_exists(name, "config.json") is False
    r = requests.get(f"{hangar.url}/api/models/{name}", timeout=30)
    assert (r.status_code, r.headers.get("X-Error-Code")) == (401, "RepoNotFound")


# --- item 17: validate-yaml licenses -----------------------------------------------------------


def test_validate_yaml_checks_the_license_against_the_hub_list(hangar, monkeypatch):
    good = RepoCard("---\nlicense: apache-2.0\n---\n# Model\n")
    bad = RepoCard("---\nlicense: not-a-license\n---\n# Model\n")
    if HF_MAJOR == 0:  # 0.x posts to a hard-coded huggingface.co URL: send that request to Hangar
        import huggingface_hub.repocard as repocard

        real = repocard.get_session

        class Redirected:
            def post(self, url, *args, **kwargs):
                return real().post(hangar.url + "/api/validate-yaml", *args, **kwargs)

        monkeypatch.setattr(repocard, "get_session", lambda: Redirected())
    else:
        monkeypatch.setattr(huggingface_hub.constants, "ENDPOINT", hangar.url)
    good.validate()
    with pytest.raises(ValueError) as err:
        bad.validate()
    assert str(err.value).startswith('- Error: "license" must be one of [')
    assert "apache-2.0" in str(err.value) and "mit" in str(err.value)
    r = requests.post(hangar.url + "/api/validate-yaml", json={"content": bad.content}, timeout=30)
    assert r.status_code == 400 and r.json()["error"].startswith('- Error: "license" must be one of')


# --- item 18: display names and avatars ------------------------------------------------------


def test_whoami_orgs_fullname_and_avatars_answer(hangar, api, user):
    org = unique("pyorgfn")
    r = requests.post(f"{hangar.url}/org/create", json={"name": org, "fullname": "Acme Research Lab"}, headers=bearer(user[1]), timeout=30)
    assert r.status_code == 200, r.text
    me = api.whoami()
    assert {o["name"]: o["fullname"] for o in me["orgs"]}[org] == "Acme Research Lab"
    for url in [me["avatarUrl"], *(o["avatarUrl"] for o in me["orgs"])]:
        got = requests.get(url if url.startswith("http") else hangar.url + url, timeout=30)
        assert got.status_code == 200 and got.headers["Content-Type"].startswith("image/svg+xml")

    rid = f"{user[0]}/{unique('avatar')}"
    api.create_repo(rid)
    api.upload_file(path_or_fileobj=b"x", path_in_repo="x.txt", repo_id=rid)
    commits = requests.get(f"{hangar.url}/api/models/{rid}/commits/main", headers=bearer(user[1]), timeout=30).json()
    avatar = commits[0]["authors"][0]["avatar"]
    assert requests.get(avatar, timeout=30).status_code == 200
    assert api.list_repo_commits(rid)[0].authors == [user[0]]


# --- item 19: an org's default visibility ----------------------------------------------------


def test_org_can_make_new_repos_private_by_default(hangar, api, anon, user):
    org = unique("pyorgpriv")
    assert requests.post(f"{hangar.url}/org/create", json={"name": org}, headers=bearer(user[1]), timeout=30).status_code == 200
    r = requests.put(f"{hangar.url}/org/{org}/settings", json={"defaultRepoVisibility": "private"}, headers=bearer(user[1]), timeout=30)
    assert r.status_code == 200, r.text
    assert requests.get(f"{hangar.url}/org/{org}", timeout=30).json()["defaultRepoVisibility"] == "private"

    implicit = api.create_repo(f"{org}/{unique('m')}").repo_id
    explicit = api.create_repo(f"{org}/{unique('m')}", private=False).repo_id
    assert api.repo_info(implicit).private is True
    assert api.repo_info(explicit).private is False
    assert anon.repo_exists(implicit) is False
    mine = api.create_repo(f"{user[0]}/{unique('m')}").repo_id  # a user's namespace keeps public
    assert api.repo_info(mine).private is False


def test_org_settings_need_an_org_admin(hangar, user, stranger):
    org = unique("pyorgadm")
    assert requests.post(f"{hangar.url}/org/create", json={"name": org}, headers=bearer(user[1]), timeout=30).status_code == 200
    r = requests.put(f"{hangar.url}/org/{org}/settings", json={"defaultRepoVisibility": "private"}, headers=bearer(stranger[1]), timeout=30)
    assert r.status_code == 403


# --- item 20: client chatter -------------------------------------------------------------------


def test_client_chatter_answers_quietly(hangar, tmp_path):
    r = requests.get(hangar.url + "/api/agent-harnesses", timeout=30)
    assert r.status_code == 200 and r.json() == {"standardEnvVars": [], "harnesses": {}}
    r = requests.post(hangar.url + "/v1/telemetry", data=b'{"events": []}', headers={"Content-Type": "application/json"}, timeout=30)
    assert r.status_code == 204
    if HF_MAJOR >= 1:
        # The client itself: it fetches the registry, caches it under HF_HOME and reads it.
        env = {**os.environ, "HF_ENDPOINT": hangar.url, "HF_HOME": str(tmp_path), "AI_AGENT": "some-agent"}
        code = "from huggingface_hub.utils._detect_agent import detect_agent; from huggingface_hub import constants; print(detect_agent()); print(constants.AGENT_HARNESSES_PATH)"
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        detected, cache = out.stdout.split()
        assert detected == "None"
        assert json.load(open(cache)) == {"standardEnvVars": [], "harnesses": {}}
