"""The seeded scenario of the leak test: partners, principals, grants,
marking definitions, extension definitions and object versions, all drawn
from one random.Random so that a seed names one exact node.

Nothing here knows the policy; the generator only makes sure that every
case ACCESS.md distinguishes occurs often: owners that are partners, unknown
identities and none; TLP 1.0 and 2.0 markings of every level; releasability
markings alone and combined (with codes the node does not know); granular
markings; markings that change from version to version, so that the
newest-version rule decides; revoked newest versions; versions of one
object spread over several collections; objects in no collection.

For the native API (from a generator of its own, drawn after the rest):
search words in the text of some objects, hidden ones included;
relationships and sightings linking stored objects; notes naming records;
coalition records (doc/RECORDS.md, schemas/) — commitments, activities and
assessments with random owners, markings, statuses along their state
machines, due dates and planned starts that change between versions; and
security assistance cases, protected sites, incident reports, movement
requests with host-nation decisions and repatriation cases with home-nation
decisions, made to pass the ingest rules (gen_records.py).
"""
import datetime
import json
import random
import uuid
from pathlib import Path

from .model import CLEARANCES, REL_EXT

PARTNERS = [("USA", "United States"), ("IRQ", "Iraq"), ("KRG", "Kurdistan Region"),
            ("GBR", "United Kingdom"), ("FRA", "France"), ("DEU", "Germany"),
            ("CAN", "Canada")]
UNKNOWN_CODES = ["AUS", "NZL", "XKX", "ZZ-9"]      # not partners of this node
ROLE_SETS = [("reader",), ("contributor",), ("approver",), ("admin",),
             ("reader", "approver"), ("contributor", "admin")]
GRANT_ROLES = ["reader", "contributor", "approver", "admin", "peer"]
COLLECTIONS = ["alpha", "bravo", "charlie", "delta", "echo"]
ROUNDS = 3                     # import rounds after the markings

N_OBJECTS = 340
N_REL_MARKINGS = 16
N_STATEMENTS = 3
N_EXT_DEFS = 8

# The native API's part of the scenario.
N_RELATIONSHIPS = 36
N_SIGHTINGS = 16
N_COMMITMENTS = 44
N_ACTIVITIES = 40
N_ASSESSMENTS = 30
N_PROGRESS_NOTES = 12
# Search words: each one is put into the text of some objects (all of their
# versions), and into nothing else the generator writes.
WORDS = ["kestrel", "basalt", "juniper", "quokka", "zephyr", "marimba"]
FACTORS = ["governance", "capability", "security", "sustainment"]
SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


def record_extension(kind):
    """The extension-definition id that declares a record type (its schema)."""
    return json.loads((SCHEMAS / f"{kind}.json").read_text(encoding="utf-8"))["x_cx_extension_id"]


# Status chains of records, oldest version first, in which every later
# state is one step of the type's state machine (doc/RECORDS.md) from every
# earlier one: versions then import in any order without a forbidden jump.
CHAINS = {
    "cx-commitment": [["open"], ["in-progress"], ["done"], ["dropped"], ["open", "in-progress"],
                      ["open", "done"], ["open", "dropped"], ["in-progress", "done"],
                      ["open", "in-progress", "done"], ["open", "in-progress", "dropped"],
                      ["in-progress", "open", "done"], ["in-progress", "open"]],
    "cx-aat-activity": [["requested"], ["approved"], ["scheduled"], ["conducted"], ["reported"],
                        ["closed"], ["cancelled"], ["requested", "approved"],
                        ["approved", "scheduled"], ["scheduled", "conducted"],
                        ["conducted", "reported"], ["reported", "closed"],
                        ["requested", "approved", "cancelled"],
                        ["approved", "scheduled", "cancelled"]],
    "cx-assessment": [["draft"], ["reviewed"], ["endorsed"], ["superseded"], ["draft", "reviewed"],
                      ["reviewed", "draft"], ["reviewed", "endorsed"], ["endorsed", "superseded"]],
}

BASE = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)


def ts(ms):
    """A STIX timestamp with millisecond precision, ms after BASE."""
    t = BASE + datetime.timedelta(milliseconds=ms)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


