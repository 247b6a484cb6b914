"""The JSON schema of the releasability extension (doc/ACCESS.md), served
by every node at /schemas/releasability.json without authentication."""
import json
import re

import requests

from .conftest import REL_EXTENSION, demo_markings, describe

SCHEMA_PATH = "/schemas/releasability.json"
REQUIRED = {"extension_type", "classification", "releasable_to"}


def fetch(node, **headers):
    r = requests.get(node.base + SCHEMA_PATH, headers=headers, timeout=10)
    assert r.status_code == 200, describe(r)
    return r


def errors(schema, value, where="$"):
    """What a value breaks of the JSON Schema keywords this schema uses
    (type, const, enum, required, properties, additionalProperties, items,
    minItems, uniqueItems, pattern); [] when it conforms."""
    out = []
    types = {"object": dict, "array": list, "string": str}
    t = schema.get("type")
    if t and not isinstance(value, types[t]):
        return [f"{where}: not a {t}"]
    if "const" in schema and value != schema["const"]:
        out.append(f"{where}: not {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        out.append(f"{where}: not one of {schema['enum']}")
    if "pattern" in schema and isinstance(value, str) and not re.search(schema["pattern"], value):
        out.append(f"{where}: does not match {schema['pattern']}")
    if isinstance(value, dict):
        for k in schema.get("required", []):
            if k not in value:
                out.append(f"{where}: {k} missing")
        props = schema.get("properties", {})
        for k, v in value.items():
            if k in props:
                out += errors(props[k], v, f"{where}.{k}")
            elif schema.get("additionalProperties") is False:
                out.append(f"{where}: {k} not allowed")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            out.append(f"{where}: fewer than {schema['minItems']} items")
        if schema.get("uniqueItems") and len(set(map(json.dumps, value))) != len(value):
            out.append(f"{where}: items repeat")
        for i, v in enumerate(value):
            out += errors(schema.get("items", {}), v, f"{where}[{i}]")
    return out


def test_schema_is_served_without_credentials(node):
    r = fetch(node)
    assert r.headers.get("Content-Type", "").split(";")[0].strip() in \
        ("application/schema+json", "application/json"), describe(r)
    schema = json.loads(r.content)
    assert isinstance(schema, dict)
    # The same document for an authenticated client.
    again = fetch(node, Authorization=f"Bearer {node.users['irqreader'].token}")
    assert again.content == r.content


def test_schema_requires_the_three_properties(node):
    schema = fetch(node).json()
    assert "json-schema.org" in schema.get("$schema", ""), schema.get("$schema")
    assert schema.get("type") == "object"
    assert set(schema.get("required", [])) == REQUIRED
    props = schema["properties"]
    assert set(props) == REQUIRED
    assert props["extension_type"].get("const") == "property-extension"
    assert props["classification"].get("enum") == ["U", "R", "C", "S"]
    rel = props["releasable_to"]
    assert rel.get("type") == "array" and rel.get("minItems") == 1
    assert rel["items"].get("type") == "string"
    assert schema.get("additionalProperties") is False


def test_releasability_markings_conform(node):
    """The demo's releasability markings (which the node stores and
    applies) conform to the schema, and ones breaking it do not."""
    schema = fetch(node).json()
    exts = [m["extensions"][REL_EXTENSION] for m in demo_markings()
            if REL_EXTENSION in m.get("extensions", {})]
    assert exts
    for e in exts:
        assert errors(schema, e) == [], e
    good = exts[0]
    for bad in (dict(good, classification="X"), dict(good, releasable_to=[]),
                dict(good, releasable_to=["usa"]), dict(good, releasable_to=["USA", "USA"]),
                dict(good, extension_type="toplevel-property-extension"),
                dict(good, extra=1), {k: v for k, v in good.items() if k != "classification"}):
        assert errors(schema, bad), bad


def test_extension_definition_names_the_schema(node):
    objs = json.loads(node.cx("export", "--all", "--type", "extension-definition").stdout)
    ext = [o for o in objs["objects"] if o["id"] == REL_EXTENSION]
    assert len(ext) == 1, objs
    assert SCHEMA_PATH in ext[0]["schema"]
    assert ext[0]["extension_types"] == ["property-extension"]


def test_only_that_schema_is_public(node):
    # Any other path under /schemas/ is no resource: 404 with credentials
    # (without, /schemas/ looks like an API root and is 401 first).
    auth = {"Authorization": f"Bearer {node.users['usacontrib'].token}"}
    for p in ("/schemas/", "/schemas/nothing.json", "/schemas/releasability.json/x"):
        r = requests.get(node.base + p, timeout=10)
        assert r.status_code in (401, 404), describe(r)
        r = requests.get(node.base + p, headers=auth, timeout=10)
        assert r.status_code == 404, describe(r)
