"""The audit trail (doc/ACCESS.md, "Audit"): `cx audit show` and `cx audit
verify`.

One node goes through a series of operator actions; its chain must verify.
Then COPIES of its folder are edited with the sqlite3 command-line tool the
way someone with access to the store file could: an entry's text altered,
an entry removed from the middle, the newest entries removed, an entry
inserted, two entries swapped. `cx audit verify` must report each, naming
the first entry that no longer holds (exit 1), and leave the untouched node
intact.
"""
import datetime
import hashlib
import json
import re
import shutil
import subprocess

import pytest

from conftest import (BOOTSTRAP_IDS, DATA, EXIT_FAIL, EXIT_OK, describe, export, jcs, run_cx,
                      ts_us)

# What the series of actions below records, in order.
ACTIONS = ["init", "partner.add", "partner.add", "user.add", "user.add", "token.create",
           "collection.add", "collection.allow", "import", "export", "export",
           "user.disable", "user.enable", "token.create", "token.disable",
           "collection.allow"]
N = len(ACTIONS)
VERIFY_BROKEN = re.compile(rb"^audit chain broken at entry (\d+): (.+)\n\Z")


def cx_ok(node, *args, input=None):
    p = run_cx(*args, node=node, input=input)
    assert p.returncode == 0, describe(p)
    return p


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    """A node after a series of audited actions; never changed by a test."""
    d = tmp_path_factory.mktemp("audit") / "node"
    p = run_cx("init", d)
    assert p.returncode == 0, describe(p)
    cx_ok(d, "partner", "add", "USA", "--name", "United States")
    cx_ok(d, "partner", "add", "IRQ", "--name", "Iraq")
    cx_ok(d, "user", "add", "alice", "--partner", "USA", "--role", "contributor",
          "--clearance", "S", "--password-stdin", input="alice-password\n")
    cx_ok(d, "user", "add", "bob", "--partner", "IRQ", "--role", "reader",
          "--password-stdin", input="bob-password\n")
    cx_ok(d, "token", "create", "alice", "--expires-days", "3")
    cx_ok(d, "collection", "add", "--alias", "box", "--title", "Box")
    cx_ok(d, "collection", "allow", "box", "--partner", "*", "--read")
    cx_ok(d, "import", "--collection", "box", DATA / "indicators-small.json")
    export(d, "--all")
    export(d, "--as", "bob")
    cx_ok(d, "user", "disable", "bob")
    cx_ok(d, "user", "enable", "bob")
    second = cx_ok(d, "token", "create", "bob", "--expires-days", "1").stdout.decode().strip()
    tid = next(ln.split()[0] for ln in cx_ok(d, "token", "list", "bob").stdout.decode()
               .splitlines() if ln.split()[0] in second)
    cx_ok(d, "token", "disable", tid)
    cx_ok(d, "collection", "allow", "box", "--partner", "IRQ", "--none")
    return d


def show(node, *filters):
    p = cx_ok(node, "audit", "show", *filters)
    text = p.stdout.decode("utf-8")
    return [json.loads(ln) for ln in text.splitlines()], text.splitlines()


def verify(node):
    return run_cx("audit", "verify", node=node)


def assert_intact(node, count):
    p = verify(node)
    assert p.returncode == EXIT_OK, describe(p)
    assert p.stdout == f"audit chain intact: {count} entries\n".encode(), describe(p)


def assert_broken_at(node, seq, why=None):
    p = verify(node)
    assert p.returncode == EXIT_FAIL, describe(p)
    m = VERIFY_BROKEN.match(p.stdout)
    assert m, f"not a broken-chain report: {describe(p)}"
    assert int(m.group(1)) == seq, f"reported entry {m.group(1)}, expected {seq}: {describe(p)}"
    if why:
        assert re.search(why, m.group(2).decode()), describe(p)


