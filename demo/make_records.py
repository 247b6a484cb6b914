#!/usr/bin/python3
"""Writes demo/records.json: the public facts of the joint statement as
coalition records (doc/RECORDS.md), and synthetic, visibly fictional
activities, observations and assessments with varied markings. Run it
after changing the record schemas; `cx demo` embeds its output."""
import json
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
NS = uuid.UUID("6b1d3c1e-0000-4000-8000-000000000000")
GREEN = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"
CLEAR = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"
AMBER = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
T = "2026-10-01T08:00:00.000Z"
TYPES = ["cx-dialogue", "cx-commitment", "cx-aat-activity", "cx-assessment-framework",
         "cx-observation", "cx-assessment", "cx-transition-milestone"]


def oid(t, key):
    return f"{t}--{uuid.uuid5(NS, key)}"


P = dict(line.split() for line in (HERE / "partners.txt").read_text().splitlines())
EXT = {t: json.loads((HERE.parent / "schemas" / f"{t}.json").read_text())["x_cx_extension_id"]
       for t in TYPES}
INTEL = json.loads((HERE / "intel.json").read_text())["objects"]
REL_IRQ = next(o["id"] for o in INTEL
               if o["type"] == "marking-definition" and "IRQ, KRG" in o.get("name", ""))


def rec(t, key, by, marks, **props):
    o = {"type": t, "spec_version": "2.1", "id": oid(t, key), "created": T, "modified": T,
         "created_by_ref": P[by], "object_marking_refs": marks,
         "extensions": {EXT[t]: {"extension_type": "new-sdo"}}}
    o.update(props)
    return o


def stix(t, key, by, marks, **props):
    o = {"type": t, "spec_version": "2.1", "id": oid(t, key), "created": T, "modified": T,
         "created_by_ref": P[by], "object_marking_refs": marks}
    o.update(props)
    return o


objs = []
usa_irq = [P["USA"], P["IRQ"]]
dialogues = [
    rec("cx-dialogue", "sfa-2008", "USA", [CLEAR], name="Strategic Framework Agreement",
        kind="agreement", date="2008-11-17T00:00:00Z", party_refs=usa_irq),
    rec("cx-dialogue", "sd-2021", "USA", [CLEAR], name="Strategic Dialogue, July 2021",
        kind="strategic-dialogue", date="2021-07-26T00:00:00Z", party_refs=usa_irq),
    rec("cx-dialogue", "hcc-2023", "USA", [CLEAR],
        name="Higher Coordinating Committee, February 2023", kind="hcc",
        date="2023-02-13T00:00:00Z", party_refs=usa_irq),
    rec("cx-dialogue", "jscd", "USA", [CLEAR], name="Joint Security Cooperation Dialogue",
        kind="jscd", date="2023-08-08T00:00:00Z", party_refs=usa_irq + [P["KRG"]],
        statement="Joint statement on security cooperation with the Iraqi Security Forces, "
                  "including the Kurdistan Region's Peshmerga."),
]
objs += dialogues
jscd = dialogues[-1]["id"]
COMMITMENTS = [
    ("Enhance Iraq's security and defence capabilities", "USA", "capabilities",
     "in-progress", "2027-12-31T00:00:00Z"),
    ("Security cooperation across multiple areas", "IRQ", "cooperation", "open",
     "2027-06-30T00:00:00Z"),
    ("No US forces in a combat role", "USA", "posture", "done", "2021-12-31T00:00:00Z"),
    ("Presence only at the invitation of the Government of Iraq for training, advising, "
     "assisting and intelligence-sharing", "IRQ", "sovereignty", "in-progress",
     "2026-06-30T00:00:00Z"),
    ("Repatriate displaced individuals and detainees from northeast Syria to their home "
     "nations", "IRQ", "repatriation", "in-progress", "2026-09-30T00:00:00Z"),
    ("Consultations on the Coalition mission's future course in a higher military commission",
     "USA", "commission", "open", "2026-12-31T00:00:00Z"),
    ("Institutional capacity through FMF and FMS programmes", "USA", "security assistance",
     "open", "2027-09-30T00:00:00Z"),
    ("Protection of US and Coalition personnel, advisors, convoys and diplomatic premises",
     "IRQ", "force protection", "in-progress", "2026-03-31T00:00:00Z"),
]
for i, (text, owner, area, status, due) in enumerate(COMMITMENTS):
    objs.append(rec("cx-commitment", f"c{i}", "USA", [CLEAR], statement=text,
                    dialogue_ref=jscd, owner_partner=owner, area=area, status=status,
                    due_date=due))
