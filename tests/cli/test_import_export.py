"""`cx import` and `cx export` on real node folders."""
import copy
import json
import uuid

import pytest

from conftest import (BOOTSTRAP_IDS, DATA, EXIT_FAIL, EXIT_INPUT, TLP_IDS, bootstrap_objects,
                      bootstrap_selected, check_export_bytes, describe, expected_export, export,
                      import_json, jcs, jcs_bytes, parse_import_text, rule_codes, run_cx,
                      write_bundle)

SPEC = DATA / "stix-spec-examples.json"


def first_difference(raw_objects, expected):
    """A readable account of where an export differs from what was imported."""
    got = [jcs(o) for o in raw_objects]
    want = [jcs(o) for o in expected]
    if len(got) != len(want):
        return f"{len(got)} objects exported, {len(want)} expected"
    for i, (g, w) in enumerate(zip(got, want)):
        if g != w:
            return f"object {i} differs:\n got  {g[:600]}\n want {w[:600]}"
    return "same values; the bytes differ (number or string formatting, or key order)"


def assert_export_is(node, objects, *args):
    """The export with these options is exactly the objects a new node holds
    (those the options select) followed by `objects`, in canonical form."""
    objects = bootstrap_selected(args) + list(objects)
    raw, bid, got = export(node, *args)
    want = expected_export(bid, objects)
    if raw != want:
        # Locate the first differing byte for the message.
        i = next((k for k, (a, b) in enumerate(zip(raw, want)) if a != b),
                 min(len(raw), len(want)))
        pytest.fail(f"export {' '.join(args)} is not the canonical form of the "
                    f"imported objects: {first_difference(got, objects)}\n"
                    f"first differing byte {i}: got {raw[max(0, i - 80):i + 80]!r}\n"
                    f"                    want {want[max(0, i - 80):i + 80]!r}")
    return raw


def versions_latest(objects):
    """Per id, the version with the greatest modified (SCOs and markings have
    one version), in the order the kept versions were added."""
    best = {}
    for i, o in enumerate(objects):
        key = o.get("modified", "")
        if o["id"] not in best or key > best[o["id"]][1]:
            best[o["id"]] = (i, key)
    keep = sorted(i for i, _ in best.values())
    return [objects[i] for i in keep]


# --- The specification's examples -------------------------------------------

def spec_held(spec_bundle):
    """The spec examples a new node already holds (the TLP marking
    definitions), checked to be byte for byte the node's own in canonical
    form, and the others. Importing the former is a duplicate; the export
    then holds their canonical bytes among the bootstrap objects, so that
    every example is still compared byte for byte."""
    boot = {o["id"]: o for o in bootstrap_objects()}
    held = [o for o in spec_bundle["objects"] if o["id"] in boot]
    new = [o for o in spec_bundle["objects"] if o["id"] not in boot]
    assert sorted(o["id"] for o in held) == sorted(TLP_IDS)
    for o in held:
        assert jcs_bytes(o) == jcs_bytes(boot[o["id"]]), \
            f"the node's {o['id']} is not the specification's"
    return held, new


def import_line(o):
    return f"{'duplicate' if o['id'] in BOOTSTRAP_IDS else 'stored'} {o['id']}"

def test_spec_examples_cover_every_type(spec_bundle):
    types = {o["type"] for o in spec_bundle["objects"]}
    sdo = {"attack-pattern", "campaign", "course-of-action", "grouping", "identity",
           "incident", "indicator", "infrastructure", "intrusion-set", "location",
           "malware", "malware-analysis", "note", "observed-data", "opinion", "report",
           "threat-actor", "tool", "vulnerability"}
    sco = {"artifact", "autonomous-system", "directory", "domain-name", "email-addr",
           "email-message", "file", "ipv4-addr", "ipv6-addr", "mac-addr", "mutex",
           "network-traffic", "process", "software", "url", "user-account",
           "windows-registry-key", "x509-certificate"}
    meta = {"marking-definition", "language-content", "extension-definition",
            "relationship", "sighting"}
    assert sdo | sco | meta <= types, sorted((sdo | sco | meta) - types)
    keys = [(o["id"], o.get("modified")) for o in spec_bundle["objects"]]
    assert len(keys) == len(set(keys))


