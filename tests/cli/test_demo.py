"""cx demo: a node with the statement's partners, demo users, the statement's
records and synthetic data, each partner seeing what is released to it."""
import collections
import json
from pathlib import Path

from conftest import describe, run_cx

REPO = Path(__file__).resolve().parents[2]


def test_demo_builds_a_node_that_shows_each_partner_its_share(tmp_path):
    node = tmp_path / "demo"
    p = run_cx("demo", str(node))
    assert p.returncode == 0, describe(p)
    out = p.stdout.decode()
    assert "exercise-only-password" in out and "irq.analyst" in out
    assert (node / "cx.ini").read_text().count("\npartner = USA\n") == 1
    seen = {}
    for user in ("usa.analyst", "irq.analyst", "krg.analyst", "gbr.analyst", "fra.analyst"):
        e = run_cx("--node", str(node), "export", "--as", user)
        assert e.returncode == 0, describe(e)
        seen[user] = {o["id"]: o for o in json.loads(e.stdout)["objects"]}
    # The USA runs the node and owns most data: it sees the most.
    assert len(seen["usa.analyst"]) > len(seen["irq.analyst"]) > 0
    # In the demo data nothing is kept from the USA that a Coalition member
    # sees, but the GBR's own movements: need-to-know, released to the GBR
    # and the host nation only.
    assert {o["type"] for i, o in seen["gbr.analyst"].items() if i not in seen["usa.analyst"]} \
        == {"cx-movement-request", "cx-movement-decision"}
    assert set(seen["fra.analyst"]) <= set(seen["usa.analyst"])
    # And the IRQ-only and coalition-only markings keep partners apart.
    assert set(seen["irq.analyst"]) - set(seen["gbr.analyst"])
    assert set(seen["gbr.analyst"]) - set(seen["irq.analyst"])
    # The statement's records are public: every partner sees the dialogues and
    # the eight commitments.
    for objs in seen.values():
        kinds = [o["type"] for o in objs.values()]
        assert kinds.count("cx-dialogue") == 4 and kinds.count("cx-commitment") == 8
    # Synthetic data is visibly fictional.
    names = [o.get("name", o.get("convoy_name", "")) for o in seen["usa.analyst"].values()
             if o["type"] in ("threat-actor", "malware", "cx-aat-activity", "incident",
                              "cx-security-assistance-case", "cx-protected-site",
                              "cx-movement-request")]
    assert names and all("Exercise" in n for n in names)
    # The security assistance, force protection and repatriation records:
    # each partner sees its own share.
    kinds = {u: collections.Counter(o["type"] for o in objs.values())
             for u, objs in seen.items()}
    assert kinds["usa.analyst"]["cx-security-assistance-case"] == 6
    assert kinds["usa.analyst"]["cx-repatriation-case"] == 25
    assert kinds["usa.analyst"]["cx-movement-request"] == 5      # the USA's own
    assert kinds["gbr.analyst"]["cx-movement-request"] == 3      # the GBR's own
    assert kinds["irq.analyst"]["cx-movement-request"] == 5      # IRQ hosts these
    assert kinds["krg.analyst"]["cx-security-assistance-case"] == 2   # KRG purchases
    assert kinds["fra.analyst"]["cx-repatriation-case"] == 6     # FRA's nationals
    assert kinds["fra.analyst"]["cx-movement-request"] == 0
    # Repatriation cases carry no personal data.
    for o in seen["usa.analyst"].values():
        if o["type"] == "cx-repatriation-case":
            assert not {"description", "labels", "external_references"} & set(o)
            assert not [k for k in o if k.startswith("x_")]
    v = run_cx("--node", str(node), "audit", "verify")
    assert v.returncode == 0, describe(v)


def test_demo_refuses_an_existing_node(tmp_path):
    node = tmp_path / "demo"
    assert run_cx("demo", str(node)).returncode == 0
    p = run_cx("demo", str(node))
    assert p.returncode == 1, describe(p)
    assert p.stderr.startswith(b"cx: ") and b"already a node" in p.stderr


def test_everything_the_demo_node_emits_passes_the_validator(tmp_path):
    """Export every object of the demo node and import it into a new node:
    import runs the full STIX 2.1 validator and the record schemas of the
    project's extension definitions on each one."""
    node, fresh = tmp_path / "demo", tmp_path / "fresh"
    assert run_cx("demo", str(node)).returncode == 0
    e = run_cx("--node", str(node), "export", "--all")
    assert e.returncode == 0, describe(e)
    objs = json.loads(e.stdout)["objects"]
    assert {"cx-dialogue", "cx-commitment", "cx-aat-activity", "cx-assessment",
            "cx-assessment-framework", "cx-observation", "opinion", "indicator",
            "cx-security-assistance-case", "cx-protected-site", "cx-movement-request",
            "cx-movement-decision", "incident", "cx-repatriation-case",
            "cx-home-nation-decision"} <= {o["type"] for o in objs}
    bundle = tmp_path / "all.json"
    bundle.write_bytes(e.stdout)
    assert run_cx("init", str(fresh)).returncode == 0
    # The records' rules name partners (purchasers, host and home nations):
    # the new node knows the demo's.
    for line in (REPO / "demo" / "partners.txt").read_text().splitlines():
        code, identity = line.split()
        a = run_cx("--node", str(fresh), "partner", "add", code, "--name", code,
                   "--identity", identity)
        assert a.returncode == 0, describe(a)
    i = run_cx("--node", str(fresh), "import", str(bundle))
    assert i.returncode == 0, describe(i)
    assert b" 0 rejected" in i.stdout, describe(i)
    assert i.stdout.count(b"\nstored ") + i.stdout.startswith(b"stored ") > 40
