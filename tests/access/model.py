"""The reference model of the access policy, written from doc/ACCESS.md and
doc/TAXII.md alone (never from the C code), against which the leak test
compares every answer of the node.

Its parts, each a transcription of one paragraph of ACCESS.md:

- labels(): the labels of one object version (owner, tlp, rel_to,
  classification), from created_by_ref, object_marking_refs and the
  marking_refs of granular_markings;
- admits(): whether one version's labels admit a principal (the user rule,
  and the stricter rule for `peer` principals);
- Model.readable(): a version is readable iff it and the newest stored
  version of its object admit the principal;
- grant_access(): a collection's (can_read, can_write) for a user, the union
  of the grants matching the user's partner (or *) and one of its roles (or *);
- Model.select(): the versions TAXII returns for last, first or all, chosen
  among the versions of the collection the principal may read;
- ApiView (doc/API.md): what the native API shows a principal: the objects
  whose newest stored version it may read, their readable versions, the
  relationships and references among them, summaries, banners and labels.
"""
import datetime
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

# The project's releasability property extension (ACCESS.md).
REL_EXT = "extension-definition--a7b3c2d1-6e5f-4a8b-9c0d-1e2f3a4b5c6d"
TLP_EXT = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"

TLP_ORDER = ["clear", "green", "amber", "amber+strict", "red"]
TLP_RANK = {t: i for i, t in enumerate(TLP_ORDER)}
CLEARANCES = "URCS"
CLASS_RANK = {c: i for i, c in enumerate(CLEARANCES)}
CLASS_WORD = {"U": "UNCLASSIFIED", "R": "RESTRICTED", "C": "CONFIDENTIAL", "S": "SECRET"}
EXEMPT_TYPES = ("marking-definition", "extension-definition")

# The version key of an object without created and modified (an SCO): it
# has one version, whatever timestamp TAXII shows for it.
SCO = "sco"


def tlp_markings(path):
    """The fixed TLP marking definitions: {id: tlp name}, TLP 1.0 mapped
    (white -> clear), and the objects themselves."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    ids, objs = {}, []
    for o in data["tlp1"]:
        t = o["definition"]["tlp"]
        ids[o["id"]] = "clear" if t == "white" else t
        objs.append(o)
    for o in data["tlp2"]:
        ids[o["id"]] = o["extensions"][TLP_EXT]["tlp_2_0"]
        objs.append(o)
    return ids, objs


_TS = re.compile(r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?Z$")


def ts_us(text):
    """Microseconds since the epoch of an RFC 3339 UTC timestamp (any
    fractional precision; digits past the microsecond are dropped)."""
    m = _TS.match(text)
    if not m:
        raise ValueError(f"not a STIX timestamp: {text!r}")
    y, mo, d, h, mi, s = (int(x) for x in m.groups()[:6])
    frac = (m.group(7) or "")[:6].ljust(6, "0")
    dt = datetime.datetime(y, mo, d, h, mi, s, tzinfo=datetime.timezone.utc)
    return int(dt.timestamp()) * 1_000_000 + int(frac)


def version_key(obj):
    """How the model names a version: modified, else created (in µs), else SCO."""
    ts = obj.get("modified") or obj.get("created")
    return ts_us(ts) if ts else SCO


@dataclass(frozen=True)
class Labels:
    owner: object            # partner code or None
    tlp: object              # one of TLP_ORDER or None
    rel_to: frozenset        # partner codes (unknown codes included)
    classification: object   # U R C S, or None when releasable to nobody
    rel_all: bool = False    # releasable to every partner of the node

    def banner(self, partners):
        """The banner of ACCESS.md, for reproductions: TLP, classification
        word, //REL TO with USA first and the others alphabetically."""
        codes = sorted(partners if self.rel_all else self.rel_to)
        if "USA" in codes:
            codes = ["USA"] + [c for c in codes if c != "USA"]
        tlp = f"TLP:{self.tlp.upper()} " if self.tlp else ""
        if not codes:
            return f"{tlp}NOT RELEASABLE (owner {self.owner or 'none'} only)"
        return f"{tlp}{CLASS_WORD[self.classification]}//REL TO {', '.join(codes)}"

    def describe(self, partners):
        rel = "ALL" if self.rel_all else ",".join(sorted(self.rel_to)) or "-"
        return (f"owner={self.owner or 'none'} tlp={self.tlp or 'none'} rel_to={rel} "
                f"class={self.classification or '-'} [{self.banner(partners)}]")


