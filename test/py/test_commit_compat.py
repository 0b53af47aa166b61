"""Commits as huggingface_hub makes them, where it relies on the Hub's exact answers: preupload's
`shouldIgnore` (.gitignore, never "unchanged") and `oid` (what the client compares to skip an
unchanged file), binary files going to LFS, empty files, folder deletes, PRs on someone else's
repository, odd paths, the error texts the client shows, and a new space's README. Both client
versions run these."""

from __future__ import annotations

import os
from urllib.parse import quote

import pytest
import requests
from huggingface_hub import CommitOperationAdd, CommitOperationDelete, HfApi
from huggingface_hub.utils import HfHubHTTPError, RepositoryNotFoundError

from conftest import MiB, unique

pytestmark = pytest.mark.usefixtures("hf0_endpoint")


@pytest.fixture(scope="module")
def user(hangar):
    token = hangar.new_user_token(unique("cc"))
    api = HfApi(endpoint=hangar.url, token=token)
    return api, api.whoami()["name"]


@pytest.fixture
def repo(user):
    api, name = user
    repo_id = f"{name}/{unique('m')}"
    api.create_repo(repo_id)
    return api, repo_id


def files_of(api: HfApi, repo_id: str, revision: str | None = None) -> set[str]:
    return set(api.list_repo_files(repo_id, revision=revision))


def test_delete_folder_then_add_the_same_file_back_keeps_it(repo):
    api, repo_id = repo
    api.create_commit(repo_id, [CommitOperationAdd("folder/a.txt", b"same bytes"), CommitOperationAdd("folder/b.txt", b"b")], commit_message="one")
    api.create_commit(
        repo_id,
        [CommitOperationDelete("folder/"), CommitOperationAdd("folder/a.txt", b"same bytes")],
        commit_message="replace the folder",
    )
    assert "folder/a.txt" in files_of(api, repo_id)
    assert "folder/b.txt" not in files_of(api, repo_id)


def test_files_the_repository_gitignore_excludes_are_left_out(repo):
    api, repo_id = repo
    api.create_commit(repo_id, [CommitOperationAdd(".gitignore", b"*.log\nbuild/\n!keep.log\n")], commit_message="ignore")
    api.create_commit(
        repo_id,
        [CommitOperationAdd(p, b"x") for p in ["run.log", "keep.log", "build/out.bin", "sub/build/o", "model.txt"]],
        commit_message="files",
    )
    files = files_of(api, repo_id)
    assert {"keep.log", "model.txt"} <= files
    assert not {"run.log", "build/out.bin", "sub/build/o"} & files


def test_re_uploading_an_unchanged_lfs_file_makes_no_commit(repo, tmp_path):
    api, repo_id = repo
    path = tmp_path / "w.bin"
    path.write_bytes(os.urandom(11 * MiB))
    api.upload_file(path_or_fileobj=str(path), path_in_repo="w.bin", repo_id=repo_id)
    before = [c.commit_id for c in api.list_repo_commits(repo_id)]
    api.upload_file(path_or_fileobj=str(path), path_in_repo="w.bin", repo_id=repo_id)
    assert [c.commit_id for c in api.list_repo_commits(repo_id)] == before


