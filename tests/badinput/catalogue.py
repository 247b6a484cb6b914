"""The bad input catalogue: one entry per class of bad input, each with the
requests that make it and what the node must answer (harness.py has the
pieces; cli_catalogue.py the `cx` command's classes, slow_catalogue.py
those of slow clients).

An entry is a `BadClass`: a distinct name, the interfaces it reaches and its
cases. A case sends one thing and names the expected answer, the audit
entries the node documents for it (most refusals: none) and the tables it
may change (most: none). doc/TESTING.md lists the classes.
"""
import base64
import json
import uuid

from api.conftest import indicator, relationship, stix_id, GREEN
from .conftest import TAXII, SMALL_ROOT_BYTES
from .harness import (API, BadClass, Case, aged_session, all_rejected, api, api_cursor, api_req,
                      basic, box, chunked, closed, empty_status, envelope, login_setup,
                      lowered_limit, new_indicator, not_served, ok_status, one_of, raw_bytes,
                      raw_req, rel, same_objects_as_plain, signed_out, status, tamper, taxii,
                      taxii_next, two_logins, tx, ui404, with_reason)

API_BODY_LIMIT = 1024 * 1024
SMALL_BODY_LIMIT = 64 * 1024

REJECTED_ADD = dict(audit=[("taxii.add", {"stored": 0})], tables=["taxii_status"])
# A create the node refuses for its content (422) is audited as an
# api.create that stored nothing (doc/API.md: every create is audited).
REJECTED_CREATE = dict(audit=[("api.create", {"stored": 0, "rejected": 1})])
# The vault audits every refusal after authentication (doc/API.md, "Audit").
NO_REASON = dict(audit=[("vault.refused", {"outcome": "no-reason", "status": 400})])

SQLI = "x' OR '1'='1' --"
SQLI_ID = "indicator--' OR 1=1; DROP TABLE objects; --"
UUID0 = str(uuid.uuid4())


# How long the framing and flood cases wait for an answer (libmicrohttpd
# drops some such requests without one; the node must answer them all).
NO_ANSWER_WAIT = 5


# --- the catalogue -------------------------------------------------------------------------

