#!/usr/bin/python3
"""Writes demo/records.json: the public facts of the joint statement as
coalition records (doc/RECORDS.md), and synthetic, visibly fictional
activities, observations, assessments, security assistance cases, protected
sites, movement requests with host-nation decisions, incident reports and
repatriation cases with home-nation decisions, with varied markings. The
records follow the ingest rules of doc/RECORDS.md in the order they are
written (a decision after the request or case it decides, the version that
moves on after the decision). Run it after changing the record schemas;
`cx demo` embeds its output."""
import datetime
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
         "cx-observation", "cx-assessment", "cx-transition-milestone",
         "cx-security-assistance-case", "cx-protected-site", "cx-movement-request",
         "cx-movement-decision", "cx-incident-report", "cx-repatriation-case",
         "cx-home-nation-decision"]
REL_EXT = "extension-definition--a7b3c2d1-6e5f-4a8b-9c0d-1e2f3a4b5c6d"


def oid(t, key):
    return f"{t}--{uuid.uuid5(NS, key)}"


P = dict(line.split() for line in (HERE / "partners.txt").read_text().splitlines())
EXT = {t: json.loads((HERE.parent / "schemas" / f"{t}.json").read_text())["x_cx_extension_id"]
       for t in TYPES}
INTEL = json.loads((HERE / "intel.json").read_text())["objects"]
REL_IRQ = next(o["id"] for o in INTEL
               if o["type"] == "marking-definition" and "IRQ, KRG" in o.get("name", ""))


def intel_marking(name):
    return next(o["id"] for o in INTEL if o["type"] == "marking-definition" and
                o.get("name") == name)


R_USA_IRQ = intel_marking("RESTRICTED//REL TO USA, IRQ")
S_COALITION = intel_marking("SECRET//REL TO USA, FRA, GBR")


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
# --- Security assistance, force protection and repatriation (all fictional) ---

def ts(month, day, hour=8):
    return f"2026-{month:02d}-{day:02d}T{hour:02d}:00:00.000Z"


def later(t, days=0, hours=0):
    d = datetime.datetime.strptime(t, "%Y-%m-%dT%H:%M:%S.000Z")
    d += datetime.timedelta(days=days, hours=hours)
    return d.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def rel_marking(key, by, cls, codes):
    """A releasability marking (doc/ACCESS.md) of the demo's own."""
    word = {"R": "RESTRICTED", "C": "CONFIDENTIAL", "S": "SECRET"}[cls]
    return {"type": "marking-definition", "spec_version": "2.1",
            "id": oid("marking-definition", key), "created": T, "created_by_ref": P[by],
            "name": f"{word}//REL TO {', '.join(codes)}",
            "extensions": {REL_EXT: {"extension_type": "property-extension",
                                     "classification": cls, "releasable_to": list(codes)}}}


def versions(first, changes):
    """first, then a version per (modified, {property: value, None removes it})."""
    out = [first]
    for when, props in changes:
        v = dict(out[-1], modified=when)
        for k, x in props.items():
            if x is None:
                v.pop(k, None)
            else:
                v[k] = x
        out.append(v)
    return out


MARKS = [rel_marking("usa-krg", "USA", "R", ["USA", "KRG"]),
         rel_marking("usa-irq", "USA", "C", ["USA", "IRQ"]),
         rel_marking("usa-gbr", "USA", "C", ["USA", "GBR"]),
         rel_marking("usa-fra", "USA", "C", ["USA", "FRA"]),
         rel_marking("gbr-irq", "GBR", "C", ["GBR", "IRQ"]),
         rel_marking("gbr-krg", "GBR", "R", ["GBR", "KRG"])]
objs += MARKS
M = {tuple(m["extensions"][REL_EXT]["releasable_to"]): m["id"] for m in MARKS}
# The need-to-know marking of a movement: its requester and host nation only.
NEED_TO_KNOW = {("USA", "IRQ"): [M[("USA", "IRQ")]], ("USA", "KRG"): [M[("USA", "KRG")]],
                ("GBR", "IRQ"): [M[("GBR", "IRQ")]], ("GBR", "KRG"): [M[("GBR", "KRG")]]}