def test_a_binary_file_of_a_few_mib_is_stored_as_lfs_and_text_of_that_size_is_not(repo, tmp_path):
    api, repo_id = repo
    binary = b"\x00\x01" + os.urandom(4 * MiB)
    text = b"a line of text\n" * (4 * MiB // 15)
    api.create_commit(repo_id, [CommitOperationAdd("blob.raw", binary), CommitOperationAdd("notes.txt", text)], commit_message="sizes")
    entries = {e.path: e for e in api.get_paths_info(repo_id, ["blob.raw", "notes.txt"])}
    assert entries["blob.raw"].lfs is not None and entries["blob.raw"].size == len(binary)
    assert entries["notes.txt"].lfs is None
    with open(api.hf_hub_download(repo_id, "blob.raw", cache_dir=tmp_path), "rb") as f:
        assert f.read() == binary


def test_an_empty_file_is_committed_as_an_empty_blob(repo, tmp_path):
    api, repo_id = repo
    api.create_commit(repo_id, [CommitOperationAdd("empty.txt", b"")], commit_message="empty")
    (entry,) = api.get_paths_info(repo_id, ["empty.txt"])
    assert entry.size == 0 and entry.blob_id == "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"  # git's empty blob
    with open(api.hf_hub_download(repo_id, "empty.txt", cache_dir=tmp_path), "rb") as f:
        assert f.read() == b""


def test_delete_naming_a_folder_without_slash_deletes_the_folder(repo):
    api, repo_id = repo
    api.create_commit(repo_id, [CommitOperationAdd("folder/a.txt", b"a"), CommitOperationAdd("folder/sub/b.txt", b"b"), CommitOperationAdd("kept.txt", b"k")], commit_message="one")
    api.create_commit(repo_id, [CommitOperationDelete("folder")], commit_message="delete the folder")
    assert not any(f.startswith("folder/") for f in files_of(api, repo_id))
    assert "kept.txt" in files_of(api, repo_id)


def test_anyone_who_can_read_a_public_repo_may_open_a_pull_request(hangar, repo):
    owner_api, repo_id = repo
    owner_api.create_commit(repo_id, [CommitOperationAdd("readme.txt", b"owner's")], commit_message="owner")
    main_before = files_of(owner_api, repo_id)
    stranger = HfApi(endpoint=hangar.url, token=hangar.new_user_token(unique("pr")))
    binary = b"\x00" + os.urandom(2 * MiB)  # an LFS file too: its upload is for the PR as well
    info = stranger.create_commit(
        repo_id,
        [CommitOperationAdd("from-stranger.txt", b"hello"), CommitOperationAdd("weights.raw", binary)],
        commit_message="a suggestion",
        create_pr=True,
    )
    assert info.pr_url and info.pr_num is not None
    assert files_of(owner_api, repo_id) == main_before
    assert {"from-stranger.txt", "weights.raw"} <= files_of(owner_api, repo_id, revision=f"refs/pr/{info.pr_num}")
    # Without create_pr it stays the owner's to change.
    with pytest.raises(HfHubHTTPError) as e:
        stranger.create_commit(repo_id, [CommitOperationAdd("x.txt", b"x")], commit_message="direct")
    assert e.value.response.status_code == 403


def test_a_backslash_is_part_of_a_file_name_and_climbing_out_of_the_repo_is_422(repo):
    api, repo_id = repo
    odd = "folder/..\\..\\..\\file"
    api.upload_file(path_or_fileobj=b"content", path_in_repo=odd, repo_id=repo_id)
    assert odd in files_of(api, repo_id)
    # huggingface_hub 2.x refuses to download such a name itself (a Windows safety check): plain HTTP.
    r = requests.get(f"{api.endpoint}/{repo_id}/resolve/main/{quote(odd)}", headers={"Authorization": f"Bearer {api.token}"}, timeout=30)
    assert r.status_code == 200 and r.content == b"content"
    with pytest.raises(HfHubHTTPError) as e:
        api.upload_file(path_or_fileobj=b"content", path_in_repo="..\\ddd", repo_id=repo_id)
    assert e.value.response.status_code == 422
    assert "..\\ddd" not in files_of(api, repo_id)


def server_text(err: HfHubHTTPError) -> str:
    return err.response.json()["error"]


def test_error_texts_are_the_hubs_own(hangar, repo):
    api, repo_id = repo
    first = api.create_commit(repo_id, [CommitOperationAdd("a.txt", b"1")], commit_message="1").oid
    api.create_commit(repo_id, [CommitOperationAdd("a.txt", b"2")], commit_message="2")
    with pytest.raises(HfHubHTTPError) as e:
        api.create_commit(repo_id, [CommitOperationAdd("a.txt", b"3")], commit_message="3", parent_commit=first)
    assert e.value.response.status_code == 412
    assert server_text(e.value) == "The branch was updated since you opened this page. Please refresh and try again."

    api.create_branch(repo_id, branch="dev")
    for branch in ("dev", "main"):
        with pytest.raises(HfHubHTTPError) as e:
            api.create_branch(repo_id, branch=branch)
        assert e.value.response.status_code == 409 and server_text(e.value) == f"Reference refs/heads/{branch} already exists"
    with pytest.raises(HfHubHTTPError) as e:
        api.delete_branch(repo_id, branch="main")
    assert server_text(e.value) == "Cannot delete refs/heads/main"
    with pytest.raises(HfHubHTTPError) as e:
        api.delete_branch(repo_id, branch="no-such-branch")
    assert server_text(e.value) == "Invalid rev id: no-such-branch"
    with pytest.raises(HfHubHTTPError) as e:
        api.delete_tag(repo_id, tag="no-such-tag")
    assert server_text(e.value) == "Invalid rev id: no-such-tag"

    namespace = repo_id.split("/")[0]
    other = f"{namespace}/{unique('other')}"
    api.create_repo(other)
    with pytest.raises(HfHubHTTPError) as e:
        api.move_repo(from_id=repo_id, to_id=other)
    assert e.value.response.status_code == 409 and server_text(e.value) == f"A model repository called {other} already exists"
    api.create_repo(other, repo_type="dataset")
    dataset = f"{namespace}/{unique('ds')}"
    api.create_repo(dataset, repo_type="dataset")
    with pytest.raises(HfHubHTTPError) as e:
        api.move_repo(from_id=dataset, to_id=other, repo_type="dataset")
    assert server_text(e.value) == f"A dataset repository called {other} already exists"


def test_a_missing_repository_at_preupload_adds_nothing_to_the_clients_message(user):
    api, name = user
    with pytest.raises(RepositoryNotFoundError) as e:
        api.create_commit(f"{name}/{unique('missing')}", [CommitOperationAdd("a.txt", b"1")], commit_message="1")
    message = str(e.value)
    assert "Repository Not Found for url" in message and "/preupload/" in message
    # The server's text adds nothing to the client's own (which it then leaves out): said once.
    assert message.lower().count("not found") == 1, message


def test_a_new_space_has_a_readme_naming_its_sdk(user, tmp_path):
    api, name = user
    space = f"{name}/{unique('space')}"
    api.create_repo(space, repo_type="space", space_sdk="gradio")
    with open(api.hf_hub_download(space, "README.md", repo_type="space", cache_dir=tmp_path), encoding="utf-8") as f:
        readme = f.read()
    assert readme.startswith("---\n") and "\nsdk: gradio\n" in readme
    assert api.space_info(space).card_data.sdk == "gradio"