def sql(node, *statements):
    p = subprocess.run(["sqlite3", str(node / "cx.db")] + list(statements),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
    assert p.returncode == 0 and not p.stderr, (p.returncode, p.stderr, statements)
    return p.stdout.decode("utf-8")


def rows(node):
    """seq -> (json, prev_hash, hash) of the audit table."""
    out = {}
    text = sql(node, "-json", "SELECT seq, json, prev_hash, hash FROM audit ORDER BY seq")
    for r in json.loads(text or "[]"):
        out[r["seq"]] = (r["json"], r["prev_hash"], r["hash"])
    return out


def chain_hash(prev, text):
    return hashlib.sha256((prev + "\n" + text).encode("utf-8")).hexdigest()


def quote(s):
    return "'" + s.replace("'", "''") + "'"


@pytest.fixture
def copy(audited, tmp_path):
    d = tmp_path / "copy"
    shutil.copytree(audited, d)
    return d


# --- an untouched chain ------------------------------------------------------------

def test_untouched_chain_is_intact(audited):
    assert_intact(audited, N)


def test_show_prints_every_entry_in_canonical_form(audited):
    entries, lines = show(audited)
    assert [e["action"] for e in entries] == ACTIONS
    assert [e["seq"] for e in entries] == list(range(1, N + 1))
    for e, line in zip(entries, lines):
        assert jcs(e) == line, f"not canonical JSON: {line}"
        assert e["actor"] == "operator" and e["partner"] == "", e
    ts = [ts_us(e["ts"]) for e in entries]
    assert ts == sorted(ts)
    # What the init entry names: the objects every node starts with.
    n = len(BOOTSTRAP_IDS)
    assert entries[0]["detail"]["stored"] == n and len(entries[0]["objects"]) == n


def test_chain_is_sha256_over_previous_hash_and_entry(audited):
    """Each entry's hash is SHA-256 over the previous entry's hash and the
    entry's canonical JSON, exactly the text `audit show` prints."""
    _, lines = show(audited)
    r = rows(audited)
    prev = "0" * 64
    for seq, line in enumerate(lines, start=1):
        text, prev_hash, h = r[seq]
        assert text == line
        assert prev_hash == prev, seq
        assert h == chain_hash(prev, text), seq
        prev = h


def test_exports_are_audited(audited):
    entries, _ = show(audited, "--action", "export")
    assert [(e["detail"]["all"], e["detail"]["as"]) for e in entries] == \
        [(True, None), (False, "bob")]
    boot_and_partners = len(BOOTSTRAP_IDS) + 2
    assert [e["detail"]["objects"] for e in entries] == [boot_and_partners + 10,
                                                          boot_and_partners]


def test_import_entry_names_what_was_stored(audited):
    (e,), _ = show(audited, "--action", "import")
    small = json.loads((DATA / "indicators-small.json").read_text())["objects"]
    assert e["objects"] == [{"id": o["id"], "version": o["modified"]} for o in small]
    assert (e["detail"]["stored"], e["detail"]["duplicate"], e["detail"]["rejected"]) == \
        (10, 0, 0)


def test_failed_actions_record_nothing(copy):
    assert run_cx("user", "add", "alice", "--partner", "USA", "--role", "reader",
                  "--no-password", node=copy).returncode == EXIT_FAIL
    assert run_cx("export", "--as", "nobody", node=copy).returncode == EXIT_FAIL
    assert_intact(copy, N)
    p = run_cx("user", "add", "carol", "--partner", "USA", "--role", "reader",
               "--no-password", node=copy)
    assert p.returncode == 0, describe(p)
    assert_intact(copy, N + 1)
    assert show(copy)[0][-1]["action"] == "user.add"


# --- show's filters ------------------------------------------------------------------

def test_show_filters(audited):
    everything, _ = show(audited)
    seqs = lambda entries: [e["seq"] for e in entries]  # noqa: E731
    assert seqs(show(audited, "--action", "export")[0]) == \
        [i + 1 for i, a in enumerate(ACTIONS) if a == "export"]
    assert seqs(show(audited, "--action", "collection.allow")[0]) == \
        [i + 1 for i, a in enumerate(ACTIONS) if a == "collection.allow"]
    assert show(audited, "--action", "no-such-action")[0] == []
    assert show(audited, "--actor", "operator")[0] == everything
    assert show(audited, "--actor", "alice")[0] == []
    assert seqs(show(audited, "--after", "13")[0]) == list(range(14, N + 1))
    assert show(audited, "--after", str(N))[0] == []
    assert seqs(show(audited, "--limit", "3")[0]) == [1, 2, 3]
    assert seqs(show(audited, "--after", "5", "--limit", "2")[0]) == [6, 7]
    assert seqs(show(audited, "--action", "collection.allow", "--after", "8")[0]) == [N]
    assert seqs(show(audited, "--action", "user.add", "--limit", "1")[0]) == [4]
    # --since: entries at or after a time; one between two entries splits them.
    t9, t10 = ts_us(everything[8]["ts"]), ts_us(everything[9]["ts"])
    assert t10 - t9 >= 2, "entries 9 and 10 too close in time to split"
    mid = t9 + 1
    day = datetime.datetime.fromtimestamp(mid // 1000000, datetime.timezone.utc)
    since = day.strftime("%Y-%m-%dT%H:%M:%S") + ".%06dZ" % (mid % 1000000)
    assert seqs(show(audited, "--since", since)[0]) == list(range(10, N + 1))
    assert seqs(show(audited, "--since", since, "--action", "user.enable")[0]) == [13]
    assert show(audited, "--since", "2999-01-01T00:00:00Z")[0] == []
    assert show(audited, "--since", "2000-01-01T00:00:00Z")[0] == everything


# --- tampering, on copies ---------------------------------------------------------------

def test_altered_entry(copy):
    text = rows(copy)[5][0]
    assert '"user":"bob"' in text
    sql(copy, "UPDATE audit SET json = replace(json, '\"user\":\"bob\"', '\"user\":\"eve\"') "
              "WHERE seq = 5")
    assert_broken_at(copy, 5, "altered")


def test_altered_entry_rehashed(copy):
    # Entry 5 altered and its own hash recomputed: it is consistent in
    # itself, so the first entry that no longer follows is 6.
    text, prev, _ = rows(copy)[5]
    forged = text.replace('"user":"bob"', '"user":"eve"')
    sql(copy, f"UPDATE audit SET json = {quote(forged)}, hash = "
              f"{quote(chain_hash(prev, forged))} WHERE seq = 5")
    assert_broken_at(copy, 6)


def test_altered_columns_of_an_entry(copy):
    """The actor and action columns are what `audit show` filters on: an
    entry whose columns no longer say what its hashed text says is altered
    too (else `--actor`/`--action` can be made to hide it)."""
    assert [e["seq"] for e in show(copy, "--action", "user.disable")[0]] == [12]
    sql(copy, "UPDATE audit SET action = 'user.enable', actor = 'someone' WHERE seq = 12")
    # The entry's text still says user.disable by the operator ...
    assert show(copy)[0][11]["action"] == "user.disable"
    # ... but the filters no longer find it: this must not verify.
    assert show(copy, "--action", "user.disable")[0] == []
    assert_broken_at(copy, 12)


def test_entry_removed_from_the_middle(copy):
    sql(copy, "DELETE FROM audit WHERE seq = 9")
    assert_broken_at(copy, 9, "missing")


def test_first_entry_removed(copy):
    sql(copy, "DELETE FROM audit WHERE seq = 1")
    assert_broken_at(copy, 1)


@pytest.mark.parametrize("removed", [1, 3])
def test_newest_entries_removed(copy, removed):
    sql(copy, f"DELETE FROM audit WHERE seq > {N - removed}")
    assert_broken_at(copy, N - removed + 1, "missing")


def _shift_from(node, seq):
    """Make room for an entry at seq: every entry from seq on moves up by
    one (through negative numbers, so that no two rows share a seq)."""
    sql(node, f"UPDATE audit SET seq = -(seq + 1) WHERE seq >= {seq}",
        "UPDATE audit SET seq = -seq WHERE seq < 0")


def _forged_text(seq):
    return ('{"action":"user.add","actor":"operator","detail":{"user":"mallory"},'
            f'"partner":"","seq":{seq},"ts":"2026-01-01T00:00:00.000000Z"}}')


def test_forged_entry_inserted(copy):
    _shift_from(copy, 6)
    text = _forged_text(6)
    sql(copy, f"INSERT INTO audit VALUES (6, 0, 'operator', 'user.add', {quote(text)}, "
              f"{quote('0' * 64)}, {quote('f' * 64)})")
    assert_broken_at(copy, 6)


def test_forged_entry_inserted_with_a_valid_hash(copy):
    """Inserted after entry 5 by someone who knows how the chain is made:
    the forged entry is consistent with entry 5, so the first entry that no
    longer follows is the one it displaced, now at 7."""
    prev = rows(copy)[5][2]
    _shift_from(copy, 6)
    text = _forged_text(6)
    sql(copy, f"INSERT INTO audit VALUES (6, 0, 'operator', 'user.add', {quote(text)}, "
              f"{quote(prev)}, {quote(chain_hash(prev, text))})")
    assert_broken_at(copy, 7, "inserted or reordered")


def test_forged_entry_appended(copy):
    """An entry added after the newest one, chained to it, without the
    chain's recorded head: that entry, N + 1, is the first bad one."""
    prev = rows(copy)[N][2]
    text = _forged_text(N + 1)
    sql(copy, f"INSERT INTO audit VALUES ({N + 1}, 0, 'operator', 'user.add', "
              f"{quote(text)}, {quote(prev)}, {quote(chain_hash(prev, text))})")
    assert_broken_at(copy, N + 1)


@pytest.mark.parametrize("a,b", [(4, 7), (10, 11), (1, N)])
def test_two_entries_swapped(copy, a, b):
    sql(copy, f"UPDATE audit SET seq = -1 WHERE seq = {a}",
        f"UPDATE audit SET seq = {a} WHERE seq = {b}",
        f"UPDATE audit SET seq = {b} WHERE seq = -1")
    assert_broken_at(copy, a)


def test_tampered_copy_leaves_the_original_intact(audited, copy):
    sql(copy, "DELETE FROM audit WHERE seq = 2")
    assert_broken_at(copy, 2)
    assert_intact(audited, N)