def test_spec_examples_roundtrip(node, spec_bundle):
    objects = spec_bundle["objects"]
    held, new = spec_held(spec_bundle)
    p = run_cx("import", SPEC, node=node)
    assert p.returncode == 0, describe(p)
    lines, summary = parse_import_text(p.stdout)
    assert summary == (len(new), len(held), 0), describe(p)
    assert lines == [import_line(o) for o in objects]
    assert_export_is(node, new)


def test_spec_examples_roundtrip_latest(node, spec_bundle):
    assert run_cx("import", SPEC, node=node).returncode == 0
    _, new = spec_held(spec_bundle)
    latest = versions_latest(new)
    assert len(latest) < len(new)  # the fixture has versions
    assert_export_is(node, latest, "--latest")


def test_spec_examples_json_report(node, spec_bundle):
    objects = spec_bundle["objects"]
    held, new = spec_held(spec_bundle)
    p, rep = import_json(node, SPEC, expect=0)
    assert (rep["stored"], rep["duplicate"], rep["rejected"]) == (len(new), len(held), 0)
    res = rep["results"]
    assert [r["status"] for r in res] == [import_line(o).split()[0] for o in objects]
    assert [r["id"] for r in res] == [o["id"] for o in objects]
    base = res[0]["index"]
    assert base in (0, 1)
    assert [r["index"] for r in res] == list(range(base, base + len(objects)))


def test_reimport_is_all_duplicate_roundtrip(node, spec_bundle):
    objects = spec_bundle["objects"]
    assert run_cx("import", SPEC, node=node).returncode == 0
    p = run_cx("import", SPEC, node=node)
    assert p.returncode == 0, describe(p)
    lines, summary = parse_import_text(p.stdout)
    assert summary == (0, len(objects), 0), describe(p)
    assert lines == [f"duplicate {o['id']}" for o in objects]
    # Nothing new was added: the export is still each object once.
    assert_export_is(node, spec_held(spec_bundle)[1])


def test_reimport_from_export_is_duplicate(node, tmp_path, spec_bundle):
    assert run_cx("import", SPEC, node=node).returncode == 0
    out = tmp_path / "export.json"
    assert run_cx("export", "--all", "-o", out, node=node).returncode == 0
    p = run_cx("import", out, node=node)
    assert p.returncode == 0, describe(p)
    _, summary = parse_import_text(p.stdout)
    assert summary == (0, len(BOOTSTRAP_IDS) + len(spec_held(spec_bundle)[1]), 0)


def test_sco_same_id_different_content_is_a_conflict(node, tmp_path):
    # An SCO has one version; other content under its id is a conflict
    # (doc/ACCESS.md: version-conflict), and the stored one stays.
    sco = {"type": "ipv4-addr", "spec_version": "2.1",
           "id": "ipv4-addr--" + str(uuid.uuid4()), "value": "198.51.100.77"}
    other = dict(sco, value="198.51.100.78")
    f1 = write_bundle(tmp_path / "1.json", [sco])
    f2 = write_bundle(tmp_path / "2.json", [other])
    assert run_cx("import", f1, node=node).returncode == 0
    p = run_cx("import", f2, node=node)
    assert p.returncode == EXIT_FAIL, describe(p)
    lines, summary = parse_import_text(p.stdout)
    assert summary == (0, 0, 1), describe(p)
    assert len(lines) == 1 and lines[0].startswith(f"rejected {sco['id']} "), lines
    assert lines[0].split(":", 1)[0].split()[-1] == "version-conflict", lines
    p = run_cx("import", f1, node=node)
    assert p.returncode == 0 and parse_import_text(p.stdout)[1] == (0, 1, 0), describe(p)
    assert_export_is(node, [sco])


# --- Input forms ------------------------------------------------------------