@dataclass
class Principal:
    name: str
    partner: str
    roles: tuple
    clearance: str
    token: str = ""

    @property
    def peer(self):
        # A user with the role `peer` is a peer principal ("a peer node
        # authenticates as a user of its partner with the role peer"); the
        # stricter rule applies even when it has other roles too.
        return "peer" in self.roles

    def describe(self):
        return (f"{self.name} (partner {self.partner}, roles {','.join(self.roles)}, "
                f"clearance {self.clearance}{', peer rule' if self.peer else ''})")


def labels(obj, partner_of_identity, tlp_ids, rel_markings):
    """The labels of one version (ACCESS.md, "Labels of an object version").

    partner_of_identity: {identity id: partner code}; tlp_ids: {marking id:
    tlp}; rel_markings: {marking id: (classification, frozenset of codes)}
    for every stored releasability marking definition."""
    owner = partner_of_identity.get(obj.get("created_by_ref"))
    omr = list(obj.get("object_marking_refs") or [])
    refs = omr + [g["marking_ref"] for g in obj.get("granular_markings") or []
                  if "marking_ref" in g]
    tlps = [tlp_ids[r] for r in refs if r in tlp_ids]
    tlp = max(tlps, key=TLP_RANK.__getitem__) if tlps else None
    rels = [rel_markings[r] for r in refs if r in rel_markings]
    if rels:
        # Several releasability markings: intersect the lists, take the
        # highest classification.
        rel_to = frozenset.intersection(*[codes for _, codes in rels])
        cls = max((c for c, _ in rels), key=CLASS_RANK.__getitem__)
        return Labels(owner, tlp, rel_to, cls)
    if obj["type"] in EXEMPT_TYPES and not omr:
        return Labels(owner, tlp, frozenset(), "U", rel_all=True)
    if tlp in ("clear", "green"):
        return Labels(owner, tlp, frozenset(), "U", rel_all=True)
    return Labels(owner, tlp, frozenset(), None)


def admits(lab, who, node_partner):
    """Whether one version's labels admit a principal (ACCESS.md, "Reading")."""
    p = who.partner
    if lab.owner is not None and lab.owner == p:
        return True
    if not (lab.rel_all or p in lab.rel_to):
        return False
    if CLASS_RANK[who.clearance] < CLASS_RANK[lab.classification]:
        return False
    if who.peer:
        if lab.tlp == "red":
            return False
        if lab.tlp == "amber+strict" and lab.owner != node_partner:
            return False
    return True


def grant_access(grants, who):
    """(can_read, can_write) of a principal on a collection whose grants are
    {(partner or '*', role or '*'): 'read' | 'write' | 'read-write'}."""
    r = w = False
    for (partner, role), acc in grants.items():
        if partner in ("*", who.partner) and (role == "*" or role in who.roles):
            r = r or acc in ("read", "read-write")
            w = w or acc in ("write", "read-write")
    return r, w


@dataclass
class Version:
    id: str
    key: object              # version_key()
    obj: dict
    labels: Labels


