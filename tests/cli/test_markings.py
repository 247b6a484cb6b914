"""What a node holds from `cx init` and `cx partner add`, the rules on
markings and versions that every input meets (doc/ACCESS.md, "Labels of an
object version"), and `cx export --as USER`, the egress gate on the command
line. The sovereign-write rules of TAXII are in tests/taxii."""
import uuid

import pytest

from conftest import (BOOTSTRAP_IDS, EXIT_FAIL, PROJECT_IDENTITY, RELEASABILITY_EXTENSION, TLP,
                      TLP_IDS, assert_cli_error, bootstrap_objects, describe, export, import_json,
                      jcs_bytes, partner_identities, run_cx, write_bundle)


def cx_ok(node, *args, input=None):
    p = run_cx(*args, node=node, input=input)
    assert p.returncode == 0, describe(p)
    return p


def indicator(n, **extra):
    o = {"type": "indicator", "spec_version": "2.1", "id": f"indicator--{uuid.uuid4()}",
         "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
         "name": f"indicator {n}", "pattern": f"[ipv4-addr:value = '198.51.100.{n}']",
         "pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z"}
    o.update(extra)
    return {k: v for k, v in o.items() if v is not None}


def statement(text="Test statement", created="2026-01-01T00:00:00.000Z", **extra):
    o = {"type": "marking-definition", "spec_version": "2.1",
         "id": f"marking-definition--{uuid.uuid4()}", "created": created,
         "definition_type": "statement", "definition": {"statement": text}}
    o.update(extra)
    return o


def releasability(codes, classification):
    return {"type": "marking-definition", "spec_version": "2.1",
            "id": f"marking-definition--{uuid.uuid4()}", "created": "2026-01-01T00:00:00.000Z",
            "name": f"{classification}//REL TO {', '.join(codes)}",
            "extensions": {RELEASABILITY_EXTENSION: {
                "extension_type": "property-extension", "classification": classification,
                "releasable_to": codes}}}


def results(node, tmp_path, objects, expect):
    f = write_bundle(tmp_path / f"in-{uuid.uuid4().hex[:6]}.json", objects)
    _, rep = import_json(node, f, expect=expect)
    return rep["results"]


def ids_of(objs):
    return [o["id"] for o in objs]


# --- what a node holds from the start --------------------------------------------

def test_init_holds_the_tlp_definitions_of_the_specification(spec_bundle):
    spec = {o["id"]: o for o in spec_bundle["objects"]}
    boot = bootstrap_objects()
    assert ids_of(boot) == list(BOOTSTRAP_IDS)
    for o in boot[:len(TLP_IDS)]:
        assert jcs_bytes(o) == jcs_bytes(spec[o["id"]]), o["id"]


def test_init_holds_the_project_identity_and_extension():
    boot = {o["id"]: o for o in bootstrap_objects()}
    ident, ext = boot[PROJECT_IDENTITY], boot[RELEASABILITY_EXTENSION]
    assert (ident["type"], ident["identity_class"]) == ("identity", "system")
    assert ident["object_marking_refs"] == [TLP["clear"]]
    assert ext["type"] == "extension-definition"
    assert ext["created_by_ref"] == PROJECT_IDENTITY
    assert ext["extension_types"] == ["property-extension"]
    assert "/schemas/releasability.json" in ext["schema"]


def test_partner_add_stores_its_identity(node):
    cx_ok(node, "partner", "add", "USA", "--name", "United States")
    pinned = f"identity--{uuid.uuid4()}"
    cx_ok(node, "partner", "add", "IRQ", "--name", "Iraq", "--identity", pinned)
    ids = partner_identities(node)
    assert ids["IRQ"] == pinned and ids["USA"].startswith("identity--")
    assert run_cx("partner", "show", "IRQ", node=node).stdout.decode().split("\t")[2].strip() \
        == pinned
    _, _, objs = export(node, "--all")
    assert ids_of(objs) == list(BOOTSTRAP_IDS) + [ids["USA"], ids["IRQ"]]
    for (code, name), o in zip((("USA", "United States"), ("IRQ", "Iraq")), objs[-2:]):
        assert (o["type"], o["identity_class"], o["name"]) == ("identity", "organization", name)
        assert o["created_by_ref"] == o["id"] == ids[code]
        assert o["object_marking_refs"] == [TLP["clear"]]
    # A taken code, or a taken identity, stores nothing more.
    assert_cli_error(run_cx("partner", "add", "USA", "--name", "Again", node=node), EXIT_FAIL)
    assert run_cx("partner", "add", "KRG", "--name", "K", "--identity", pinned,
                  node=node).returncode != 0
    assert ids_of(export(node, "--all")[2]) == ids_of(objs)


