"""Repositories, commits, browsing and downloads through the real huggingface_hub client, with
nothing but the endpoint and a token changed. The same module runs with the newest release
(./.venv, requirements.txt) and the last 0.x release (./.venv-hf0, requirements-hf0.txt): the few
places where the two client lines differ are branched on `HF_MAJOR` explicitly, never skipped.

Only small, non-LFS files are uploaded (.txt/.json/.md/.csv/.py): Hangar has no LFS or Xet yet."""

from __future__ import annotations

import base64
import json
import os
import uuid
from pathlib import Path

import huggingface_hub
import pytest
import requests
from huggingface_hub import (
    CommitOperationAdd,
    CommitOperationCopy,
    CommitOperationDelete,
    HfApi,
    HfFileSystem,
    RepoCard,
    hf_hub_download,
    snapshot_download,
)
from huggingface_hub.errors import EntryNotFoundError, HfHubHTTPError, RepositoryNotFoundError, RevisionNotFoundError
from conftest import point_0x_client_at, unique  # noqa: E402

HF_MAJOR = int(huggingface_hub.__version__.split(".")[0])


@pytest.fixture(autouse=True)
def zero_x_endpoint(hangar, monkeypatch):
    """`endpoint=` is passed everywhere; 0.x also needs the global endpoint (see conftest)."""
    point_0x_client_at(hangar.url, monkeypatch)


@pytest.fixture(scope="module")
def user(hangar):
    """One user for the whole module; every test makes its own repositories."""
    name = unique("pyrepo")
    token = hangar.new_user_token(name)
    return name, token


@pytest.fixture
def repo_id(api, user) -> str:
    """A fresh public model repository of the module's user."""
    rid = f"{user[0]}/{unique('m')}"
    api.create_repo(rid)
    return rid


def add(path: str, text: str) -> CommitOperationAdd:
    return CommitOperationAdd(path_in_repo=path, path_or_fileobj=text.encode())


def commit_ids(api: HfApi, repo_id: str, **kwargs) -> list[str]:
    return [c.commit_id for c in api.list_repo_commits(repo_id, **kwargs)]


def status_of(err: pytest.ExceptionInfo) -> int:
    return err.value.response.status_code


def error_code(err: pytest.ExceptionInfo) -> str | None:
    return err.value.response.headers.get("X-Error-Code")


# --- create / info / list ------------------------------------------------------------------


def test_create_repo_model_dataset_space_private_and_exist_ok(hangar, api, user):
    ns = user[0]
    model, dataset, space, private = (f"{ns}/{unique(p)}" for p in ("m", "d", "s", "p"))

    url = api.create_repo(model)
    assert url == f"{hangar.url}/{model}"
    assert (url.repo_id, url.repo_type, url.namespace) == (model, "model", ns)
    assert api.create_repo(model, exist_ok=True) == url
    assert api.create_repo(model, exist_ok=True) == url
    with pytest.raises(HfHubHTTPError) as err:
        api.create_repo(model)
    assert (status_of(err), error_code(err)) == (409, "RepoExists")

    url = api.create_repo(dataset, repo_type="dataset")
    assert url == f"{hangar.url}/datasets/{dataset}"
    assert url.repo_type == "dataset"
    assert api.create_repo(dataset, repo_type="dataset", exist_ok=True) == url

    url = api.create_repo(space, repo_type="space", space_sdk="gradio")
    assert url == f"{hangar.url}/spaces/{space}"
    assert api.create_repo(space, repo_type="space", space_sdk="gradio", exist_ok=True) == url
    info = api.space_info(space)
    assert info.id == space
    assert info.sdk == "gradio"

    api.create_repo(private, private=True)
    assert api.repo_info(private).private is True
    assert api.repo_info(model).private is False
    assert api.dataset_info(dataset).id == dataset

    # the same name may exist once per repository type
    api.create_repo(model, repo_type="dataset")
    assert api.dataset_info(model).id == model


def test_repo_info_sha_siblings_card_data_and_revision(api, repo_id):
    first = api.upload_file(
        path_or_fileobj=b"---\nlicense: mit\ntags:\n- pytest-tag\n---\n# Card\n", path_in_repo="README.md", repo_id=repo_id
    )
    second = api.upload_file(path_or_fileobj=b'{"a": 1}', path_in_repo="config.json", repo_id=repo_id)

    info = api.repo_info(repo_id)
    assert info.sha == second.oid
    assert info.id == repo_id
    assert {"README.md", "config.json"} <= {s.rfilename for s in info.siblings}
    assert info.card_data["license"] == "mit"
    assert "pytest-tag" in info.tags

    old = api.repo_info(repo_id, revision=first.oid)
    assert old.sha == first.oid
    assert "config.json" not in {s.rfilename for s in old.siblings}
    with pytest.raises(RevisionNotFoundError):
        api.repo_info(repo_id, revision="no-such-branch")
    with pytest.raises(RepositoryNotFoundError):
        api.repo_info(f"{repo_id}-missing")


