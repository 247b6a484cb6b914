"""Query parameters: which endpoint takes which (doc/TAXII.md), malformed
values (3.4: MUST be 400), a parameter given twice (3.4: MUST NOT occur more
than once) and the error message that comes with each 400."""
import uuid

import pytest

from .conftest import assert_error, indicator

STANDARD = ["added_after", "limit", "next", "match[id]", "match[type]", "match[version]",
            "match[spec_version]"]
FETCH = {"added_after", "limit", "next"}
ALLOWED = {
    "objects": FETCH | {"match[id]", "match[type]", "match[version]", "match[spec_version]"},
    "manifest": FETCH | {"match[id]", "match[type]", "match[version]", "match[spec_version]"},
    "object": FETCH | {"match[version]", "match[spec_version]"},
    "versions": FETCH | {"match[spec_version]"},
    "delete": {"match[version]", "match[spec_version]"},
    "post": set(),
    "collections": set(),
    "collection": set(),
    "root": set(),
    "discovery": set(),
}
GOOD = {
    "added_after": "2000-01-01T00:00:00.000000Z",
    "limit": "5",
    "next": "bm90LWEtdG9rZW4",
    "match[id]": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
    "match[type]": "indicator",
    "match[version]": "last",
    "match[spec_version]": "2.1",
}
TS = "2026-01-01T00:00:00.000Z"
MALFORMED = {
    "added_after": ["yesterday", "2020-01-01", "2020-01-01T00:00:00",
                    "2020-01-01T00:00:00+01:00", "2020-01-01 00:00:00Z",
                    "2020-13-01T00:00:00Z", "2020-02-30T00:00:00Z", ""],
    "limit": ["0", "-1", "abc", "1.5", "", "1e3", "5abc"],
    "match[version]": ["last,last", "first,first", "all,last", "first,all", "all,all",
                       "bogus", f"{TS},{TS}", "2026-13-01T00:00:00.000Z", "last,", ""],
    "match[spec_version]": ["abc", "2", "2.1,", "2.1.0", "", "-2.1", "+2.1", " 2.1", "2.x"],
    "match[id]": ["indicator", "not-an-id", "indicator--1234",
                  f"indicator--{uuid.uuid4()},", ""],
    "next": ["garbage", "!!!"],
}


def endpoint(node, name):
    """(method, path, user, body) of an endpoint for these tests."""
    mv = node.data["mv"][0]["id"]
    probe = node.data["del"]["probe"]["id"]
    return {
        "objects": ("GET", node.col_path("library", "objects/"), "usacontrib", None),
        "manifest": ("GET", node.col_path("library", "manifest/"), "usacontrib", None),
        "object": ("GET", node.col_path("library", f"objects/{mv}/"), "usacontrib", None),
        "versions": ("GET", node.col_path("library", f"objects/{mv}/versions/"),
                     "usacontrib", None),
        # The probe object must survive every request below.
        "delete": ("DELETE", node.col_path("indicators", f"objects/{probe}/"), "usaadmin",
                   None),
        "post": ("POST", node.col_path("indicators", "objects/"), "usacontrib",
                 {"objects": [indicator(1)]}),
        "collections": ("GET", "/coalition/collections/", "usacontrib", None),
        "collection": ("GET", node.col_path("library"), "usacontrib", None),
        "root": ("GET", "/coalition/", "usacontrib", None),
        "discovery": ("GET", "/taxii2/", "usacontrib", None),
    }[name]


def call(node, name, params):
    method, path, user, body = endpoint(node, name)
    return node.request(method, path, user=user, params=params, body=body)


NOT_ALLOWED = [(ep, p) for ep in ALLOWED for p in STANDARD if p not in ALLOWED[ep]]


@pytest.mark.parametrize("ep,param", NOT_ALLOWED)
def test_parameter_not_allowed_on_endpoint(node, ep, param):
    assert_error(call(node, ep, [(param, GOOD[param])]), 400, param)


MALFORMED_CASES = [(ep, p, v) for ep in ("objects", "manifest", "object", "versions", "delete")
                   for p in MALFORMED if p in ALLOWED[ep] for v in MALFORMED[p]]


@pytest.mark.parametrize("ep,param,value", MALFORMED_CASES)
def test_malformed_value_is_400(node, ep, param, value):
    assert_error(call(node, ep, [(param, value)]), 400, param)


TWICE = [(ep, p) for ep in ("objects", "manifest", "object", "versions", "delete")
         for p in STANDARD if p in ALLOWED[ep] and p != "next"]


@pytest.mark.parametrize("ep,param", TWICE)
def test_same_parameter_twice_is_400(node, ep, param):
    second = {"limit": "6", "match[version]": "first", "match[type]": "malware",
              "match[spec_version]": "2.0", "added_after": "2001-01-01T00:00:00.000000Z",
              "match[id]": f"indicator--{uuid.uuid4()}"}[param]
    assert_error(call(node, ep, [(param, GOOD[param]), (param, second)]), 400, param)
    # Even when both values are the same.
    assert_error(call(node, ep, [(param, GOOD[param]), (param, GOOD[param])]), 400, param)


def test_next_twice_is_400(node):
    path = node.col_path("library", "objects/")
    _, body = node.get_ok(path, params=[("limit", "2")])
    nxt = body["next"]
    r = node.get(path, params=[("limit", "2"), ("next", nxt), ("next", nxt)])
    assert_error(r, 400, "next")


@pytest.mark.parametrize("value", ["1", "25", "26", "1000", "999999"])
def test_limit_values_accepted(node, value):
    # Any integer >= 1; above max_page_size it is lowered, not refused.
    _, body = node.get_ok(node.col_path("library", "objects/"), params=[("limit", value)])
    assert 1 <= len(body["objects"]) <= min(int(value), 25)
    if int(value) <= 25:
        assert len(body["objects"]) == int(value), \
            "with more objects available than the limit, a full page is expected"


def test_delete_probe_survived(node):
    """Every DELETE above was refused, so the probe object is still there."""
    probe = node.data["del"]["probe"]["id"]
    _, body = node.get_ok(node.col_path("indicators", f"objects/{probe}/"))
    assert [o["id"] for o in body["objects"]] == [probe]