# --- unknown-marking ------------------------------------------------------------------

def test_unknown_marking_is_rejected(node, tmp_path):
    ghost = f"marking-definition--{uuid.uuid4()}"
    objs = [indicator(1, object_marking_refs=[TLP["green"], ghost]),
            indicator(2, granular_markings=[{"marking_ref": ghost, "selectors": ["name"]}]),
            indicator(3, object_marking_refs=[TLP["amber"]],
                      granular_markings=[{"marking_ref": TLP["red"], "selectors": ["name"]}])]
    res = results(node, tmp_path, objs, EXIT_FAIL)
    assert [r["status"] for r in res] == ["rejected", "rejected", "stored"], res
    assert (res[0]["rule"], res[0]["property"]) == ("unknown-marking", "object_marking_refs[1]")
    assert (res[1]["rule"], res[1]["property"]) == \
        ("unknown-marking", "granular_markings[0].marking_ref")
    assert res[0]["message"] and res[1]["message"]


def test_marking_stored_before_is_known(node, tmp_path):
    m = statement()
    results(node, tmp_path, [m], 0)
    res = results(node, tmp_path, [indicator(4, object_marking_refs=[m["id"]])], 0)
    assert res[0]["status"] == "stored"


def test_marking_earlier_in_the_same_input_is_known(node, tmp_path):
    m = statement()
    res = results(node, tmp_path, [m, indicator(5, object_marking_refs=[m["id"]])], 0)
    assert [r["status"] for r in res] == ["stored", "stored"]


def test_marking_later_in_the_same_input_is_unknown(node, tmp_path):
    # "stored on the node or earlier in the same input": a definition that
    # comes after the object does not make it known.
    m = statement()
    res = results(node, tmp_path, [indicator(6, object_marking_refs=[m["id"]]), m], EXIT_FAIL)
    assert [r["status"] for r in res] == ["rejected", "stored"], res
    assert res[0]["rule"] == "unknown-marking"


def test_rejected_marking_is_unknown(node, tmp_path):
    m = statement()
    del m["definition"]
    res = results(node, tmp_path, [m, indicator(7, object_marking_refs=[m["id"]])], EXIT_FAIL)
    assert [r["status"] for r in res] == ["rejected", "rejected"], res
    assert res[1]["rule"] == "unknown-marking"


# --- version-conflict and immutable -----------------------------------------------------

def test_same_version_other_content_is_a_conflict(node, tmp_path):
    o = indicator(8)
    results(node, tmp_path, [o], 0)
    changed = dict(o, name="changed, same modified")
    res = results(node, tmp_path, [changed], EXIT_FAIL)
    assert (res[0]["status"], res[0]["rule"]) == ("rejected", "version-conflict"), res
    assert res[0]["message"]
    # Within one input, the second of two different contents conflicts.
    p = indicator(9)
    res = results(node, tmp_path, [p, dict(p, name="other")], EXIT_FAIL)
    assert [(r["status"], r.get("rule")) for r in res][1] == ("rejected", "version-conflict")
    _, _, objs = export(node, "--all")
    assert [x for x in objs if x["id"] in (o["id"], p["id"])] == [o, p]


def test_marking_definition_with_other_content_is_immutable(node, tmp_path):
    m = statement("first text")
    results(node, tmp_path, [m], 0)
    res = results(node, tmp_path, [dict(m, definition={"statement": "second text"})],
                  EXIT_FAIL)
    assert (res[0]["status"], res[0]["rule"]) == ("rejected", "immutable"), res
    # A TLP definition of the node's own, with other content.
    green = next(o for o in bootstrap_objects() if o["id"] == TLP["green"])
    res = results(node, tmp_path, [dict(green, description="greenish")], EXIT_FAIL)
    assert (res[0]["status"], res[0]["rule"]) == ("rejected", "immutable"), res