def test_list_models_datasets_spaces_by_search_and_author(api, anon, user):
    ns = user[0]
    tag = uuid.uuid4().hex[:8]
    alpha, beta, hidden = f"{ns}/alpha-{tag}", f"{ns}/beta-{tag}", f"{ns}/hidden-{tag}"
    api.create_repo(alpha)
    api.create_repo(beta)
    api.create_repo(hidden, private=True)
    api.create_repo(f"{ns}/alpha-{tag}", repo_type="dataset")
    api.create_repo(f"{ns}/sp-{tag}", repo_type="space", space_sdk="gradio")

    assert {m.id for m in api.list_models(search=f"alpha-{tag}")} == {alpha}
    assert {m.id for m in api.list_models(search=tag)} == {alpha, beta, hidden}
    assert {m.id for m in anon.list_models(search=tag)} == {alpha, beta}  # private stays hidden
    by_author = {m.id for m in api.list_models(author=ns)}
    assert {alpha, beta, hidden} <= by_author
    assert all(i.startswith(f"{ns}/") for i in by_author)
    assert {m.id for m in api.list_models(author=ns, search=f"beta-{tag}")} == {beta}
    assert len(list(api.list_models(search=tag, limit=1))) == 1
    assert len(list(api.list_models(search=tag, limit=2))) == 2
    assert {d.id for d in api.list_datasets(author=ns, search=tag)} == {f"{ns}/alpha-{tag}"}
    assert {s.id for s in api.list_spaces(author=ns, search=tag)} == {f"{ns}/sp-{tag}"}


# --- commits -------------------------------------------------------------------------------


def test_upload_file_and_folder_commit_ids_match_history(api, repo_id, tmp_path):
    before = commit_ids(api, repo_id)
    one = api.upload_file(path_or_fileobj=b"hello\n", path_in_repo="hello.txt", repo_id=repo_id, commit_message="add hello")
    assert one.oid and len(one.oid) == 40
    assert one.commit_message == "add hello"

    folder = tmp_path / "folder"
    (folder / "sub" / "deeper").mkdir(parents=True)
    (folder / "a.txt").write_text("a\n")
    (folder / "sub" / "b.json").write_text('{"b": 2}\n')
    (folder / "sub" / "deeper" / "c.md").write_text("# c\n")
    (folder / "script.py").write_text("print('hi')\n")
    two = api.upload_folder(folder_path=folder, repo_id=repo_id, commit_message="add folder")
    three = api.upload_folder(folder_path=folder / "sub", path_in_repo="nested", repo_id=repo_id)

    assert commit_ids(api, repo_id) == [three.oid, two.oid, one.oid, *before]
    assert api.repo_info(repo_id).sha == three.oid
    files = set(api.list_repo_files(repo_id))
    assert {"hello.txt", "a.txt", "script.py", "sub/b.json", "sub/deeper/c.md", "nested/b.json", "nested/deeper/c.md"} <= files
    commits = api.list_repo_commits(repo_id)
    assert commits[1].title == "add folder"
    assert commits[2].title == "add hello"
    assert commits[0].authors == [repo_id.split("/")[0]]


