"""Thousands of certainly-invalid objects, imported in one bundle together
with the valid originals they were made from.

Every mutant must be rejected (with the expected rule code where the rule is
unambiguous), every original stored, and an export must hold exactly the
originals. Run against an ASan+UBSan build of cx (CX_BIN), any sanitizer
report fails the tests (conftest.run_cx checks stderr).
"""
import collections
import json
import random
import re
import uuid

import pytest

import mutate
from conftest import (BOOTSTRAP_IDS, EXIT_FAIL, bootstrap_objects, describe, expected_export,
                      export, jcs_bytes, load_data, rule_codes, run_cx)

HUGE_MB = 20          # size of the one huge-string mutant
SEED = 20240517

# Categories whose result must name the broken property.
PROPERTY_NAMED = {"missing-required", "missing-required-nested", "wrong-type",
                  "bad-timestamp", "timestamp-precision", "bad-vocab", "out-of-range",
                  "empty", "bad-spec-version", "bad-ref-syntax", "wrong-ref-type", "bad-id",
                  "bad-hash", "bad-format"}
ID_RE = re.compile(r"^[a-z][a-z0-9-]{1,248}[a-z0-9]--[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-"
                   r"[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def build_corpus(spec_bundle, small_bundle):
    originals = spec_bundle["objects"] + small_bundle["objects"]
    mutants = (mutate.generate(originals, seed=SEED, huge_mb=HUGE_MB)
               + mutate.spec_invalid(load_data("stix-spec-invalid-examples.json")))
    # Originals spread evenly among the mutants, in their own order, so that
    # valid objects come after invalid ones and the other way round.
    rng = random.Random(SEED)
    items = [("m", m) for m in mutants]
    rng.shuffle(items)
    step = len(items) // (len(originals) + 1)
    for k, o in enumerate(originals):
        items.insert((k + 1) * step + k, ("o", o))
    return originals, mutants, items


@pytest.fixture(scope="module")
def corpus(spec_bundle, small_bundle):
    return build_corpus(spec_bundle, small_bundle)


@pytest.fixture(scope="module")
def imported(tmp_path_factory, corpus):
    """One node, one import of the whole corpus: (node, report, items, process)."""
    originals, mutants, items = corpus
    d = tmp_path_factory.mktemp("malformed")
    node = d / "node"
    p = run_cx("init", node)
    assert p.returncode == 0, describe(p)
    texts = [json.dumps(x, ensure_ascii=False, separators=(",", ":")) if kind == "o"
             else x.text for kind, x in items]
    f = d / "corpus.json"
    with open(f, "w", encoding="utf-8") as out:
        out.write('{"type":"bundle","id":"bundle--%s","objects":[' % uuid.UUID(int=SEED, version=4))
        out.write(",\n".join(texts))
        out.write("]}")
    p = run_cx("import", "--json", f, node=node, timeout=300)
    assert p.returncode == EXIT_FAIL, describe(p)
    try:
        report = json.loads(p.stdout)
    except ValueError:
        pytest.fail("import --json did not print JSON: " + describe(p))
    assert len(report["results"]) == len(items), (len(report["results"]), len(items))
    return node, report, items, p


def test_malformed_generator(corpus, spec_bundle, small_bundle):
    originals, mutants, items = corpus
    assert len(mutants) >= 1000
    texts = [m.text for m in mutants]
    assert len(set(texts)) == len(texts), "mutants are not distinct"
    # Reproducible: the same seed gives the same mutants.
    again = build_corpus(spec_bundle, small_bundle)[1]
    assert [m.text for m in again] == texts
    # Every tag names codes of the registry in src/stix/error.h.
    codes = rule_codes()
    for m in mutants:
        assert m.rules is None or (m.rules and set(m.rules) <= codes), (m.category, m.rules)
    cats = collections.Counter(m.category for m in mutants)
    for needed in ("wrong-type", "missing-required", "bad-id", "bad-timestamp",
                   "timestamp-order", "bad-pattern-unbalanced", "bad-pattern-operator",
                   "bad-pattern-constant", "bad-vocab", "too-deep", "too-large",
                   "wrong-ref-type", "spec-invalid"):
        assert cats[needed] > 0, needed


def _result_of(report, items):
    base = report["results"][0]["index"]
    assert base in (0, 1), base
    by_index = {r["index"] - base: r for r in report["results"]}
    assert sorted(by_index) == list(range(len(items)))
    return [(kind, x, by_index[i]) for i, (kind, x) in enumerate(items)]


def _fail_report(failures, total):
    by_cat = collections.defaultdict(list)
    for cat, line in failures:
        by_cat[cat].append(line)
    lines = [f"{len(failures)} of {total} checks failed:"]
    for cat in sorted(by_cat, key=lambda c: -len(by_cat[c])):
        lines.append(f"  {cat}: {len(by_cat[cat])}")
        lines += [f"      {x}" for x in by_cat[cat][:4]]
    return "\n".join(lines)


def _where(m):
    t = m.text if len(m.text) < 400 else m.text[:300] + f"... ({len(m.text)} bytes)"
    return f"[{m.note or m.prop}] {t}"


def test_malformed_every_mutant_rejected(imported):
    node, report, items, p = imported
    codes = rule_codes()
    failures = []
    for kind, x, r in _result_of(report, items):
        if kind != "m":
            continue
        if r["status"] != "rejected":
            failures.append((x.category, f"{r['status']}: {_where(x)}"))
        elif not r.get("rule") or r["rule"] not in codes:
            failures.append((x.category, f"rule {r.get('rule')!r}: {_where(x)}"))
        elif not r.get("message"):
            failures.append((x.category, f"no message: {_where(x)}"))
    assert not failures, _fail_report(failures, len(items))


def test_malformed_rule_codes(imported):
    node, report, items, p = imported
    failures = []
    for kind, x, r in _result_of(report, items):
        if kind != "m" or r["status"] != "rejected" or x.rules is None:
            continue
        if r.get("rule") not in x.rules:
            failures.append((x.category, f"expected {'|'.join(x.rules)}, got {r.get('rule')} "
                             f"at {r.get('property')!r} ({r.get('message')}): {_where(x)}"))
        elif x.category in PROPERTY_NAMED and x.prop and x.prop not in (r.get("property") or ""):
            failures.append((x.category + " (property)",
                             f"property {r.get('property')!r} does not name {x.prop!r}: "
                             f"{_where(x)}"))
    assert not failures, _fail_report(failures, len(items))


def test_malformed_results_name_the_object(imported):
    node, report, items, p = imported
    failures = []
    for kind, x, r in _result_of(report, items):
        obj = x if kind == "o" else x.obj
        if not isinstance(obj, dict) or not ID_RE.match(str(obj.get("id"))):
            continue
        if kind == "m" and x.category in ("bad-type-name", "missing-type"):
            continue
        if r.get("id") != obj["id"]:
            failures.append(("o" if kind == "o" else x.category,
                             f"id {r.get('id')!r} for {obj['id']}"))
    assert not failures, _fail_report(failures, len(items))


def test_malformed_valid_originals_stored(imported):
    node, report, items, p = imported
    failures = []
    held = 0
    for kind, x, r in _result_of(report, items):
        if kind != "o":
            continue
        # The TLP marking definitions among the originals are the node's own
        # from `cx init` on: a duplicate, not a new object.
        want = "duplicate" if x["id"] in BOOTSTRAP_IDS else "stored"
        held += want == "duplicate"
        if r["status"] != want:
            failures.append((x["type"], f"{r['status']} {r.get('rule')} at "
                             f"{r.get('property')!r}: {r.get('message')} ({x['id']})"))
    assert not failures, _fail_report(failures, len(items))
    # The totals agree with the per-object results.
    statuses = collections.Counter(r["status"] for r in report["results"])
    assert (report["stored"], report["duplicate"], report["rejected"]) == \
        (statuses["stored"], statuses["duplicate"], statuses["rejected"])
    assert held > 0 and report["duplicate"] == held


def test_malformed_export_holds_only_originals(imported, corpus):
    node, report, items, p = imported
    originals = corpus[0]
    raw, bid, objs = export(node)
    mutant_ids = {x.obj.get("id") for kind, x in items
                  if kind == "m" and isinstance(x.obj, dict) and isinstance(x.obj.get("id"), str)}
    leaked = [o["id"] for o in objs if o["id"] in mutant_ids]
    assert not leaked, f"{len(leaked)} mutants exported, e.g. {leaked[:5]}"
    # What a new node holds comes first; the originals it already held (the
    # TLP definitions) are its own byte for byte.
    boot = bootstrap_objects()
    by_id = {o["id"]: o for o in boot}
    for o in originals:
        if o["id"] in by_id:
            assert jcs_bytes(o) == jcs_bytes(by_id[o["id"]]), o["id"]
    want = boot + [o for o in originals if o["id"] not in by_id]
    assert raw == expected_export(bid, want), "export differs from the originals"


def test_malformed_sanitizer_reports_fail_the_run():
    # The check every cx run goes through must trip on what ASan and UBSan
    # print, or the sanitizer build of this suite would prove nothing.
    from conftest import assert_no_sanitizer_report
    for report in (b"==42==ERROR: AddressSanitizer: heap-buffer-overflow on address",
                   b"src/stix/validate.c:10:5: runtime error: signed integer overflow",
                   b"==7==ERROR: LeakSanitizer: detected memory leaks"):
        with pytest.raises(AssertionError):
            assert_no_sanitizer_report(b"progress 1/2\n" + report + b"\n")
    assert_no_sanitizer_report(b"cx: node.json: no such file\n")