def test_import_from_stdin(node, small_bundle):
    objects = small_bundle["objects"]
    text = json.dumps(small_bundle)
    p = run_cx("import", "-", node=node, input=text)
    assert p.returncode == 0, describe(p)
    lines, summary = parse_import_text(p.stdout)
    assert summary == (len(objects), 0, 0)
    assert lines == [f"stored {o['id']}" for o in objects]
    assert_export_is(node, objects)


def test_import_json_from_stdin(node, small_bundle):
    p, rep = import_json(node, "-", input=json.dumps(small_bundle), expect=0)
    assert rep["stored"] == len(small_bundle["objects"])


@pytest.mark.parametrize("extra", [{}, {"more": False}, {"more": True, "next": "page-2"}])
def test_import_taxii_envelope(node, tmp_path, small_bundle, extra):
    objects = small_bundle["objects"]
    env = dict(extra, objects=objects)
    f = tmp_path / "envelope.json"
    f.write_text(json.dumps(env))
    p = run_cx("import", f, node=node)
    assert p.returncode == 0, describe(p)
    _, summary = parse_import_text(p.stdout)
    assert summary == (len(objects), 0, 0)
    assert_export_is(node, objects)


def test_import_accepts_unicode_and_escapes(node, tmp_path):
    ind = {"type": "indicator", "spec_version": "2.1",
           "id": "indicator--" + str(uuid.uuid4()),
           "created": "2024-01-01T00:00:00.000Z", "modified": "2024-01-01T00:00:00.000Z",
           "name": "\u00dcn\u00efc\u00f6d\u00e9 \u2028 e\u0301 \U0001f600 tab\there "
                   "\"quoted\" back\\slash \u0001 \u001f",
           "description": "/ stays /, DEL \u007f, BOM \ufeff, CJK \u4e2d\u6587",
           "pattern": "[file:name = 'caf\u00e9.exe']", "pattern_type": "stix",
           "valid_from": "2024-01-01T00:00:00Z",
           "external_references": [{"source_name": "z", "external_id": "1",
                                    "hashes": {"SHA-256": "6db12788c37247f2316052e142f42f4b"
                                               "259d6561751e5f401a1ae2a6df9c674b",
                                               "MD5": "3773a88f65a5e780c8dff9cdc3a056f3"}}]}
    # Escaped (ASCII only) in the file, so that the node must decode every
    # escape and write the canonical UTF-8 form.
    f = tmp_path / "u.json"
    f.write_text(json.dumps({"type": "bundle", "id": "bundle--" + str(uuid.uuid4()),
                             "objects": [ind]}, ensure_ascii=True))
    p = run_cx("import", f, node=node)
    assert p.returncode == 0, describe(p)
    raw = assert_export_is(node, [ind])
    assert "\U0001f600".encode("utf-8") in raw and b"\\u0001" in raw


def test_import_float_formatting(node, tmp_path):
    loc = {"type": "location", "spec_version": "2.1",
           "id": "location--" + str(uuid.uuid4()),
           "created": "2024-01-01T00:00:00.000Z", "modified": "2024-01-01T00:00:00.000Z",
           "latitude": 48.8566, "longitude": -0.0000012, "precision": 1500.0}
    f = tmp_path / "f.json"
    # Written with non-canonical number spellings on purpose.
    text = json.dumps({"type": "bundle", "id": "bundle--" + str(uuid.uuid4()),
                       "objects": [loc]})
    text = text.replace("-1.2e-06", "-0.0000012000").replace("1500.0", "1.5E3")
    f.write_text(text)
    p = run_cx("import", f, node=node)
    assert p.returncode == 0, describe(p)
    raw = assert_export_is(node, [loc])
    assert b'"latitude":48.8566' in raw and b'"longitude":-0.0000012' in raw
    assert b'"precision":1500' in raw


# --- Valid and invalid objects together -------------------------------------