def sa_case(key, case_id, name, programme, purchaser, marks, start, chain, lines,
            deliveries=(), expires=None, finish=None):
    """A case taken along chain (a version per state, three weeks apart from
    start), then a version per delivery: (when, delivered quantity per line),
    then one for finish: (when, status)."""
    stamps = {"lor-received": "lor_received", "loa-offered": "loa_offered",
              "accepted": "accepted", "implemented": "implemented",
              "supply-complete": "supply_complete", "closed": "closed"}
    first = rec("cx-security-assistance-case", key, "USA", marks, created=start,
                modified=start, case_id=case_id, name=name, programme=programme,
                purchaser=purchaser, implementing_agency="Exercise agency (fictional)",
                total_value=sum(q * c for _, q, c in lines), currency="USD",
                funding={"fms": "national funds", "fmf-grant": "FMF grant",
                         "fmf-loan": "FMF loan"}[programme],
                lines=[{"description": d, "quantity": q, "unit_cost": c} for d, q, c in lines],
                milestones={"lor_received": start}, status=chain[0])
    changes, when, ms = [], start, dict(first["milestones"])
    for status in chain[1:]:
        when = later(when, days=21)
        if status in stamps:
            ms[stamps[status]] = when
        if status == "loa-offered":
            ms["offer_expires"] = expires or later(when, days=90)
        changes.append((when, {"status": status, "milestones": dict(ms)}))
    for at, done in deliveries:
        changes.append((at, {"lines": [dict(ln, delivered_quantity=d) for ln, d in
                                       zip(first["lines"], done)]}))
    if finish:
        changes.append((finish[0], {"status": finish[1]}))
    return versions(first, changes)


DELIVERING = ["lor-received", "loa-offered", "accepted", "implemented", "delivering"]
objs += sa_case("sa0", "IQ-B-ZAA", "Exercise tactical radios (fictional)", "fms", "IRQ",
                [REL_IRQ], ts(3, 2), DELIVERING,
                [("Exercise radio set", 400, 2500), ("Exercise battery pack", 2000, 40)],
                [(ts(8, 14), [120, 800]), (ts(10, 9), [250, 2000])])
objs += sa_case("sa1", "IQ-D-ZAB", "Exercise ISR aircraft sustainment (fictional)",
                "fmf-grant", "IRQ", [R_USA_IRQ], ts(9, 1), ["lor-received", "loa-offered"],
                [("Exercise sustainment package", 1, 4500000)], expires=ts(12, 10))
objs += sa_case("sa2", "IQ-P-ZAC", "Exercise patrol boats (fictional)", "fmf-loan", "IRQ",
                [AMBER, REL_IRQ], ts(10, 20), ["lor-received"],
                [("Exercise patrol boat", 6, 850000)])
objs += sa_case("sa3", "IQ-B-ZAD", "Exercise light tactical vehicles (fictional)", "fmf-grant",
                "KRG", [M[("USA", "KRG")]], ts(2, 16), DELIVERING,
                [("Exercise light vehicle", 60, 95000)], [(ts(9, 3), [20]), (ts(11, 5), [35])])
objs += sa_case("sa4", "IQ-B-ZAE", "Exercise night-vision devices (fictional)", "fms", "KRG",
                [M[("USA", "KRG")]], ts(1, 12), DELIVERING,
                [("Exercise night-vision device", 300, 3200)],
                [(ts(7, 10), [150]), (ts(8, 21), [300])], finish=(ts(9, 15), "supply-complete"))
objs += sa_case("sa5", "IQ-D-ZAF", "Exercise training ammunition (fictional)", "fms", "IRQ",
                [REL_IRQ], ts(3, 30), ["lor-received", "loa-offered", "expired"],
                [("Exercise training round lot", 50, 12000)], expires=ts(5, 10))

SITES = [("Exercise Camp Cedar (fictional)", "base", "IRQ", "joint", "USA", [REL_IRQ]),
         ("Exercise Joint HQ Palm (fictional)", "hq", "IRQ", "coalition", "USA", [GREEN]),
         ("Exercise Consulate Annex (fictional)", "diplomatic-premises", "KRG", "host", "KRG",
          [M[("USA", "KRG")]]),
         ("Exercise Logistics Hub Reed (fictional)", "logistics", "IRQ", "host", "IRQ",
          [R_USA_IRQ]),
         ("Exercise Airfield Sand (fictional)", "base", "KRG", "joint", "USA", [S_COALITION])]
