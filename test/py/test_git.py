"""git over smart HTTP next to the huggingface_hub client: what one writes, the other reads.
A repository made with huggingface_hub is cloned, committed to and pushed with the real `git`;
the hub API then lists the pushed commit and serves its bytes. And a history written with
`upload_folder` clones as exactly the commits `list_repo_commits` returns. Runs with both client
lines (./.venv and ./.venv-hf0), like test_repos.py."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, urlsplit

import huggingface_hub
import pytest
from huggingface_hub import HfApi, hf_hub_download
from conftest import git, point_0x_client_at, unique  # noqa: E402

HF_MAJOR = int(huggingface_hub.__version__.split(".")[0])


@pytest.fixture(autouse=True)
def zero_x_endpoint(hangar, monkeypatch):
    """0.x downloads through the global endpoint constants, not `endpoint=` (see conftest)."""
    point_0x_client_at(hangar.url, monkeypatch)


@pytest.fixture(scope="module")
def user(hangar):
    name = unique("pygit")
    return name, hangar.new_user_token(name)


def clone_url(hangar, user, repo_id: str, repo_type: str = "model") -> str:
    """http://user:TOKEN@host/[datasets/|spaces/]ns/name: the token is the password."""
    parts = urlsplit(hangar.url)
    prefix = {"model": "", "dataset": "datasets/", "space": "spaces/"}[repo_type]
    return f"{parts.scheme}://{quote(user[0])}:{quote(user[1])}@{parts.netloc}/{prefix}{repo_id}"


def commit_ids(api: HfApi, repo_id: str, **kwargs) -> list[str]:
    return [c.commit_id for c in api.list_repo_commits(repo_id, **kwargs)]


@pytest.mark.parametrize("repo_type", ["model", "dataset"])
def test_clone_commit_push_then_the_hub_serves_it(hangar, user, api, tmp_path, repo_type):
    repo_id = f"{user[0]}/{unique('g')}"
    api.create_repo(repo_id, repo_type=repo_type)
    api.upload_file(path_or_fileobj=b"# made by huggingface_hub\n", path_in_repo="notes.txt", repo_id=repo_id, repo_type=repo_type)
    work = tmp_path / "work"
    git(tmp_path, "clone", "-q", clone_url(hangar, user, repo_id, repo_type), str(work))
    assert (work / "notes.txt").read_text() == "# made by huggingface_hub\n"
    assert git(work, "rev-parse", "HEAD").strip() == commit_ids(api, repo_id, repo_type=repo_type)[0]

    payload = bytes(range(256)) * 64 + b"pushed with git\n"
    (work / "data").mkdir()
    (work / "data" / "pushed.txt").write_bytes(payload)
    git(work, "add", "data/pushed.txt")
    git(work, "commit", "-q", "-m", "push a file with git", "-m", "the body of the commit")
    sha = git(work, "rev-parse", "HEAD").strip()
    git(work, "push", "-q", "origin", "main")

    commits = api.list_repo_commits(repo_id, repo_type=repo_type)
    assert commits[0].commit_id == sha
    assert commits[0].title == "push a file with git"
    assert commit_ids(api, repo_id, repo_type=repo_type)[1] == git(work, "rev-parse", "HEAD^").strip()
    assert api.repo_info(repo_id, repo_type=repo_type).sha == sha
    path = hf_hub_download(repo_id, "data/pushed.txt", repo_type=repo_type, endpoint=api.endpoint, token=api.token, cache_dir=tmp_path / "cache")
    assert Path(path).read_bytes() == payload
    by_commit = hf_hub_download(repo_id, "data/pushed.txt", repo_type=repo_type, revision=sha, endpoint=api.endpoint, token=api.token, cache_dir=tmp_path / "cache2")
    assert Path(by_commit).read_bytes() == payload


def test_upload_folder_history_clones_as_the_listed_commits(hangar, user, api, tmp_path):
    repo_id = f"{user[0]}/{unique('g')}"
    api.create_repo(repo_id)
    folder = tmp_path / "folder"
    (folder / "sub" / "deeper").mkdir(parents=True)
    (folder / "a.txt").write_text("a\n")
    (folder / "sub" / "b.json").write_text('{"b": 2}\n')
    (folder / "sub" / "deeper" / "c.md").write_text("# c\n")
    api.upload_folder(folder_path=folder, repo_id=repo_id, commit_message="add folder")
    (folder / "a.txt").write_text("a, changed\n")
    api.upload_folder(folder_path=folder, repo_id=repo_id, commit_message="change a.txt")
    api.upload_file(path_or_fileobj=b"last\n", path_in_repo="sub/last.txt", repo_id=repo_id, commit_message="one more file")
    listed = commit_ids(api, repo_id)
    assert len(listed) >= 4  # the repository's first commit, then ours

    for version in ("2", "0"):
        clone = tmp_path / f"clone-v{version}"
        git(tmp_path, "-c", f"protocol.version={version}", "clone", "-q", clone_url(hangar, user, repo_id), str(clone))
        assert git(clone, "log", "--format=%H").split() == listed
        assert git(clone, "log", "-1", "--format=%s", "HEAD~1").strip() == "change a.txt"
        assert (clone / "a.txt").read_text() == "a, changed\n"
        assert (clone / "sub" / "deeper" / "c.md").read_text() == "# c\n"
        assert (clone / "sub" / "last.txt").read_text() == "last\n"
        git(clone, "fsck", "--full", "--strict", "--no-dangling")


def test_super_squash_history_leaves_one_commit_with_the_same_tree(hangar, user, api, tmp_path):
    repo_id = f"{user[0]}/{unique('sq')}"
    api.create_repo(repo_id)
    api.upload_file(path_or_fileobj=b"a\n", path_in_repo="a.txt", repo_id=repo_id)
    api.upload_file(path_or_fileobj=b"b\n", path_in_repo="sub/b.txt", repo_id=repo_id)
    api.upload_file(path_or_fileobj=b"a, again\n", path_in_repo="a.txt", repo_id=repo_id)
    assert len(commit_ids(api, repo_id)) == 4
    files = sorted((f.path, f.blob_id) for f in api.list_repo_tree(repo_id, recursive=True) if f.__class__.__name__ == "RepoFile")

    api.super_squash_history(repo_id)
    (only,) = api.list_repo_commits(repo_id)
    assert only.title == "Super-squash branch 'main' using huggingface_hub"
    assert sorted((f.path, f.blob_id) for f in api.list_repo_tree(repo_id, recursive=True) if f.__class__.__name__ == "RepoFile") == files

    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", clone_url(hangar, user, repo_id), str(clone))
    assert git(clone, "rev-list", "--all").split() == [only.commit_id]
    git(clone, "fsck", "--full", "--strict", "--no-dangling")
    assert Path(hf_hub_download(repo_id, "a.txt", endpoint=api.endpoint, token=user[1], cache_dir=tmp_path / "cache")).read_text() == "a, again\n"
