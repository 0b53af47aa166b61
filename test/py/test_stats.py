"""Likes, download counts and profiles through the real clients: downloads made with
hf_hub_download, snapshot_download and git clone are counted as sessions (a 20-file snapshot is
one download), list_models sorts by them and by likes, and the likes, likers, user overview and
organization members read back through HfApi. Runs with both client lines (.venv, .venv-hf0)."""

from __future__ import annotations

import os
import struct
import subprocess
import time
import zlib
from pathlib import Path

import pytest
import requests
from huggingface_hub import HfApi, hf_hub_download, snapshot_download
from conftest import point_0x_client_at, unique  # noqa: E402


@pytest.fixture(autouse=True)
def zero_x_endpoint(hangar, monkeypatch):
    point_0x_client_at(hangar.url, monkeypatch)


@pytest.fixture(scope="module")
def people(hangar):
    names = [unique("pystats"), unique("pystats")]
    return [(n, hangar.new_user_token(n)) for n in names]


def downloads_of(hangar, token: str, repo_id: str) -> int:
    r = requests.get(f"{hangar.url}/api/models/{repo_id}", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()["downloads"]


def wait_for_downloads(hangar, token: str, expected: dict[str, int]) -> None:
    """Recording is batched (flushed within about a second): poll until the counts settle."""
    deadline = time.monotonic() + 30
    while True:
        got = {rid: downloads_of(hangar, token, rid) for rid in expected}
        if got == expected or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert got == expected


def clear_of_bucket_edge(margin: float) -> None:
    """Downloads are counted per 15-minute window of the server's clock (the same machine): a
    test whose downloads should share one window starts at least `margin` seconds before the next."""
    left = 900 - time.time() % 900
    if left < margin:
        time.sleep(left + 1)


def like(hangar, token: str, repo_id: str) -> None:
    r = requests.post(f"{hangar.url}/api/models/{repo_id}/like", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert r.status_code == 200, r.text


def git_clone(url: str, dest: Path) -> None:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(dest.parent), "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0"}
    subprocess.run(["git", "clone", "-q", url, str(dest)], check=True, env=env, capture_output=True, timeout=120)


def test_downloads_and_likes_order_listings_and_read_back(hangar, people, tmp_path):
    (alice, alice_token), (bob, bob_token) = people
    a_api = HfApi(endpoint=hangar.url, token=alice_token)
    b_api = HfApi(endpoint=hangar.url, token=bob_token)
    anon = HfApi(endpoint=hangar.url, token=False)
    ids = [f"{alice}/{n}" for n in ("snap", "clone", "quiet")]
    for rid in ids:
        a_api.create_repo(rid)
    folder = tmp_path / "files"
    folder.mkdir()
    for i in range(20):
        (folder / f"f{i:02d}.txt").write_text(f"file {i}\n")
    for rid in ids:
        a_api.upload_folder(repo_id=rid, folder_path=str(folder), commit_message="twenty files")

    clear_of_bucket_edge(120)
    # snap: alice's and bob's 20-file snapshots and one anonymous file: three downloads.
    snapshot_download(ids[0], endpoint=hangar.url, token=alice_token, cache_dir=str(tmp_path / "c1"))
    snapshot_download(ids[0], endpoint=hangar.url, token=bob_token, cache_dir=str(tmp_path / "c2"))
    hf_hub_download(ids[0], "f03.txt", endpoint=hangar.url, token=False, cache_dir=str(tmp_path / "c3"))
    # clone: an anonymous git clone and one file for alice: two.
    git_clone(f"{hangar.url}/{ids[1]}", tmp_path / "clone")
    assert (tmp_path / "clone" / "f07.txt").read_text() == "file 7\n"
    hf_hub_download(ids[1], "f01.txt", endpoint=hangar.url, token=alice_token, cache_dir=str(tmp_path / "c4"))
    wait_for_downloads(hangar, alice_token, {ids[0]: 3, ids[1]: 2, ids[2]: 0})

    by_downloads = list(anon.list_models(author=alice, sort="downloads"))
    assert [(m.id, m.downloads) for m in by_downloads] == [(ids[0], 3), (ids[1], 2), (ids[2], 0)]

    # Likes the other way round: quiet 2, clone 1, snap 0.
    like(hangar, alice_token, ids[2])
    like(hangar, bob_token, ids[2])
    like(hangar, bob_token, ids[1])
    like(hangar, bob_token, ids[1])  # twice is still once
    by_likes = list(anon.list_models(author=alice, sort="likes"))
    assert [(m.id, m.likes) for m in by_likes] == [(ids[2], 2), (ids[1], 1), (ids[0], 0)]

    assert sorted(u.username for u in anon.list_repo_likers(ids[2])) == sorted([alice, bob])
    liked = anon.list_liked_repos(bob)
    assert sorted(liked.models) == sorted([ids[1], ids[2]]) and liked.total == 2
    b_api.unlike(ids[2])
    assert [u.username for u in anon.list_repo_likers(ids[2])] == [alice]
    assert sorted(anon.list_liked_repos(bob).models) == [ids[1]]
    assert anon.model_info(ids[2]).likes == 1

    overview = anon.get_user_overview(alice)
    assert overview.username == alice
    assert overview.num_models == 3
    assert overview.num_likes == 1
    assert overview.avatar_url == f"{hangar.url}/api/users/{alice}/avatar"


def test_organization_members(hangar, people):
    (alice, alice_token), (bob, _) = people
    org = unique("pyorg")
    h = {"Authorization": f"Bearer {alice_token}"}
    assert requests.post(f"{hangar.url}/org/create", headers=h, json={"name": org}, timeout=30).status_code == 200
    r = requests.post(f"{hangar.url}/org/{org}/members", headers=h, json={"username": bob, "role": "member"}, timeout=30)
    assert r.status_code == 200, r.text
    anon = HfApi(endpoint=hangar.url, token=False)
    assert sorted(u.username for u in anon.list_organization_members(org)) == sorted([alice, bob])
    overview = anon.get_organization_overview(org)
    assert (overview.name, overview.num_users) == (org, 2)


def tiny_png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A solid-colour PNG, written by hand (no imaging library in the venvs)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def test_followers_settings_and_avatar_read_back_through_the_client(hangar):
    (a, a_token), (b, b_token), (c, c_token) = [(n, hangar.new_user_token(n)) for n in (unique("pyfol"), unique("pyfol"), unique("pyfol"))]
    for follower_token in (b_token, c_token):
        r = requests.post(f"{hangar.url}/api/users/{a}/follow", headers={"Authorization": f"Bearer {follower_token}"}, timeout=30)
        assert r.status_code == 200, r.text
    r = requests.put(
        f"{hangar.url}/api/users/{a}/settings",
        headers={"Authorization": f"Bearer {a_token}"},
        json={"full_name": "Ada L", "bio": "Engines", "website": "https://ada.example.com"},
        timeout=30,
    )
    assert r.status_code == 200, r.text
    r = requests.post(
        f"{hangar.url}/api/users/{a}/avatar",
        headers={"Authorization": f"Bearer {a_token}"},
        files={"file": ("me.png", tiny_png(30, 20, (0, 0, 255)), "image/png")},
        timeout=30,
    )
    assert r.status_code == 200, r.text

    anon = HfApi(endpoint=hangar.url, token=False)
    overview = anon.get_user_overview(a)
    assert (overview.fullname, overview.details, overview.num_followers, overview.num_following) == ("Ada L", "Engines", 2, 0)
    assert sorted(u.username for u in anon.list_user_followers(a)) == sorted([b, c])
    assert [u.username for u in anon.list_user_following(b)] == [a]
    assert anon.get_user_overview(b).num_following == 1
    assert HfApi(endpoint=hangar.url, token=b_token).get_user_overview(a).is_following is True

    avatar = requests.get(overview.avatar_url, timeout=30)
    assert avatar.status_code == 200 and avatar.headers["Content-Type"] == "image/jpeg"
    assert avatar.content[:3] == b"\xff\xd8\xff"
    assert requests.get(overview.avatar_url, headers={"If-None-Match": avatar.headers["ETag"]}, timeout=30).status_code == 304


def test_large_file_download_counts_once(hangar, people, tmp_path):
    """An LFS file (stored as Xet by hf_xet uploads): the client downloads through the CAS or the
    resolve redirect; either way it is one download, and a second fetch in the same quarter hour
    adds none."""
    (alice, alice_token), _ = people
    rid = f"{alice}/big-{unique('x')}"
    api = HfApi(endpoint=hangar.url, token=alice_token)
    api.create_repo(rid)
    blob = tmp_path / "weights.bin"
    blob.write_bytes(os.urandom(300_000))
    api.upload_file(path_or_fileobj=str(blob), path_in_repo="weights.bin", repo_id=rid)
    clear_of_bucket_edge(90)
    got = hf_hub_download(rid, "weights.bin", endpoint=hangar.url, token=alice_token, cache_dir=str(tmp_path / "c1"))
    assert Path(got).read_bytes() == blob.read_bytes()
    hf_hub_download(rid, "weights.bin", endpoint=hangar.url, token=alice_token, cache_dir=str(tmp_path / "c2"))
    wait_for_downloads(hangar, alice_token, {rid: 1})
