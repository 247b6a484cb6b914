"""Server discovery (4.1) and API root information (4.2)."""
import urllib.parse
import uuid

import pytest

from .conftest import (DISCOVERY_CONTACT, DISCOVERY_DESCRIPTION, DISCOVERY_TITLE, ROOTS,
                      TAXII, assert_error, assert_taxii_type)


def root_path(node, url):
    """The path of an API root URL, after checking its form (4.1.1)."""
    assert isinstance(url, str) and url, url
    assert url.endswith("/"), f"API root URL {url!r} does not end in /"
    assert "?" not in url, f"API root URL {url!r} has a query component"
    if url.startswith("/"):
        assert not url.startswith("//"), f"relative API root URL {url!r} begins with //"
        return url
    assert url.startswith("https://"), \
        f"API root URL {url!r} is neither relative nor HTTPS absolute (4.1.1)"
    return urllib.parse.urlsplit(url).path


def test_discovery_resource(node):
    r, d = node.get_ok("/taxii2/", user="usaadmin")
    assert set(d) <= {"title", "description", "contact", "default", "api_roots"}, d
    assert d["title"] == DISCOVERY_TITLE
    assert d.get("description") == DISCOVERY_DESCRIPTION
    assert d.get("contact") == DISCOVERY_CONTACT
    roots = d.get("api_roots")
    assert isinstance(roots, list) and roots, "api_roots must be a non-empty list"
    paths = [root_path(node, u) for u in roots]
    assert len(set(paths)) == len(paths), f"an API root is listed twice: {roots}"
    assert set(paths) == {f"/{name}/" for name in ROOTS}, roots
    assert "default" in d, "default_root is configured, so default is expected"
    assert d["default"] in roots, "the default API root MUST be an item in api_roots"
    assert root_path(node, d["default"]) == "/coalition/"


def test_every_advertised_root_answers(node):
    _, d = node.get_ok("/taxii2/", user="usaadmin")
    for url in d["api_roots"]:
        _, body = node.get_ok(root_path(node, url), user="usaadmin")
        assert TAXII in body["versions"]


@pytest.mark.parametrize("name", sorted(ROOTS))
def test_api_root_resource(node, name):
    _, a = node.get_ok(f"/{name}/")
    assert set(a) <= {"title", "description", "versions", "max_content_length"}, a
    assert a["title"] == ROOTS[name]["title"]
    assert a.get("description") == ROOTS[name]["description"]
    versions = a["versions"]
    assert isinstance(versions, list) and versions
    assert TAXII in versions, f"versions MUST include {TAXII}: {versions}"
    for v in versions:
        assert v.startswith("application/taxii+json;version="), \
            f"versions entries are TAXII media types with the version parameter: {v!r}"
    mcl = a["max_content_length"]
    assert isinstance(mcl, int) and not isinstance(mcl, bool) and mcl > 0, mcl
    assert mcl == ROOTS[name]["bytes"], f"{name}: max_content_length {mcl}"


@pytest.mark.parametrize("path", [
    "/nope/",
    "/nope/collections/",
    f"/nope/collections/{uuid.uuid4()}/objects/",
    f"/nope/status/{uuid.uuid4()}/",
])
def test_unknown_api_root_is_404(node, path):
    assert_error(node.get(path), 404)


def test_api_root_name_is_exact(node):
    # Root names are case-sensitive path segments; /Coalition/ is not /coalition/.
    assert_error(node.get("/Coalition/"), 404)


@pytest.mark.parametrize("path,param,value", [
    ("/taxii2/", "limit", "5"),
    ("/taxii2/", "added_after", "2020-01-01T00:00:00.000000Z"),
    ("/coalition/", "match[type]", "indicator"),
    ("/coalition/", "next", "abc"),
])
def test_standard_parameters_not_allowed(node, path, param, value):
    assert_error(node.get(path, params=[(param, value)]), 400, param)


def test_unknown_parameters_are_ignored(node):
    _, plain = node.get_ok("/taxii2/")
    _, withp = node.get_ok("/taxii2/", params=[("foo", "bar"), ("match[colour]", "red")])
    assert plain == withp
    _, root = node.get_ok("/coalition/", params=[("foo", "bar")])
    assert root["title"] == ROOTS["coalition"]["title"]


def test_discovery_without_user_agent(node):
    # 8.2.1: a server SHOULD NOT reject a valid request without User-Agent;
    # nothing in the node's contract needs one.
    r = node.get("/taxii2/", headers={"User-Agent": None})
    assert r.status_code == 200, r.text
    assert_taxii_type(r)