objs.append(stix("note", "c0-progress", "IRQ", [GREEN],
                 content="Exercise progress: two fictional brigades completed the advise cycle.",
                 object_refs=[oid("cx-commitment", "c0")]))
units = {"IRQ": stix("identity", "unit-IRQ", "IRQ", [GREEN], identity_class="group",
                     name="Exercise 1st Brigade (fictional)"),
         "KRG": stix("identity", "unit-KRG", "KRG", [REL_IRQ], identity_class="group",
                     name="Exercise Peshmerga Unit 7 (fictional)")}
objs += units.values()
ACTIVITIES = [("Exercise advise cycle, Unit 1", "advise", "conducted", "IRQ",
               "2026-09-01T00:00:00Z", [GREEN]),
              ("Exercise counter-UAS training", "train", "scheduled", "KRG",
               "2026-11-10T00:00:00Z", [REL_IRQ]),
              ("Exercise logistics assist", "assist", "requested", "IRQ",
               "2026-12-01T00:00:00Z", [AMBER]),
              ("Exercise equipment handover", "equip", "approved", "IRQ",
               "2026-10-20T00:00:00Z", [GREEN])]
for i, (name, kind, status, unit, start, marks) in enumerate(ACTIVITIES):
    objs.append(rec("cx-aat-activity", f"a{i}", "USA", marks, name=name, kind=kind,
                    status=status, partner_unit_refs=[units[unit]["id"]],
                    site="Exercise site (fictional)", planned_start=start,
                    headcount=10 + 5 * i))


def indicator(name, unit, direction):
    return {"name": name, "unit": unit, "direction": direction, "weight": 1}


FACTORS = [("IS threat", 0.3, indicator("attacks per month", "count", "lower-is-better")),
           ("operational necessities", 0.2,
            indicator("coalition enablers required", "count", "lower-is-better")),
           ("environmental factors", 0.2,
            indicator("regional stability index", "index 0-100", "higher-is-better")),
           ("ISF capabilities", 0.3, indicator("units certified", "count", "higher-is-better"))]
fw = rec("cx-assessment-framework", "fw", "USA", [GREEN],
         name="Exercise conditions-based framework",
         factors=[{"name": n, "weight": w, "indicators": [i]} for n, w, i in FACTORS])
objs.append(fw)
QUARTERS = [("2026-01-01T00:00:00Z", "2026-03-31T00:00:00Z"),
            ("2026-04-01T00:00:00Z", "2026-06-30T00:00:00Z"),
            ("2026-07-01T00:00:00Z", "2026-09-30T00:00:00Z")]
for q, ((start, end), value) in enumerate(zip(QUARTERS, (22, 14, 9))):
    objs.append(rec("cx-observation", f"o{q}", "IRQ", [GREEN], framework_ref=fw["id"],
                    factor="IS threat", indicator="attacks per month", period_start=start,
                    period_end=end, value=value, source="Exercise reporting"))
RATINGS = [([0.4, 0.5, 0.6, 0.5], "endorsed", "maintain"),
           ([0.6, 0.5, 0.6, 0.6], "reviewed", "maintain"),
           ([0.7, 0.6, 0.6, 0.7], "draft", "transition")]
for q, ((start, end), (ratings, status, advice)) in enumerate(zip(QUARTERS, RATINGS)):
    a = rec("cx-assessment", f"as{q}", "USA", [GREEN], framework_ref=fw["id"],
            period_start=start, period_end=end, recommendation=advice, status=status,
            ratings=[{"factor": n, "rating": r, "rationale": "Exercise rationale."}
                     for (n, _, _), r in zip(FACTORS, ratings)])
    objs.append(a)
    if status == "endorsed":
        for by in ("USA", "IRQ"):
            objs.append(stix("opinion", f"as{q}-{by}", by, [GREEN], opinion="agree",
                             object_refs=[a["id"]]))
objs.append(rec("cx-transition-milestone", "m0", "USA", [REL_IRQ],
                name="Exercise site handover (fictional)", phase="2", site="Exercise site",
                target_date="2026-12-31T00:00:00Z", handover_state="joint"))
(HERE / "records.json").write_text(json.dumps(
    {"type": "bundle", "id": oid("bundle", "records"), "objects": objs}, indent=1) + "\n")
print(f"demo/records.json: {len(objs)} objects")
