"""GET /api/v1/objects (doc/API.md, "Objects"): the newest readable version
of each object, newest stored first, its filters, limits and cursors.

The node is rnode (conftest.py): objects stored one import each, in the
order of READ_PLAN; readers of USA, IRQ and KRG with several clearances."""
import base64

import pytest

from .conftest import AMBER, GREEN, IDENTITY, PAGE_OBJECTS, assert_error, \
    describe, ids, parse_ts

SUMMARY_KEYS = {"id", "type", "created", "modified", "revoked", "owner", "tlp", "banner",
                "date_added"}


def oid(rnode, key, version=-1):
    return rnode.data["objs"][key][version]["id"]


def plan_ids(rnode, keys):
    return [oid(rnode, k) for k in keys]


def page_keys():
    return [f"page{i}" for i in range(PAGE_OBJECTS)]


def find(items, i):
    got = [it for it in items if it["id"] == i]
    assert len(got) == 1, f"{i} is in the list {len(got)} times"
    return got[0]


# --- the shape and order ---------------------------------------------------------------

def test_summary_fields(rnode):
    items = rnode.list_all("irq", [("q", "Alpha")])
    it = find(items, oid(rnode, "pub"))
    assert SUMMARY_KEYS <= set(it), it
    o = rnode.data["objs"]["pub"][0]
    assert (it["type"], it["name"], it["created"], it["modified"], it["revoked"],
            it["owner"], it["tlp"]) == \
        ("indicator", o["name"], o["created"], o["modified"], False, "USA", "TLP:GREEN"), it
    assert isinstance(it["banner"], str) and it["banner"].startswith("TLP:GREEN"), it
    parse_ts(it["date_added"])


def test_summary_of_unnamed_and_unowned(rnode):
    items = rnode.list_all("irq", [("type", "relationship")])
    it = find(items, oid(rnode, "rel_indicates"))
    assert it.get("name") is None, it     # relationships have no name
    items = rnode.list_all("krg", [("q", "Unowned")])
    it = find(items, oid(rnode, "unowned"))
    assert it["owner"] is None, it


def test_newest_stored_first(rnode):
    items = rnode.list_all("usa", [("q", "Pagetest")], limit=500)
    assert ids(items) == plan_ids(rnode, reversed(page_keys()))
    added = [parse_ts(it["date_added"]) for it in items]
    assert added == sorted(added, reverse=True)


def test_whole_list_is_ordered_by_date_added(rnode):
    items = rnode.list_all("usa", limit=500)
    added = [parse_ts(it["date_added"]) for it in items]
    assert added == sorted(added, reverse=True)
    assert len(set(ids(items))) == len(items)


def test_newest_version_only(rnode):
    items = rnode.list_all("irq", [("q", "Gamma")])
    it = find(items, oid(rnode, "three"))
    assert (it["name"], it["modified"]) == ("Gamma third", "2026-03-01T00:00:00.000Z"), it


def test_newest_readable_version_only(rnode):
    """down: v1 AMBER, v2 GREEN. up: v1 GREEN, v2 AMBER (the newest version
    hides the whole object from other partners)."""
    for user in ("irq", "krg", "usa"):
        items = rnode.list_all(user, [("type", "indicator")], limit=500)
        it = find(items, oid(rnode, "down"))
        assert (it["name"], it["modified"]) == ("Public newer", "2026-02-01T00:00:00.000Z")
    irq = ids(rnode.list_all("irq", limit=500))
    assert oid(rnode, "up") not in irq
    usa = rnode.list_all("usa", limit=500)
    it = find(usa, oid(rnode, "up"))
    assert (it["modified"], it["tlp"]) == ("2026-02-01T00:00:00.000Z", "TLP:AMBER"), it


# --- filters ---------------------------------------------------------------------------

def test_type_filter(rnode):
    items = rnode.list_all("irq", [("type", "malware,tool")])
    assert {it["type"] for it in items} <= {"malware", "tool"}
    assert {oid(rnode, "mal"), oid(rnode, "tool")} <= set(ids(items))
    only = rnode.list_all("irq", [("type", "tool")])
    assert {it["type"] for it in only} == {"tool"}
    assert oid(rnode, "mal") not in ids(only)
    assert rnode.list_all("irq", [("type", "x-unknown-type")]) == []


def test_owner_filter(rnode):
    items = rnode.list_all("usa", [("owner", "KRG")], limit=500)
    assert {it["owner"] for it in items} == {"KRG"}, items
    assert oid(rnode, "krg_s_ui") in ids(items)
    assert oid(rnode, "krg_plain") not in ids(items)     # not readable for usa
    irq = rnode.list_all("irq", [("owner", "IRQ")], limit=500)
    assert {it["owner"] for it in irq} == {"IRQ"}
    assert {oid(rnode, "irq_amber"), oid(rnode, "tool"), oid(rnode, "irq_r_ui")} <= set(ids(irq))
    usa = rnode.list_all("usa", [("owner", "IRQ")], limit=500)
    assert oid(rnode, "irq_amber") not in ids(usa)
    assert oid(rnode, "tool") in ids(usa)