def _mixed(small_bundle):
    good = small_bundle["objects"]
    bad1 = copy.deepcopy(good[0])
    bad1["id"] = "indicator--" + str(uuid.uuid4())
    del bad1["pattern"]
    bad2 = copy.deepcopy(good[1])
    bad2["id"] = "indicator--" + str(uuid.uuid4())
    bad2["created"] = "2024-02-30T00:00:00.000Z"
    objects = good[:3] + [bad1] + good[3:6] + [bad2] + good[6:]
    return objects, good, [bad1, bad2]


def test_mixed_valid_and_invalid(node, tmp_path, small_bundle):
    objects, good, bad = _mixed(small_bundle)
    f = write_bundle(tmp_path / "mixed.json", objects)
    p = run_cx("import", f, node=node)
    assert p.returncode == EXIT_FAIL, describe(p)
    lines, summary = parse_import_text(p.stdout)
    assert summary == (len(good), 0, 2), describe(p)
    assert len(lines) == len(objects)
    codes = rule_codes()
    for line, o in zip(lines, objects):
        if any(o is b for b in bad):
            assert line.startswith(f"rejected {o['id']} "), line
            rule = line.split(":", 1)[0].split()[-1]
            assert rule in codes, line
            assert line.split(":", 1)[1].strip(), f"no message: {line}"
        else:
            assert line == f"stored {o['id']}"
    assert_export_is(node, good)


def test_mixed_valid_and_invalid_json(node, tmp_path, small_bundle):
    objects, good, bad = _mixed(small_bundle)
    f = write_bundle(tmp_path / "mixed.json", objects)
    p, rep = import_json(node, f, expect=EXIT_FAIL)
    assert (rep["stored"], rep["duplicate"], rep["rejected"]) == (len(good), 0, 2)
    res = rep["results"]
    assert len(res) == len(objects)
    base = res[0]["index"]
    by_id = {r["id"]: r for r in res}
    r1, r2 = by_id[bad[0]["id"]], by_id[bad[1]["id"]]
    assert r1["status"] == r2["status"] == "rejected"
    assert r1["index"] == base + 3 and r2["index"] == base + 7
    assert (r1["property"], r1["rule"]) == ("pattern", "required"), r1
    assert (r2["property"], r2["rule"]) == ("created", "invalid-timestamp"), r2
    assert r1["message"] and r2["message"]
    for r in res:
        if r["id"] not in (bad[0]["id"], bad[1]["id"]):
            assert r["status"] == "stored", r
    assert_export_is(node, good)


def test_rejected_object_without_id_is_named_by_index(node, tmp_path, small_bundle):
    good = small_bundle["objects"][0]
    no_id = copy.deepcopy(small_bundle["objects"][1])
    del no_id["id"]
    objects = [good, no_id, "not an object", 17, None, []]
    f = write_bundle(tmp_path / "noid.json", objects)
    p = run_cx("import", f, node=node)
    assert p.returncode == EXIT_FAIL, describe(p)
    lines, summary = parse_import_text(p.stdout)
    assert summary == (1, 0, 5)
    assert lines[0] == f"stored {good['id']}"
    p2, rep = import_json(node, f, expect=EXIT_FAIL)
    base = rep["results"][0]["index"]
    for k, line in enumerate(lines[1:], start=1):
        assert line.startswith(f"rejected #{base + k} "), line
    codes = rule_codes()
    assert [r["rule"] for r in rep["results"][2:]] == ["not-an-object"] * 4
    assert rep["results"][1]["rule"] in codes
    assert_export_is(node, [good])


# --- Unreadable input -------------------------------------------------------

def _valid_text(small_bundle):
    return json.dumps(small_bundle)


BAD_INPUTS = {
    "empty": b"",
    "whitespace": b"  \n\t ",
    "not-json": b"this is not JSON\n",
    "json-array": None,           # filled in below from the small bundle
    "json-string": b'"bundle"',
    "json-number": b"42",
    "json-null": b"null",
    "duplicate-top-level-key": None,
    "duplicate-key-in-object": None,
    "truncated": None,
    "trailing-garbage": None,
    "neither-bundle-nor-envelope": b'{"hello": "world"}',
    "wrong-type-member": None,
    "objects-not-array": None,
    "objects-null": None,
    "invalid-utf8": None,
    "nul-byte": None,
    "two-documents": None,
    # STIX 2.1 section 2.12: a list must not be empty, so neither may "objects".
    "empty-objects": None,
}