def test_create_commit_with_every_operation_type(api, repo_id, tmp_path):
    local = tmp_path / "local.csv"
    local.write_text("x,y\n1,2\n")
    first = api.create_commit(
        repo_id,
        operations=[
            add("keep.txt", "keep\n"),
            add("gone.txt", "gone\n"),
            add("data/one.csv", "a,b\n1,2\n"),
            add("data/two/three.csv", "c\n3\n"),
            CommitOperationAdd(path_in_repo="from-disk.csv", path_or_fileobj=str(local)),
        ],
        commit_message="first",
        commit_description="many adds",
    )
    files = set(api.list_repo_files(repo_id))
    assert {"keep.txt", "gone.txt", "data/one.csv", "data/two/three.csv", "from-disk.csv"} <= files

    second = api.create_commit(
        repo_id,
        operations=[
            CommitOperationDelete(path_in_repo="gone.txt"),
            CommitOperationDelete(path_in_repo="data/"),
            CommitOperationCopy(src_path_in_repo="keep.txt", path_in_repo="copies/keep-copy.txt"),
            CommitOperationCopy(src_path_in_repo="data/one.csv", path_in_repo="one-again.csv", src_revision=first.oid),
            add("keep.txt", "changed\n"),
        ],
        commit_message="second",
    )
    files = set(api.list_repo_files(repo_id))
    assert {"keep.txt", "copies/keep-copy.txt", "one-again.csv", "from-disk.csv"} <= files
    assert not files & {"gone.txt", "data/one.csv", "data/two/three.csv"}
    assert commit_ids(api, repo_id)[:2] == [second.oid, first.oid]
    assert api.repo_info(repo_id).sha == second.oid

    def read(path, revision=None):
        return Path(hf_hub_download(repo_id, path, revision=revision, endpoint=api.endpoint, token=api.token, cache_dir=tmp_path / "c")).read_text()

    # the copy was taken before the add of the same commit changed keep.txt
    assert read("copies/keep-copy.txt") == "keep\n"
    assert read("keep.txt") == "changed\n"
    assert read("one-again.csv") == "a,b\n1,2\n"
    assert read("from-disk.csv") == "x,y\n1,2\n"
    assert read("gone.txt", revision=first.oid) == "gone\n"


def test_stale_parent_commit_is_rejected_with_412(api, repo_id):
    one = api.create_commit(repo_id, operations=[add("a.txt", "1")], commit_message="one")
    two = api.create_commit(repo_id, operations=[add("a.txt", "2")], commit_message="two", parent_commit=one.oid)
    with pytest.raises(HfHubHTTPError) as err:
        api.create_commit(repo_id, operations=[add("a.txt", "3")], commit_message="three", parent_commit=one.oid)
    assert (status_of(err), error_code(err)) == (412, "PreconditionFailed")
    assert api.repo_info(repo_id).sha == two.oid
    assert commit_ids(api, repo_id)[:2] == [two.oid, one.oid]


def test_create_commit_as_pull_request(api, repo_id, tmp_path):
    base = api.repo_info(repo_id).sha
    pr = api.create_commit(repo_id, operations=[add("proposal.txt", "idea\n")], commit_message="proposal", create_pr=True)
    assert pr.pr_num == 1
    assert pr.pr_revision == "refs/pr/1"
    assert api.repo_info(repo_id).sha == base  # main is untouched
    refs = api.list_repo_refs(repo_id, include_pull_requests=True)
    assert [(r.ref, r.target_commit) for r in refs.pull_requests] == [("refs/pr/1", pr.oid)]
    path = hf_hub_download(repo_id, "proposal.txt", revision="refs/pr/1", endpoint=api.endpoint, token=api.token, cache_dir=tmp_path)
    assert Path(path).read_text() == "idea\n"


def test_delete_file_and_delete_folder(api, repo_id):
    api.create_commit(
        repo_id,
        operations=[add("a.txt", "a"), add("b.txt", "b"), add("dir/x.txt", "x"), add("dir/deep/y.txt", "y")],
        commit_message="files",
    )
    deleted = api.delete_file("a.txt", repo_id, commit_message="remove a")
    assert commit_ids(api, repo_id)[0] == deleted.oid
    assert "a.txt" not in api.list_repo_files(repo_id)
    gone = api.delete_folder("dir", repo_id)
    files = api.list_repo_files(repo_id)
    assert "b.txt" in files
    assert not [f for f in files if f.startswith("dir/")]
    assert api.repo_info(repo_id).sha == gone.oid
    with pytest.raises(EntryNotFoundError):
        api.delete_file("a.txt", repo_id)


# --- downloads -----------------------------------------------------------------------------


