"""Help, version and bad usage of the `cx` command line."""
import re

import pytest

from conftest import (BOOTSTRAP_IDS, EXIT_USAGE, REPO, assert_cli_error, describe, export,
                      run_cx, write_bundle)

SUBCOMMANDS = ["init", "import", "export", "version", "serve", "audit"]


def test_top_level_help(tmp_path):
    p = run_cx("--help", cwd=tmp_path)
    assert p.returncode == 0, describe(p)
    out = p.stdout.decode()
    assert "usage" in out.lower(), out
    for sub in SUBCOMMANDS:
        assert sub in out, f"{sub} missing from cx --help:\n{out}"


@pytest.mark.parametrize("sub", SUBCOMMANDS)
def test_subcommand_help(tmp_path, sub):
    # No node anywhere: help must not need one.
    p = run_cx(sub, "--help", cwd=tmp_path)
    assert p.returncode == 0, describe(p)
    out = p.stdout.decode()
    assert "usage" in out.lower() and sub in out, out
    assert list(tmp_path.iterdir()) == [], "help created files"


@pytest.mark.parametrize("sub,option", [
    ("import", "--collection"), ("import", "--json"),
    ("export", "--type"), ("export", "--modified-after"), ("export", "--latest"),
    ("export", "--collection"), ("export", "-o"), ("export", "--as"), ("export", "--all"),
    ("audit", "show"), ("audit", "verify"), ("audit", "--action"), ("audit", "--actor"),
    ("audit", "--since"), ("audit", "--after"), ("audit", "--limit"),
    ("serve", "--listen"),
])
def test_help_lists_options(tmp_path, sub, option):
    out = run_cx(sub, "--help", cwd=tmp_path).stdout.decode()
    assert option in out, f"{option} not in cx {sub} --help:\n{out}"


def test_version(tmp_path):
    p = run_cx("version", cwd=tmp_path)
    assert p.returncode == 0, describe(p)
    first = p.stdout.decode().splitlines()[0]
    meson = (REPO / "meson.build").read_text()
    version = re.search(r"version\s*:\s*'([^']+)'", meson).group(1)
    assert first == f"cx {version}", first


@pytest.mark.parametrize("argv", [
    ["frobnicate"],
    ["imprt", "x.json"],
    ["--bogus", "version"],
    ["--node"],
    ["init", "--bogus"],
    ["init", "a", "b"],
    ["import", "--bogus", "x.json"],
    ["import"],
    ["import", "--collection"],
    ["export", "--all", "--bogus"],
    ["export", "--all", "--type"],
    ["export", "--all", "--modified-after"],
    ["export", "--all", "--modified-after", "yesterday"],
    ["export", "--all", "-o"],
    # Exactly one of --as USER and --all (doc/ACCESS.md).
    ["export"],
    ["export", "--type", "indicator"],
    ["export", "--all", "--as", "someone"],
    ["export", "--as"],
    ["audit", "frobnicate"],
    ["audit", "verify", "extra"],
    ["audit", "show", "extra"],
    ["audit", "show", "--bogus"],
    ["audit", "show", "--limit", "0"],
    ["audit", "show", "--limit", "x"],
    ["audit", "show", "--after", "-1"],
    ["audit", "show", "--since", "yesterday"],
    ["audit", "show", "--action"],
    ["version", "--bogus"],
    ["serve", "--bogus"],
    ["serve", "--listen"],
])
def test_bad_usage_is_exit_2(tmp_path, argv):
    # A node exists in the current folder, so that a usage error cannot hide
    # behind a missing node.
    assert run_cx("init", cwd=tmp_path).returncode == 0
    before = sorted(x.name for x in tmp_path.iterdir())
    p = run_cx(*argv, cwd=tmp_path, timeout=20)
    assert_cli_error(p, EXIT_USAGE)
    assert p.stdout == b"", describe(p)
    assert sorted(x.name for x in tmp_path.iterdir()) == before


@pytest.mark.parametrize("group", ["audit", "collection", "partner", "user", "token"])
def test_command_group_alone_is_a_one_line_usage_error(tmp_path, group):
    # A command group without its command: exit 2 and one line on stderr
    # that names the commands and where the help is; nothing on stdout.
    assert run_cx("init", cwd=tmp_path).returncode == 0
    p = run_cx(group, cwd=tmp_path)
    assert_cli_error(p, EXIT_USAGE)
    assert p.stdout == b"", describe(p)
    assert f"cx {group} --help".encode() in p.stderr, describe(p)


def test_usage_error_before_node_lookup(tmp_path):
    # With no node at all a bad option is still a usage error, not exit 3.
    assert_cli_error(run_cx("export", "--bogus", cwd=tmp_path), EXIT_USAGE)
    assert_cli_error(run_cx("export", cwd=tmp_path), EXIT_USAGE)
    assert_cli_error(run_cx("frobnicate", cwd=tmp_path), EXIT_USAGE)


def test_bad_usage_does_not_import(tmp_path, small_bundle):
    assert run_cx("init", cwd=tmp_path).returncode == 0
    f = write_bundle(tmp_path / "in.json", small_bundle["objects"])
    assert_cli_error(run_cx("import", "--bogus", f, cwd=tmp_path), EXIT_USAGE)
    _, _, objs = export(tmp_path, "--all")
    assert [o["id"] for o in objs] == list(BOOTSTRAP_IDS)
