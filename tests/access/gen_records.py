"""The leak test's security assistance, force protection and repatriation
records (doc/RECORDS.md, "Security assistance, force protection and
repatriation"), drawn from the scenario's API generator after everything
else, so that the rest of a seed's scenario stays as it was.

Every version passes the ingest rules that `cx import` applies: a case is
releasable to its purchaser, a repatriation case to its home nation; a
movement request and its decisions are marked for exactly the requester
and the host nation (need-to-know markings made here, with random
classifications, TLPs and codes the node does not know); decisions are by
the host or home nation and releasable to the decided record's owner; a
completed movement carries no window or points. The rounds give the order
the rules need: a request or case up to the point where it awaits a
decision in round 1, the decisions (and their revisions and revocations)
in round 2, what the requester or coordinator does after them in round 3.

Markings otherwise vary from version to version, records are revoked now
and then (every so many, so that each seed has some), and amounts are
integers so that sums are exact in any order.
"""
from .gen import CLEARANCES, REL_EXT, UNKNOWN_CODES, record_extension, ts

N_SA_CASES = 18
N_SITES = 5
N_MOVEMENTS = 22
N_INCIDENTS = 18
N_REPATRIATION = 40
HOSTS = ["IRQ", "KRG"]
DAY = 86_400_000
HOUR = 3_600_000

# Status chains, oldest version first, each step allowed by the machine.
SA_CHAINS = [["lor-received"], ["lor-received", "loa-offered"], ["loa-offered"],
             ["lor-received", "loa-offered", "loa-offered"],
             ["loa-offered", "expired"], ["loa-offered", "accepted"],
             ["accepted", "implemented", "delivering"], ["delivering", "delivering", "delivering"],
             ["implemented", "delivering", "delivering", "supply-complete"],
             ["delivering", "supply-complete", "closed"], ["lor-received", "cancelled"]]
STAGE_CHAINS = [["flash"], ["update"], ["final"], ["flash", "update"], ["flash", "final"],
                ["update", "final"], ["flash", "update", "final"]]
PATH = ["identified", "verification-pending", "verified", "home-nation-requested"]
# Where a case ends, with weights: cells of five and more need crowding.
FINALS = [("identified", 34), ("verification-pending", 8), ("verified", 10),
          ("home-nation-requested", 20), ("accepted", 10), ("declined", 5), ("deferred", 5),
          ("transferred", 8)]
AFTER = {"accepted": ["accepted"], "declined": ["declined"], "deferred": ["deferred"],
         "transferred": ["accepted", "transfer-scheduled", "transferred"]}
HOMES = [("IRQ", 55), ("GBR", 20), ("FRA", 15), ("KRG", 10)]
BLOCK_NATION = "DEU"
BLOCK = ["identified"] * 6 + ["verified", "verification-pending"]
PARTNERS_BUT_BLOCK = ["USA", "IRQ", "KRG", "GBR", "FRA", "CAN"]
POINTS = ("window_start", "window_end", "start_point", "release_point", "route_points")