def test_hf_hub_download_then_cache_hit(api, repo_id, tmp_path, monkeypatch):
    import huggingface_hub.file_download as file_download

    fetched = []  # every body download goes through file_download.http_get (0.x and 2.x)
    real_http_get = file_download.http_get
    monkeypatch.setattr(file_download, "http_get", lambda url, *a, **kw: fetched.append(url) or real_http_get(url, *a, **kw))

    info = api.upload_file(path_or_fileobj=b"payload\n", path_in_repo="folder/file.txt", repo_id=repo_id)
    first = hf_hub_download(repo_id, "folder/file.txt", endpoint=api.endpoint, token=api.token, cache_dir=tmp_path)
    assert Path(first).read_bytes() == b"payload\n"
    assert fetched == [f"{api.endpoint}/{repo_id}/resolve/main/folder/file.txt"]
    assert f"snapshots{os.sep}{info.oid}{os.sep}folder" in first
    blob = Path(first).resolve()
    stat = blob.stat()

    second = hf_hub_download(repo_id, "folder/file.txt", endpoint=api.endpoint, token=api.token, cache_dir=tmp_path)
    assert second == first
    again = blob.stat()
    assert (again.st_ino, again.st_mtime_ns) == (stat.st_ino, stat.st_mtime_ns)  # not fetched again
    assert len(fetched) == 1
    assert len(list(blob.parent.iterdir())) == 1
    # fully offline now that it is cached
    assert hf_hub_download(repo_id, "folder/file.txt", endpoint=api.endpoint, token=api.token, cache_dir=tmp_path, local_files_only=True) == first

    by_commit = hf_hub_download(repo_id, "folder/file.txt", revision=info.oid, endpoint=api.endpoint, token=api.token, cache_dir=tmp_path)
    assert Path(by_commit).read_bytes() == b"payload\n"

    with pytest.raises(EntryNotFoundError):
        hf_hub_download(repo_id, "folder/none.txt", endpoint=api.endpoint, token=api.token, cache_dir=tmp_path)
    with pytest.raises(RevisionNotFoundError):
        hf_hub_download(repo_id, "folder/file.txt", revision="nope", endpoint=api.endpoint, token=api.token, cache_dir=tmp_path)


def test_downloads_from_dataset_and_space(api, user, tmp_path):
    dataset = f"{user[0]}/{unique('d')}"
    space = f"{user[0]}/{unique('s')}"
    api.create_repo(dataset, repo_type="dataset")
    api.create_repo(space, repo_type="space", space_sdk="gradio")
    api.upload_file(path_or_fileobj=b"a,b\n", path_in_repo="train.csv", repo_id=dataset, repo_type="dataset")
    api.upload_file(path_or_fileobj=b"import gradio\n", path_in_repo="app.py", repo_id=space, repo_type="space")
    d = hf_hub_download(dataset, "train.csv", repo_type="dataset", endpoint=api.endpoint, token=api.token, cache_dir=tmp_path)
    s = hf_hub_download(space, "app.py", repo_type="space", endpoint=api.endpoint, token=api.token, cache_dir=tmp_path)
    assert Path(d).read_bytes() == b"a,b\n"
    assert Path(s).read_bytes() == b"import gradio\n"
    snap = snapshot_download(dataset, repo_type="dataset", endpoint=api.endpoint, token=api.token, cache_dir=tmp_path)
    assert "train.csv" in os.listdir(snap)


def test_snapshot_download_with_allow_patterns(api, repo_id, tmp_path):
    info = api.create_commit(
        repo_id,
        operations=[
            add("a.txt", "a"),
            add("b.json", "{}"),
            add("sub/c.json", "[]"),
            add("sub/d.md", "# d"),
            add("other/e.py", "pass"),
        ],
        commit_message="files",
    )
    snap = snapshot_download(repo_id, allow_patterns=["*.json", "sub/*"], endpoint=api.endpoint, token=api.token, cache_dir=tmp_path)
    got = {str(p.relative_to(snap)).replace(os.sep, "/") for p in Path(snap).rglob("*") if p.is_file()}
    assert got == {"b.json", "sub/c.json", "sub/d.md"}
    assert Path(snap).name == info.oid
    full = snapshot_download(repo_id, endpoint=api.endpoint, token=api.token, cache_dir=tmp_path / "full", ignore_patterns=["*.md"])
    got = {str(p.relative_to(full)).replace(os.sep, "/") for p in Path(full).rglob("*") if p.is_file()}
    assert {"a.txt", "b.json", "sub/c.json", "other/e.py"} <= got
    assert not [g for g in got if g.endswith(".md")]


# --- browsing ------------------------------------------------------------------------------