def test_full_text_words(rnode):
    assert ids(rnode.list_all("irq", [("q", "Alpha")])) == [oid(rnode, "pub")]
    # Descriptions are searched too, and words in any order.
    got = set(ids(rnode.list_all("irq", [("q", "quick brown")])))
    assert got == {oid(rnode, "pub"), oid(rnode, "fox2")}
    got = set(ids(rnode.list_all("irq", [("q", "quick AND dogs")])))
    assert got == {oid(rnode, "fox2")}
    got = set(ids(rnode.list_all("irq", [("q", "jumps OR dogs")])))
    assert got == {oid(rnode, "pub"), oid(rnode, "fox2")}
    got = set(ids(rnode.list_all("irq", [("q", "brown NOT dogs")])))
    assert got == {oid(rnode, "pub")}


def test_full_text_phrase(rnode):
    got = ids(rnode.list_all("irq", [("q", '"quick brown"')]))
    assert got == [oid(rnode, "pub")]
    assert rnode.list_all("irq", [("q", '"brown quick"')]) == []


def test_full_text_prefix(rnode):
    got = set(ids(rnode.list_all("irq", [("q", "beacon*")])))
    assert got == {oid(rnode, "pub"), oid(rnode, "prefix")}
    # Without the star, the word itself (a stemming tokenizer may add the
    # longer word, so only the exact one is required).
    assert oid(rnode, "pub") in ids(rnode.list_all("irq", [("q", "beacon")]))


def test_full_text_sees_only_readable_text(rnode):
    """The word of an AMBER object, or of an AMBER older version, finds
    nothing for another partner."""
    assert ids(rnode.list_all("irq", [("q", "Bravo")])) == [oid(rnode, "irq_amber")]
    assert ids(rnode.list_all("usa", [("q", "Bravo")])) == [oid(rnode, "usa_amber")]
    assert rnode.list_all("krg", [("q", "Bravo")]) == []
    assert rnode.list_all("irq", [("q", "Secretword")]) == []
    assert rnode.list_all("krg", [("q", "Secretword")]) == []


def test_full_text_combines_with_type_and_paging(rnode):
    items = rnode.list_all("krg", [("q", "Pagetest"), ("type", "indicator")], limit=10)
    assert len(items) == PAGE_OBJECTS
    assert rnode.list_all("krg", [("q", "Pagetest"), ("type", "malware")]) == []


def test_modified_filters(rnode):
    def got(params):
        return set(ids(rnode.list_all("irq", [("q", "Epsilon")] + params)))
    jan, jun, nov = (oid(rnode, k) for k in ("eps_jan", "eps_jun", "eps_nov"))
    assert got([]) == {jan, jun, nov}
    assert got([("modified_after", "2025-03-01T00:00:00Z")]) == {jun, nov}
    assert got([("modified_before", "2025-09-01T00:00:00Z")]) == {jan, jun}
    assert got([("modified_after", "2025-03-01T00:00:00Z"),
                ("modified_before", "2025-09-01T00:00:00.000Z")]) == {jun}
    assert got([("modified_after", "2025-12-01T00:00:00Z")]) == set()


def test_revoked_filter(rnode):
    live, revoked = oid(rnode, "zeta_live"), oid(rnode, "zeta_revoked")
    assert set(ids(rnode.list_all("irq", [("q", "Zeta")]))) == {live, revoked}
    assert ids(rnode.list_all("irq", [("q", "Zeta"), ("revoked", "true")])) == [revoked]
    assert ids(rnode.list_all("irq", [("q", "Zeta"), ("revoked", "false")])) == [live]
    it = find(rnode.list_all("irq", [("q", "Zeta")]), revoked)
    assert it["revoked"] is True and it["modified"] == "2026-01-02T00:00:00.000Z", it


# --- limit and paging -----------------------------------------------------------------------

def test_default_limit_is_50(rnode):
    body = rnode.list_page("usa")
    assert len(body["items"]) == 50
    assert isinstance(body.get("next_cursor"), str) and body["next_cursor"]


@pytest.mark.parametrize("limit", [1, 7, 500])
def test_limit_within_bounds(rnode, limit):
    body = rnode.list_page("usa", [("q", "Pagetest"), ("limit", limit)])
    assert len(body["items"]) == min(limit, PAGE_OBJECTS)
    if limit < PAGE_OBJECTS:
        assert body.get("next_cursor")
    else:
        assert "next_cursor" not in body or body["next_cursor"] is None, body


def test_last_page_has_no_cursor(rnode):
    body = rnode.list_page("usa", [("q", "Epsilon"), ("limit", 3)])
    assert len(body["items"]) == 3
    assert body.get("next_cursor") is None, body


@pytest.mark.parametrize("limit", [1, 7, 19, 56, 57])
def test_paging_to_the_end_without_duplicates_or_gaps(rnode, limit):
    items = rnode.list_all("krg", [("q", "Pagetest")], limit=limit)
    assert ids(items) == plan_ids(rnode, reversed(page_keys()))


@pytest.mark.parametrize("user", ["usa", "irq", "irqlow", "krg"])
def test_paging_whole_list_matches_one_page(rnode, user):
    whole = ids(rnode.list_all(user, limit=500))
    paged = ids(rnode.list_all(user, limit=11))
    assert paged == whole
    assert len(set(paged)) == len(paged)