CATALOGUE = [
    BadClass("oversized-body-content-length", ["taxii", "api"], [
        Case("taxii small root", tx("POST", lambda n: n.col_path("tiny", "objects/"),
                                    data=b" " * (SMALL_ROOT_BYTES + 1)),
             taxii(413, 1002)),
        Case("api objects", api_req("POST", "objects", data=b" " * (API_BODY_LIMIT + 1)),
             api(413, 1002)),
        Case("api huge length, no body", raw_req(
            "POST", f"{API}/objects", ["Content-Type: application/json",
                                       "Content-Length: 999999999999"], shutdown=False),
             api(413, 1002)),
        Case("api length over 64 bits", raw_req(
            "POST", f"{API}/objects", ["Content-Type: application/json",
                                       "Content-Length: 99999999999999999999999"],
            shutdown=False),
             status(413)),
    ]),
    BadClass("oversized-body-chunked", ["taxii", "api"], [
        Case("taxii small root", raw_req(
            "POST", lambda n: n.col_path("tiny", "objects/"),
            [f"Accept: {TAXII}", f"Content-Type: {TAXII}", "Transfer-Encoding: chunked"],
            chunked(b"[" * (SMALL_ROOT_BYTES + 100))), taxii(413, 1002)),
        Case("api markings preview", raw_req(
            "POST", f"{API}/markings/preview",
            ["Content-Type: application/json", "Transfer-Encoding: chunked"],
            chunked(b" " * (SMALL_BODY_LIMIT + 10))), api(413, 1002)),
    ]),
    BadClass("wrong-media-type", ["taxii", "api"], [
        Case("taxii application/json", tx("POST", box("objects/"), content_type="application/json",
                                          data=envelope([indicator("Media")])),
             taxii(415, 1006)),
        Case("taxii version 2.0", tx("POST", box("objects/"),
                                     content_type="application/taxii+json;version=2.0",
                                     data=envelope([indicator("Media")])), taxii(415, 1006)),
        Case("api text/plain", api_req("POST", "objects", body=new_indicator(),
                                       content_type="text/plain"),
             api(415, 1006, "Content-Type")),
        Case("api form", api_req("POST", "session", data=b"user=contrib&password=x",
                                 content_type="application/x-www-form-urlencoded", user=None),
             api(415, 1006, "Content-Type")),
        Case("api json-ish", api_req("POST", "admin/users", user="admin", body={
            "name": "newbie", "partner": "USA", "roles": ["reader"]},
            content_type="application/jsonx"), api(415, 1006, "Content-Type")),
        Case("api vault", lambda n, ctx=None: n.post(
            f"vault/cases/{n.data['case']}/persons", {"names": ["Exercise Person"]},
            user="officer", headers=with_reason(), content_type="text/plain"),
             api(415, 1006, "Content-Type"),
             audit=[("vault.refused", {"outcome": "invalid", "status": 415})]),
    ]),
    BadClass("missing-media-type", ["taxii", "api"], [
        Case("taxii", tx("POST", box("objects/"), content_type=None,
                         data=envelope([indicator("Media")])), taxii(415, 1006)),
        Case("api", api_req("POST", "objects", data=json.dumps(new_indicator()).encode(),
                            content_type=None), api(415, 1006, "Content-Type")),
        Case("api vault", lambda n, ctx=None: n.post(
            f"vault/cases/{n.data['case']}/persons", None,
            data=json.dumps({"names": ["Exercise Person"]}).encode(), user="officer",
            headers=with_reason(), content_type=None),
             api(415, 1006, "Content-Type"),
             audit=[("vault.refused", {"outcome": "invalid", "status": 415})]),
    ]),
    BadClass("wrong-accept", ["taxii"], [
        Case("text/html", tx("GET", "/taxii2/", accept="text/html"), taxii(406, 1005)),
        Case("taxii 2.0 only", tx("GET", box("objects/"),
                                  accept="application/taxii+json;version=2.0"), taxii(406, 1005)),
        Case("missing", tx("GET", "/coalition/", accept=None), taxii(406, 1005)),
        Case("garbage", tx("GET", "/taxii2/", accept=";;;,,,/"), taxii(406, 1005)),
    ]),
    BadClass("invalid-utf8-in-json", ["taxii", "api"], [
        Case("taxii envelope", tx("POST", box("objects/"), data=envelope(
            [indicator("PLACEHOLDER")]).replace(b"PLACEHOLDER", b"bad \xff\xfe")),
             taxii(422, 1010)),
        Case("api object", api_req("POST", "objects", data=json.dumps(
            new_indicator(name="PLACEHOLDER")).encode().replace(b"PLACEHOLDER", b"\xc3\x28")),
             api(400, 1003)),
        Case("api session", api_req("POST", "session", user=None,
                                    data=b'{"user": "contrib\xff", "password": "x"}'),
             api(400, 1003)),
    ]),
    BadClass("invalid-utf8-in-url", ["taxii", "api", "ui"], [
        Case("api q", api_req("GET", "objects", params="q=%ff%fe"), api(400, 1004, "q")),
        Case("api object id", api_req("GET", f"{API}/objects/indicator--%ff%fe"), api(404, 1000)),
        Case("taxii root", tx("GET", "/%ff%fe/"), taxii(404, 1000)),
        Case("taxii match[id]", tx("GET", box("objects/"), params="match[id]=%ff"),
             taxii(400, 1004, "match[id]")),
        Case("ui file", lambda n, ctx=None: n.http.get(n.base + "/ui/%ff.js"), ui404),
    ]),
    BadClass("duplicate-json-keys", ["taxii", "api"], [
        Case("taxii envelope", tx("POST", box("objects/"),
                                  data=b'{"objects": [], "objects": []}'), taxii(422, 1010)),
        Case("taxii object", tx("POST", box("objects/"), data=envelope(
            [indicator("Dup")]).replace(b'"name"', b'"name": "one", "name"')),
             taxii(422, 1010)),
        Case("api object", api_req("POST", "objects", data=json.dumps(
            new_indicator()).encode().replace(b'"name"', b'"name": "one", "name"')),
             api(400, 1003)),
        Case("api session", api_req("POST", "session", user=None,
                                    data=b'{"user": "contrib", "user": "admin", '
                                         b'"password": "x"}'), api(400, 1003)),
    ]),
    BadClass("deep-nesting", ["taxii", "api"], [
        Case("taxii 10000 [", tx("POST", box("objects/"), data=b"[" * 10000), taxii(422, 1010)),
        Case("taxii deep but closed", tx("POST", box("objects/"),
                                         data=b'{"objects": ' + b"[" * 5000 + b"]" * 5000 + b"}"),
             taxii(422, 1010)),
        Case("api 10000 [", api_req("POST", "objects", data=b"[" * 10000), api(400, 1003)),
        Case("api deep object", api_req("POST", "objects", data=b'{"type": "indicator", "x": '
                                        + b'{"a": ' * 3000 + b"1" + b"}" * 3001),
             api(400, 1003)),
    ]),
    BadClass("huge-numbers", ["taxii", "api"], [
        Case("api 1e400", api_req("POST", "objects", data=json.dumps(new_indicator(
            confidence=12345)).encode().replace(b"12345", b"1e400")), api(400, 1003)),
        Case("api 2^64", api_req("POST", "objects", data=json.dumps(new_indicator(
            confidence=12345)).encode().replace(b"12345", b"18446744073709551616")),
             api(400, 1003)),
        Case("api NaN", api_req("POST", "objects", data=json.dumps(new_indicator(
            confidence=12345)).encode().replace(b"12345", b"NaN")), api(400, 1003)),
        Case("api -0 confidence out of range", api_req("POST", "objects", body=new_indicator(
            confidence=-1)), api(422, 1010, "confidence"), **REJECTED_CREATE),
        Case("taxii 1e400", tx("POST", box("objects/"), data=envelope([indicator(
            "Num", confidence=12345)]).replace(b"12345", b"1e400")), taxii(422, 1010)),
        Case("taxii limit -0", tx("GET", box("objects/"), params="limit=-0"),
             taxii(400, 1004, "limit")),
        Case("api limit 2^64", api_req("GET", "objects", params="limit=18446744073709551616"),
             api(400, 1004, "limit")),
    ]),
    BadClass("bad-stix-ids", ["taxii", "api"], [
        Case("taxii object, bad uuid", tx("GET", box("objects/indicator--not-a-uuid/")),
             taxii(404, 1000)),
        Case("taxii object, uppercase", tx("GET", lambda n: n.col_path(
            "box", f"objects/{n.data['box'][0]['id'].upper()}/")), taxii(404, 1000)),
        Case("api object, wrong prefix", lambda n, ctx=None: n.get(
            f"objects/malware--{n.data['box'][0]['id'].split('--')[1]}", user="contrib"),
             api(404, 1000)),
        Case("api version of a bad id", api_req("POST", "objects/indicator--1234/versions",
                                                body={"name": "x"}), api(404, 1000)),
        Case("taxii envelope, id of another type", tx("POST", box("objects/"), body={
            "objects": [indicator("Wrong id", id=stix_id("malware"))]}),
             all_rejected("invalid-identifier"), **REJECTED_ADD),
        Case("api marking ref, bad uuid", api_req("POST", "objects", body=new_indicator(
            object_marking_refs=["marking-definition--1234"])),
             api(422, 1010, "object_marking_refs[0]"), **REJECTED_CREATE),
    ]),
    BadClass("bad-timestamps", ["api", "taxii"], [
        Case("no Z", api_req("POST", "objects", body=new_indicator(
            valid_from="2026-01-01T00:00:00")), api(422, 1010, "valid_from"), **REJECTED_CREATE),
        Case("Feb 30", api_req("POST", "objects", body=new_indicator(
            valid_from="2026-02-30T00:00:00Z")), api(422, 1010, "valid_from"), **REJECTED_CREATE),
        Case("year 0", api_req("POST", "objects", body=new_indicator(
            valid_from="0000-01-01T00:00:00Z")), api(422, 1010, "valid_from"), **REJECTED_CREATE),
        Case("hour 24", api_req("POST", "objects", body=new_indicator(
            valid_from="2026-01-01T24:00:00Z")), api(422, 1010, "valid_from"), **REJECTED_CREATE),
        Case("offset", api_req("POST", "objects", body=new_indicator(
            valid_from="2026-01-01T00:00:00+01:00")), api(422, 1010, "valid_from"), **REJECTED_CREATE),
        Case("until before from", api_req("POST", "objects", body=new_indicator(
            valid_until="2025-01-01T00:00:00Z")), api(422, 1010, "valid_until"), **REJECTED_CREATE),
        Case("taxii created Feb 30", tx("POST", box("objects/"), body={
            "objects": [indicator("Feb 30", created="2026-02-30T00:00:00.000Z")]}),
             all_rejected("invalid-timestamp"), **REJECTED_ADD),
        Case("taxii modified before created", tx("POST", box("objects/"), body={
            "objects": [indicator("Order", modified="2025-01-01T00:00:00.000Z")]}),
             all_rejected("timestamp-order"), **REJECTED_ADD),
    ]),
    BadClass("sql-injection-in-query", ["api", "taxii"], [
        Case("api q", api_req("GET", "objects", params={"q": SQLI}), api(400, 1004, "q")),
        Case("api type", api_req("GET", "objects", params={"type": SQLI}),
             api(400, 1004, "type")),
        Case("api owner", api_req("GET", "objects", params={"owner": SQLI}),
             api(400, 1004, "owner")),
        Case("api marking", api_req("GET", "objects", params={"marking": SQLI}),
             api(400, 1004, "marking")),
        Case("api status", api_req("GET", "objects", params={"status": SQLI}),
             api(400, 1004, "status")),
        Case("api modified_after", api_req("GET", "objects", params={"modified_after": SQLI}),
             api(400, 1004, "modified_after")),
        Case("api revoked", api_req("GET", "objects", params={"revoked": SQLI}),
             api(400, 1004, "revoked")),
        Case("api cursor", api_req("GET", "objects", params={"cursor": SQLI}),
             api(400, 1004, "cursor")),
        Case("api modified_before", api_req("GET", "objects",
                                            params={"modified_before": SQLI}),
             api(400, 1004, "modified_before")),
        Case("api limit", api_req("GET", "objects", params={"limit": SQLI}),
             api(400, 1004, "limit")),
        Case("api audit after", api_req("GET", "admin/audit", user="admin",
                                        params={"after": SQLI}), api(400, 1004, "after")),
        Case("api audit limit", api_req("GET", "admin/audit", user="admin",
                                        params={"limit": SQLI}), api(400, 1004, "limit")),
        Case("api audit action", api_req("GET", "admin/audit", user="admin",
                                         params={"action": SQLI}), api(400, 1004, "action")),
        Case("taxii limit", tx("GET", box("objects/"), params={"limit": SQLI}),
             taxii(400, 1004, "limit")),
        Case("taxii versions match[spec_version]", tx("GET", lambda n: n.col_path(
            "box", f"objects/{n.data['box'][0]['id']}/versions/"),
            params={"match[spec_version]": SQLI}), taxii(400, 1004, "match[spec_version]")),
        Case("taxii match[type]", tx("GET", box("objects/"), params={"match[type]": SQLI}),
             taxii(400, 1004, "match[type]")),
        Case("taxii match[id]", tx("GET", box("manifest/"), params={"match[id]": SQLI}),
             taxii(400, 1004, "match[id]")),
        Case("taxii match[version]", tx("GET", box("objects/"),
                                        params={"match[version]": SQLI}),
             taxii(400, 1004, "match[version]")),
        Case("taxii match[spec_version]", tx("GET", box("objects/"),
                                             params={"match[spec_version]": SQLI}),
             taxii(400, 1004, "match[spec_version]")),
        Case("taxii added_after", tx("GET", box("objects/"), params={"added_after": SQLI}),
             taxii(400, 1004, "added_after")),
        Case("taxii next", tx("GET", box("objects/"), params={"next": SQLI}),
             taxii(400, 1011, "next")),
    ]),
    BadClass("sql-injection-in-path", ["api", "taxii"], [
        Case("api object", api_req("GET", f"{API}/objects/{SQLI_ID}"), api(404, 1000)),
        Case("api admin user", api_req("POST", f"{API}/admin/users/{SQLI}", user="admin",
                                       body={"clearance": "U"}), api(404, 1000)),
        Case("api token", api_req("POST", f"{API}/admin/tokens/{SQLI}/disable", user="admin",
                                  body={}), api(404, 1000)),
        Case("taxii root", tx("GET", f"/{SQLI}/"), taxii(404, 1000)),
        Case("taxii collection", tx("GET", f"/coalition/collections/{SQLI}/"),
             taxii(404, 1000)),
        Case("taxii object", tx("GET", box(f"objects/{SQLI_ID}/")), taxii(404, 1000)),
        Case("taxii status", tx("GET", f"/coalition/status/{SQLI}/"), taxii(404, 1000)),
        Case("taxii versions", tx("GET", box(f"objects/{SQLI_ID}/versions/")),
             taxii(404, 1000)),
        Case("taxii delete", tx("DELETE", box(f"objects/{SQLI_ID}/"), user="admin"),
             taxii(404, 1000)),
        Case("api new version", api_req("POST", f"{API}/objects/{SQLI_ID}/versions",
                                        body={"name": "x"}), api(404, 1000)),
        Case("api revoke", api_req("POST", f"{API}/objects/{SQLI_ID}/revoke", body={}),
             api(404, 1000)),
        Case("api collection grant", api_req(
            "POST", f"{API}/admin/collections/{SQLI}/grants", user="admin",
            body={"partner": "IRQ", "read": True, "write": False}), api(404, 1000)),
        Case("api vault case", api_req("GET", f"{API}/vault/cases/{SQLI_ID}/persons",
                                       user="officer", headers=with_reason()),
             api(404, 1000), audit=[("vault.refused", {"outcome": "not-found"})]),
        Case("api vault person", api_req("GET", f"{API}/vault/persons/{SQLI}",
                                         user="officer", headers=with_reason()),
             api(404, 1000), audit=[("vault.refused", {"outcome": "not-found"})]),
        Case("schema file", lambda n, ctx=None: n.http.get(n.base + f"/schemas/{SQLI}"),
             status(404)),
    ]),
    BadClass("bad-chunked-encoding", ["http"], [
        Case("size not hex", raw_req("POST", f"{API}/objects", [
            "Content-Type: application/json", "Transfer-Encoding: chunked"],
            b"zz\r\n{}\r\n0\r\n\r\n"), status(400)),
    ]),
    BadClass("unknown-transfer-coding", ["http"], [
        Case("gzip", raw_req("POST", f"{API}/objects", [
            "Content-Type: application/json", "Transfer-Encoding: gzip"], b"{}",
            timeout=NO_ANSWER_WAIT), api(501, 1015, "Transfer-Encoding")),
    ]),
    BadClass("vault-bad-person", ["api"], [
        Case("names empty", lambda n, ctx=None: n.post(
            f"vault/cases/{n.data['case']}/persons", {"names": []}, user="officer",
            headers=with_reason()), api(422, 1010, "names"),
             audit=[("vault.refused", {"outcome": "invalid", "status": 422})]),
        Case("unknown member", lambda n, ctx=None: n.post(
            f"vault/cases/{n.data['case']}/persons", {"names": ["Exercise Person"],
                                                      "shoe_size": 44},
            user="officer", headers=with_reason()), api(422, 1010, "shoe_size"),
             audit=[("vault.refused", {"outcome": "invalid", "status": 422})]),
        Case("date of birth Feb 30", lambda n, ctx=None: n.post(
            f"vault/cases/{n.data['case']}/persons", {"names": ["Exercise Person"],
                                                      "date_of_birth": "1990-02-30"},
            user="officer", headers=with_reason()), api(422, 1010, "date_of_birth"),
             audit=[("vault.refused", {"outcome": "invalid", "status": 422})]),
        Case("no case-officer role", lambda n, ctx=None: n.post(
            f"vault/cases/{n.data['case']}/persons", {"names": ["Exercise Person"]},
            user="contrib", headers=with_reason()), one_of(api(403, 1009, "role"),
                                                           api(404, 1000)),
             audit=[("vault.refused", {})]),
    ]),
    BadClass("path-traversal-ui", ["ui"], [
        Case(p, raw_req("GET", p, user=None), not_served) for p in (
            "/ui/../cx.ini", "/ui/%2e%2e/cx.db", "/ui/js/%2e%2e/%2e%2e/cx.ini",
            "/ui/js%2f..%2f..%2fcx.ini", "/ui/.hidden.js", "/ui/index.html/..",
            "/ui/js/app%2ejs%2f", "/ui/%5c..%5ccx.ini", "/ui/js/app.json", "/ui//etc/passwd",
            "/ui/js/../../../../etc/passwd", "/vendor/chart.js/..", "/vendor/%2e%2e/cx.ini")
    ]),
    BadClass("path-traversal-taxii", ["taxii"], [
        Case("collection ..", raw_req("GET", "/coalition/collections/../", [f"Accept: {TAXII}"]),
             taxii(404, 1000)),
        Case("encoded slash id", tx("GET", box("objects/..%2f..%2fcx.db/")), api(404, 1000)),
        Case("dotted root", tx("GET", "/%2e%2e/collections/"), taxii(404, 1000)),
    ]),
    BadClass("header-flood-many", ["http"], [
        Case("4000 headers", raw_req("GET", "/taxii2/", [f"X-Flood-{i}: {i}" for i in range(4000)],
                                     shutdown=False), status(431)),
    ]),
    BadClass("header-flood-huge", ["http"], [
        Case("one 100 KiB header", raw_req("GET", f"{API}/objects", ["X-Huge: " + "a" * 100000],
                                           shutdown=False), status(431)),
        Case("100 KiB token", raw_req("GET", "/taxii2/", ["Authorization: Bearer " + "a" * 100000],
                                      user=None, shutdown=False), status(431)),
    ]),
    BadClass("uri-too-long", ["api", "taxii"], [
        Case("api path", api_req("GET", f"{API}/objects/" + "a/" * 3000), api(414, 1007)),
        Case("taxii path", tx("GET", "/coalition/" + "b/" * 3000), api(414, 1007)),
    ]),
    BadClass("parameter-flood", ["taxii", "api"], [
        Case("taxii 3000 unknown", raw_req(
            "GET", lambda n: n.col_path("box", "objects/?") + "&".join(
                f"p{i}=1" for i in range(3000)), [f"Accept: {TAXII}"], timeout=NO_ANSWER_WAIT),
             api(414, 1007)),
        Case("taxii limit 2000 times", raw_req(
            "GET", lambda n: n.col_path("box", "objects/?") + "&".join(
                "limit=1" for _ in range(2000)), [f"Accept: {TAXII}"], timeout=NO_ANSWER_WAIT),
             api(414, 1007)),
        Case("api limit 2000 times", raw_req(
            "GET", f"{API}/objects?" + "&".join("limit=1" for _ in range(2000)),
            timeout=NO_ANSWER_WAIT), api(414, 1007)),
    ]),
    BadClass("repeated-parameters", ["taxii", "api"], [
        Case("taxii added_after twice", tx("GET", box("objects/"), params=[
            ("added_after", "2020-01-01T00:00:00Z"), ("added_after", "2021-01-01T00:00:00Z")]),
             taxii(400, 1004, "added_after")),
        Case("taxii match[type] twice", tx("GET", box("manifest/"), params=[
            ("match[type]", "indicator"), ("match[type]", "malware")]),
             taxii(400, 1004, "match[type]")),
        Case("api limit twice", api_req("GET", "objects", params="limit=1&limit=2"),
             api(400, 1004, "limit")),
        Case("api cursor twice", api_req("GET", "objects", params="cursor=a&cursor=b"),
             api(400, 1004, "cursor")),
    ]),
    BadClass("forged-next-token", ["taxii", "api"], [
        Case("taxii garbage", tx("GET", box("objects/"), params={"next": "AAAAAAAAAAAA"}),
             taxii(400, 1011, "next")),
        Case("taxii tampered", lambda n, ctx: n.taxii("GET", n.col_path("box", "objects/"),
                                                      params=[("limit", "1"),
                                                              ("next", tamper(ctx))]),
             taxii(400, 1011, "next"), setup=taxii_next),
        Case("taxii other endpoint", lambda n, ctx: n.taxii(
            "GET", n.col_path("box", "manifest/"), params=[("limit", "1"), ("next", ctx)]),
             taxii(400, 1011, "next"), setup=taxii_next),
        Case("taxii other collection", lambda n, ctx: n.taxii(
            "GET", n.col_path("ro", "objects/"), params=[("limit", "1"), ("next", ctx)]),
             taxii(400, 1011, "next"), setup=taxii_next),
        Case("taxii other user", lambda n, ctx: n.taxii(
            "GET", n.col_path("box", "objects/"), user="admin",
            params=[("limit", "1"), ("next", ctx)]), taxii(400, 1011, "next"), setup=taxii_next),
        Case("taxii other filters", lambda n, ctx: n.taxii(
            "GET", n.col_path("box", "objects/"),
            params=[("limit", "1"), ("match[type]", "indicator"), ("next", ctx)]),
             taxii(400, 1011, "next"), setup=taxii_next),
        Case("api cursor tampered", lambda n, ctx: n.get("objects", user="contrib", params=[
            ("limit", "1"), ("cursor", tamper(ctx))]), api(400, 1004, "cursor"),
             setup=api_cursor),
        Case("api cursor other user", lambda n, ctx: n.get("objects", user="admin", params=[
            ("limit", "1"), ("cursor", ctx)]), api(400, 1004, "cursor"), setup=api_cursor),
        Case("api cursor other query", lambda n, ctx: n.get("objects", user="contrib", params=[
            ("limit", "1"), ("type", "indicator"), ("cursor", ctx)]), api(400, 1004, "cursor"),
             setup=api_cursor),
    ]),
    BadClass("replayed-csrf-token", ["api"], [
        Case("after sign-out", lambda n, ctx: n.post("objects", new_indicator(), login=ctx,
                                                     csrf=ctx.csrf),
             api(401, 1008), setup=signed_out),
        Case("from another session", lambda n, ctx: n.post(
            "objects", new_indicator(), login=ctx[1], csrf=ctx[0].csrf),
             api(403, 1012, "X-CSRF-Token"), setup=two_logins),
    ]),
    BadClass("missing-csrf-token", ["api"], [
        Case("none", lambda n, ctx: n.post("objects", new_indicator(), login=ctx),
             api(403, 1012, "X-CSRF-Token"), setup=login_setup),
        Case("empty", lambda n, ctx: n.post("objects", new_indicator(), login=ctx, csrf=""),
             api(403, 1012, "X-CSRF-Token"), setup=login_setup),
        Case("sign-out without", lambda n, ctx: n.delete("session", login=ctx),
             api(403, 1012, "X-CSRF-Token"), setup=login_setup),
    ]),
    BadClass("expired-session", ["api"], [
        Case("older than 12 hours", lambda n, ctx: n.get("session", login=ctx),
             api(401, 1008), setup=aged_session("created", 12.5), tables=["sessions"]),
        Case("idle 31 minutes", lambda n, ctx: n.get("objects", login=ctx),
             api(401, 1008), setup=aged_session("last_seen", 0.52), tables=["sessions"]),
    ]),
    BadClass("garbled-basic-auth", ["taxii"], [
        Case("no colon", tx("GET", "/taxii2/", authz=basic("contrib")),
             taxii(401, 1008, challenge=True)),
        Case("bad base64", tx("GET", "/taxii2/", authz="Basic ***not-base64***"),
             taxii(401, 1008, challenge=True)),
        Case("empty", tx("GET", "/taxii2/", authz="Basic "), taxii(401, 1008, challenge=True)),
        Case("NUL in name", tx("GET", "/taxii2/", authz="Basic " + base64.b64encode(
            b"contrib\x00x:pw").decode()), taxii(401, 1008, challenge=True)),
    ]),
    BadClass("wrong-password", ["taxii", "api"], [
        Case("taxii basic", lambda n, ctx=None: n.taxii(
            "GET", "/taxii2/", authz=basic("reader:wrong-password"), source=n.fresh_source()),
             taxii(401, 1008, challenge=True), audit=["login.failed"]),
        Case("api session", lambda n, ctx=None: n.login("reader", "wrong-password",
                                                        source=n.fresh_source()).response,
             api(401, 1008), audit=["login.failed"]),
    ]),
    BadClass("garbled-bearer", ["taxii", "api"], [
        Case("taxii spaces", tx("GET", "/taxii2/", authz="Bearer  abc def"),
             taxii(401, 1008, challenge=True)),
        Case("taxii empty", tx("GET", "/taxii2/", authz="Bearer"),
             taxii(401, 1008, challenge=True)),
        Case("api token and more", lambda n, ctx=None: n.request(
            "GET", "objects", headers={"Authorization": f"Bearer {n.users['contrib'].token} x"}),
             api(401, 1008)),
        Case("api other scheme", api_req("GET", "objects", user=None,
                                         headers={"Authorization": "Digest abc"}),
             api(401, 1008)),
        Case("api basic", api_req("GET", "objects", user=None,
                                  headers={"Authorization": basic("contrib:x")}),
             api(401, 1008)),
    ]),
    BadClass("unknown-token", ["taxii", "api"], [
        Case("taxii", tx("GET", "/taxii2/", authz="Bearer " + "Q" * 43),
             taxii(401, 1008, challenge=True)),
        Case("api", api_req("GET", "objects", token="Q" * 43, user=None), api(401, 1008)),
        Case("api admin", api_req("GET", "admin/users", token="x", user=None), api(401, 1008)),
    ]),
    BadClass("disabled-user-token", ["taxii", "api"], [
        Case("taxii", tx("GET", "/taxii2/", user="ghost"), taxii(401, 1008, challenge=True)),
        Case("api", api_req("GET", "objects", user="ghost"), api(401, 1008)),
        Case("api write", api_req("POST", "objects", user="ghost", body=new_indicator()),
             api(401, 1008)),
    ]),
    BadClass("wrong-method", ["taxii", "api", "ui"], [
        Case("taxii PUT discovery", tx("PUT", "/taxii2/"), taxii(405, 1001)),
        Case("taxii POST collection", tx("POST", box(""), data=b"{}"), taxii(405, 1001)),
        Case("taxii PATCH object", tx("PATCH", box("objects/x/")), taxii(405, 1001)),
        Case("api PATCH objects", api_req("PATCH", "objects", body={}), api(405, 1001)),
        Case("api DELETE partners", api_req("DELETE", "partners"), api(405, 1001)),
        Case("ui POST index", lambda n, ctx=None: n.http.post(n.base + "/", data=b"x"),
             api(405, 1001)),
        Case("ui DELETE chart.js", lambda n, ctx=None: n.http.delete(n.base + "/vendor/chart.js"),
             api(405, 1001)),
    ]),
    BadClass("unknown-route", ["taxii", "api", "ui"], [
        Case("api", api_req("GET", "nothing-here"), api(404, 1000)),
        Case("api under objects", api_req("GET", "objects/a/b/c"), api(404, 1000)),
        Case("taxii unknown root", tx("GET", "/nosuchroot/"), taxii(404, 1000)),
        Case("taxii unknown collection", tx("GET", f"/coalition/collections/{UUID0}/"),
             taxii(404, 1000)),
        Case("taxii no trailing slash", tx("GET", "/taxii2"), api(404, 1000)),
        Case("ui deep", lambda n, ctx=None: n.http.get(n.base + "/ui/a/b/c/d/e.js"),
             api(404, 1000)),
        Case("ui missing file", lambda n, ctx=None: n.http.get(n.base + "/ui/nothing.js"),
             ui404),
    ]),
    BadClass("bad-limit", ["taxii", "api"], [
        *[Case(f"api {v!r}", api_req("GET", "objects", params={"limit": v}),
               api(400, 1004, "limit")) for v in ("0", "-1", "501", "99999999999", "abc", "",
                                                  "1.5", " 5", "0x10")],
        *[Case(f"taxii {v!r}", tx("GET", box("objects/"), params={"limit": v}),
               taxii(400, 1004, "limit")) for v in ("0", "-1", "abc", "", "1.5", "1e3")],
        Case("taxii huge is lowered", lambda n, ctx=None: n.taxii(
            "GET", n.col_path("box", "objects/"), params={"limit": "999999999"}),
             ok_status(200), after=lowered_limit),
    ]),
    BadClass("bad-added-after", ["taxii", "api"], [
        *[Case(f"taxii {v!r}", tx("GET", box("objects/"), params={"added_after": v}),
               taxii(400, 1004, "added_after"))
          for v in ("yesterday", "2026-01-01", "2026-01-01T00:00:00",
                    "2026-02-30T00:00:00Z", "2026-01-01T00:00:00+01:00", "")],
        *[Case(f"api modified_after {v!r}", api_req("GET", "objects",
                                                    params={"modified_after": v}),
               api(400, 1004, "modified_after"))
          for v in ("yesterday", "2026-13-01T00:00:00Z", "2026-01-01T00:00:00")],
    ]),
    BadClass("unknown-match-field", ["taxii"], [
        Case("match[foo]", lambda n, ctx=None: n.taxii(
            "GET", n.col_path("box", "objects/"), params={"match[foo]": "bar"}),
             ok_status(200), after=same_objects_as_plain),
    ]),
    BadClass("empty-envelope", ["taxii"], [
        Case("{}", tx("POST", box("objects/"), data=b"{}"), taxii(422, 1010)),
        # An envelope with no objects is an envelope (TAXII 2.1 3.7): a status
        # that counts nothing, kept and audited as every add.
        Case("no objects", tx("POST", box("objects/"), data=b'{"objects": []}'),
             empty_status, **REJECTED_ADD),
        Case("bundle", tx("POST", box("objects/"), body={"type": "bundle",
                                                          "id": stix_id("bundle")}),
             taxii(422, 1010)),
    ]),
    BadClass("objects-not-a-list", ["taxii"], [
        Case(v.decode(), tx("POST", box("objects/"), data=b'{"objects": ' + v + b"}"),
             taxii(422, 1010)) for v in (b"{}", b'"x"', b"null", b"1")
    ]),
    BadClass("unknown-object-type", ["taxii", "api"], [
        Case("taxii", tx("POST", box("objects/"), body={"objects": [
            indicator("Kind", type="nonsense", id=stix_id("nonsense"))]}),
             all_rejected("invalid-type-name"), **REJECTED_ADD),
        Case("api", api_req("POST", "objects", body=new_indicator(type="nonsense")),
             api(422, 1010, "type"), **REJECTED_CREATE),
        Case("api not a string", api_req("POST", "objects", body=new_indicator(type=7)),
             api(400, 1004, "type")),
    ]),
    # A relationship to an object the node does not hold is stored (STIX
    # 2.1 lets references dangle, and refusing it would tell the writer
    # whether an object it may not read exists); a broken reference is not.
    BadClass("bad-relationship", ["api", "taxii"], [
        Case("api target not an id", lambda n, ctx=None: n.post("objects", rel(
            n, target_ref="malware--nope"), user="contrib"),
             api(422, 1010, "target_ref"), **REJECTED_CREATE),
        Case("api target of the wrong kind", lambda n, ctx=None: n.post("objects", rel(
            n, target_ref=GREEN), user="contrib"),
             api(422, 1010, "target_ref"), **REJECTED_CREATE),
        Case("api no relationship_type", lambda n, ctx=None: n.post("objects", rel(
            n, relationship_type=None), user="contrib"),
             api(422, 1010, "relationship_type"), **REJECTED_CREATE),
        Case("taxii source not an id", lambda n, ctx=None: n.taxii(
            "POST", n.col_path("box", "objects/"), body={"objects": [dict(
                relationship(n.data["box"][0]["id"], "indicates", stix_id("malware")),
                source_ref="indicator--1")]}),
             all_rejected("source_ref"), **REJECTED_ADD),
    ]),
    BadClass("unknown-marking", ["api", "taxii"], [
        Case("api object", api_req("POST", "objects", body=new_indicator(
            object_marking_refs=[stix_id("marking-definition")])),
             api(422, 1010, "object_marking_refs[0]"), **REJECTED_CREATE),
        Case("api preview", api_req("POST", "markings/preview", body={
            "object_marking_refs": [GREEN, stix_id("marking-definition")]}),
             api(422, 1010, "object_marking_refs[1]")),
        Case("api new marking, unknown partner", api_req("POST", "markings", body={
            "classification": "C", "releasable_to": ["USA", "ZZZ"]}),
             api(422, 1010, "releasable_to[1]")),
        Case("taxii", tx("POST", box("objects/"), body={"objects": [indicator(
            "Unknown marking", object_marking_refs=[stix_id("marking-definition")])]}),
             all_rejected("unknown-marking"), **REJECTED_ADD),
    ]),
    BadClass("write-without-permission", ["taxii", "api"], [
        Case("taxii read-only collection", tx("POST", lambda n: n.col_path("ro", "objects/"),
                                              body={"objects": [indicator("Ro")]}),
             taxii(403, 1009)),
        Case("taxii delete by non-admin", tx("DELETE", lambda n: n.col_path(
            "box", f"objects/{n.data['box'][0]['id']}/")), taxii(403, 1009)),
        Case("api reader creates", api_req("POST", "objects", user="reader",
                                           body=new_indicator()), api(403, 1009, "role")),
        Case("api non-admin admin", api_req("POST", "admin/users", body={
            "name": "mallory", "partner": "USA", "roles": ["admin"]}), api(403, 1009, "role")),
        Case("api other partner's object", lambda n, ctx=None: n.post(
            f"objects/{n.data['box'][0]['id']}/versions", {"name": "taken"}, user="irq"),
             api(403, 1009, "not-owner")),
    ]),
    BadClass("vault-without-reason", ["api"], [
        Case("missing", lambda n, ctx=None: n.get(f"vault/cases/{n.data['case']}/persons",
                                                  user="officer"),
             api(400, 1004, "X-Access-Reason"), **NO_REASON),
        Case("too short", lambda n, ctx=None: n.get(f"vault/cases/{n.data['case']}/persons",
                                                    user="officer", headers=with_reason("why")),
             api(400, 1004, "X-Access-Reason"), **NO_REASON),
        Case("control character", lambda n, ctx=None: n.get(
            f"vault/cases/{n.data['case']}/persons", user="officer",
            headers=with_reason("Checking the\tcase file")),
             api(400, 1004, "X-Access-Reason"), **NO_REASON),
        Case("create without", lambda n, ctx=None: n.post(
            f"vault/cases/{n.data['case']}/persons", {"names": ["A"]}, user="officer"),
             api(400, 1004, "X-Access-Reason"), **NO_REASON),
    ]),
    BadClass("body-not-an-object", ["taxii", "api"], [
        *[Case(f"api {v!r}", api_req("POST", "objects", data=v), api(400, 1003))
          for v in (b"[]", b'"indicator"', b"42", b"null", b"true")],
        Case("api session", api_req("POST", "session", user=None, data=b"[1]"), api(400, 1003)),
        Case("api vault", lambda n, ctx=None: n.post(
            f"vault/cases/{n.data['case']}/persons", None, data=b"[]", user="officer",
            headers=with_reason()), api(400, 1003),
             audit=[("vault.refused", {"outcome": "invalid", "status": 400})]),
        Case("taxii", tx("POST", box("objects/"), data=b"[]"), taxii(422, 1010)),
    ]),
    BadClass("empty-body", ["taxii", "api"], [
        Case("api objects", api_req("POST", "objects", data=b""), api(400, 1003)),
        Case("api admin users", api_req("POST", "admin/users", user="admin", data=b""),
             api(400, 1003)),
        Case("api whitespace", api_req("POST", "markings", data=b"  \r\n "), api(400, 1003)),
        Case("taxii", tx("POST", box("objects/"), data=b""), taxii(422, 1010)),
    ]),
    BadClass("body-with-bom", ["taxii", "api"], [
        Case("api", api_req("POST", "objects", data=b"\xef\xbb\xbf" + json.dumps(
            new_indicator()).encode()), api(400, 1003)),
        Case("taxii", tx("POST", box("objects/"), data=b"\xef\xbb\xbf" + envelope(
            [indicator("Bom")])), taxii(422, 1010)),
    ]),
    BadClass("content-length-and-chunked", ["http"], [
        Case("both", raw_req("POST", box("objects/"), [
            f"Accept: {TAXII}", f"Content-Type: {TAXII}", "Content-Length: 4",
            "Transfer-Encoding: chunked"], lambda n: chunked(envelope([indicator("Smuggle")])),
            timeout=NO_ANSWER_WAIT), status(400)),
    ]),
    BadClass("bad-content-length", ["http"], [
        Case("not a number", raw_req("POST", f"{API}/objects", [
            "Content-Type: application/json", "Content-Length: abc"], b"{}"), status(400)),
        Case("negative", raw_req("POST", f"{API}/objects", [
            "Content-Type: application/json", "Content-Length: -5"], b"{}"), status(400)),
        Case("two lengths", raw_req("POST", f"{API}/objects", [
            "Content-Type: application/json", "Content-Length: 2", "Content-Length: 50"],
            b"{}" + b" " * 48), status(400)),
    ]),
    BadClass("http11-without-host", ["http"], [
        Case("GET", raw_req("GET", "/healthz", user=None, host=False), status(400)),
    ]),
    BadClass("http10-without-host", ["http", "api"], [
        # HTTP/1.0 has no Host header: the request is answered as any other.
        Case("GET is answered", raw_req("GET", "/healthz", user=None, host=False,
                                        version="HTTP/1.0"), ok_status(200)),
        Case("bad POST gets its error", raw_req(
            "POST", f"{API}/objects", ["Content-Type: application/json", "Content-Length: 2"],
            b"[]", host=False, version="HTTP/1.0"), api(400, 1003)),
    ]),
    # libmicrohttpd closes the connection on a request line it cannot parse
    # (it never reaches the node); the node stays up.
    BadClass("request-line-garbage", ["http"], [
        Case("one word", raw_bytes(b"GARBAGE\r\n\r\n"), closed),
        Case("no version", raw_bytes(b"GET /healthz\r\n\r\n"), status(400)),
        Case("binary", raw_bytes(bytes(range(1, 32)) + b"\r\n\r\n"), closed),
        Case("HTTP/9.9", raw_bytes(b"GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n"), status(505)),
        Case("header without colon", raw_bytes(
            b"GET /healthz HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n"), status(400)),
    ]),
    BadClass("nul-in-path", ["ui", "api", "taxii"], [
        Case("ui file", raw_req("GET", "/ui/js/app.js%00.css", user=None), not_served),
        Case("ui file, NUL last", raw_req("GET", "/ui/js/app.js%00", user=None), not_served),
        Case("api object id", lambda n, ctx=None: n.get(
            f"{API}/objects/{n.data['box'][0]['id']}%00", user="contrib"), api(404, 1000)),
        Case("taxii object id", tx("GET", lambda n: n.col_path(
            "box", f"objects/{n.data['box'][0]['id']}%00/")), taxii(404, 1000)),
    ]),
    BadClass("node-set-properties", ["api"], [
        *[Case(k, api_req("POST", "objects", body=new_indicator(**{k: v})),
               api(400, 1013, k))
          for k, v in (("id", stix_id("indicator")), ("spec_version", "2.1"),
                       ("created", "2026-01-01T00:00:00.000Z"),
                       ("created_by_ref", "identity--e7d6c87e-078e-549a-8446-373b49cb3cad"))],
        Case("revoked in a version", lambda n, ctx=None: n.post(
            f"objects/{n.data['box'][0]['id']}/versions", {"revoked": True}, user="contrib"),
             api(400, 1013, "revoked")),
    ]),
    BadClass("wrong-json-types", ["api"], [
        Case("session user a number", api_req("POST", "session", user=None, body={
            "user": 1, "password": "x"}), api(400, 1004, "user")),
        Case("session password missing", api_req("POST", "session", user=None, body={
            "user": "contrib"}), api(400, 1004, "password")),
        Case("admin user name a number", api_req("POST", "admin/users", user="admin", body={
            "name": 5, "partner": "USA", "roles": ["reader"]}), api(400, 1004, "name")),
        Case("admin roles a string", api_req("POST", "admin/users", user="admin", body={
            "name": "newbie", "partner": "USA", "roles": "reader"}), api(400, 1004, "roles")),
        Case("marking classification", api_req("POST", "markings", body={
            "classification": "X", "releasable_to": ["USA"]}), api(400, 1004, "classification")),
        Case("preview refs not a list", api_req("POST", "markings/preview", body={
            "object_marking_refs": GREEN}), api(400, 1004)),
        Case("token expires_days", api_req("POST", "admin/tokens", user="admin", body={
            "user": "reader", "expires_days": "ten"}), api(400, 1004, "expires_days")),
    ]),
    BadClass("unknown-body-member", ["api"], [
        Case("admin user", api_req("POST", "admin/users", user="admin", body={
            "name": "newbie", "partner": "USA", "roles": ["reader"], "shoe": 1}),
             api(400, 1004, "shoe")),
        Case("admin grant", lambda n, ctx=None: n.post(
            "admin/collections/box/grants", {"partner": "IRQ", "read": True, "write": False,
                                             "admin": True}, user="admin"),
             api(400, 1004, "admin")),
        Case("admin unknown partner", api_req("POST", "admin/users", user="admin", body={
            "name": "newbie", "partner": "ZZZ", "roles": ["reader"]}),
             api(422, 1010, "partner")),
    ]),
    BadClass("bad-status-id", ["taxii"], [
        Case("not a uuid", tx("GET", "/coalition/status/not-a-uuid/"), taxii(404, 1000)),
        Case("unknown uuid", tx("GET", f"/coalition/status/{UUID0}/"), taxii(404, 1000)),
    ]),
    BadClass("nul-in-json-string", ["taxii", "api"], [
        Case("api name", api_req("POST", "objects", data=json.dumps(
            new_indicator(name="a\u0000b")).encode()), api(400, 1003)),
        Case("taxii name", tx("POST", box("objects/"), data=envelope([indicator("a\u0000b")])),
             taxii(422, 1010)),
    ]),
    BadClass("invalid-pattern", ["api", "taxii"], [
        Case("api", api_req("POST", "objects", body=new_indicator(pattern="[ipv4-addr:value = ")),
             api(422, 1010, "pattern"), **REJECTED_CREATE),
        Case("taxii", tx("POST", box("objects/"), body={"objects": [indicator(
            "Pattern", pattern="[nonsense]")]}), all_rejected("invalid-pattern"),
             **REJECTED_ADD),
    ]),
]