@dataclass
class Model:
    """Every stored version, its labels, the collections and their grants."""
    node_partner: str
    partners: dict                          # code -> identity id
    versions: dict = field(default_factory=dict)      # id -> {key: Version}
    members: dict = field(default_factory=dict)       # alias -> {id: set(keys)}
    grants: dict = field(default_factory=dict)        # alias -> {(p, role): acc}

    @classmethod
    def build(cls, node_partner, partners, stored, tlp_ids, members, grants):
        """stored: every stored object version (the operator's export)."""
        partner_of_identity = {ident: code for code, ident in partners.items()}
        rel = {}
        for o in stored:
            ext = (o.get("extensions") or {}).get(REL_EXT)
            if o["type"] == "marking-definition" and isinstance(ext, dict):
                rel[o["id"]] = (ext["classification"], frozenset(ext["releasable_to"]))
        m = cls(node_partner, dict(partners))
        m.label_maps = (partner_of_identity, dict(tlp_ids), rel)
        for o in stored:
            lab = labels(o, partner_of_identity, tlp_ids, rel)
            v = Version(o["id"], version_key(o), o, lab)
            m.versions.setdefault(o["id"], {})[v.key] = v
        m.members = {a: {i: set(ks) for i, ks in ids.items()} for a, ids in members.items()}
        m.grants = {a: dict(g) for a, g in grants.items()}
        m._newest = {i: vs[max(vs, key=_order)] for i, vs in m.versions.items()}
        return m

    def newest(self, oid):
        return self._newest[oid]

    def readable(self, who, oid, key):
        """ACCESS.md: V is readable iff V and the newest stored version of
        its object both admit the principal."""
        v = self.versions[oid][key]
        return (admits(v.labels, who, self.node_partner)
                and admits(self.newest(oid).labels, who, self.node_partner))

    def access(self, who, alias):
        return grant_access(self.grants[alias], who)

    def readable_in(self, who, alias):
        """{id: [keys readable in the collection, oldest first]}."""
        out = {}
        for oid, keys in self.members[alias].items():
            ks = sorted((k for k in keys if self.readable(who, oid, k)), key=_order)
            if ks:
                out[oid] = ks
        return out

    def select(self, who, alias, which):
        """The (id, key) pairs objects/ returns for match[version]=which
        (last, first or all): chosen among the readable versions of the
        collection, since the others do not exist for the principal."""
        out = []
        for oid, ks in self.readable_in(who, alias).items():
            if which == "all":
                out += [(oid, k) for k in ks]
            elif which == "last":
                out.append((oid, ks[-1]))
            else:
                out.append((oid, ks[0]))
        return out

    def all_readable(self, who):
        """Every (id, key) the principal may read on the node (cx export --as)."""
        return {(oid, k) for oid, vs in self.versions.items() for k in vs
                if self.readable(who, oid, k)}

    def explain(self, who, oid, alias=None):
        """Every stored version of an object with its labels and the model's
        decision for the principal: the core of a reproduction."""
        if oid not in self.versions:
            return f"  {oid}: not stored on the node"
        parts = sorted(self.partners)
        newest = self.newest(oid)
        lines = []
        for k in sorted(self.versions[oid], key=_order):
            v = self.versions[oid][k]
            where = ""
            if alias is not None:
                where = " in-collection" if k in self.members[alias].get(oid, ()) else \
                        " not-in-collection"
            lines.append(
                f"  version {fmt_key(k)}{' (newest)' if v is newest else ''}{where}: "
                f"{v.labels.describe(parts)}; admits={admits(v.labels, who, self.node_partner)}"
                f" readable={self.readable(who, oid, k)}"
                f"{' revoked' if v.obj.get('revoked') else ''}")
        return "\n".join(lines)


def _order(k):
    return -1 if k == SCO else k