def test_list_repo_tree_recursive_and_expanded(api, repo_id):
    first = api.create_commit(repo_id, operations=[add("top.txt", "top"), add("dir/a.txt", "a")], commit_message="first")
    many = [add(f"dir/many/f{i:02d}.txt", f"file {i}") for i in range(60)]  # more than one expanded page (50)
    second = api.create_commit(repo_id, operations=[add("dir/b.json", "{}"), *many], commit_message="second")

    root = {e.path: e for e in api.list_repo_tree(repo_id)}
    assert {"top.txt", "dir"} <= set(root)
    assert type(root["dir"]).__name__ == "RepoFolder"
    assert type(root["top.txt"]).__name__ == "RepoFile"
    assert root["top.txt"].size == 3
    assert root["top.txt"].blob_id and root["top.txt"].lfs is None

    sub = {e.path for e in api.list_repo_tree(repo_id, path_in_repo="dir")}
    assert sub == {"dir/a.txt", "dir/b.json", "dir/many"}

    everything = {e.path for e in api.list_repo_tree(repo_id, recursive=True)}
    assert {"top.txt", "dir", "dir/a.txt", "dir/b.json", "dir/many", "dir/many/f00.txt", "dir/many/f59.txt"} <= everything

    expanded = {e.path: e for e in api.list_repo_tree(repo_id, recursive=True, expand=True)}
    assert set(expanded) == everything  # every page followed through the Link header
    assert expanded["top.txt"].last_commit.oid == first.oid
    assert expanded["top.txt"].last_commit.title == "first"
    assert expanded["dir/a.txt"].last_commit.oid == first.oid
    assert expanded["dir/b.json"].last_commit.oid == second.oid
    assert expanded["dir/many/f42.txt"].last_commit.oid == second.oid
    assert expanded["dir"].last_commit.oid == second.oid

    old = {e.path for e in api.list_repo_tree(repo_id, recursive=True, revision=first.oid)}
    assert "dir/b.json" not in old and "dir/a.txt" in old
    with pytest.raises(EntryNotFoundError):
        list(api.list_repo_tree(repo_id, path_in_repo="no/such/dir"))


def test_get_paths_info(api, repo_id):
    first = api.create_commit(repo_id, operations=[add("a.txt", "aaa"), add("sub/b.txt", "b")], commit_message="first")
    second = api.create_commit(repo_id, operations=[add("sub/c.txt", "c")], commit_message="second")
    infos = {e.path: e for e in api.get_paths_info(repo_id, ["a.txt", "sub", "missing.txt"])}
    assert set(infos) == {"a.txt", "sub"}
    assert type(infos["a.txt"]).__name__ == "RepoFile" and infos["a.txt"].size == 3
    assert type(infos["sub"]).__name__ == "RepoFolder"
    expanded = {e.path: e for e in api.get_paths_info(repo_id, ["a.txt", "sub"], expand=True)}
    assert expanded["a.txt"].last_commit.oid == first.oid
    assert expanded["sub"].last_commit.oid == second.oid
    at_first = api.get_paths_info(repo_id, "sub/c.txt", revision=first.oid)
    assert at_first == []


def test_list_repo_commits_newest_first(api, repo_id):
    oids = [api.create_commit(repo_id, operations=[add("n.txt", str(i))], commit_message=f"commit {i}").oid for i in range(3)]
    commits = api.list_repo_commits(repo_id)
    assert [c.commit_id for c in commits[:3]] == oids[::-1]
    assert [c.title for c in commits[:3]] == ["commit 2", "commit 1", "commit 0"]
    assert commits[0].created_at >= commits[2].created_at
    assert commit_ids(api, repo_id, revision=oids[1])[:2] == [oids[1], oids[0]]


def test_refs_branches_and_tags(api, repo_id, tmp_path):
    one = api.create_commit(repo_id, operations=[add("v.txt", "1")], commit_message="one").oid
    two = api.create_commit(repo_id, operations=[add("v.txt", "2")], commit_message="two").oid

    api.create_branch(repo_id, branch="dev")
    api.create_branch(repo_id, branch="old", revision=one)
    api.create_branch(repo_id, branch="dev", exist_ok=True)
    with pytest.raises(HfHubHTTPError) as err:
        api.create_branch(repo_id, branch="dev")
    assert (status_of(err), error_code(err)) == (409, "BranchExists")
    api.create_tag(repo_id, tag="v1", tag_message="release one", revision=one)
    api.create_tag(repo_id, tag="v2")
    with pytest.raises(HfHubHTTPError) as err:
        api.create_tag(repo_id, tag="v2")
    assert (status_of(err), error_code(err)) == (409, "TagExists")

    refs = api.list_repo_refs(repo_id)
    branches = {b.name: b.target_commit for b in refs.branches}
    tags = {t.name: t.target_commit for t in refs.tags}
    assert branches == {"main": two, "dev": two, "old": one}
    assert tags == {"v1": one, "v2": two}
    assert {b.ref for b in refs.branches} == {"refs/heads/main", "refs/heads/dev", "refs/heads/old"}

    three = api.create_commit(repo_id, operations=[add("v.txt", "3")], commit_message="three", revision="dev").oid
    assert commit_ids(api, repo_id, revision="dev")[:3] == [three, two, one]
    assert api.repo_info(repo_id).sha == two
    assert api.repo_info(repo_id, revision="v1").sha == one
    for rev, text in (("dev", "3"), ("old", "1"), ("v1", "1"), ("v2", "2")):
        p = hf_hub_download(repo_id, "v.txt", revision=rev, endpoint=api.endpoint, token=api.token, cache_dir=tmp_path)
        assert Path(p).read_text() == text, rev

    api.delete_branch(repo_id, branch="old")
    api.delete_tag(repo_id, tag="v1")
    refs = api.list_repo_refs(repo_id)
    assert {b.name for b in refs.branches} == {"main", "dev"}
    assert {t.name for t in refs.tags} == {"v2"}
    with pytest.raises(HfHubHTTPError) as err:
        api.delete_branch(repo_id, branch="main")
    assert (status_of(err), error_code(err)) == (400, "DefaultBranch")
    with pytest.raises(HfHubHTTPError) as err:
        api.delete_tag(repo_id, tag="v1")
    assert (status_of(err), error_code(err)) == (404, "RevisionNotFound")