sites = []
for i, (name, kind, host, control, by, marks) in enumerate(SITES):
    sites.append(rec("cx-protected-site", f"site{i}", by, marks, name=name, kind=kind,
                     area=f"Exercise area {'NESW'[i % 4]} (fictional)", host_nation=host,
                     responsible_unit=f"Exercise {i + 3}th Brigade (fictional)",
                     control=control))
objs += sites

# (key, requester, host, convoy, created, [(hours after, decision)], [(days after, status)])
MOVES = [("mv0", "USA", "IRQ", "AMBER FOX", ts(11, 20), [], []),
         ("mv1", "GBR", "KRG", "BLUE HERON", ts(11, 22), [], []),
         ("mv2", "USA", "IRQ", "CEDAR", ts(11, 2), [(6, "counter-proposed"), (30, "approved")],
          []),
         ("mv3", "GBR", "IRQ", "DUNE", ts(10, 28), [(12, "rejected")], []),
         ("mv4", "USA", "KRG", "EAGLE", ts(11, 18), [(20, "counter-proposed")], []),
         ("mv5", "USA", "IRQ", "FALCON", ts(11, 10), [(4, "approved")], [(2, "in-progress")]),
         ("mv6", "GBR", "IRQ", "GRANITE", ts(10, 5), [(8, "approved")],
          [(2, "in-progress"), (3, "completed")]),
         ("mv7", "USA", "KRG", "HAWK", ts(9, 14), [(10, "approved")],
          [(1, "in-progress"), (2, "completed")])]
POINTS = ("window_start", "window_end", "start_point", "release_point", "route_points")


def movement(key, by, host, convoy, created, decisions, moves):
    """The request, its host nation's decisions, then the requester's versions."""
    marks = NEED_TO_KNOW[(by, host)]
    req = rec("cx-movement-request", key, by, marks, created=created, modified=created,
              convoy_name=f"Exercise Convoy {convoy} (fictional)", host_nation=host,
              window_start=later(created, days=5), window_end=later(created, days=5, hours=6),
              start_point="Exercise SP North (fictional)",
              release_point="Exercise RP South (fictional)",
              route_points=["Exercise checkpoint 1", "Exercise checkpoint 2"],
              site_refs=[sites[0]["id"]], vehicle_count=12, personnel_count=40,
              escort_requested=True, status="submitted")
    out = [req]
    for n, (hours, value) in enumerate(decisions):
        at = later(created, hours=hours)
        d = rec("cx-movement-decision", f"{key}-d{n}", host, marks, created=at, modified=at,
                request_ref=req["id"], decision=value)
        if value == "approved":
            d["movement_number"] = f"EX-MOV-{key[2:]}{n}"
        if value == "counter-proposed":
            d["conditions"] = "Exercise condition: move a day later (fictional)."
        out.append(d)
    changes = []
    for days, status in moves:
        props = {"status": status}
        if status == "completed":
            props.update({k: None for k in POINTS})
        changes.append((later(created, days=days), props))
    return out + versions(req, changes)[1:]


for m in MOVES:
    objs += movement(*m)

# (key, reporter, marks, site, kind, occurred, stages)
INCIDENTS = [("in0", "USA", [REL_IRQ], 0, "idf", ts(8, 6, 21), ["flash", "update", "final"]),
             ("in1", "IRQ", [R_USA_IRQ], 3, "uas", ts(8, 19, 2), ["flash", "final"]),
             ("in2", "KRG", [M[("USA", "KRG")]], 2, "ied", ts(9, 2, 14), ["flash"]),
             ("in3", "USA", [GREEN], 1, "uas", ts(9, 25, 23), ["flash", "update"]),
             ("in4", "USA", [S_COALITION], 4, "idf", ts(10, 11, 4), ["final"]),
             ("in5", "GBR", [M[("USA", "GBR")]], 4, "other", ts(10, 30, 9),
              ["flash", "update", "final"]),
             ("in6", "IRQ", [REL_IRQ], 3, "uas", ts(11, 8, 1), ["flash"]),
             ("in7", "USA", [AMBER], 0, "idf", ts(11, 21, 19), ["flash", "update"])]