def fmt_key(k):
    if k == SCO:
        return "(sco)"
    dt = datetime.datetime.fromtimestamp(k // 1_000_000, tz=datetime.timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S") + f".{k % 1_000_000:06d}Z"


# --- the native API (doc/API.md) -------------------------------------------------
#
# What /api/v1/ shows of the versions the egress gate lets through, written
# from API.md and RECORDS.md. Choices where the text leaves room (each one is
# named in the report of a difference):
#
# - the labels of a version released to nobody but its owner and carrying no
#   releasability marking have classification U (ACCESS.md gives them none;
#   API.md's labels always carry one);
# - "other *_ref / *_refs" of referenced_by are the object's top-level
#   properties named so, less the STIX common properties that name its
#   author and its markings (created_by_ref, object_marking_refs, and the
#   marking_ref of granular markings): they are not references to content;
# - filters and full-text search apply to the version listed (the newest
#   readable one); the generator keeps searchable text, owners and
#   references the same in every version of an object, so that no other
#   reading gives another answer.

RELATION_REFS = ("source_ref", "target_ref", "sighting_of_ref")
NOT_REFERENCES = ("created_by_ref", "object_marking_refs")


def api_tlp(lab):
    return f"TLP:{lab.tlp.upper()}" if lab.tlp else None


def api_classification(lab):
    return lab.classification or "U"


def api_codes(lab, partners):
    """The partners of this node a version is released to (unknown codes
    left out), USA first and the others alphabetically."""
    codes = sorted(partners if lab.rel_all else (c for c in lab.rel_to if c in partners))
    if "USA" in codes:
        codes = ["USA"] + [c for c in codes if c != "USA"]
    return codes


def api_banner(lab, partners):
    """API.md: the classification word and //REL TO the known partners,
    preceded by the TLP; no REL TO part for an object released to nobody
    but its owner."""
    tlp = f"{api_tlp(lab)} " if lab.tlp else ""
    word = CLASS_WORD[api_classification(lab)]
    codes = api_codes(lab, partners)
    return f"{tlp}{word}//REL TO {', '.join(codes)}" if codes else f"{tlp}{word}"


def api_releasable(lab, partners):
    """labels.releasable_to: "all", or the known codes (a set: the order
    is not specified). A releasability list naming every partner may be
    shown either way (the value returned is "all-or-list")."""
    if lab.rel_all:
        return "all"
    codes = frozenset(c for c in lab.rel_to if c in partners)
    return ("all-or-list", codes) if codes == frozenset(partners) else codes


def relation_refs(obj):
    """The ids a relationship or sighting links (source, target, sighting of)."""
    if obj["type"] not in ("relationship", "sighting"):
        return set()
    return {obj[k] for k in RELATION_REFS if isinstance(obj.get(k), str)}


def other_refs(obj):
    """The ids named by an object's other top-level *_ref / *_refs."""
    out = set()
    for k, v in obj.items():
        if k in NOT_REFERENCES or (obj["type"] in ("relationship", "sighting")
                                   and k in RELATION_REFS):
            continue
        if k.endswith("_ref") and isinstance(v, str):
            out.add(v)
        elif k.endswith("_refs") and isinstance(v, list):
            out.update(x for x in v if isinstance(x, str))
    return out


class ApiView:
    """What the native API shows one principal: every object whose newest
    stored version admits it (the newest readable version is then the newest
    stored one, ACCESS.md), the readable versions of each, and the
    relationships and references among those objects."""

    def __init__(self, model, who):
        self.model, self.who = model, who
        self.visible = {oid for oid in model.versions
                        if model.readable(who, oid, model.newest(oid).key)}
        if not hasattr(model, "ref_index"):
            # Who links or names whom, from each object's newest version
            # (the generator keeps references the same in every version).
            model.rel_index, model.ref_index = {}, {}
            for oid in model.versions:
                o = model.newest(oid).obj
                for t in relation_refs(o):
                    model.rel_index.setdefault(t, set()).add(oid)
                for t in other_refs(o):
                    model.ref_index.setdefault(t, set()).add(oid)

    def listed(self, oid):
        return self.model.newest(oid)

    def versions(self, oid):
        m = self.model
        return sorted((k for k in m.versions[oid] if m.readable(self.who, oid, k)), key=_order)

    def relationships(self, oid):
        return self.model.rel_index.get(oid, set()) & self.visible

    def referenced_by(self, oid):
        return self.model.ref_index.get(oid, set()) & self.visible


def text_of(obj):
    """The free text of a version the generator may put a search word in."""
    return " ".join(str(obj.get(k, "")) for k in
                    ("name", "description", "content", "statement", "abstract"))