# --- move, visibility, delete --------------------------------------------------------------


def test_move_repo_keeps_old_id_working_through_redirect(api, user, tmp_path):
    old = f"{user[0]}/{unique('before')}"
    new = f"{user[0]}/{unique('after')}"
    api.create_repo(old)
    info = api.upload_file(path_or_fileobj=b"moved\n", path_in_repo="f.txt", repo_id=old)
    api.move_repo(from_id=old, to_id=new)

    assert api.repo_info(new).id == new
    assert api.repo_info(new).sha == info.oid
    via_old = api.repo_info(old)
    assert via_old.id == new
    assert via_old.sha == info.oid
    p = hf_hub_download(old, "f.txt", endpoint=api.endpoint, token=api.token, cache_dir=tmp_path)
    assert Path(p).read_bytes() == b"moved\n"
    assert "f.txt" in api.list_repo_files(old)
    assert new in {m.id for m in api.list_models(author=user[0])}
    assert old not in {m.id for m in api.list_models(author=user[0])}


def test_update_repo_settings_private_hides_repo_from_anonymous(api, anon, repo_id, tmp_path):
    api.upload_file(path_or_fileobj=b"x", path_in_repo="x.txt", repo_id=repo_id)
    assert anon.repo_info(repo_id).private is False
    hf_hub_download(repo_id, "x.txt", endpoint=api.endpoint, token=False, cache_dir=tmp_path / "public")

    api.update_repo_settings(repo_id, private=True)
    assert api.repo_info(repo_id).private is True
    with pytest.raises(RepositoryNotFoundError):
        anon.repo_info(repo_id)
    with pytest.raises(RepositoryNotFoundError):
        hf_hub_download(repo_id, "x.txt", endpoint=api.endpoint, token=False, cache_dir=tmp_path / "private")
    with pytest.raises(RepositoryNotFoundError):
        anon.list_repo_files(repo_id)
    assert repo_id not in {m.id for m in anon.list_models(author=repo_id.split("/")[0])}

    if HF_MAJOR == 0:  # the 0.x-only older call for the same setting
        with pytest.warns(FutureWarning):  # deprecated in 0.x in favour of update_repo_settings
            api.update_repo_visibility(repo_id, private=False)
    else:
        assert not hasattr(api, "update_repo_visibility")
        api.update_repo_settings(repo_id, private=False)
    assert anon.repo_info(repo_id).private is False


