"""Discussions and pull requests as huggingface_hub drives them (issue 19): a PR opened by
`upload_file(create_pr=True)`, listed, read with its diff, commented, renamed, pushed to with the
API and with git, merged (fast-forward and merge commit), a conflicting PR answered 409, PR refs
listed, HfFileSystem on refs/pr/N, the permissions per operation, bad input, and the `hf` CLI.
Both client versions run these."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
import requests
from huggingface_hub import CommitOperationAdd, HfApi
from huggingface_hub.utils import HfHubHTTPError, RepositoryNotFoundError

from conftest import git, unique

pytestmark = pytest.mark.usefixtures("hf0_endpoint")


@pytest.fixture(scope="module")
def owner(hangar):
    name = unique("dso")
    token = hangar.new_user_token(name)
    return HfApi(endpoint=hangar.url, token=token), name, token


@pytest.fixture(scope="module")
def stranger(hangar):
    name = unique("dss")
    token = hangar.new_user_token(name)
    return HfApi(endpoint=hangar.url, token=token), name, token


@pytest.fixture
def repo(owner):
    api, name, _ = owner
    repo_id = f"{name}/{unique('m')}"
    api.create_repo(repo_id)
    api.upload_file(path_or_fileobj=b"one\ntwo\nthree\n", path_in_repo="a.txt", repo_id=repo_id, commit_message="base")
    return repo_id


def pr_num(commit_info) -> int:
    return int(commit_info.pr_url.rstrip("/").rsplit("/", 1)[1])


def main_head(api: HfApi, repo_id: str) -> str:
    return api.list_repo_commits(repo_id)[0].commit_id


def read(api: HfApi, repo_id: str, path: str, revision: str = "main") -> bytes:
    return requests.get(f"{api.endpoint}/{repo_id}/resolve/{quote(revision, safe='')}/{path}", timeout=30, headers={"Authorization": f"Bearer {api.token}"}).content


def test_pull_request_from_open_to_merged(hangar, owner, repo, tmp_path):
    api, name, token = owner
    info = api.upload_file(path_or_fileobj=b"one\nTWO\nthree\n", path_in_repo="a.txt", repo_id=repo, commit_message="Shout two", create_pr=True)
    num = pr_num(info)
    assert info.pr_revision == f"refs/pr/{num}"

    [listed] = list(api.get_repo_discussions(repo))
    assert (listed.num, listed.title, listed.status, listed.is_pull_request, listed.author, listed.repo_id) == (num, "Shout two", "open", True, name, repo)

    details = api.get_discussion_details(repo, num)
    assert details.target_branch == "refs/heads/main"
    assert details.conflicting_files == []
    assert [(e.type, getattr(e, "oid", None)) for e in details.events] == [("commit", info.oid)]
    assert "-two\n+TWO\n" in details.diff and "diff --git a/a.txt b/a.txt" in details.diff

    comment = api.comment_discussion(repo, num, "Looks *good*")
    assert (comment.content, comment.author, comment.edited, comment.hidden) == ("Looks *good*", name, False, False)
    renamed = api.rename_discussion(repo, num, "Shout two, louder")
    assert (renamed.old_title, renamed.new_title) == ("Shout two", "Shout two, louder")

    # Another commit with the API, then one pushed with git: each a commit event.
    second = api.upload_file(path_or_fileobj=b"new\n", path_in_repo="b.txt", repo_id=repo, revision=f"refs/pr/{num}", commit_message="Add b")
    parts = urlsplit(hangar.url)
    work = tmp_path / "clone"
    git(tmp_path, "clone", "-q", f"{parts.scheme}://{quote(name)}:{quote(token)}@{parts.netloc}/{repo}", str(work))
    git(work, "fetch", "-q", "origin", f"refs/pr/{num}")
    git(work, "checkout", "-q", "FETCH_HEAD")
    (work / "c.txt").write_text("pushed with git\n")
    git(work, "add", "c.txt")
    git(work, "commit", "-q", "-m", "Add c with git")
    pushed = git(work, "rev-parse", "HEAD").strip()
    git(work, "push", "-q", "origin", f"HEAD:refs/pr/{num}")

    details = api.get_discussion_details(repo, num)
    commits = [(e.summary, e.oid) for e in details.events if e.type == "commit"]
    assert commits == [("Shout two", info.oid), ("Add b", second.oid), ("Add c with git", pushed)]
    assert [e.type for e in details.events] == ["commit", "comment", "title-change", "commit", "commit"]
    assert "+pushed with git" in details.diff

    refs = api.list_repo_refs(repo, include_pull_requests=True)
    assert [(r.ref, r.target_commit) for r in refs.pull_requests] == [(f"refs/pr/{num}", pushed)]

    from huggingface_hub import HfFileSystem

    fs = HfFileSystem(endpoint=hangar.url, token=token)
    assert fs.read_bytes(f"{repo}@refs/pr/{num}/c.txt") == b"pushed with git\n"

    api.merge_pull_request(repo, num, comment="Thanks")
    details = api.get_discussion_details(repo, num)
    assert details.status == "merged"
    # main had not moved: a fast-forward, so main is the pull request's head.
    assert main_head(api, repo) == pushed == details.merge_commit_oid
    assert read(api, repo, "a.txt") == b"one\nTWO\nthree\n"
    assert [e.type for e in details.events][-2:] == ["comment", "status-change"]
    assert details.events[-1].new_status == "merged"
    # The merged pull request keeps its ref and its diff.
    assert api.list_repo_refs(repo, include_pull_requests=True).pull_requests[0].ref == f"refs/pr/{num}"
    assert "-two\n+TWO\n" in details.diff


def test_a_diverged_pull_request_merges_with_a_merge_commit(owner, repo):
    api, _, _ = owner
    info = api.upload_file(path_or_fileobj=b"from the pr\n", path_in_repo="pr.txt", repo_id=repo, commit_message="PR file", create_pr=True)
    moved = api.upload_file(path_or_fileobj=b"on main\n", path_in_repo="main.txt", repo_id=repo, commit_message="main moves").oid
    api.merge_pull_request(repo, pr_num(info))
    head = api.list_repo_commits(repo)[0]
    assert head.commit_id == api.get_discussion_details(repo, pr_num(info)).merge_commit_oid
    assert head.commit_id not in (info.oid, moved)
    assert set(api.list_repo_files(repo)) >= {"a.txt", "pr.txt", "main.txt"}
    # Both parents are in main's history.
    history = {c.commit_id for c in api.list_repo_commits(repo)}
    assert {info.oid, moved} <= history


def test_a_conflicting_pull_request_answers_409_with_the_files_and_changes_nothing(owner, repo):
    api, _, _ = owner
    info = api.upload_file(path_or_fileobj=b"pr side\n", path_in_repo="a.txt", repo_id=repo, commit_message="PR edit", create_pr=True)
    num = pr_num(info)
    api.upload_file(path_or_fileobj=b"main side\n", path_in_repo="a.txt", repo_id=repo, commit_message="main edit")
    before = main_head(api, repo)
    assert api.get_discussion_details(repo, num).conflicting_files == ["a.txt"]
    with pytest.raises(HfHubHTTPError) as err:
        api.merge_pull_request(repo, num)
    assert err.value.response.status_code == 409
    assert err.value.response.headers["X-Error-Code"] == "MergeConflict"
    assert err.value.response.json()["conflictingFiles"] == ["a.txt"]
    assert main_head(api, repo) == before
    assert api.get_discussion_details(repo, num).status == "open"


def test_discussions_and_pull_requests_share_one_numbering(owner, repo):
    api, _, _ = owner
    d = api.create_discussion(repo, "A question", description="How does it work?")
    assert (d.num, d.is_pull_request, d.status) == (1, False, "open")
    assert d.events[0].content == "How does it work?"
    info = api.upload_file(path_or_fileobj=b"x\n", path_in_repo="x.txt", repo_id=repo, create_pr=True)
    assert pr_num(info) == 2
    draft = api.create_pull_request(repo, "Empty for now")
    assert (draft.num, draft.status, draft.is_pull_request, draft.git_reference) == (3, "draft", True, "refs/pr/3")
    kinds = {(x.num, x.is_pull_request) for x in api.get_repo_discussions(repo)}
    assert kinds == {(1, False), (2, True), (3, True)}
    assert [x.num for x in api.get_repo_discussions(repo, discussion_type="discussion")] == [1]
    assert [x.num for x in api.get_repo_discussions(repo, discussion_type="pull_request")] == [3, 2]


def test_a_draft_pull_request_opens_with_its_first_commit_and_merges(owner, repo):
    api, _, _ = owner
    draft = api.create_pull_request(repo, "Draft", description="Will fill it")
    with pytest.raises(HfHubHTTPError) as err:
        api.merge_pull_request(repo, draft.num)
    assert err.value.response.status_code == 400
    api.create_commit(repo, [CommitOperationAdd("d.txt", b"d\n")], commit_message="Fill", revision=draft.git_reference)
    assert api.get_discussion_details(repo, draft.num).status == "open"
    api.merge_pull_request(repo, draft.num)
    assert read(api, repo, "d.txt") == b"d\n"


def test_status_changes_and_comment_edits(owner, repo):
    api, name, _ = owner
    d = api.create_discussion(repo, "Close me")
    closed = api.change_discussion_status(repo, d.num, "closed", comment="Done")
    assert closed.new_status == "closed"
    assert [x.num for x in api.get_repo_discussions(repo, discussion_status="closed")] == [d.num]
    assert list(api.get_repo_discussions(repo, discussion_status="open")) == []
    api.change_discussion_status(repo, d.num, "open")
    c = api.comment_discussion(repo, d.num, "first text")
    edited = api.edit_discussion_comment(repo, d.num, c.id, "second text")
    # The history holds every revision, newest first (the client counts its entries as "edits").
    assert (edited.content, edited.edited, [h["raw"] for h in edited.edit_history]) == ("second text", True, ["second text", "first text"])
    with pytest.warns(UserWarning):
        hidden = api.hide_discussion_comment(repo, d.num, c.id)
    assert hidden.hidden and hidden.content == ""
    events = api.get_discussion_details(repo, d.num).events
    # The description (the client writes one), the closing comment, closed, reopened, the hidden comment.
    assert [e.type for e in events] == ["comment", "comment", "status-change", "status-change", "comment"]
    assert events[1].content == "Done"
    assert events[-1].hidden and "second text" not in str(events[-1]._event)


def test_permissions_per_operation(hangar, owner, stranger, repo):
    api, _, _ = owner
    other, other_name, _ = stranger
    # Anyone who can read may open a PR and a discussion, and comment.
    info = other.upload_file(path_or_fileobj=b"outsider\n", path_in_repo="o.txt", repo_id=repo, create_pr=True)
    num = pr_num(info)
    assert api.get_discussion_details(repo, num).author == other_name
    mine = api.create_discussion(repo, "Owner's")
    other.comment_discussion(repo, mine.num, "a word from outside")
    # The PR's author renames it; a stranger may not rename or close someone else's discussion.
    other.rename_discussion(repo, num, "Outsider PR")
    for call in (lambda: other.rename_discussion(repo, mine.num, "taken"), lambda: other.change_discussion_status(repo, mine.num, "closed")):
        with pytest.raises(HfHubHTTPError) as err:
            call()
        assert err.value.response.status_code == 403
    # Only writers merge.
    with pytest.raises(HfHubHTTPError) as err:
        other.merge_pull_request(repo, num)
    assert err.value.response.status_code == 403
    assert api.get_discussion_details(repo, num).status == "open"
    # The owner (an admin of the repository) may hide the stranger's comment.
    theirs = [e for e in api.get_discussion_details(repo, mine.num).events if e.type == "comment"][-1]
    with pytest.warns(UserWarning):
        api.hide_discussion_comment(repo, mine.num, theirs.id)
    # Anonymous callers read a public repository's discussions but change nothing.
    anon = HfApi(endpoint=hangar.url, token=False)
    assert {d.num for d in anon.get_repo_discussions(repo)} == {num, mine.num}
    with pytest.raises(HfHubHTTPError) as err:
        anon.comment_discussion(repo, num, "anonymous")
    assert err.value.response.status_code == 401
    # A private repository's discussions do not exist for others.
    api.update_repo_settings(repo, private=True)
    with pytest.raises(RepositoryNotFoundError):
        list(other.get_repo_discussions(repo))
    with pytest.raises(RepositoryNotFoundError):
        other.comment_discussion(repo, num, "still there?")


def test_bad_input_is_a_4xx_with_hf_headers_and_changes_nothing(owner, stranger, repo):
    api, _, token = owner
    info = api.upload_file(path_or_fileobj=b"z\n", path_in_repo="z.txt", repo_id=repo, create_pr=True)
    num = pr_num(info)
    base = f"{api.endpoint}/api/models/{repo}/discussions"
    auth = {"Authorization": f"Bearer {token}"}

    def expect(status: int, code: str, method: str, url: str, **kwargs):
        r = requests.request(method, url, headers=auth, timeout=30, **kwargs)
        assert (r.status_code, r.headers.get("X-Error-Code")) == (status, code), r.text
        assert r.headers.get("X-Error-Message")

    expect(404, "DiscussionNotFound", "GET", f"{base}/999")
    expect(404, "DiscussionNotFound", "POST", f"{base}/999/comment", json={"comment": "x"})
    expect(400, "ValidationError", "GET", f"{base}/abc")
    expect(400, "InvalidTitle", "POST", base, json={"title": "   ", "description": "x"})
    expect(400, "InvalidComment", "POST", f"{base}/{num}/comment", json={"comment": "  "})
    expect(400, "CommentTooLong", "POST", f"{base}/{num}/comment", json={"comment": "x" * 70_000})
    expect(400, "InvalidTitle", "POST", f"{base}/{num}/title", json={"title": ""})
    expect(404, "CommentNotFound", "POST", f"{base}/{num}/comment/{'0' * 24}/edit", json={"content": "x"})
    api.change_discussion_status(repo, num, "closed")
    before = main_head(api, repo)
    expect(409, "PullRequestNotOpen", "POST", f"{base}/{num}/merge")
    expect(400, "StatusUnchanged", "POST", f"{base}/{num}/status", json={"status": "closed"})
    assert main_head(api, repo) == before
    details = api.get_discussion_details(repo, num)
    assert (details.title, details.status, [e.type for e in details.events]) == (info.commit_message, "closed", ["commit", "status-change"])
    assert [d.num for d in api.get_repo_discussions(repo)] == [num]


@pytest.mark.skipif(importlib.util.find_spec("huggingface_hub.cli.discussions") is None, reason="this client version's `hf` has no discussions commands")
def test_the_hf_cli_discussion_commands(hangar, owner, repo):
    api, _, token = owner
    hf = shutil.which("hf", path=str(Path(sys.executable).parent))
    env = {**os.environ, "HF_ENDPOINT": hangar.url, "HF_TOKEN": token, "HF_HUB_DISABLE_TELEMETRY": "1", "NO_COLOR": "1"}

    def run(*args: str) -> str:
        r = subprocess.run([hf, "discussions", *args], env=env, capture_output=True, timeout=120)
        assert r.returncode == 0, r.stderr.decode(errors="replace")
        return r.stdout.decode()

    info = api.upload_file(path_or_fileobj=b"cli\n", path_in_repo="cli.txt", repo_id=repo, commit_message="CLI PR", create_pr=True)
    num = str(pr_num(info))
    assert "CLI PR" in run("list", repo)
    run("comment", repo, num, "--body", "from the CLI")
    assert "+cli" in run("diff", repo, num)
    run("rename", repo, num, "CLI PR renamed")
    run("merge", repo, num, "--yes")
    details = api.get_discussion_details(repo, int(num))
    assert (details.status, details.title) == ("merged", "CLI PR renamed")
    created = run("create", repo, "--title", "From the CLI")
    assert "From the CLI" in run("list", repo) and created
    events = api.get_discussion_details(repo, int(num)).events
    assert any(e.type == "comment" and e.content == "from the CLI" for e in events)
