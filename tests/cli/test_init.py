"""`cx init` and how every other subcommand finds its node."""
import json
import os

from conftest import (BOOTSTRAP_IDS, EXIT_FAIL, EXIT_NODE, assert_cli_error, describe, export,
                      run_cx, write_bundle)

SQLITE_MAGIC = b"SQLite format 3\x00"


def assert_is_node(d):
    assert (d / "cx.ini").is_file(), sorted(os.listdir(d))
    db = d / "cx.db"
    assert db.is_file(), sorted(os.listdir(d))
    with open(db, "rb") as f:
        assert f.read(16) == SQLITE_MAGIC


def test_init_creates_missing_folder(tmp_path):
    d = tmp_path / "a" / "b" / "node"
    p = run_cx("init", d, cwd=tmp_path)
    assert p.returncode == 0, describe(p)
    assert_is_node(d)


def test_init_existing_empty_folder(tmp_path):
    d = tmp_path / "empty"
    d.mkdir()
    p = run_cx("init", d, cwd=tmp_path)
    assert p.returncode == 0, describe(p)
    assert_is_node(d)


def test_init_defaults_to_current_folder(tmp_path):
    d = tmp_path / "here"
    d.mkdir()
    p = run_cx("init", cwd=d)
    assert p.returncode == 0, describe(p)
    assert_is_node(d)
    assert sorted(x.name for x in tmp_path.iterdir()) == ["here"]


def test_init_twice_fails_and_keeps_the_node(tmp_path, small_bundle):
    d = tmp_path / "node"
    assert run_cx("init", d).returncode == 0
    f = write_bundle(tmp_path / "in.json", small_bundle["objects"])
    assert run_cx("import", f, node=d).returncode == 0
    ini = (d / "cx.ini").read_bytes()

    p = run_cx("init", d)
    assert p.returncode == EXIT_FAIL, describe(p)
    assert p.stderr.strip(), "no error message"
    # The second init must not have reset the existing node.
    assert (d / "cx.ini").read_bytes() == ini
    _, _, objs = export(d, "--all")
    assert [o["id"] for o in objs] == \
        list(BOOTSTRAP_IDS) + [o["id"] for o in small_bundle["objects"]]


def test_init_twice_in_current_folder_fails(tmp_path):
    assert run_cx("init", cwd=tmp_path).returncode == 0
    p = run_cx("init", cwd=tmp_path)
    assert p.returncode == EXIT_FAIL, describe(p)
    assert p.stderr.strip()


def _two_nodes(tmp_path, small_bundle):
    """Node a holds the small bundle, node b is empty."""
    a, b = tmp_path / "a", tmp_path / "b"
    for d in (a, b):
        assert run_cx("init", d).returncode == 0
    f = write_bundle(tmp_path / "in.json", small_bundle["objects"])
    p = run_cx("import", f, node=a)
    assert p.returncode == 0, describe(p)
    return a, b, len(small_bundle["objects"])


def _count(p):
    """The number of objects an `export --all` holds beyond those of a new
    node (which come first)."""
    assert p.returncode == 0, describe(p)
    ids = [o["id"] for o in json.loads(p.stdout)["objects"]]
    assert ids[:len(BOOTSTRAP_IDS)] == list(BOOTSTRAP_IDS), ids[:20]
    return len(ids) - len(BOOTSTRAP_IDS)


def test_node_found_by_option(tmp_path, small_bundle):
    a, b, n = _two_nodes(tmp_path, small_bundle)
    assert _count(run_cx("export", "--all", node=a, cwd=tmp_path)) == n
    assert _count(run_cx("export", "--all", node=b, cwd=tmp_path)) == 0


def test_node_found_by_environment(tmp_path, small_bundle):
    a, b, n = _two_nodes(tmp_path, small_bundle)
    assert _count(run_cx("export", "--all", cwd=tmp_path, env={"CX_NODE": str(a)})) == n
    assert _count(run_cx("export", "--all", cwd=tmp_path, env={"CX_NODE": str(b)})) == 0


def test_node_found_in_current_folder(tmp_path, small_bundle):
    a, b, n = _two_nodes(tmp_path, small_bundle)
    assert _count(run_cx("export", "--all", cwd=a)) == n
    assert _count(run_cx("export", "--all", cwd=b)) == 0


def test_node_option_wins_over_environment_and_folder(tmp_path, small_bundle):
    a, b, n = _two_nodes(tmp_path, small_bundle)
    assert _count(run_cx("export", "--all", node=a, cwd=b, env={"CX_NODE": str(b)})) == n


def test_node_environment_wins_over_folder(tmp_path, small_bundle):
    a, b, n = _two_nodes(tmp_path, small_bundle)
    assert _count(run_cx("export", "--all", cwd=b, env={"CX_NODE": str(a)})) == n


def test_node_relative_option(tmp_path, small_bundle):
    a, b, n = _two_nodes(tmp_path, small_bundle)
    assert _count(run_cx("--node", "a", "export", "--all", cwd=tmp_path)) == n


def test_no_node_in_current_folder_is_exit_3(tmp_path, small_bundle):
    empty = tmp_path / "empty"
    empty.mkdir()
    f = write_bundle(tmp_path / "in.json", small_bundle["objects"])
    assert_cli_error(run_cx("export", "--all", cwd=empty), EXIT_NODE)
    assert_cli_error(run_cx("import", f, cwd=empty), EXIT_NODE)
    # Nothing was created where there was no node.
    assert list(empty.iterdir()) == []


def test_node_option_to_missing_folder_is_exit_3(tmp_path, small_bundle):
    missing = tmp_path / "missing"
    f = write_bundle(tmp_path / "in.json", small_bundle["objects"])
    assert_cli_error(run_cx("export", "--all", node=missing, cwd=tmp_path), EXIT_NODE)
    assert_cli_error(run_cx("import", f, node=missing, cwd=tmp_path), EXIT_NODE)
    assert not missing.exists()


def test_node_option_to_folder_without_node_is_exit_3(tmp_path):
    d = tmp_path / "plain"
    d.mkdir()
    (d / "unrelated.txt").write_text("not a node\n")
    assert_cli_error(run_cx("export", "--all", node=d, cwd=tmp_path), EXIT_NODE)
    assert sorted(x.name for x in d.iterdir()) == ["unrelated.txt"]


def test_environment_to_folder_without_node_is_exit_3(tmp_path):
    d = tmp_path / "plain"
    d.mkdir()
    assert_cli_error(run_cx("export", "--all", cwd=tmp_path, env={"CX_NODE": str(d)}), EXIT_NODE)


def test_environment_does_not_fall_back_to_folder(tmp_path, small_bundle):
    # CX_NODE names a folder without a node while the current folder is one:
    # the explicit choice must fail rather than silently use another node.
    a, b, n = _two_nodes(tmp_path, small_bundle)
    plain = tmp_path / "plain"
    plain.mkdir()
    assert_cli_error(run_cx("export", "--all", cwd=a, env={"CX_NODE": str(plain)}), EXIT_NODE)