def _bad_input(name, small_bundle):
    text = _valid_text(small_bundle)
    objs = json.dumps(small_bundle["objects"])
    bid = json.dumps(small_bundle["id"])
    if BAD_INPUTS[name] is not None:
        return BAD_INPUTS[name]
    return {
        "json-array": objs,
        "duplicate-top-level-key":
            '{"type":"bundle","id":%s,"objects":%s,"objects":%s}' % (bid, objs, objs),
        "duplicate-key-in-object": text.replace('"name": ', '"name": "first", "name": ', 1),
        "truncated": text[: len(text) // 2],
        "trailing-garbage": text + " xyz",
        "wrong-type-member": '{"type":"report","id":%s,"objects":%s}' % (bid, objs),
        "objects-not-array": '{"type":"bundle","id":%s,"objects":{"a":1}}' % bid,
        "objects-null": '{"type":"bundle","id":%s,"objects":null}' % bid,
        "invalid-utf8": text.encode().replace(b"Malicious PDF", b"Malicious \xff\xfePDF", 1),
        "nul-byte": text.encode().replace(b"Malicious PDF", b"Malicious \x00PDF", 1),
        "two-documents": text + "\n" + text,
        "empty-objects": '{"type":"bundle","id":%s,"objects":[]}' % bid,
    }[name]


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
@pytest.mark.parametrize("via", ["file", "stdin"])
def test_unreadable_input_is_exit_4(node, tmp_path, small_bundle, name, via):
    data = _bad_input(name, small_bundle)
    if isinstance(data, str):
        data = data.encode()
    if via == "file":
        f = tmp_path / "bad.json"
        f.write_bytes(data)
        p = run_cx("import", f, node=node)
    else:
        p = run_cx("import", "-", node=node, input=data)
    assert p.returncode == EXIT_INPUT, describe(p)
    assert p.stderr.strip(), describe(p)
    # Nothing is stored, not even the valid objects an input may contain.
    assert_export_is(node, [])
    # The node still works afterwards.
    ok = write_bundle(tmp_path / "ok.json", small_bundle["objects"][:1])
    assert run_cx("import", ok, node=node).returncode == 0


@pytest.mark.parametrize("what", ["missing", "directory"])
def test_unreadable_file_is_exit_4(node, tmp_path, what):
    path = tmp_path / "missing.json"
    if what == "directory":
        path = tmp_path / "dir.json"
        path.mkdir()
    p = run_cx("import", path, node=node)
    assert p.returncode == EXIT_INPUT, describe(p)
    assert p.stderr.startswith(b"cx: "), describe(p)
    assert_export_is(node, [])


def test_unreadable_input_json_mode_is_exit_4(node, tmp_path):
    f = tmp_path / "bad.json"
    f.write_text("[1, 2")
    p = run_cx("import", "--json", f, node=node)
    assert p.returncode == EXIT_INPUT, describe(p)
    assert_export_is(node, [])


# --- Export filters ---------------------------------------------------------

def test_export_type_filter(node, spec_bundle):
    objects = spec_bundle["objects"]
    assert run_cx("import", SPEC, node=node).returncode == 0
    only = [o for o in objects if o["type"] == "indicator"]
    assert only
    assert_export_is(node, only, "--type", "indicator")
    two = [o for o in objects if o["type"] in ("indicator", "malware")]
    assert_export_is(node, two, "--type", "indicator", "--type", "malware")
    sco = [o for o in objects if o["type"] == "ipv4-addr"]
    assert_export_is(node, sco, "--type", "ipv4-addr")
    assert_export_is(node, [], "--type", "x-no-such-type")


def test_export_modified_after(node, tmp_path, small_bundle):
    objects = small_bundle["objects"]  # modified 2024-03-01 .. 2024-03-10
    assert run_cx("import", write_bundle(tmp_path / "s.json", objects), node=node).returncode == 0
    assert_export_is(node, objects[5:], "--modified-after", "2024-03-05T12:00:00.000Z")
    assert_export_is(node, objects[5:], "--modified-after", "2024-03-05T12:00:00Z")
    assert_export_is(node, objects, "--modified-after", "2000-01-01T00:00:00.000Z")
    assert_export_is(node, [], "--modified-after", "2030-01-01T00:00:00.000Z")
    assert_export_is(node, objects[9:], "--modified-after", "2024-03-09T23:59:59.999999Z")


def _versions(n=3):
    oid = "indicator--" + str(uuid.uuid4())
    created = "2024-05-01T00:00:00.000Z"
    vs = []
    for k in range(n):
        ts = f"2024-05-0{k + 1}T00:00:00.000Z"
        vs.append({"type": "indicator", "spec_version": "2.1", "id": oid,
                   "created": created, "modified": ts, "name": f"version {k + 1}",
                   "pattern": "[ipv4-addr:value = '203.0.113.%d']" % (k + 1),
                   "pattern_type": "stix", "valid_from": created})
    return vs


def test_export_latest_two_versions(node, tmp_path, small_bundle):
    v1, v2 = _versions(2)
    other = small_bundle["objects"][0]
    assert run_cx("import", write_bundle(tmp_path / "a.json", [v1, other]), node=node).returncode == 0
    p = run_cx("import", write_bundle(tmp_path / "b.json", [v2]), node=node)
    assert p.returncode == 0, describe(p)
    assert parse_import_text(p.stdout) == ([f"stored {v2['id']}"], (1, 0, 0))
    assert_export_is(node, [v1, other, v2])
    assert_export_is(node, [other, v2], "--latest")
    assert_export_is(node, [v2], "--latest", "--type", "indicator",
                     "--modified-after", "2024-04-01T00:00:00.000Z")


def test_export_latest_when_older_version_arrives_last(node, tmp_path):
    v1, v2, v3 = _versions(3)
    for v in (v3, v1, v2):
        p = run_cx("import", write_bundle(tmp_path / "v.json", [v]), node=node)
        assert p.returncode == 0, describe(p)
    assert_export_is(node, [v3, v1, v2])
    assert_export_is(node, [v3], "--latest")


def test_export_versions_in_one_bundle(node, tmp_path):
    v1, v2, v3 = _versions(3)
    f = write_bundle(tmp_path / "v.json", [v2, v1, v3])
    p = run_cx("import", f, node=node)
    assert p.returncode == 0, describe(p)
    assert parse_import_text(p.stdout)[1] == (3, 0, 0)
    assert_export_is(node, [v2, v1, v3])
    assert_export_is(node, [v3], "--latest")


def test_export_to_file(node, tmp_path, small_bundle):
    objects = small_bundle["objects"]
    assert run_cx("import", write_bundle(tmp_path / "s.json", objects), node=node).returncode == 0
    out = tmp_path / "out" / "export.json"
    out.parent.mkdir()
    p = run_cx("export", "--all", "-o", out, node=node)
    assert p.returncode == 0, describe(p)
    assert p.stdout == b""
    raw, bid, _ = check_export_bytes(out.read_bytes())
    assert raw == expected_export(bid, bootstrap_objects() + objects)


def test_import_bundle_without_objects_stores_nothing(node, tmp_path):
    # STIX 2.1 section 8: a bundle's objects property is optional.
    f = tmp_path / "bare.json"
    f.write_text('{"type":"bundle","id":"bundle--%s"}' % uuid.uuid4())
    p = run_cx("import", str(f), node=node)
    assert p.returncode == 0, describe(p)
    assert p.stdout.decode().strip().splitlines()[-1] == "summary: 0 stored, 0 duplicate, 0 rejected"
    assert_export_is(node, [])