for key, by, marks, site, kind, occurred, stages in INCIDENTS:
    report = {"extension_type": "property-extension", "report_stage": stages[0],
              "occurred": occurred, "site_ref": sites[site]["id"], "kind": kind,
              "counts": {"events": 1}, "casualties": {"killed": 0, "wounded": 0},
              "host_nation_response": "Exercise quick reaction force deployed (fictional)."}
    first = later(occurred, hours=1)
    inc = stix("incident", key, by, marks, created=first, modified=first,
               name=f"Exercise incident {key[2:]} (fictional)",
               extensions={EXT["cx-incident-report"]: report})
    objs += versions(inc, [(later(first, hours=12 * k),
                            {"extensions": {EXT["cx-incident-report"]:
                                            dict(report, report_stage=st)}})
                           for k, st in enumerate(stages[1:], 1)])

# Repatriation cases, coordinated by the USA: (home nation, marks, final state, how many).
REPATRIATION = [("IRQ", [R_USA_IRQ], "identified", 3),
                ("IRQ", [M[("USA", "IRQ")]], "identified", 2),
                ("IRQ", [M[("USA", "IRQ")]], "verified", 2),
                ("IRQ", [R_USA_IRQ], "home-nation-requested", 1),
                ("IRQ", [M[("USA", "IRQ")]], "accepted", 5),
                ("IRQ", [R_USA_IRQ], "transferred", 1), ("IRQ", [R_USA_IRQ], "declined", 1),
                ("GBR", [M[("USA", "GBR")]], "identified", 2),
                ("GBR", [M[("USA", "GBR")]], "verification-pending", 1),
                ("GBR", [M[("USA", "GBR")]], "deferred", 1),
                ("FRA", [M[("USA", "FRA")]], "identified", 5),
                ("FRA", [M[("USA", "FRA")]], "accepted", 1)]
PATH = ["identified", "verification-pending", "verified", "home-nation-requested"]
AFTER = {"accepted": ["accepted"], "declined": ["declined"], "deferred": ["deferred"],
         "transferred": ["accepted", "transfer-scheduled", "transferred"]}
CATEGORIES = ["displaced-family", "displaced-individual", "unaccompanied-minor",
              "former-detainee"]


def repatriation(n, home, marks, final):
    """A case along its path to final; the home nation decides at home-nation-requested."""
    created = later(ts(5, 4), days=3 * n)
    case = rec("cx-repatriation-case", f"rc{n}", "USA", marks, created=created,
               modified=created, case_number=f"RC-2026-{n + 1:04d}",
               origin_kind="camp" if n % 3 else "facility",
               origin="Exercise Camp North (fictional)" if n % 3 else
               "Exercise Facility East (fictional)",
               category=CATEGORIES[n % 4], home_nation=home, household_size=1 + n % 6,
               status="identified")
    steps = PATH[1:PATH.index(final) + 1] if final in PATH else PATH[1:]
    vs = versions(case, [(later(created, days=7 * (k + 1)), {"status": s})
                         for k, s in enumerate(steps)])
    if final in PATH:
        return vs
    asked = vs[-1]["modified"]
    decided = later(asked, days=3)
    decision = rec("cx-home-nation-decision", f"rc{n}-d", home, marks, created=decided,
                   modified=decided, case_ref=case["id"], decision=AFTER[final][0],
                   authority="Exercise Ministry of Migration (fictional)",
                   decision_date=decided)
    return vs + [decision] + versions(vs[-1], [(later(decided, days=5 * (k + 1)), {"status": s})
                                               for k, s in enumerate(AFTER[final])])[1:]


n = 0
for home, marks, final, count in REPATRIATION:
    for _ in range(count):
        objs += repatriation(n, home, marks, final)
        n += 1
(HERE / "records.json").write_text(json.dumps(
    {"type": "bundle", "id": oid("bundle", "records"), "objects": objs}, indent=1) + "\n")
print(f"demo/records.json: {len(objs)} objects")