def param_error(rnode, params, field, user="usa"):
    r = rnode.get("objects", user=user, params=params)
    return assert_error(r, 400, 1004, field)


@pytest.mark.parametrize("value", ["0", "501", "-1", "abc", "", "1.5", "10x", "99999999999999999999"])
def test_limit_out_of_bounds(rnode, value):
    param_error(rnode, [("limit", value)], "limit")


@pytest.mark.parametrize("name,value", [
    ("modified_after", "yesterday"),
    ("modified_after", "2026-13-01T00:00:00Z"),
    ("modified_after", ""),
    ("modified_before", "2026-01-01"),
    ("modified_before", "2026-01-01T25:00:00Z"),
    ("revoked", "maybe"),
    ("revoked", ""),
    ("type", "Not_A_Type!"),
    ("owner", "not a code!"),
])
def test_malformed_parameters(rnode, name, value):
    param_error(rnode, [(name, value)], name)


@pytest.mark.parametrize("q", ['"unterminated', "AND", "(beacon", "beacon OR", "NOT", "*"])
def test_fts_syntax_errors_are_400(rnode, q):
    param_error(rnode, [("q", q)], "q")


def first_cursor(rnode, user, params):
    body = rnode.list_page(user, params)
    c = body.get("next_cursor")
    assert c, body
    return c


@pytest.mark.parametrize("cursor", ["garbage", "AAAAAAAAAAAAAAAAAAAAAAAA",
                                    base64.urlsafe_b64encode(b'{"after":0}').decode(),
                                    "%00", "12345"])
def test_forged_cursor(rnode, cursor):
    param_error(rnode, [("q", "Pagetest"), ("limit", 5), ("cursor", cursor)], "cursor")


def test_tampered_cursor(rnode):
    c = first_cursor(rnode, "usa", [("q", "Pagetest"), ("limit", 5)])
    # Not the last character: in base64 its low bits may be padding.
    for i in (0, len(c) // 2, len(c) - 3):
        ch = "A" if c[i] != "A" else "B"
        bad = c[:i] + ch + c[i + 1:]
        param_error(rnode, [("q", "Pagetest"), ("limit", 5), ("cursor", bad)], "cursor")
    param_error(rnode, [("q", "Pagetest"), ("limit", 5), ("cursor", c[:-2])], "cursor")
    param_error(rnode, [("q", "Pagetest"), ("limit", 5), ("cursor", c + "AA")], "cursor")


def test_cursor_of_another_user(rnode):
    c = first_cursor(rnode, "usa", [("q", "Pagetest"), ("limit", 5)])
    param_error(rnode, [("q", "Pagetest"), ("limit", 5), ("cursor", c)], "cursor", user="krg")
    # Also another user of the same partner.
    param_error(rnode, [("q", "Pagetest"), ("limit", 5), ("cursor", c)], "cursor",
                user="usalow")
    # The owner of the cursor may use it.
    assert rnode.list_page("usa", [("q", "Pagetest"), ("limit", 5), ("cursor", c)])["items"]


def test_cursor_of_another_query(rnode):
    c = first_cursor(rnode, "usa", [("q", "Pagetest"), ("limit", 5)])
    param_error(rnode, [("q", "Epsilon"), ("limit", 5), ("cursor", c)], "cursor")
    param_error(rnode, [("q", "Pagetest"), ("type", "indicator"), ("limit", 5),
                        ("cursor", c)], "cursor")
    param_error(rnode, [("limit", 5), ("cursor", c)], "cursor")


def test_cursor_of_another_node(rnode, wnode):
    """The same user name and query on another node: its cursor is not
    this node's."""
    if "usa" not in wnode.users:
        wnode.add_user("usa", "USA", "reader")
    c = first_cursor(wnode, "usa", [("limit", 1)])
    param_error(rnode, [("limit", 1), ("cursor", c)], "cursor")


def test_cursor_with_another_limit_is_fine_or_refused(rnode):
    """The limit may change from page to page; if the node ties it to the
    cursor it must say so with field cursor, never answer wrongly."""
    c = first_cursor(rnode, "usa", [("q", "Pagetest"), ("limit", 5)])
    r = rnode.get("objects", user="usa", params=[("q", "Pagetest"), ("limit", 10),
                                                  ("cursor", c)])
    if r.status_code == 400:
        assert_error(r, 400, 1004, "cursor")
        return
    assert r.status_code == 200, describe(r)
    want = plan_ids(rnode, reversed(page_keys()))[5:15]
    assert ids(r.json()["items"]) == want


def test_markings_and_identities_are_listed_for_everyone(rnode):
    """Marking definitions without markings and the partners' identities
    (TLP:CLEAR) are readable by every partner (doc/ACCESS.md)."""
    items = rnode.list_all("krg", [("type", "marking-definition")], limit=500)
    assert {GREEN, AMBER} <= set(ids(items))
    assert IDENTITY["USA"] in ids(rnode.list_all("krg", [("type", "identity")], limit=500))