class Scenario:
    def __init__(self, rng, tlp_ids):
        self.rng = rng
        self.tlp_ids = sorted(tlp_ids)          # both TLP 1.0 and 2.0 ids
        self.tlp_level = dict(tlp_ids)          # id -> clear ... red
        self.node_partner = rng.choice([c for c, _ in PARTNERS])
        self.principals = self._principals()
        self.grants = self._grants()

    # -- ids -------------------------------------------------------------------

    def uid(self, kind):
        """A version-4 UUID drawn from the seeded generator."""
        return f"{kind}--{uuid.UUID(int=self.rng.getrandbits(128), version=4)}"

    # -- principals --------------------------------------------------------------

    def _principals(self):
        """[(name, partner, roles, clearance)]: three users per partner whose
        roles cycle through every role set and whose clearances cover U, R,
        C and S at least once each, plus peer principals."""
        rng = self.rng
        out = []
        forced = list(CLEARANCES)
        n = 0
        for code, _ in PARTNERS:
            for j in range(3):
                roles = ROLE_SETS[n % len(ROLE_SETS)]
                cl = forced.pop(0) if forced else rng.choice(CLEARANCES)
                out.append((f"{code.lower().replace('-', '')}{j}", code, roles, cl))
                n += 1
        # Peers: one of the node's own partner, others of other partners,
        # one with a second role (the peer rule still applies to it).
        others = [c for c, _ in PARTNERS if c != self.node_partner]
        rng.shuffle(others)
        peers = [self.node_partner] + others[:3]
        for k, code in enumerate(peers):
            roles = ("peer", "reader") if k == 3 else ("peer",)
            cl = "S" if k < 2 else rng.choice(CLEARANCES)
            out.append((f"peer{code.lower()}{k}", code, roles, cl))
        return out

    # -- collections ---------------------------------------------------------------

    def _grants(self):
        """{alias: [(partner, role, access)]} in the order `cx collection
        allow` is run; access 'none' removes a grant. The last collection
        has no grant at all."""
        rng = self.rng
        plan = {}
        for i, alias in enumerate(COLLECTIONS):
            calls = []
            if alias == COLLECTIONS[-1]:
                plan[alias] = calls
                continue
            if i == 0:
                calls.append(("*", "*", "read"))
            for code, _ in PARTNERS:
                x = rng.random()
                if x < 0.35:
                    continue
                acc = "read" if x < 0.6 else "write" if x < 0.8 else "read-write"
                role = "*" if rng.random() < 0.6 else rng.choice(GRANT_ROLES)
                calls.append((code, role, acc))
            calls.append(("*", rng.choice(GRANT_ROLES), rng.choice(["read", "read-write"])))
            # A grant set twice (the second call wins) and a grant removed.
            code = rng.choice([c for c, _ in PARTNERS])
            calls.append((code, "approver", "write"))
            calls.append((code, "approver", "read"))
            code = rng.choice([c for c, _ in PARTNERS])
            calls.append((code, "contributor", "read-write"))
            calls.append((code, "contributor", "none"))
            plan[alias] = calls
        return plan

    def grant_map(self, alias):
        """The grants a collection holds after its allow calls."""
        g = {}
        for partner, role, acc in self.grants[alias]:
            if acc == "none":
                g.pop((partner, role), None)
            else:
                g[(partner, role)] = acc
        return g

    # -- objects -----------------------------------------------------------------------

    def generate(self, identities, rel_ext_present):
        """Every object version to import, as [(object, [aliases], round)].

        identities: {partner code: identity id}. rel_ext_present: whether
        the node already stores the releasability extension definition."""
        rng = self.rng
        self.identities = identities
        self.unknown_identities = [self.uid("identity") for _ in range(3)]
        out = []

        # Unknown organisations (stored, but no partner's identity).
        self.org_objects = []
        for n, ident in enumerate(self.unknown_identities[:2]):
            o = {"type": "identity", "spec_version": "2.1", "id": ident,
                 "created": ts(n), "modified": ts(n), "name": f"Unknown organisation {n}",
                 "identity_class": "organization",
                 "object_marking_refs": [self._tlp_of_level(rng.choice(["green", "amber"]))]}
            self.org_objects.append(o)

        # Marking definitions: releasability, statements, marked statements.
        self.rel_markings, self.statements = [], []
        codes = [c for c, _ in PARTNERS]
        for n in range(N_REL_MARKINGS):
            if n == 0:
                rel = list(codes)                                # every partner
            elif n == 1:
                rel = rng.sample(UNKNOWN_CODES, 2)               # nobody here
            elif n == 2:
                rel = [rng.choice(codes)]
            else:
                rel = rng.sample(codes, rng.randint(1, 5))
                if rng.random() < 0.4:
                    rel += rng.sample(UNKNOWN_CODES, rng.randint(1, 2))
            rng.shuffle(rel)
            cls = "U" if n == 0 else rng.choice(CLEARANCES)
            md = {"type": "marking-definition", "spec_version": "2.1",
                  "id": self.uid("marking-definition"), "created": ts(1000 + n),
                  "name": f"{cls} REL TO {' '.join(rel)}",
                  "extensions": {REL_EXT: {"extension_type": "property-extension",
                                           "classification": cls, "releasable_to": rel}}}
            if rng.random() < 0.5:
                md["created_by_ref"] = identities[rng.choice(codes)]
            self.rel_markings.append(md)
        for n in range(N_STATEMENTS + 2):
            md = {"type": "marking-definition", "spec_version": "2.1",
                  "id": self.uid("marking-definition"), "created": ts(2000 + n),
                  "definition_type": "statement",
                  "definition": {"statement": f"Handling statement {n}"},
                  "created_by_ref": identities[rng.choice(codes)]}
            if n >= N_STATEMENTS:
                # A marked marking definition: not exempt, so the usual
                # rules apply (AMBER: its owner only; or a releasability).
                md["object_marking_refs"] = (
                    [self._tlp_of_level("amber")] if n == N_STATEMENTS
                    else [rng.choice(self.rel_markings[3:])["id"]])
            self.statements.append(md)
        markings = self.rel_markings + self.statements

        # Extension definitions (versioned), some unmarked (exempt), some
        # marked. The releasability one when the node lacks it.
        ext_versions = []
        if not rel_ext_present:
            ext_versions.append({
                "type": "extension-definition", "spec_version": "2.1", "id": REL_EXT,
                "created": ts(3000), "modified": ts(3000),
                "created_by_ref": identities[self.node_partner],
                "name": "Releasability", "schema": "/schemas/releasability.json",
                "version": "1.0.0", "extension_types": ["property-extension"]})
        for n in range(N_EXT_DEFS):
            base = {"type": "extension-definition", "spec_version": "2.1",
                    "id": self.uid("extension-definition"), "created": ts(4000 + n * 10),
                    "created_by_ref": identities[rng.choice(codes)],
                    "name": f"Extension {n}", "schema": f"https://example.org/ext/{n}.json",
                    "version": "1.0.0", "extension_types": ["property-extension"]}
            marked = n % 2 == 1
            t = 4000 + n * 10
            for k in range(rng.randint(1, 3)):
                t += rng.randint(1, 5_000_000)
                v = dict(base, modified=ts(t), version=f"1.{k}.0")
                if marked:
                    v["object_marking_refs"] = self._marking_refs(v, markings)[0] or \
                        [self._tlp_of_level("red")]
                ext_versions.append(v)

        for o in self.org_objects + markings + ext_versions:
            out.append((o, self.pick_collections(), 0))

        # Objects and their versions.
        self.all_ids = []
        for n in range(N_OBJECTS):
            for v in self._object_versions(n, markings):
                out.append(v)

        # What the native API adds (drawn from a generator of its own, so
        # that everything above stays as it was for a seed): search words,
        # relationships, sightings and coalition records.
        self.api_rng = random.Random(rng.getrandbits(64))
        self._add_words(out)
        out += self._api_objects(markings)
        return out

    def _tlp_of_level(self, level):
        ids = [i for i in self.tlp_ids if self.tlp_level[i] == level]
        return self.rng.choice(ids)

    def pick_collections(self):
        """The collections an object is in: none, one, two or three."""
        x = self.rng.random()
        k = 0 if x < 0.10 else 1 if x < 0.72 else 2 if x < 0.94 else 3
        return self.rng.sample(COLLECTIONS, k)

    def _owner_ref(self, kind):
        """created_by_ref: a partner's identity, an unknown identity, or none."""
        rng = self.rng
        x = rng.random()
        if x < 0.78:
            return self.identities[rng.choice(sorted(self.identities))]
        if x < 0.90:
            return rng.choice(self.unknown_identities)
        return None

    def _marking_refs(self, obj, markings):
        """(object_marking_refs, granular marking refs) for one version."""
        rng = self.rng
        picks = []
        x = rng.random()
        if x < 0.70:
            picks.append(rng.choice(self.tlp_ids))
        elif x < 0.80:
            picks += rng.sample(self.tlp_ids, 2)
        x = rng.random()
        nrel = 0 if x < 0.45 else 1 if x < 0.80 else 2 if x < 0.95 else 3
        picks += [m["id"] for m in rng.sample(self.rel_markings, nrel)]
        if rng.random() < 0.10:
            picks.append(rng.choice(self.statements)["id"])
        omr, gran = [], []
        for p in picks:
            (gran if rng.random() < 0.3 and obj["type"] not in
             ("marking-definition", "extension-definition") else omr).append(p)
        return omr, gran

    def _object_versions(self, n, markings):
        rng = self.rng
        x = rng.random()
        kind = ("indicator" if x < 0.34 else "report" if x < 0.48 else "note" if x < 0.62
                else "threat-actor" if x < 0.76 else "malware" if x < 0.82
                else "identity" if x < 0.86 else "ipv4-addr" if x < 0.94 else "domain-name")
        oid = self.uid(kind)
        homes = self.pick_collections()
        if kind in ("ipv4-addr", "domain-name"):
            value = (f"198.51.{n // 250}.{n % 250 + 1}" if kind == "ipv4-addr"
                     else f"host{n}.example.org")
            o = {"type": kind, "spec_version": "2.1", "id": oid, "value": value}
            omr, gran = self._marking_refs(o, markings)
            self._apply(o, omr, gran, "value")
            self.all_ids.append(oid)
            return [(o, self._pick_homes(homes), rng.randint(1, ROUNDS))]

        created_ms = rng.randrange(10_000_000, 300 * 86_400_000)
        base = {"type": kind, "spec_version": "2.1", "id": oid, "created": ts(created_ms)}
        owner = self._owner_ref(kind)
        # Now and then an object of the node's own partner marked
        # AMBER+STRICT and releasable to every partner: the one case where
        # the peer rule lets AMBER+STRICT through.
        strict = n % 37 == 5
        if strict:
            owner = self.identities[self.node_partner]
        if owner:
            base["created_by_ref"] = owner
        sel = "name"
        if kind == "indicator":
            base.update(name=f"Indicator {n}", pattern_type="stix",
                        pattern=f"[ipv4-addr:value = '203.0.113.{n % 250 + 1}']",
                        valid_from=ts(created_ms))
        elif kind == "report":
            refs = rng.sample(self.all_ids, min(3, len(self.all_ids))) or [self.uid("indicator")]
            base.update(name=f"Report {n}", published=ts(created_ms), object_refs=refs)
        elif kind == "note":
            refs = rng.sample(self.all_ids, min(2, len(self.all_ids))) or [self.uid("indicator")]
            base.update(content=f"Note {n}", object_refs=refs)
            sel = "content"
        elif kind == "threat-actor":
            base.update(name=f"Threat actor {n}")
        elif kind == "malware":
            base.update(name=f"Malware {n}", is_family=bool(n % 2))
        else:
            base.update(name=f"Organisation {n}", identity_class="organization")
        self.all_ids.append(oid)

        x = rng.random()
        nver = 1 if x < 0.2 else 2 if x < 0.45 else 3 if x < 0.65 else 4 if x < 0.8 \
            else rng.randint(5, 8)
        revoke = nver > 1 and rng.random() < 0.12
        out, t, prev = [], created_ms, None
        for k in range(nver):
            if k:
                t += rng.randint(1, 20 * 86_400_000)
            v = dict(base, modified=ts(t))
            if k:
                v["description"] = f"Revision {k}"
            if strict:
                prev = ([self._tlp_of_level("amber+strict"), self.rel_markings[0]["id"]], [])
            elif prev is None or rng.random() < 0.6:
                prev = self._marking_refs(v, markings)
            self._apply(v, prev[0], prev[1], sel)
            if revoke and k == nver - 1:
                v["revoked"] = True
            out.append((v, self._pick_homes(homes), rng.randint(1, ROUNDS)))
        return out

    def _pick_homes(self, homes):
        """The collections one version goes to: each of the object's, mostly."""
        return [a for a in homes if self.rng.random() < 0.85]

    @staticmethod
    def _apply(obj, omr, gran, selector):
        if omr:
            obj["object_marking_refs"] = list(omr)
        if gran:
            obj["granular_markings"] = [{"marking_ref": g, "selectors": [selector]}
                                        for g in gran]

    # -- the native API's objects ---------------------------------------------------------

    def _add_words(self, plan):
        """Put a search word into the text of about a third of the objects
        that have text, the same word in every version."""
        rng = self.api_rng
        by_id = {}
        for o, _, _ in plan:
            by_id.setdefault(o["id"], []).append(o)
        for oid in sorted(by_id):
            vs = by_id[oid]
            if vs[0]["type"] in ("marking-definition", "extension-definition") or \
                    rng.random() > 0.35:
                continue
            word = rng.choice(WORDS)
            for v in vs:
                for k in ("name", "content"):
                    if k in v:
                        v[k] = f"{v[k]} {word}"
                        break

    def _versions(self, base, markings, nver, homes, text_key=None, statuses=None,
                  vary=None):
        """The versions of one generated object: random markings that change
        now and then, rounds in version order (a record's versions must not
        arrive newer first across a forbidden jump), the same collections."""
        rng = self.api_rng
        created_ms = rng.randrange(10_000_000, 300 * 86_400_000)
        base = dict(base, spec_version="2.1", created=ts(created_ms))
        owner = self._api_owner()
        if owner:
            base["created_by_ref"] = owner
        if text_key and rng.random() < 0.4:
            base[text_key] = f"{base[text_key]} {rng.choice(WORDS)}"
        rounds = sorted(rng.randint(1, ROUNDS) for _ in range(nver))
        out, t, prev = [], created_ms, None
        for k in range(nver):
            if k:
                t += rng.randint(1, 20 * 86_400_000)
            v = dict(base, modified=ts(t))
            if statuses:
                v["status"] = statuses[k]
            if vary:
                vary(v, k)
            if prev is None or rng.random() < 0.6:
                prev = self._api_markings(v, markings)
            self._apply(v, prev[0], prev[1], text_key or "created")
            out.append((v, list(homes), rounds[k]))
        return out

    def _api_owner(self):
        rng = self.api_rng
        x = rng.random()
        if x < 0.8:
            return self.identities[rng.choice(sorted(self.identities))]
        if x < 0.9:
            return rng.choice(self.unknown_identities)
        return None

    def _api_markings(self, obj, markings):
        """As _marking_refs, from this part's own generator."""
        saved, self.rng = self.rng, self.api_rng
        try:
            return self._marking_refs(obj, markings)
        finally:
            self.rng = saved

    def _api_homes(self):
        saved, self.rng = self.rng, self.api_rng
        try:
            return self.pick_collections()
        finally:
            self.rng = saved

    def _api_objects(self, markings):
        rng = self.api_rng
        out = []
        sdo = [i for i in self.all_ids if i.split("--")[0] not in ("ipv4-addr", "domain-name")]
        targets = sdo + [i for i in self.all_ids if i not in sdo][:20]
        idents = sorted(self.identities.values()) + self.unknown_identities[:2] + \
            [i for i in sdo if i.startswith("identity--")][:6]

        def nver():
            x = rng.random()
            return 1 if x < 0.4 else 2 if x < 0.7 else 3

        self.api_ids = {}
        for n in range(N_RELATIONSHIPS):
            src, dst = rng.sample(targets, 2)
            base = {"type": "relationship", "id": self.uid_api("relationship"),
                    "relationship_type": "related-to", "source_ref": src, "target_ref": dst,
                    "description": f"Link {n}"}
            out += self._versions(base, markings, nver(), self._api_homes(), "description")
        for n in range(N_SIGHTINGS):
            base = {"type": "sighting", "id": self.uid_api("sighting"),
                    "sighting_of_ref": rng.choice(sdo), "description": f"Sighting {n}",
                    "count": rng.randint(1, 50)}
            if rng.random() < 0.6:
                base["where_sighted_refs"] = rng.sample(idents, rng.randint(1, 2))
            out += self._versions(base, markings, nver(), self._api_homes(), "description")

        # Records: dialogues and frameworks that commitments and
        # assessments name, then the records the dashboard counts.
        dialogues, frameworks = [], []
        for n in range(2):
            oid = self.uid_api("cx-dialogue")
            dialogues.append(oid)
            base = {"type": "cx-dialogue", "id": oid, "name": f"Dialogue {n}",
                    "kind": "strategic-dialogue", "date": ts(5_000_000 + n),
                    "extensions": {record_extension("cx-dialogue"):
                                   {"extension_type": "new-sdo"}}}
            out += self._versions(base, markings, 1, self._api_homes(), "name")
        for n in range(2):
            oid = self.uid_api("cx-assessment-framework")
            frameworks.append(oid)
            base = {"type": "cx-assessment-framework", "id": oid, "name": f"Framework {n}",
                    "factors": [{"name": f, "weight": 0.25,
                                 "indicators": [{"name": f"{f} index", "unit": "percent",
                                                 "direction": "higher-is-better",
                                                 "weight": 1}]} for f in FACTORS],
                    "extensions": {record_extension("cx-assessment-framework"):
                                   {"extension_type": "new-sdo"}}}
            out += self._versions(base, markings, 1, self._api_homes(), "name")
        codes = sorted(self.identities)
        commitments = []
        for n in range(N_COMMITMENTS):
            oid = self.uid_api("cx-commitment")
            commitments.append(oid)
            chain = rng.choice(CHAINS["cx-commitment"])
            base = {"type": "cx-commitment", "id": oid, "statement": f"Commitment {n}",
                    "owner_partner": rng.choice(codes),
                    "extensions": {record_extension("cx-commitment"):
                                   {"extension_type": "new-sdo"}}}
            if rng.random() < 0.5:
                base["dialogue_ref"] = rng.choice(dialogues)

            def due(v, k):
                # Due dates far from now on either side (overdue compares
                # with the time of the request), sometimes none, sometimes
                # moved by a later version.
                x = rng.random()
                if x < 0.15:
                    v.pop("due_date", None)
                elif x < 0.55:
                    v["due_date"] = ts(-rng.randint(30, 700) * 86_400_000)   # 2024-2025
                else:
                    v["due_date"] = ts((730 + rng.randint(0, 700)) * 86_400_000)  # 2028-
            out += self._versions(base, markings, len(chain), self._api_homes(), "statement",
                                  chain, due)
        for n in range(N_ACTIVITIES):
            chain = rng.choice(CHAINS["cx-aat-activity"])
            base = {"type": "cx-aat-activity", "id": self.uid_api("cx-aat-activity"),
                    "name": f"Activity {n}", "kind": rng.choice(["advise", "assist", "train",
                                                                "equip"]),
                    "extensions": {record_extension("cx-aat-activity"):
                                   {"extension_type": "new-sdo"}}}
            if rng.random() < 0.5:
                base["headcount"] = rng.randint(0, 400)

            def start(v, k):
                if rng.random() < 0.25:
                    v.pop("planned_start", None)
                else:
                    v["planned_start"] = ts(rng.randrange(-200, 500) * 86_400_000 +
                                            rng.randrange(0, 86_400_000))
            out += self._versions(base, markings, len(chain), self._api_homes(), "name",
                                  chain, start)
        ends = rng.sample(range(1, 2000), N_ASSESSMENTS)
        for n in range(N_ASSESSMENTS):
            chain = rng.choice(CHAINS["cx-assessment"])
            end_day = ends[n]
            base = {"type": "cx-assessment", "id": self.uid_api("cx-assessment"),
                    "framework_ref": rng.choice(frameworks),
                    "period_start": ts((end_day - 90) * 86_400_000),
                    "period_end": ts(end_day * 86_400_000),
                    "recommendation": rng.choice(["maintain", "transition", "accelerate",
                                                  "pause"]),
                    "extensions": {record_extension("cx-assessment"):
                                   {"extension_type": "new-sdo"}}}

            def rate(v, k):
                fs = rng.sample(FACTORS, rng.randint(1, len(FACTORS)))
                v["ratings"] = [{"factor": f, "rating": rng.randint(0, 100) / 100,
                                 "rationale": f"{f} rationale"} for f in fs]
            out += self._versions(base, markings, len(chain), self._api_homes(), None,
                                  chain, rate)
        # Progress notes on commitments (referenced_by of a record).
        for n in range(N_PROGRESS_NOTES):
            base = {"type": "note", "id": self.uid_api("note"), "content": f"Progress {n}",
                    "object_refs": rng.sample(commitments, rng.randint(1, 2))}
            out += self._versions(base, markings, nver(), self._api_homes(), "content")
        # The security assistance, force protection and repatriation records
        # (imported here: gen_records builds on this module).
        from . import gen_records
        out += gen_records.generate(self, markings)
        return out

    def uid_api(self, kind):
        return f"{kind}--{uuid.UUID(int=self.api_rng.getrandbits(128), version=4)}"