@pytest.mark.parametrize("which", ["statement", "tlp-green"])
def test_marking_definition_is_never_versioned(node, tmp_path, which):
    """The same id with other content is rejected, whatever its created:
    a marking definition has one version (doc/ACCESS.md: "the same id with
    other content is rejected (immutable)"), also on the operator's path."""
    if which == "statement":
        m = statement("first text")
        results(node, tmp_path, [m], 0)
        again = dict(m, created="2026-06-01T00:00:00.000Z", definition={"statement": "new"})
    else:
        m = next(o for o in bootstrap_objects() if o["id"] == TLP["green"])
        again = dict(m, created="2023-10-01T00:00:00.000Z")
    res = results(node, tmp_path, [again], EXIT_FAIL)
    assert (res[0]["status"], res[0].get("rule")) == ("rejected", "immutable"), res
    _, _, objs = export(node, "--all")
    assert [x for x in objs if x["id"] == m["id"]] == [m]


# --- cx export --as USER ------------------------------------------------------------------

@pytest.fixture
def gated(node, tmp_path):
    """Partners USA, IRQ; users usa (S), irq (S), irqlow (R); objects of
    each kind of label. Returns (node, {key: [versions]}, identities)."""
    cx_ok(node, "partner", "add", "USA", "--name", "United States")
    cx_ok(node, "partner", "add", "IRQ", "--name", "Iraq")
    ids = partner_identities(node)
    for name, partner, clearance in (("usa", "USA", "S"), ("irq", "IRQ", "S"),
                                     ("irqlow", "IRQ", "R")):
        cx_ok(node, "user", "add", name, "--partner", partner, "--role", "reader",
              "--clearance", clearance, "--no-password")
    rel = releasability(["USA", "IRQ"], "C")
    usa, irq = ids["USA"], ids["IRQ"]
    v1 = indicator(20, created_by_ref=usa, object_marking_refs=[TLP["green"]])
    objs = {
        "rel": [rel],
        "green": [indicator(21, created_by_ref=usa, object_marking_refs=[TLP["green"]])],
        "white": [indicator(22, created_by_ref=irq, object_marking_refs=[TLP_IDS[5]])],
        "amber": [indicator(23, created_by_ref=usa, object_marking_refs=[TLP["amber"]])],
        "plain": [indicator(24)],
        "irq_plain": [indicator(25, created_by_ref=irq)],
        "rel_c": [indicator(26, created_by_ref=usa, object_marking_refs=[rel["id"]])],
        "up": [v1, dict(v1, modified="2026-02-01T00:00:00.000Z",
                        object_marking_refs=[TLP["amber"]])],
    }
    everything = [v for vs in objs.values() for v in vs]
    assert run_cx("import", write_bundle(tmp_path / "gated.json", everything),
                  node=node).returncode == 0
    return node, objs, ids


def test_export_as_user_holds_what_the_user_may_read(gated):
    node, objs, ids = gated
    common = bootstrap_objects()
    identities = [o for o in export(node, "--all")[2] if o["id"] in ids.values()]
    want = {
        "usa": ["rel", "green", "white", "amber", "rel_c", "up"],
        "irq": ["rel", "green", "white", "irq_plain", "rel_c"],
        "irqlow": ["rel", "green", "white", "irq_plain"],
    }
    for user, keys in want.items():
        _, _, got = export(node, "--as", user)
        expected = common + identities + [v for k in objs if k in keys for v in objs[k]]
        assert ids_of(got) == ids_of(expected), user
        assert got == expected, user


def test_export_as_unknown_user_fails(gated):
    node, _, _ = gated
    assert_cli_error(run_cx("export", "--as", "nobody", node=node), EXIT_FAIL)


def test_export_as_user_with_filters(gated):
    node, objs, _ = gated
    _, _, got = export(node, "--as", "irq", "--type", "indicator", "--latest")
    assert ids_of(got) == ids_of(objs["green"] + objs["white"] + objs["irq_plain"]
                                 + objs["rel_c"])
