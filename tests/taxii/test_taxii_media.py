"""Content negotiation (1.6.8, 3.1, doc/TAXII.md): what Accept values are
served, which are 406, and the Content-Type of every response."""
import uuid

import pytest

from .conftest import assert_error, assert_taxii_type, describe, indicator


def paths(node):
    mv = node.data["mv"][0]["id"]
    lib = node.col_path("library")
    return {
        "discovery": "/taxii2/",
        "root": "/coalition/",
        "collections": "/coalition/collections/",
        "collection": lib,
        "objects": lib + "objects/",
        "manifest": lib + "manifest/",
        "object": lib + f"objects/{mv}/",
        "versions": lib + f"objects/{mv}/versions/",
    }


ACCEPTED = [
    "application/taxii+json;version=2.1",
    "application/taxii+json",
    "application/taxii+json; version=2.1",
    "*/*",
    "application/*",
    "application/json, application/taxii+json;version=2.1",
    "text/html, application/taxii+json",
    # The Accept header the standard itself shows for manifest/ (5.3).
    "application/taxii+json;version=2.1,application/stix+json;version=2.1",
    # RFC 7231 5.3: quality values, and case-insensitive type names.
    "application/taxii+json;version=2.1;q=0.5, text/html;q=0.9",
    "Application/TAXII+JSON;version=2.1",
]


@pytest.mark.parametrize("accept", ACCEPTED)
@pytest.mark.parametrize("what", ["discovery", "collections", "objects", "manifest", "object",
                                  "versions"])
def test_accept_taxii(node, accept, what):
    r = node.get(paths(node)[what], accept=accept)
    assert r.status_code == 200, describe(r)
    assert_taxii_type(r)


REFUSED = [
    "application/json",
    "text/html",
    "application/stix+json;version=2.1",
    "application/taxii+json;version=2.0",
    "application/taxii+json;version=3.0",
    "application/xml, text/*",
    None,
    "",
    # q=0 means "not acceptable" (RFC 7231 5.3.1).
    "application/taxii+json;version=2.1;q=0, application/json",
    "*/*;q=0",
]


@pytest.mark.parametrize("accept", REFUSED, ids=lambda a: repr(a))
@pytest.mark.parametrize("what", ["discovery", "root", "collection", "objects", "object"])
def test_not_accepting_taxii_is_406(node, accept, what):
    r = node.get(paths(node)[what], accept=accept)
    assert_error(r, 406)


def test_406_for_delete(node):
    oid = node.data["del"]["probe"]["id"]
    r = node.delete(node.col_path("indicators", f"objects/{oid}/"), user="usaadmin",
                    accept="application/json")
    assert_error(r, 406)
    _, body = node.get_ok(node.col_path("indicators", f"objects/{oid}/"))
    assert body["objects"], "a refused DELETE removed the object"


def test_every_response_is_taxii(node):
    """Successes and errors alike carry application/taxii+json;version=2.1."""
    p = paths(node)
    seen = []
    for path in p.values():
        seen.append(node.get(path))
    seen.append(node.get(node.col_path("empty", "objects/")))
    seen.append(node.get(node.col_path("library", "objects/"), params=[("limit", "0")]))
    seen.append(node.get(node.col_path("hidden", "objects/")))
    seen.append(node.get(node.col_path("dropbox", "objects/")))
    seen.append(node.get("/coalition/collections/", user=None))
    seen.append(node.get("/taxii2/", accept="text/html"))
    seen.append(node.get(f"/coalition/status/{uuid.uuid4()}/"))
    post = node.post_objects("indicators", [indicator(1)])
    seen.append(post)
    if post.status_code == 202:
        seen.append(node.get(f"/coalition/status/{post.json()['id']}/"))
    seen.append(node.post_objects("indicators", [indicator(2)], content_type="text/plain"))
    seen.append(node.post(node.col_path("indicators", "objects/"), None, data=b"{"))
    statuses = sorted({r.status_code for r in seen})
    assert statuses == [200, 202, 400, 401, 403, 404, 406, 415, 422], statuses
    for r in seen:
        assert_taxii_type(r)
        assert r.content, f"empty body\n{describe(r)}"


def test_unknown_path_is_404(node):
    # Paths that are no TAXII endpoint get the node's plain 404 (doc/TAXII.md).
    for path in ("/coalition/nothing/", "/coalition/collections/x/y/z/",
                 node.col_path("library", "objects/not-a-stix-id/versions/extra/")):
        r = node.get(path)
        assert r.status_code == 404, describe(r)
        assert r.json()["code"] == 1000, describe(r)


WRONG_METHODS = [
    ("POST", "discovery", {"GET"}),
    ("DELETE", "collections", {"GET"}),
    ("PUT", "objects", {"GET", "POST"}),
    ("POST", "manifest", {"GET"}),
    ("POST", "object", {"GET", "DELETE"}),
    ("DELETE", "versions", {"GET"}),
]


@pytest.mark.parametrize("method,what,allowed", WRONG_METHODS)
def test_wrong_method_is_a_taxii_error(node, method, what, allowed):
    """A method the standard does not define for an endpoint is an error
    (405), answered like every other error."""
    r = node.request(method, paths(node)[what], body={"objects": []})
    assert 400 <= r.status_code < 500, describe(r)
    assert_taxii_type(r)


@pytest.mark.parametrize("method,what,allowed", WRONG_METHODS)
def test_405_allow_lists_the_resource_methods(node, method, what, allowed):
    r = node.request(method, paths(node)[what], body={"objects": []})
    assert r.status_code == 405, describe(r)
    # RFC 7231 6.5.5: Allow lists the methods the target resource supports.
    got = {m.strip() for m in r.headers.get("Allow", "").split(",") if m.strip()}
    assert method not in got and allowed <= got, f"Allow {got}\n{describe(r)}"
