"""Collections through the real huggingface_hub client (newest and last 0.x release): create,
get, list with its filters, metadata and item changes, deletion; private collections and items
pointing to private repositories stay out of sight of those who may not read them."""

from __future__ import annotations

import pytest
from huggingface_hub import HfApi
from huggingface_hub.errors import HfHubHTTPError
from conftest import unique  # noqa: E402


@pytest.fixture(scope="module")
def user(hangar):
    name = unique("pycoll")
    return name, hangar.new_user_token(name)


@pytest.fixture(scope="module")
def stranger(hangar) -> HfApi:
    name = unique("pycollx")
    return HfApi(endpoint=hangar.url, token=hangar.new_user_token(name))


@pytest.fixture(autouse=True)
def zero_x(hf0_endpoint):
    """0.x builds some URLs from the global endpoint (see conftest)."""


def status_of(err: pytest.ExceptionInfo) -> int:
    return err.value.response.status_code


def test_create_get_add_items_notes_positions_and_delete(api, user, anon):
    owner = user[0]
    model, dataset = f"{owner}/{unique('m')}", f"{owner}/{unique('d')}"
    api.create_repo(model)
    api.create_repo(dataset, repo_type="dataset")

    c = api.create_collection("Recent models: the best!", description="My picks")
    assert c.slug.startswith(f"{owner}/recent-models-the-best-")
    assert len(c.slug.rsplit("-", 1)[1]) == 24
    assert (c.title, c.description, c.private, c.items) == ("Recent models: the best!", "My picks", False, [])
    assert c.owner["name"] == owner

    # Same title again: 409 unless exists_ok, which answers the existing collection.
    with pytest.raises(HfHubHTTPError) as err:
        api.create_collection("Recent models: the best!")
    assert status_of(err) == 409
    assert api.create_collection("Recent models: the best!", exists_ok=True).slug == c.slug

    api.add_collection_item(c.slug, model, "model", note="the small one")
    c = api.add_collection_item(c.slug, dataset, "dataset")
    api.add_collection_item(c.slug, "2311.12983", "paper")
    with pytest.raises(HfHubHTTPError) as err:
        api.add_collection_item(c.slug, model, "model")
    assert status_of(err) == 409
    api.add_collection_item(c.slug, model, "model", exists_ok=True)
    with pytest.raises(HfHubHTTPError) as err:
        api.add_collection_item(c.slug, f"{owner}/no-such-repo", "model")
    assert status_of(err) == 404

    c = anon.get_collection(c.slug)
    assert [(i.item_id, i.item_type, i.position) for i in c.items] == [(model, "model", 0), (dataset, "dataset", 1), ("2311.12983", "paper", 2)]
    assert c.items[0].note == "the small one" and c.items[1].note is None

    paper = c.items[2]
    api.update_collection_item(c.slug, paper.item_object_id, note="read me", position=0)
    c = api.get_collection(c.slug)
    assert [(i.item_id, i.position, i.note) for i in c.items] == [("2311.12983", 0, "read me"), (model, 1, "the small one"), (dataset, 2, None)]

    api.delete_collection_item(c.slug, c.items[1].item_object_id)
    api.delete_collection_item(c.slug, c.items[1].item_object_id, missing_ok=True)
    with pytest.raises(HfHubHTTPError) as err:
        api.delete_collection_item(c.slug, c.items[1].item_object_id)
    assert status_of(err) == 404
    assert [(i.item_id, i.position) for i in api.get_collection(c.slug).items] == [("2311.12983", 0), (dataset, 1)]

    # A title change renames the slug but keeps its id; the old slug keeps working.
    renamed = api.update_collection_metadata(c.slug, title="Older models", theme="green", private=True)
    assert renamed.slug.endswith(c.slug.rsplit("-", 1)[1]) and renamed.slug.startswith(f"{owner}/older-models-")
    assert (renamed.title, renamed.theme, renamed.private) == ("Older models", "green", True)
    assert api.get_collection(c.slug).title == "Older models"

    api.delete_collection(renamed.slug)
    with pytest.raises(HfHubHTTPError) as err:
        api.get_collection(renamed.slug)
    assert status_of(err) == 404
    api.delete_collection(renamed.slug, missing_ok=True)


def test_private_collections_and_private_items_are_hidden(api, user, anon, stranger):
    owner = user[0]
    public_repo, private_repo = f"{owner}/{unique('pub')}", f"{owner}/{unique('priv')}"
    api.create_repo(public_repo)
    api.create_repo(private_repo, private=True)

    shown = api.create_collection(unique("Shown"))
    api.add_collection_item(shown.slug, private_repo, "model")
    api.add_collection_item(shown.slug, public_repo, "model")
    assert [i.item_id for i in api.get_collection(shown.slug).items] == [private_repo, public_repo]
    # Those who may not read the private repository see the collection without it.
    for viewer in (anon, stranger):
        assert [i.item_id for i in viewer.get_collection(shown.slug).items] == [public_repo]
        assert list(viewer.list_collections(item=f"models/{private_repo}")) == []
    assert [c.slug for c in api.list_collections(item=f"models/{private_repo}")] == [shown.slug]
    # ...and may not add it to their own collections either.
    theirs = stranger.create_collection(unique("Theirs"))
    with pytest.raises(HfHubHTTPError) as err:
        stranger.add_collection_item(theirs.slug, private_repo, "model")
    assert status_of(err) == 404

    hidden = api.create_collection(unique("Hidden"), private=True)
    for viewer in (anon, stranger):
        with pytest.raises(HfHubHTTPError) as err:
            viewer.get_collection(hidden.slug)
        assert status_of(err) == 404
    assert hidden.slug not in {c.slug for c in anon.list_collections(owner=owner)}
    assert {shown.slug, hidden.slug} <= {c.slug for c in api.list_collections(owner=owner)}

    # Only the owner changes a collection.
    with pytest.raises(HfHubHTTPError) as err:
        stranger.update_collection_metadata(shown.slug, title="Mine now")
    assert status_of(err) == 403
    with pytest.raises(HfHubHTTPError) as err:
        stranger.delete_collection(shown.slug)
    assert status_of(err) == 403


def test_list_collections_filters_sort_limit_and_preview(api, user, anon):
    owner = user[0]
    repo = f"{owner}/{unique('listed')}"
    api.create_repo(repo)
    big = api.create_collection(unique("Big"))
    for k in range(6):
        rid = f"{owner}/{unique(f'r{k}')}"
        api.create_repo(rid)
        api.add_collection_item(big.slug, rid, "model")
    api.add_collection_item(big.slug, repo, "model")
    small = api.create_collection(unique("Small"))
    api.add_collection_item(small.slug, repo, "model")

    listed = list(anon.list_collections(owner=owner, sort="lastModified"))
    slugs = [c.slug for c in listed]
    assert slugs.index(small.slug) < slugs.index(big.slug)  # newest change first
    assert len(next(c for c in listed if c.slug == big.slug).items) == 4  # the listing's preview
    assert len(anon.get_collection(big.slug).items) == 7
    assert {c.slug for c in anon.list_collections(item=f"models/{repo}")} == {big.slug, small.slug}
    assert len(list(anon.list_collections(owner=owner, limit=1))) == 1
    assert list(anon.list_collections(owner=unique("nobody"))) == []
    assert {c.slug for c in anon.list_collections(owner=owner, sort="upvotes")} >= {big.slug, small.slug}