def test_update_repo_settings_every_field_the_client_sends(hangar, api, anon, user, repo_id):
    """0.x sends `private` and `xetEnabled` (a boolean), newer clients `visibility`; `gated` both.
    Hangar always speaks Xet, so `xetEnabled` is accepted and changes nothing."""
    if HF_MAJOR == 0:
        api.update_repo_settings(repo_id, gated="manual", private=True, xet_enabled=True)
    else:
        api.update_repo_settings(repo_id, gated="manual", visibility="private")
    info = api.repo_info(repo_id)
    assert (info.private, info.gated) == (True, "manual")
    with pytest.raises(RepositoryNotFoundError):
        anon.repo_info(repo_id)

    if HF_MAJOR == 0:
        api.update_repo_settings(repo_id, gated=False, private=False, xet_enabled=False)
    else:
        api.update_repo_settings(repo_id, gated=False, visibility="public")
    info = anon.repo_info(repo_id)
    assert (info.private, info.gated) == (False, False)

    # Both spellings of the discussions switch, and fields Hangar has no use for, are accepted.
    url = f"{hangar.url}/api/models/{repo_id}/settings"
    auth = {"Authorization": f"Bearer {user[1]}"}
    for body, disabled in (({"discussions_disabled": True}, True), ({"discussionsDisabled": False}, False), ({"discussions_disabled": True, "xetEnabled": "true", "someFutureSetting": {"a": 1}}, True)):
        r = requests.put(url, json=body, headers=auth, timeout=30)
        assert r.status_code == 200, r.text
        assert requests.get(f"{hangar.url}/api/models/{repo_id}", headers=auth, timeout=30).json()["discussionsDisabled"] is disabled
    # A known field of the wrong kind is still refused, and changes nothing.
    r = requests.put(url, json={"private": "maybe", "discussions_disabled": False}, headers=auth, timeout=30)
    assert r.status_code == 400 and r.headers["X-Error-Code"] == "ValidationError"
    assert api.repo_info(repo_id).private is False
    assert requests.get(f"{hangar.url}/api/models/{repo_id}", headers=auth, timeout=30).json()["discussionsDisabled"] is True


def test_duplicate_repo_copies_history_branches_and_files(api, user, anon, tmp_path):
    """duplicate_repo (1.x+) for every repo type; 0.x has only duplicate_space, on the same route."""
    kinds = ["model", "dataset", "space"] if HF_MAJOR > 0 else ["space"]
    for repo_type in kinds:
        src = f"{user[0]}/{unique('src')}"
        extra = {"space_sdk": "static"} if repo_type == "space" else {}
        api.create_repo(src, repo_type=repo_type, **extra)
        api.upload_file(path_or_fileobj=b"one\n", path_in_repo="one.txt", repo_id=src, repo_type=repo_type)
        api.create_branch(src, branch="dev", repo_type=repo_type)
        api.upload_file(path_or_fileobj=b"two\n", path_in_repo="two.txt", repo_id=src, repo_type=repo_type, revision="dev")
        dst = f"{user[0]}/{unique('copy')}"
        if HF_MAJOR > 0:
            url = api.duplicate_repo(src, dst, repo_type=repo_type, private=True)
            assert url.files_copy_pending is False
        else:
            url = api.duplicate_space(src, dst, private=True)
        assert url.repo_id == dst
        assert api.repo_info(dst, repo_type=repo_type).private is True
        with pytest.raises(RepositoryNotFoundError):
            anon.repo_info(dst, repo_type=repo_type)
        for rev in ("main", "dev"):
            assert commit_ids(api, dst, repo_type=repo_type, revision=rev) == commit_ids(api, src, repo_type=repo_type, revision=rev)
        got = hf_hub_download(dst, "two.txt", repo_type=repo_type, revision="dev", endpoint=api.endpoint, token=api.token, cache_dir=tmp_path / repo_type)
        assert Path(got).read_text() == "two\n"
        if HF_MAJOR > 0:  # exist_ok answers the existing copy's url
            assert api.duplicate_repo(src, dst, repo_type=repo_type, exist_ok=True).repo_id == dst


def test_delete_repo(api, repo_id):
    api.delete_repo(repo_id)
    with pytest.raises(RepositoryNotFoundError):
        api.repo_info(repo_id)
    with pytest.raises(RepositoryNotFoundError):
        api.delete_repo(repo_id)
    api.delete_repo(repo_id, missing_ok=True)
    api.create_repo(repo_id)  # the name is free again
    assert api.repo_info(repo_id).id == repo_id


# --- HfFileSystem, repo cards --------------------------------------------------------------


