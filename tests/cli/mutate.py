"""Deterministic generator of STIX 2.1 objects that are certainly invalid.

Each mutant starts from a valid object (the specification's examples), gets a
fresh id of its own type (unless the id itself is what is broken), and breaks
exactly one rule of STIX 2.1. It is tagged with the rule codes of
src/stix/error.h that a validator may answer with: one code where the rule is
unambiguous, a few where several readings are fair (a timestamp given as a
number is both of the wrong JSON type and not a timestamp), or None for the
few cases where any non-empty code is acceptable.

`generate(originals, seed)` returns a list of Mutant; `Mutant.text` is the
JSON text of the object (most are serialised from `obj`; a few are built as
text because they cannot be, or should not be, Python values).
"""
import copy
import datetime
import json
import random
import re
import uuid
from dataclasses import dataclass, field

from stix21 import (BAD_ENUM_VALUES, BAD_TIMESTAMPS, BOOLEANS, DICTS, ENUMS, FLOATS,
                    FREE_DICTS, INTEGERS, META, NESTED_REQUIRED, OBJECT_LISTS, OBJECT_TYPES,
                    PREDEFINED_EXTENSIONS, REF_LISTS, REF_TARGETS, REF_TARGETS_BY_TYPE, REFS,
                    REQUIRED, SCO, SDO, SRO, STRING_LISTS, STRINGS, TIMESTAMPS, WRONG_TARGETS,
                    pattern_variants)


@dataclass
class Mutant:
    category: str
    rules: object          # tuple of acceptable rule codes, or None for any
    obj: object = None     # the object, or None when `raw` holds its text
    raw: str = None
    source: str = ""       # id of the original it came from
    note: str = ""
    prop: str = ""         # the property broken (last key), when one is
    text: str = field(default=None, repr=False)

    def finish(self):
        if self.text is None:
            self.text = self.raw if self.raw is not None else json.dumps(
                self.obj, ensure_ascii=False, separators=(",", ":"))
        return self


# --- Helpers ----------------------------------------------------------------

class Ids:
    """Fresh, reproducible UUIDv4 strings."""

    def __init__(self, rng):
        self.rng = rng

    def uuid(self):
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def of(self, t):
        return f"{t}--{self.uuid()}"


def kind(t):
    if t in SDO:
        return "sdo"
    if t in SRO:
        return "sro"
    if t in SCO:
        return "sco"
    if t in META:
        return t
    return "custom"


