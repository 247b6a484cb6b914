"""doc/openapi.json describes exactly the routes the node serves: every
route of src/server/routes.c is in it with its method, and nothing else."""
import json
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def routes_table():
    text = (REPO / "src" / "server" / "routes.c").read_text()
    return {(m.lower(), path) for m, path in
            re.findall(r'\{"(GET|POST|DELETE|PUT|PATCH)", "([^"]+)"', text)}


def described():
    doc = json.loads((REPO / "doc" / "openapi.json").read_text())
    assert doc["openapi"].startswith("3."), "an OpenAPI 3 document"
    out = set()
    for path, item in doc["paths"].items():
        for method, op in item.items():
            assert op.get("responses"), f"{method} {path} documents its responses"
            out.add((method, path))
    return out


def test_openapi_matches_the_routes_table():
    table, doc = routes_table(), described()
    assert len(table) >= 15, "the routes table was read"
    assert table - doc == set(), f"routes missing from doc/openapi.json: {sorted(table - doc)}"
    assert doc - table == set(), f"doc/openapi.json names routes the node lacks: {sorted(doc - table)}"


def test_openapi_path_parameters_are_declared():
    doc = json.loads((REPO / "doc" / "openapi.json").read_text())
    for path, item in doc["paths"].items():
        names = set(re.findall(r"\{([^}]+)\}", path))
        for method, op in item.items():
            declared = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
            assert names == declared, f"{method} {path}: path parameters {names} vs {declared}"