def test_hf_file_system_ls_glob_open(hangar, api, user):
    dataset = f"{user[0]}/{unique('fsd')}"
    api.create_repo(dataset, repo_type="dataset")
    api.create_commit(
        dataset,
        repo_type="dataset",
        operations=[add("readme.md", "# hi"), add("data/a.json", '{"a": 1}'), add("data/deep/b.json", '{"b": 2}'), add("data/c.csv", "0123456789")],
        commit_message="files",
    )
    fs = HfFileSystem(endpoint=hangar.url, token=user[1], skip_instance_cache=True)
    root = f"datasets/{dataset}"
    assert {f"{root}/readme.md", f"{root}/data"} <= set(fs.ls(root, detail=False))
    details = {d["name"]: d for d in fs.ls(f"{root}/data", detail=True)}
    assert details[f"{root}/data/c.csv"]["type"] == "file" and details[f"{root}/data/c.csv"]["size"] == 10
    assert details[f"{root}/data/deep"]["type"] == "directory"
    assert set(fs.glob(f"{root}/**/*.json")) == {f"{root}/data/a.json", f"{root}/data/deep/b.json"}
    assert set(fs.glob(f"{root}/data/*.csv")) == {f"{root}/data/c.csv"}
    with fs.open(f"{root}/data/a.json") as f:
        assert json.load(f) == {"a": 1}
    with fs.open(f"{root}/data/c.csv", "rb") as f:
        f.seek(3)
        assert f.read(4) == b"3456"
    assert fs.read_text(f"{root}/readme.md") == "# hi"
    assert fs.exists(f"{root}/data/deep/b.json") and not fs.exists(f"{root}/nope.txt")

    model = f"{user[0]}/{unique('fsm')}"
    api.create_repo(model)
    api.upload_file(path_or_fileobj=b"m", path_in_repo="m.txt", repo_id=model)
    assert f"{model}/m.txt" in fs.ls(model, detail=False)
    assert fs.cat(f"{model}/m.txt") == b"m"
    with fs.open(f"{model}/written.txt", "w") as f:  # writing goes through a commit
        f.write("via fs")
    assert api.list_repo_files(model).count("written.txt") == 1


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


def ndjson_file_line(path: str, content: bytes) -> bytes:
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


def test_commit_paths_that_are_not_well_formed_unicode_are_refused(api, repo_id):
    # Lone surrogates (JSON.parse lets them through) and raw bytes that are not UTF-8: written as
    # U+FFFD they would merge different names into duplicate tree entries.
    head = api.repo_info(repo_id).sha
    for line in [
        b'{"key":"file","value":{"path":"\\ud800.txt","content":"eA==","encoding":"base64"}}',
        b'{"key":"file","value":{"path":"\\udc00.txt","content":"eA==","encoding":"base64"}}',
        b'{"key":"file","value":{"path":"bad\xff\xfe.txt","content":"eA==","encoding":"base64"}}',
    ]:
        r = raw_commit(api, repo_id, [line])
        assert r.status_code == 400, r.text
        assert r.headers["X-Error-Code"] == "InvalidCommitPayload"
    assert api.repo_info(repo_id).sha == head


def test_readme_with_an_alias_bomb_never_fails_a_request(api, repo_id, tmp_path):
    # Past every bound: card data is null (with a warning in the log), requests go on.
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    card = "---\n" + "\n".join(levels) + "\n---\n# Bomb\n"
    before = len(api.list_repo_commits(repo_id))
    r = raw_commit(api, repo_id, [ndjson_file_line("README.md", card.encode())])
    assert r.status_code == 200, r.text
    assert len(api.list_repo_commits(repo_id)) == before + 1
    api.upload_file(path_or_fileobj=b"after", path_in_repo="after.txt", repo_id=repo_id)
    info = api.repo_info(repo_id)
    assert info.card_data is None or info.card_data == {}
    assert {"README.md", "after.txt"} <= {s.rfilename for s in info.siblings}
    folder = snapshot_download(repo_id, cache_dir=tmp_path / "cache", endpoint=api.endpoint, token=api.token)
    assert (Path(folder) / "README.md").read_text(encoding="utf-8") == card


def test_repo_card_validate(hangar, monkeypatch):
    good = RepoCard("---\nlicense: mit\ntags:\n- demo\n---\n# Model\n")
    bad = RepoCard("---\nlicense: 12\ntags: {not: a list}\n---\n# Model\n")
    if HF_MAJOR == 0:
        # 0.x posts to a hard-coded https://huggingface.co/api/validate-yaml (form-encoded): send
        # that exact request to Hangar instead.
        import huggingface_hub.repocard as repocard

        real = repocard.get_session

        class Redirected:
            def post(self, url, *args, **kwargs):
                assert url == "https://huggingface.co/api/validate-yaml"
                return real().post(hangar.url + "/api/validate-yaml", *args, **kwargs)

        monkeypatch.setattr(repocard, "get_session", lambda: Redirected())
    else:
        monkeypatch.setattr(huggingface_hub.constants, "ENDPOINT", hangar.url)
    good.validate()
    good.validate(repo_type="dataset")
    with pytest.raises(ValueError):
        bad.validate()