def walk(value, path=()):
    """Yield (path, key, value) for every property below an object, not
    descending into free-form dictionaries or custom extensions."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield path + (k,), k, v
            if k in FREE_DICTS:
                continue
            if path and path[-1] == "extensions" and k not in PREDEFINED_EXTENSIONS:
                continue
            yield from walk(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            if isinstance(v, dict):
                yield from walk(v, path + (i,))


def get_parent(obj, path):
    cur = obj
    for p in path[:-1]:
        cur = cur[p]
    return cur


def set_path(obj, path, value):
    get_parent(obj, path)[path[-1]] = value


def del_path(obj, path):
    del get_parent(obj, path)[path[-1]]




def ts_us(ts):
    """A valid STIX timestamp as microseconds, for ordering."""
    d, hm, t = ts_parts(ts)
    sec, _, frac = t[6:].partition(".")
    base = datetime.datetime.fromisoformat(f"{d}T{hm}:{sec[:2]}+00:00")
    return int(base.timestamp()) * 1000000 + int((frac + "000000")[:6])


def ts_parts(ts):
    m = re.match(r"^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}):(\d{2}(?:\.\d+)?)Z$", ts)
    return m.group(1), m.group(2), m.group(2) + ":" + m.group(3)


# --- The generator ----------------------------------------------------------

class Generator:
    def __init__(self, originals, seed):
        self.rng = random.Random(seed)
        self.ids = Ids(self.rng)
        # Custom objects are left alone, and so are the TLP marking
        # definitions: a TLP marking under any other id is itself invalid
        # (7.2.1.4), which would blur what a mutant of one is rejected for.
        self.bases = [o for o in originals if kind(o["type"]) != "custom"
                      and "tlp" not in json.dumps(o.get("definition", {}))
                      and not any("tlp_2_0" in json.dumps(e)
                                  for e in o.get("extensions", {}).values())]
        self.out = []
        self.seen = set()

    def fresh(self, o):
        m = copy.deepcopy(o)
        m["id"] = self.ids.of(o["type"])
        return m

    def add(self, category, rules, obj=None, raw=None, source="", note="", prop=""):
        if isinstance(rules, str):
            rules = (rules,)
        mu = Mutant(category, rules, obj=obj, raw=raw, source=source, note=note,
                    prop=prop).finish()
        # Distinct by content, ignoring the fresh id the mutant was given.
        key = mu.text
        if obj is not None and isinstance(obj, dict) and isinstance(obj.get("id"), str) \
                and category not in ("bad-id",):
            o2 = dict(obj)
            o2["id"] = source or o2["id"]
            key = json.dumps(o2, sort_keys=True, ensure_ascii=False)
        if key in self.seen:
            return
        self.seen.add(key)
        self.out.append(mu)

    # Missing required properties.
    def missing_required(self):
        for o in self.bases:
            t, k = o["type"], kind(o["type"])
            req = ["id"]
            if k in ("sdo", "sro", "language-content", "extension-definition"):
                req += ["created", "modified"]
            if k == "marking-definition":
                req += ["created"]
            req += REQUIRED.get(t, [])
            for p in req:
                if p not in o:
                    continue
                m = self.fresh(o)
                del m[p]
                self.add("missing-required", "required", m, source=o["id"], prop=p)
            if k in ("sdo", "sro") or k in META:
                m = self.fresh(o)
                del m["spec_version"]
                self.add("missing-spec-version", ("required", "invalid-spec-version"), m,
                         source=o["id"], prop="spec_version")
            m = self.fresh(o)
            del m["type"]
            self.add("missing-type", None, m, source=o["id"])
            for path, key, v in walk(o):
                if len(path) < 2:
                    continue
                container = path[-2] if isinstance(path[-2], str) else path[-3]
                if (container, key) in NESTED_REQUIRED:
                    m = self.fresh(o)
                    del_path(m, path)
                    self.add("missing-required-nested", "required", m, source=o["id"],
                             prop=key)

    # Wrong JSON types.
    def wrong_types(self):
        for o in self.bases:
            for path, key, v in walk(o):
                if key in ("type", "id", "spec_version") or not isinstance(key, str):
                    continue
                if isinstance(path[-2] if len(path) > 1 else None, str) and \
                        path[-2] in FREE_DICTS:
                    continue
                cands, rules = self.wrong_values(key, v)
                for w in cands:
                    m = self.fresh(o)
                    set_path(m, path, w)
                    self.add("wrong-type", rules, m, source=o["id"], prop=key)
                if len(path) == 1 and key not in ("created", "modified"):
                    m = self.fresh(o)
                    set_path(m, path, None)
                    self.add("null-value", ("wrong-type", "required", "empty"), m,
                             source=o["id"], prop=key)
            # Values of free-form dictionaries that the spec types.
            for path, key, v in walk(o):
                if key == "request_header" and isinstance(v, dict):
                    for hk in v:
                        m = self.fresh(o)
                        set_path(m, path + (hk,), "gzip")
                        self.add("wrong-type", "wrong-type", m, source=o["id"], prop=hk)
                if key == "additional_header_fields" and isinstance(v, dict):
                    for hk in v:
                        m = self.fresh(o)
                        set_path(m, path + (hk,), 42)
                        self.add("wrong-type", "wrong-type", m, source=o["id"], prop=hk)
                if key in ("exif_tags", "ipfix") and isinstance(v, dict):
                    for hk in v:
                        m = self.fresh(o)
                        set_path(m, path + (hk,), [1])
                        self.add("wrong-type", "wrong-type", m, source=o["id"], prop=hk)
                if key == "hashes" and isinstance(v, dict):
                    for hk in v:
                        m = self.fresh(o)
                        set_path(m, path + (hk,), 12345)
                        self.add("wrong-type", "wrong-type", m, source=o["id"], prop=hk)
                if key == "document_info_dict" and isinstance(v, dict):
                    hk = next(iter(v))
                    m = self.fresh(o)
                    set_path(m, path + (hk,), True)
                    self.add("wrong-type", "wrong-type", m, source=o["id"], prop=hk)

    def wrong_values(self, key, v):
        ref = "identity--" + self.ids.uuid()
        if key in TIMESTAMPS:
            return [1459973028, True, [v], {"t": v}], ("wrong-type", "invalid-timestamp")
        if key in REFS:
            return [42, [v], {"id": v}, True], ("wrong-type", "invalid-identifier")
        if key in REF_LISTS:
            return [v[0] if isinstance(v, list) and v else ref, [42], [[ref]], {"0": ref}], \
                ("wrong-type", "invalid-identifier")
        if key in STRING_LISTS:
            s = v[0] if isinstance(v, list) and v else "x"
            return [s, [42], [[s]], [True], {"0": s}], ("wrong-type",)
        if key in BOOLEANS:
            return ["true", 1, [v], "false"], ("wrong-type",)
        if key in INTEGERS:
            return [str(v), 5.5, True, [v]], ("wrong-type",)
        if key in FLOATS:
            return [str(v), True, [v]], ("wrong-type",)
        if key in DICTS:
            return [[v], "x", 7], ("wrong-type",)
        if key in OBJECT_LISTS:
            first = v[0] if isinstance(v, list) and v else {}
            return [first, "x", ["x"], [[first]]], ("wrong-type",)
        if key in STRINGS and isinstance(v, str):
            return [42, True, [v], {"v": v}], ("wrong-type",)
        return [], ()

    # Bad identifiers and references.
    def bad_ids(self):
        for o in self.bases[::2]:
            t = o["type"]
            u = self.ids.uuid()
            bad = [
                f"{t}-{u}", f"{t}---{u}", f"{t}--{u[:-1]}", f"{t}--{u}0",
                f"{t}--{u.replace('-', '')}", "{%s}" % u, f"{t}--{{{u}}}",
                f"{t}--{u[:9]}zz{u[11:]}", f"{t}--{u[:14]}0{u[15:]}",   # version 0
                f"{t}--{u[:19]}c{u[20:]}",                              # variant 110x
                f"{t}--{u[:19]}4{u[20:]}",                              # variant 0xxx
                f"{t}--", f"--{u}", u, f"{t.upper()}--{u}", f"{t}--{u} ",
                f"{t}--{u}\n", f"{t}:{u}",
            ]
            other = "malware" if t != "malware" else "tool"
            bad.append(f"{other}--{u}")                                 # type mismatch
            bad.append(f"x-{t}--{u}")
            for b in bad:
                m = copy.deepcopy(o)
                m["id"] = b
                self.add("bad-id", "invalid-identifier", m, source=o["id"], prop="id")
            for w in (42, None, [f"{t}--{u}"], {"id": f"{t}--{u}"}):
                m = copy.deepcopy(o)
                m["id"] = w
                self.add("bad-id-type", ("wrong-type", "invalid-identifier", "required"), m,
                         source=o["id"], prop="id")
            m = copy.deepcopy(o)
            m["id"] = ""
            self.add("bad-id", ("invalid-identifier", "empty"), m, source=o["id"], prop="id")

    def bad_refs(self):
        for o in self.bases:
            for path, key, v in walk(o):
                if not isinstance(key, str):
                    continue
                allowed = REF_TARGETS_BY_TYPE.get((o["type"], key), REF_TARGETS.get(key))
                if key in REFS or key in REF_LISTS:
                    # A malformed identifier of an allowed type, so that only
                    # its syntax is wrong.
                    t = sorted(allowed)[0] if allowed else "identity"
                    u = self.ids.uuid()
                    for bad in (f"{t}-{u}", f"{t}--1234", f"{t.upper()}--{u}", "not an id",
                                f"{t}--{u[:19]}4{u[20:]}", f"{t}--{u}-"):
                        m = self.fresh(o)
                        set_path(m, path, [bad] if key in REF_LISTS else bad)
                        self.add("bad-ref-syntax", "invalid-identifier", m, source=o["id"],
                                 prop=key)
                if not allowed:
                    continue
                wrong = [t for t in WRONG_TARGETS if t not in allowed][:3]
                for t in wrong:
                    m = self.fresh(o)
                    r = self.ids.of(t)
                    set_path(m, path, [r] if key in REF_LISTS else r)
                    self.add("wrong-ref-type", "invalid-reference-type", m, source=o["id"],
                             prop=key)
                if key in REF_LISTS and isinstance(v, list):
                    # One bad entry after the good ones.
                    m = self.fresh(o)
                    set_path(m, path, list(v) + [self.ids.of(wrong[0])])
                    self.add("wrong-ref-type", "invalid-reference-type", m, source=o["id"],
                             prop=key)
            # A creator that is not an identity, on objects that have none.
            if kind(o["type"]) in ("sdo", "sro") and "created_by_ref" not in o:
                m = self.fresh(o)
                m["created_by_ref"] = self.ids.of("threat-actor")
                self.add("wrong-ref-type", "invalid-reference-type", m, source=o["id"],
                         prop="created_by_ref")
            if kind(o["type"]) != "custom" and "object_marking_refs" not in o:
                m = self.fresh(o)
                m["object_marking_refs"] = [self.ids.of("identity")]
                self.add("wrong-ref-type", "invalid-reference-type", m, source=o["id"],
                         prop="object_marking_refs")

    # Timestamps.
    def bad_timestamps(self):
        for o in self.bases:
            for path, key, v in walk(o):
                if key not in TIMESTAMPS or not isinstance(v, str):
                    continue
                d, hm, t = ts_parts(v)
                picks = self.rng.sample(BAD_TIMESTAMPS, 8)
                for pat in picks:
                    bad = pat.format(d=d, t=t, hm=hm)
                    m = self.fresh(o)
                    set_path(m, path, bad)
                    self.add("bad-timestamp", "invalid-timestamp", m, source=o["id"],
                             prop=key)
                if key in ("created", "modified") and len(path) == 1:
                    # created and modified need millisecond precision (3.2).
                    for bad in (f"{d}T{t[:8]}Z", f"{d}T{t[:8]}.1Z", f"{d}T{t[:8]}.12Z"):
                        m = self.fresh(o)
                        m[key] = bad
                        if "modified" in m and ts_us(m["modified"]) < ts_us(m["created"]):
                            continue  # would also break the order of the two
                        self.add("timestamp-precision", "invalid-timestamp", m,
                                 source=o["id"], prop=key)

    def timestamp_order(self):
        """A later timestamp before an earlier one; `strict` pairs must not even
        be equal (valid_until, stop_time)."""
        pairs = [("created", "modified", False), ("first_seen", "last_seen", False),
                 ("first_observed", "last_observed", False),
                 ("valid_from", "valid_until", True), ("start_time", "stop_time", True),
                 ("start", "end", False)]

        def shift(ts, years):
            d, hm, t = ts_parts(ts)
            return f"{int(d[:4]) + years:04d}{d[4:]}T{t}Z"

        for o in self.bases:
            for a, b, strict in pairs:
                if a not in o:
                    continue
                if b in o:
                    m = self.fresh(o)
                    m[b] = shift(o[a], -1)
                    self.add("timestamp-order", "timestamp-order", m, source=o["id"], prop=b)
                    m = self.fresh(o)
                    m[a] = shift(o[b], 1)
                    self.add("timestamp-order", "timestamp-order", m, source=o["id"], prop=a)
                elif a != "created":
                    m = self.fresh(o)
                    m[b] = shift(o[a], -1)
                    self.add("timestamp-order", "timestamp-order", m, source=o["id"], prop=b)
                if strict:
                    m = self.fresh(o)
                    m[b] = o[a]
                    self.add("timestamp-order", "timestamp-order", m, source=o["id"], prop=b)

    # Patterns.
    def bad_patterns(self):
        inds = [o for o in self.bases if o["type"] == "indicator"
                and o.get("pattern_type") == "stix"]
        for o in inds:
            for name, bad, rules in pattern_variants(o["pattern"]):
                m = self.fresh(o)
                m["pattern"] = bad
                self.add("bad-pattern-" + name.split(":")[0], rules, m, source=o["id"],
                         note=name, prop="pattern")

    # Closed vocabularies.
    def bad_vocab(self):
        for o in self.bases:
            for path, key, v in walk(o):
                if key not in ENUMS:
                    continue
                vals = v if isinstance(v, list) else [v]
                if not all(isinstance(x, str) for x in vals):
                    continue
                cur = vals[0]
                v2 = next(x for x in ENUMS[key] if x != cur)
                for pat in BAD_ENUM_VALUES:
                    bad = pat.format(up=cur.upper(), lo=cur.lower(), v=cur, v2=v2 + "-x")
                    if bad in ENUMS[key]:
                        continue
                    m = self.fresh(o)
                    set_path(m, path, [bad] if isinstance(v, list) else bad)
                    rules = ("not-in-vocabulary",)
                    if key == "extension_type":
                        rules = ("not-in-vocabulary", "invalid-extension")
                    self.add("bad-vocab", rules, m, source=o["id"], prop=key)
            for ext_id, ext in o.get("extensions", {}).items():
                if not ext_id.startswith("extension-definition--") or \
                        not isinstance(ext, dict) or "extension_type" not in ext:
                    continue
                for bad in ("property_extension", "new-sdos", "NEW-SDO", "extension", ""):
                    m = self.fresh(o)
                    m["extensions"][ext_id]["extension_type"] = bad
                    rules = ("not-in-vocabulary", "invalid-extension") + (("empty",) if not bad
                                                                           else ())
                    self.add("bad-vocab", rules, m, source=o["id"], prop="extension_type")
        # Enumerations the examples do not use: add them with bad values.
        adds = [("artifact", "encryption_algorithm", "rot13"),
                ("artifact", "encryption_algorithm", "aes-256-gcm"),
                ("process", ("extensions", "windows-process-ext", "integrity_level"), "ultra"),
                ("process", ("extensions", "windows-process-ext", "integrity_level"), "HIGH")]
        for t, where, bad in adds:
            for o in [b for b in self.bases if b["type"] == t][:2]:
                m = self.fresh(o)
                if isinstance(where, tuple):
                    ext = m.setdefault("extensions", {}).setdefault(where[1], {})
                    ext[where[2]] = bad
                    prop = where[2]
                else:
                    m[where] = bad
                    prop = where
                self.add("bad-vocab", "not-in-vocabulary", m, source=o["id"], prop=prop)

    # Numbers out of range.
    def out_of_range(self):
        ranges = {"confidence": [101, -1, 1000], "number_observed": [0, -1, 1000000000],
                  "count": [-1, 1000000000], "src_port": [65536, -1, 70000],
                  "dst_port": [65536, -1], "latitude": [90.5, -91, 180],
                  "longitude": [180.5, -181], "size": [-1, -25536],
                  "src_byte_count": [-1], "dst_byte_count": [-1],
                  "src_packets": [-1], "dst_packets": [-1],
                  "number": [2**53, -(2**53)], "pid": [2**53]}
        for o in self.bases:
            for path, key, v in walk(o):
                if key not in ranges or (len(path) > 1 and key != "size"):
                    continue
                for bad in ranges[key]:
                    m = self.fresh(o)
                    set_path(m, path, bad)
                    self.add("out-of-range", "out-of-range", m, source=o["id"], prop=key)
            if kind(o["type"]) in ("sdo", "sro") and "confidence" not in o:
                for bad in (101, -5):
                    m = self.fresh(o)
                    m["confidence"] = bad
                    self.add("out-of-range", "out-of-range", m, source=o["id"],
                             prop="confidence")

    # Empty lists and dictionaries.
    def empties(self):
        for o in self.bases:
            for path, key, v in walk(o):
                if not isinstance(key, str):
                    continue
                if isinstance(v, list) and v and (key in STRING_LISTS or key in REF_LISTS
                                                  or key in OBJECT_LISTS):
                    m = self.fresh(o)
                    set_path(m, path, [])
                    self.add("empty", "empty", m, source=o["id"], prop=key)
                if isinstance(v, dict) and v and key in DICTS:
                    m = self.fresh(o)
                    set_path(m, path, {})
                    rules = ("empty",)
                    if key == "extensions":
                        rules = ("empty", "invalid-extension")
                    elif key in OBJECT_TYPES:
                        # Not a dictionary but an object type whose rule is
                        # "at least one property": either reading is fair.
                        rules = ("empty", "required", "property-dependency")
                    self.add("empty", rules, m, source=o["id"], prop=key)

    # Spec version.
    def spec_versions(self):
        for o in self.bases[::3]:
            for bad in ("2.0", "2.2", "2", "2.1 ", "v2.1", "3.0"):
                m = self.fresh(o)
                m["spec_version"] = bad
                self.add("bad-spec-version", "invalid-spec-version", m, source=o["id"],
                         prop="spec_version")
            m = self.fresh(o)
            m["spec_version"] = 2.1
            self.add("bad-spec-version", ("wrong-type", "invalid-spec-version"), m,
                     source=o["id"], prop="spec_version")

    # Names of types and properties.
    def names(self):
        for o in self.bases[::4]:
            t = o["type"]
            for bad in (t.upper(), t.replace("-", "_") if "-" in t else t + "_x", "ab",
                        "x" * 251, "a--b", "1" + t, "t\u00e9st"):
                m = copy.deepcopy(o)
                m["type"] = bad
                m["id"] = f"{bad}--{self.ids.uuid()}"
                self.add("bad-type-name", ("invalid-type-name", "invalid-identifier"), m,
                         source=o["id"], prop="type")
            for bad in ("X_Custom", "ab", "x" * 251, "x-custom", "1abc", "x custom",
                        "x_caf\u00e9", "x.dot", "_x_a"):
                m = self.fresh(o)
                m[bad] = "value"
                self.add("bad-property-name", "invalid-property-name", m, source=o["id"],
                         prop=bad)
            for reserved in ("severity", "username", "phone_number", "action"):
                m = self.fresh(o)
                m[reserved] = "value"
                self.add("reserved-property", ("forbidden-property", "invalid-property-name"),
                         m, source=o["id"], prop=reserved)

    # Properties that require or exclude each other.
    def dependencies(self):
        either = ("property-dependency", "required")
        both = ("property-dependency", "forbidden-property")
        for o in self.bases:
            t = o["type"]

            def mut(cat, rules, fn, prop):
                m = self.fresh(o)
                if fn(m) is not False:
                    self.add(cat, rules, m, source=o["id"], prop=prop)

            if t == "observed-data" and "object_refs" in o:
                mut("dependency", both, lambda m: m.__setitem__(
                    "objects", {"0": {"type": "ipv4-addr", "value": "198.51.100.1"}}),
                    "objects")
                mut("dependency", either, lambda m: m.pop("object_refs"), "object_refs")
            if t == "location":
                mut("dependency", either, lambda m: [m.pop(k) for k in
                                                     ("region", "country") if k in m], "region")
                mut("dependency", "property-dependency",
                    lambda m: m.__setitem__("latitude", 48.8566), "longitude")
                mut("dependency", "property-dependency",
                    lambda m: m.__setitem__("longitude", 2.3522), "latitude")
                mut("dependency", "property-dependency",
                    lambda m: m.__setitem__("precision", 100.0), "precision")
            if t == "artifact":
                mut("dependency", both, lambda m: m.__setitem__(
                    "url", "https://example.com/a.bin"), "url")
                mut("dependency", "property-dependency",
                    lambda m: m.__setitem__("decryption_key", "secret"), "decryption_key")

                def url_no_hash(m):
                    m.pop("payload_bin", None)
                    m.pop("hashes", None)
                    m["url"] = "https://example.com/a.bin"
                mut("dependency", either, url_no_hash, "hashes")
                mut("dependency", either, lambda m: m.pop("payload_bin"), "payload_bin")
            if t == "malware-analysis":
                mut("dependency", either, lambda m: m.pop("result"), "result")
            if t == "malware" and o.get("is_family") is True and "name" in o:
                mut("dependency", either, lambda m: m.pop("name"), "name")
            if t == "network-traffic":
                mut("dependency", either, lambda m: [m.pop(k) for k in
                                                     ("src_ref", "dst_ref") if k in m], "src_ref")

                def active_with_end(m):
                    m["start"] = "2016-01-01T00:00:00Z"
                    m["end"] = "2016-01-01T00:01:00Z"
                    m["is_active"] = True
                mut("dependency", both, active_with_end, "is_active")
            if t == "email-message":
                if o.get("is_multipart") is False:
                    mut("dependency", both, lambda m: m.__setitem__(
                        "body_multipart", [{"body": "hello"}]), "body_multipart")
                else:
                    mut("dependency", both, lambda m: m.__setitem__("body", "hello"), "body")
            if t == "file":
                mut("dependency", either, lambda m: [m.pop(k) for k in ("hashes", "name")
                                                     if k in m], "name")
                if "name" not in o:
                    mut("dependency", "property-dependency",
                        lambda m: m.__setitem__("name_enc", "windows-1252") if "name" not in m
                        else False, "name_enc")
            if t == "marking-definition" and "definition" in o:
                mut("dependency", either, lambda m: [m.pop(k) for k in
                                                     ("definition", "definition_type")], "definition")
            if t == "extension-definition" and "toplevel-property-extension" not in \
                    o["extension_types"]:
                mut("dependency", "property-dependency", lambda m: m.__setitem__(
                    "extension_properties", ["rank"]), "extension_properties")
            if kind(t) in ("sdo", "sro"):
                mut("dependency", "forbidden-property",
                    lambda m: m.__setitem__("defanged", True), "defanged")
            if "granular_markings" in o:
                def both_lang_ref(m):
                    m["granular_markings"][0]["marking_ref"] = \
                        "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"
                    m["granular_markings"][0]["lang"] = "de"
                mut("dependency", both, both_lang_ref, "marking_ref")

                def neither(m):
                    m["granular_markings"][0].pop("lang", None)
                    m["granular_markings"][0].pop("marking_ref", None)
                mut("dependency", either, neither, "lang")
            if "external_references" in o:
                def only_source(m):
                    m["external_references"][0] = {
                        "source_name": m["external_references"][0]["source_name"]}
                mut("dependency", either, only_source, "external_references")
            for ext in ("ntfs-ext", "tcp-ext", "windows-process-ext", "pdf-ext",
                        "raster-image-ext", "unix-account-ext"):
                if ext in o.get("extensions", {}):
                    mut("dependency", ("property-dependency", "required", "empty",
                                       "invalid-extension"),
                        lambda m, e=ext: m["extensions"].__setitem__(e, {}), ext)

    # Formats of strings.
    def formats(self):
        fmt = ("invalid-format",)
        checks = {
            "mac-addr": ("value", ["D2:FB:49:24:37:18", "d2-fb-49-24-37-18", "d2:fb:49:24:37",
                                   "d2:fb:49:24:37:18:00", "d2fb.4924.3718", "g2:fb:49:24:37:18"]),
            "ipv4-addr": ("value", ["999.1.1.1", "198.51.100.3/33", "198.51.100", "abc",
                                    "198.51.100.3/", "2001:db8::1"]),
            "ipv6-addr": ("value", ["2001:db8:::1", "gggg::1", "2001:db8::/129", "198.51.100.3",
                                    "1:2:3:4:5:6:7:8:9"]),
            "url": ("value", ["not a url", "http://exa mple.com/"]),
            "email-addr": ("value", ["not an email", "john@@example.com", "@example.com"]),
            "domain-name": ("value", ["exa mple.com", "example..com"]),
        }
        for o in self.bases:
            t = o["type"]
            if t in checks:
                key, bads = checks[t]
                for bad in bads:
                    m = self.fresh(o)
                    m[key] = bad
                    self.add("bad-format", fmt, m, source=o["id"], prop=key)
            for path, key, v in walk(o):
                if not isinstance(key, str):
                    continue
                if key.endswith("_hex") and isinstance(v, str):
                    for bad in (v + "0", "zz" + v, v.upper() + "AB" if v.upper() != v else v + "A",
                                "0x" + v):
                        m = self.fresh(o)
                        set_path(m, path, bad)
                        self.add("bad-format", fmt, m, source=o["id"], prop=key)
                if key.endswith("_bin") and isinstance(v, str):
                    for bad in ("not base64!", v + "=", v[:-1] + "*"):
                        m = self.fresh(o)
                        set_path(m, path, bad)
                        self.add("bad-format", fmt, m, source=o["id"], prop=key)
                if key == "hashes" and isinstance(v, dict):
                    for algo, bad in (("MD5", "3773a88f65a5e780c8dff9cdc3a056f"),
                                      ("MD5", "zz73a88f65a5e780c8dff9cdc3a056f3"),
                                      ("SHA-256", "fe90a7e910cb3a4739bed9180e807e93fa70c9"),
                                      ("SHA-1", "5374e08903744ceeaedd8f5e1bfc06b2c4688e7g")):
                        m = self.fresh(o)
                        set_path(m, path, {algo: bad})
                        self.add("bad-hash", fmt, m, source=o["id"], prop=algo)
                    m = self.fresh(o)
                    set_path(m, path, {"ab": "0123456789abcdef"})
                    self.add("bad-hash-key", ("invalid-format", "invalid-property-name"), m,
                             source=o["id"], prop="ab")
                if key == "relationship_type":
                    for bad in ("Uses", "uses it", "uses_it", "us\u00e9s"):
                        m = self.fresh(o)
                        m[key] = bad
                        self.add("bad-format", ("invalid-format", "not-in-vocabulary"), m,
                                 source=o["id"], prop=key)
                if key == "lang" and len(path) == 1:
                    for bad in ("en_US", "not a language!", "e"):
                        m = self.fresh(o)
                        m[key] = bad
                        self.add("bad-format", fmt, m, source=o["id"], prop=key)
            if kind(t) in ("sdo", "sro") and "lang" not in o:
                m = self.fresh(o)
                m["lang"] = "english please"
                self.add("bad-format", fmt, m, source=o["id"], prop="lang")
            if "additional_header_fields" in o:
                m = self.fresh(o)
                m["additional_header_fields"]["Reply To"] = ["x@example.com"]
                self.add("bad-dict-key", ("invalid-property-name", "invalid-format"), m,
                         source=o["id"], prop="Reply To")

    # Nesting far past any sane limit, and huge strings.
    def big(self, huge_mb):
        bases = [b for b in self.bases if b["type"] in ("indicator", "identity", "note",
                                                        "campaign", "file", "url")]
        for i, o in enumerate(bases[:6]):
            depth = (100, 200, 64, 500, 100, 300)[i]
            nested = "[" * depth + "1" + "]" * depth
            m = self.fresh(o)
            head = json.dumps(m, ensure_ascii=False, separators=(",", ":"))[:-1]
            self.add("too-deep", "too-deep", raw=head + ',"x_deep":' + nested + "}",
                     source=o["id"], note=f"list depth {depth}")
            nested = '{"a":' * depth + "1" + "}" * depth
            self.add("too-deep", "too-deep", raw=head + ',"x_deep_obj":' + nested + "}",
                     source=o["id"], note=f"object depth {depth}")
        if huge_mb:
            o = next(b for b in self.bases if b["type"] == "identity")
            m = self.fresh(o)
            head = json.dumps(m, ensure_ascii=False, separators=(",", ":"))[:-1]
            big = "A" * (huge_mb * 1024 * 1024)
            self.add("too-large", "too-large",
                     raw=head.replace('"name":"', '"name":"' + big, 1) + "}",
                     source=o["id"], note=f"{huge_mb} MB name", prop="name")

    def run(self, huge_mb):
        for step in (self.missing_required, self.wrong_types, self.bad_ids, self.bad_refs,
                     self.bad_timestamps, self.timestamp_order, self.bad_patterns,
                     self.bad_vocab, self.out_of_range, self.empties, self.spec_versions,
                     self.names, self.dependencies, self.formats):
            step()
        self.big(huge_mb)
        return self.out


def cap(mutants, per_category, rng):
    """At most `per_category` mutants of each category, spread over the
    (object type, property) pairs the category touches so that a cap keeps
    variety rather than the first objects of the bundle."""
    by_cat = {}
    for m in mutants:
        by_cat.setdefault(m.category, []).append(m)
    keep = set()
    for cat, items in by_cat.items():
        if len(items) <= per_category:
            keep.update(id(m) for m in items)
            continue
        strata = {}
        for m in items:
            strata.setdefault((m.source.split("--")[0], m.prop, m.note[:24]), []).append(m)
        queues = [strata[k] for k in sorted(strata)]
        for q in queues:
            rng.shuffle(q)
        n = 0
        while n < per_category:
            for q in queues:
                if q and n < per_category:
                    keep.add(id(q.pop()))
                    n += 1
    return [m for m in mutants if id(m) in keep]


def generate(originals, seed=20240517, huge_mb=20, per_category=300):
    """The mutants of `originals` (valid STIX objects), reproducibly: the same
    arguments always give the same list."""
    gen = Generator(originals, seed)
    out = gen.run(huge_mb)
    return cap(out, per_category, gen.rng) if per_category else out


def spec_invalid(entries, seed=20240518):
    """Mutants from the specification's own invalid examples (fresh ids)."""
    ids = Ids(random.Random(seed))
    out = []
    for e in entries:
        o = copy.deepcopy(e["object"])
        if "--" in o["id"]:
            o["id"] = ids.of(o["type"])
        out.append(Mutant("spec-invalid", tuple(e["rules"]), obj=o, note=e["reason"]).finish())
    return out