class RecordGen:
    def __init__(self, sc, markings):
        self.sc, self.rng = sc, sc.api_rng
        self.markings = markings
        self.codes = sorted(sc.identities)
        self.ntk = {}
        self.out = []

    # -- markings --------------------------------------------------------------------

    def tlp(self, *levels):
        level = self.rng.choice(levels)
        return self.rng.choice([i for i in self.sc.tlp_ids if self.sc.tlp_level[i] == level])

    def releasing(self, code, open_share=0.3):
        """object_marking_refs releasing a version to partner code."""
        rng = self.rng
        if rng.random() < open_share:
            return [self.tlp("clear", "green")]
        rels = [m["id"] for m in self.sc.rel_markings
                if code in m["extensions"][REL_EXT]["releasable_to"]]
        refs = rng.sample(rels, min(len(rels), rng.choice([1, 1, 2])))
        if rng.random() < 0.4:
            refs.append(self.tlp("clear", "green", "amber", "amber+strict", "red"))
        return refs

    def need_to_know(self, requester, host):
        """A marking for exactly the requester and the host nation (made on
        first use, two per pair, round 0), now and then with a TLP."""
        pair = (requester, host)
        if pair not in self.ntk:
            self.ntk[pair] = []
            for _ in range(2):
                codes = [requester, host] + ([self.rng.choice(UNKNOWN_CODES)]
                                             if self.rng.random() < 0.3 else [])
                self.ntk[pair].append(self.marking(codes, self.rng.choice(CLEARANCES),
                                                   requester))
        refs = [self.rng.choice(self.ntk[pair])]
        if self.rng.random() < 0.3:
            refs.append(self.tlp("green", "amber", "red"))
        return refs

    def marking(self, codes, cls, owner):
        """A releasability marking of this part's own (stored in round 0)."""
        md = {"type": "marking-definition", "spec_version": "2.1",
              "id": self.sc.uid_api("marking-definition"), "created": ts(1500),
              "created_by_ref": self.sc.identities[owner],
              "name": f"{cls} REL TO {' '.join(codes)} (records)",
              "extensions": {REL_EXT: {"extension_type": "property-extension",
                                       "classification": cls, "releasable_to": codes}}}
        self.out.append((md, self.sc._api_homes(), 0))
        return md["id"]

    # -- versions --------------------------------------------------------------------

    def base(self, kind, owner, created_ms):
        o = {"type": kind, "spec_version": "2.1", "id": self.sc.uid_api(kind),
             "created": ts(created_ms), "modified": ts(created_ms),
             "created_by_ref": self.sc.identities[owner]}
        if kind.startswith("cx-"):
            o["extensions"] = {record_extension(kind): {"extension_type": "new-sdo"}}
        return o

    def emit(self, versions, homes, rounds):
        """versions with their round each (an int for all)."""
        if isinstance(rounds, int):
            rounds = [rounds] * len(versions)
        for v, r in zip(versions, rounds):
            self.out.append((v, list(homes), r))

    def later(self, o, t_ms, marks=None, **changes):
        v = dict(o, modified=ts(t_ms), **changes)
        if marks is not None:
            v["object_marking_refs"] = marks
        return {k: x for k, x in v.items() if x is not None}

    # -- security assistance --------------------------------------------------------

    def sa_case(self, n, chain=None, past=None):
        rng = self.rng
        purchaser = rng.choice(HOSTS * 3 + self.codes)
        chain = chain or rng.choice(SA_CHAINS)
        t = rng.randrange(10 * DAY, 250 * DAY)
        o = self.base("cx-security-assistance-case", rng.choice(self.codes), t)
        lines = [{"description": f"Item {k}", "quantity": rng.randint(1, 50),
                  "unit_cost": rng.randint(10, 5000)} for k in range(rng.randint(1, 3))]
        o.update(case_id=f"IQ-{rng.choice('BDP')}-{n:03d}", name=f"Case {n}",
                 programme=rng.choice(["fms", "fmf-grant", "fmf-loan", "other"]),
                 purchaser=purchaser, status=chain[0])
        if rng.random() < 0.5:
            o["total_value"] = rng.randint(1000, 900000)
        offered = chain[-1] == "loa-offered"
        if offered or rng.random() < 0.5:
            # Far from any day the test runs on (2026 to 2028): passed
            # offers count as near expiry too.
            if past is None:
                past = rng.random() < (0.7 if offered else 0.5)
            far = -rng.randint(30, 700) if past else 730 + rng.randint(0, 700)
            o["milestones"] = {"offer_expires": ts(far * DAY)}
        marks = self.releasing(purchaser)
        out = []
        for k, status in enumerate(chain):
            if k:
                t += rng.randint(1, 40) * DAY + rng.randrange(DAY)
            if rng.random() < 0.7 or not out:
                marks = self.releasing(purchaser)
            done = [dict(ln, delivered_quantity=rng.randint(0, ln["quantity"]))
                    if rng.random() < 0.8 else dict(ln) for ln in lines]
            out.append(self.later(o, t, marks, status=status, lines=done))
        if n % 6 == 5:
            out.append(self.later(out[-1], t + DAY, revoked=True))
        rounds = sorted(rng.randint(1, 3) for _ in out)
        self.emit(out, self.sc._api_homes(), rounds)

    # -- sites and incidents -----------------------------------------------------------

    def site(self, n):
        rng = self.rng
        o = self.base("cx-protected-site", rng.choice(self.codes), rng.randrange(DAY, 200 * DAY))
        o.update(name=f"Site {n}", kind=rng.choice(["base", "hq", "diplomatic-premises",
                                                     "logistics"]),
                 host_nation=rng.choice(HOSTS), control=rng.choice(["coalition", "joint", "host"]))
        omr, gran = self.sc._api_markings(o, self.markings)
        self.sc._apply(o, omr, gran, "name")
        self.emit([o], self.sc._api_homes(), rng.randint(1, 3))

    def incident(self, n):
        rng = self.rng
        ext_id = record_extension("cx-incident-report")
        occurred = rng.randrange(120 * DAY, 330 * DAY)
        o = self.base("incident", rng.choice(self.codes), occurred + rng.randrange(HOUR, DAY))
        if rng.random() < 0.15:
            o.pop("created_by_ref")
        o["name"] = f"Incident {n}"
        report = {"extension_type": "property-extension", "occurred": ts(occurred),
                  "kind": rng.choice(["idf", "uas", "ied", "other"]),
                  "counts": {"events": rng.randint(1, 5)}}
        out, t, prev = [], occurred + DAY, None
        for stage in rng.choice(STAGE_CHAINS):
            t += rng.randint(1, 48) * HOUR
            v = self.later(o, t, extensions={ext_id: dict(report, report_stage=stage)})
            if prev is None or rng.random() < 0.5:
                prev = self.sc._api_markings(v, self.markings)
            self.sc._apply(v, prev[0], prev[1], "name")
            out.append(v)
        if n % 6 == 5:
            out.append(self.later(out[-1], t + HOUR, revoked=True))
        self.emit(out, self.sc._api_homes(), sorted(rng.randint(1, 3) for _ in out))

    # -- movements ------------------------------------------------------------------------

    def movement(self, n):
        rng = self.rng
        requester = rng.choice(self.codes)
        host = rng.choice([h for h in HOSTS if h != requester])
        t = rng.randrange(10 * DAY, 250 * DAY)
        req = self.base("cx-movement-request", requester, t)
        req.update(convoy_name=f"Convoy {n}", host_nation=host, window_start=ts(t + 5 * DAY),
                   window_end=ts(t + 5 * DAY + 6 * HOUR), start_point="SP", release_point="RP",
                   vehicle_count=rng.randint(1, 30), status="submitted")
        if rng.random() < 0.5:
            req["route_points"] = ["CP1", "CP2"]
        req["object_marking_refs"] = self.need_to_know(requester, host)
        homes = self.sc._api_homes()
        self.emit([req], homes, 1)
        newest, revoked = self.decisions(req, requester, host, t)
        self.follow_up(req, requester, host, t, newest if not revoked else None, homes)

    def decisions(self, req, requester, host, t):
        """The host nation's decisions (round 2): (the newest one's value, whether
        any was revoked)."""
        rng = self.rng
        # A day apart, revisions within the day: no two end at the same time.
        hours = sorted(24 * d - 23 for d in rng.sample(range(1, 13), rng.choice([0, 1, 1, 2, 3])))
        newest, revoked = (0, None), False
        for h in hours:
            d = self.base("cx-movement-decision", host, t + h * HOUR)
            value = rng.choice(["approved", "approved", "rejected", "counter-proposed"])
            d.update(request_ref=req["id"], decision=value,
                     object_marking_refs=self.need_to_know(requester, host))
            d["movement_number" if value == "approved" else "conditions"] = f"M-{h}"
            vs, m = [d], t + h * HOUR
            if rng.random() < 0.2:
                m += rng.randint(1, 20) * HOUR
                value = rng.choice(["approved", "rejected"])
                vs.append(self.later(d, m, self.need_to_know(requester, host), decision=value,
                                     movement_number=f"M-{h}r"))
            if rng.random() < 0.1:
                m += HOUR
                vs.append(self.later(vs[-1], m, revoked=True))
                revoked = True
            newest = max(newest, (m, value))
            self.emit(vs, self.sc._api_homes(), 2)
        return newest[1], revoked

    def follow_up(self, req, requester, host, t, decided, homes):
        """What the requester does after the decisions (round 3)."""
        rng = self.rng
        t += 400 * HOUR
        vs = []
        if decided == "approved" and rng.random() < 0.7:
            vs.append(self.later(req, t, self.need_to_know(requester, host),
                                 status="in-progress"))
            if rng.random() < 0.6:
                end = rng.choice(["completed", "completed", "aborted"])
                gone = {k: None for k in POINTS} if end == "completed" else {}
                vs.append(self.later(vs[-1], t + DAY, status=end, **gone))
        elif decided is not None and rng.random() < 0.2:
            vs.append(self.later(req, t, status="cancelled"))
        elif rng.random() < 0.1:
            vs.append(self.later(req, t, revoked=True))
        self.emit(vs, homes, 3)

    # -- repatriation ---------------------------------------------------------------------

    def repatriation(self, n, home=None, final=None, open_share=0.5, marks=None):
        rng = self.rng
        home = home or rng.choices([h for h, _ in HOMES], [w for _, w in HOMES])[0]
        final = final or rng.choices([f for f, _ in FINALS], [w for _, w in FINALS])[0]
        owner = rng.choice(self.codes)
        t = rng.randrange(10 * DAY, 200 * DAY)
        o = self.base("cx-repatriation-case", owner, t)
        o.update(case_number=f"RC-2026-{n:04d}", origin_kind=rng.choice(["camp", "facility"]),
                 category=rng.choice(["displaced-family", "displaced-individual",
                                      "unaccompanied-minor", "former-detainee"]),
                 home_nation=home, household_size=rng.randint(1, 9))
        steps = PATH[:PATH.index(final) + 1] if final in PATH else PATH
        fixed, vs = marks, []
        marks = fixed or self.releasing(home, open_share)
        for status in steps[rng.randrange(len(steps)):]:
            t += rng.randint(1, 20) * DAY
            if rng.random() < 0.3 and not fixed:
                marks = self.releasing(home, open_share)
            vs.append(self.later(o, t, marks, status=status))
        homes = self.sc._api_homes()
        revoke = n % 10 == 7 and n < N_REPATRIATION
        if final in PATH:
            if revoke:
                vs.append(self.later(vs[-1], t + DAY, revoked=True))
            self.emit(vs, homes, sorted(rng.randint(1, 3) for _ in vs))
            return
        self.emit(vs, homes, 1)
        t += rng.randint(1, 10) * DAY
        d = self.base("cx-home-nation-decision", home, t)
        d.update(case_ref=vs[0]["id"], decision=AFTER[final][0], authority="Ministry",
                 object_marking_refs=self.releasing(owner))
        self.emit([d], self.sc._api_homes(), 2)
        after = []
        for status in AFTER[final]:
            t += rng.randint(1, 20) * DAY
            after.append(self.later(after[-1] if after else vs[-1], t, status=status))
        if revoke:
            after.append(self.later(after[-1], t + DAY, revoked=True))
        self.emit(after, homes, 3)


def generate(sc, markings):
    """[(object, [aliases], round)] of every record version and the
    need-to-know marking definitions they use."""
    g = RecordGen(sc, markings)
    for n in range(N_SA_CASES):
        # A few offers whose time has passed: near expiry for sure.
        g.sa_case(n, *(["lor-received", "loa-offered"], True) if n % 8 == 0 else ())
    for n in range(N_SITES):
        g.site(n)
    for n in range(N_INCIDENTS):
        g.incident(n)
    for n in range(N_MOVEMENTS):
        g.movement(n)
    for n in range(N_REPATRIATION):
        g.repatriation(n)
    # A row every principal reads (open markings) with one small cell, and
    # a case only the home nation and one other partner may read that makes
    # it two: secondary suppression for some principals and not for others.
    narrow = [g.marking([BLOCK_NATION, g.rng.choice(PARTNERS_BUT_BLOCK)], "U", BLOCK_NATION)]
    for k, final in enumerate(BLOCK):
        g.repatriation(N_REPATRIATION + k, BLOCK_NATION, final, open_share=1,
                       marks=narrow if k == len(BLOCK) - 1 else None)
    return g.out
