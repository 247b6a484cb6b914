"""Pagination (3.5): limit, more, next, paging with added_after from
X-TAXII-Date-Added-Last, and the node's rules for next tokens: opaque,
signed, valid only for the same user, endpoint, collection and filters."""
import pytest

from .conftest import MAX_PAGE_SIZE, assert_date_headers, assert_error, assert_page_headers

ENDPOINTS = ["objects", "manifest"]


def keys(endpoint, items):
    if endpoint == "objects":
        return [(o["id"], o.get("modified") or o.get("created")) for o in items]
    return [(r["id"], r["version"]) for r in items]


@pytest.fixture(scope="module")
def records(node):
    return node.manifest("library", [("match[version]", "all")])


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("limit", [1, 7, 25])
def test_page_to_the_end_with_next(node, endpoint, records, limit):
    pages = node.pages(node.col_path("library", endpoint + "/"),
                       [("match[version]", "all"), ("limit", str(limit))])
    total = len(records)
    assert len(pages) == -(-total // limit), f"{total} records in pages of {limit}"
    got = []
    for i, (r, body) in enumerate(pages):
        items = body["objects"]
        assert 1 <= len(items) <= limit
        if i < len(pages) - 1:
            assert body["more"] is True and len(items) == limit
        else:
            assert body.get("more", False) is False
        start = len(got)
        got += keys(endpoint, items)
        assert_page_headers(r, records[start:start + len(items)])
    assert got == keys("manifest", records)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_server_page_size_without_limit(node, endpoint):
    pages = node.pages(node.col_path("library", endpoint + "/"))
    sizes = [len(b["objects"]) for _, b in pages]
    assert all(1 <= s <= MAX_PAGE_SIZE for s in sizes), sizes
    assert len(pages) >= 2, "45 objects do not fit one page of 25"
    assert pages[0][1]["more"] is True


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_page_with_added_after_from_last_header(node, endpoint, records):
    """A client that ignores next keeps its place with added_after."""
    path = node.col_path("library", endpoint + "/")
    base = [("match[version]", "all"), ("limit", "6")]
    got, after, rounds = [], None, 0
    while True:
        rounds += 1
        assert rounds < 50
        params = base + ([("added_after", after)] if after else [])
        r, body = node.get_ok(path, params=params)
        items = body.get("objects", [])
        if not items:
            assert body == {}
            assert_date_headers(r, after, after)
            break
        start = len(got)
        got += keys(endpoint, items)
        assert_page_headers(r, records[start:start + len(items)])
        after = r.headers["X-TAXII-Date-Added-Last"]
    assert got == keys("manifest", records)


def test_next_with_filters(node):
    """Paging a filtered request keeps the filters on every page."""
    params = [("match[type]", "indicator"), ("limit", "5")]
    got = node.all_items(node.col_path("library", "objects/"), params)
    assert got and all(o["type"] == "indicator" for o in got)
    ids = [o["id"] for o in got]
    assert len(ids) == len(set(ids))
    one = node.all_items(node.col_path("library", "objects/"), [("match[type]", "indicator")])
    assert [o["id"] for o in one] == ids


def first_next(node, alias="library", endpoint="objects", params=(), user="usacontrib"):
    _, body = node.get_ok(node.col_path(alias, endpoint + "/"),
                          params=list(params) + [("limit", "2")], user=user)
    assert body.get("more") is True and body.get("next"), body
    return body["next"]


def alter(token):
    """The token with one character in the middle changed."""
    i = len(token) // 2
    c = token[i]
    repl = "A" if c != "A" else "B"
    return token[:i] + repl + token[i + 1:]


@pytest.mark.parametrize("value", ["garbage", "0", "1", "eyJhbGciOiJub25lIn0", "%00"])
def test_forged_next_is_400(node, value):
    r = node.get(node.col_path("library", "objects/"), params=[("limit", "2"), ("next", value)])
    assert_error(r, 400, "next")


@pytest.mark.parametrize("how", ["changed", "truncated", "extended", "doubled"])
def test_altered_next_is_400(node, how):
    tok = first_next(node)
    bad = {"changed": alter(tok), "truncated": tok[:-3], "extended": tok + "A",
           "doubled": tok + tok}[how]
    assert bad != tok
    r = node.get(node.col_path("library", "objects/"), params=[("limit", "2"), ("next", bad)])
    assert_error(r, 400, "next")


def test_next_is_reusable_by_its_owner(node):
    tok = first_next(node)
    path = node.col_path("library", "objects/")
    _, a = node.get_ok(path, params=[("limit", "2"), ("next", tok)])
    _, b = node.get_ok(path, params=[("limit", "2"), ("next", tok)])
    assert a["objects"] == b["objects"]


def test_next_of_another_user_is_400(node):
    tok = first_next(node, user="usacontrib")
    path = node.col_path("library", "objects/")
    # irqreader may read the library, but the token is not theirs.
    _, own = node.get_ok(path, params=[("limit", "2")], user="irqreader")
    assert own.get("more") is True
    r = node.get(path, params=[("limit", "2"), ("next", tok)], user="irqreader")
    assert_error(r, 400, "next")
    r = node.get(path, params=[("limit", "2"), ("next", tok)], user="usaadmin")
    assert_error(r, 400, "next")


@pytest.mark.parametrize("used_with", [
    [],                                           # filter dropped
    [("match[type]", "malware")],                 # filter changed
    [("match[type]", "indicator"), ("match[version]", "all")],   # filter added
    [("match[type]", "indicator"), ("added_after", "2000-01-01T00:00:00.000000Z")],
])
def test_next_with_different_filters_is_400(node, used_with):
    tok = first_next(node, params=[("match[type]", "indicator")])
    r = node.get(node.col_path("library", "objects/"),
                 params=used_with + [("limit", "2"), ("next", tok)])
    assert_error(r, 400, "next")


def test_next_on_another_endpoint_is_400(node):
    tok = first_next(node, endpoint="objects")
    r = node.get(node.col_path("library", "manifest/"), params=[("limit", "2"), ("next", tok)])
    assert_error(r, 400, "next")
    tok = first_next(node, endpoint="manifest")
    r = node.get(node.col_path("library", "objects/"), params=[("limit", "2"), ("next", tok)])
    assert_error(r, 400, "next")
    mv = node.data["mv"][0]["id"]
    r = node.get(node.col_path("library", f"objects/{mv}/"),
                 params=[("limit", "2"), ("next", tok)])
    assert_error(r, 400, "next")


def test_next_in_another_collection_is_400(node):
    tok = first_next(node, alias="library")
    # readonly holds three objects, so a page of two there has a next too.
    assert first_next(node, alias="readonly")
    r = node.get(node.col_path("readonly", "objects/"), params=[("limit", "2"), ("next", tok)])
    assert_error(r, 400, "next")


@pytest.mark.parametrize("limit", ["3", "4"])
def test_last_page_has_no_more(node, records, limit):
    """Exactly three records remain after the fourth-last: with limit 3 or 4
    they all come, and nothing is announced after them."""
    r, body = node.get_ok(node.col_path("library", "manifest/"),
                          params=[("match[version]", "all"),
                                  ("added_after", records[-4]["date_added"]), ("limit", limit)])
    assert keys("manifest", body["objects"]) == keys("manifest", records[-3:])
    assert body.get("more", False) is False and "next" not in body, body
    assert_page_headers(r, records[-3:])


def test_objects_added_while_paging_come_at_the_end(node):
    """Paging follows date_added: an object added between two pages shows up
    once, after everything that was there before; nothing is skipped."""
    from .conftest import indicator
    path = node.col_path("inbox2", "manifest/")
    seed = [indicator(i) for i in range(5)]
    r = node.post(node.col_path("inbox2", "objects/"), {"objects": seed}, user="usaadmin")
    assert r.status_code == 202, r.text
    before = node.manifest("inbox2", [("match[version]", "all")], user="usaadmin")
    params = [("match[version]", "all"), ("limit", "2")]
    _, body = node.get_ok(path, params=params, user="usaadmin")
    got = list(body["objects"])
    late = indicator(77)
    r = node.post(node.col_path("inbox2", "objects/"), {"objects": [late]}, user="usaadmin")
    assert r.status_code == 202, r.text
    while body.get("more"):
        _, body = node.get_ok(path, params=params + [("next", body["next"])], user="usaadmin")
        got += body["objects"]
    assert [x["id"] for x in got] == [x["id"] for x in before] + [late["id"]]
