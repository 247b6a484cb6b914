"""The manual pages in man/ against the `cx` binary they describe: a page
per command and none for a command that does not exist, every option and
exit code each `--help` prints, the version of meson.build, the install
list, and rendering without a warning."""
import os
import re
import shutil
import subprocess

import pytest

from conftest import CX_BIN, REPO, describe, run_cx

MAN = REPO / "man"
LONG_OPTION = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")


# --- What the binary says -----------------------------------------------------

def help_text(*args, cwd):
    """`cx ARGS --help`: exit 0, and no file made where it ran."""
    p = run_cx(*args, "--help", cwd=cwd)
    assert p.returncode == 0, describe(p)
    assert list(cwd.iterdir()) == [], f"cx {' '.join(args)} --help created files"
    return p.stdout.decode("utf-8")


def top_help(tmp_path_factory):
    return help_text(cwd=tmp_path_factory.mktemp("help"))


def commands_of(top):
    """{command: summary} from the Commands: block of `cx --help`."""
    block = top.split("Commands:\n", 1)[1].split("\n\n", 1)[0]
    found = dict(re.findall(r"^  ([a-z]+) +(\S.*)$", block, re.M))
    assert found, top
    return found


def exit_codes(help_out):
    """The codes of the help's 'Exit codes:' paragraph: '0 done; 1 ...; 2 usage'."""
    if "Exit codes:" not in help_out:
        return set()
    para = help_out.split("Exit codes:", 1)[1].split("\n\n", 1)[0]
    items = " ".join(para.split()).split(";")
    codes = set()
    for item in items:
        m = re.match(r"\s*(\d+)\s", item + " ")
        assert m, f"cannot read the exit code in {item!r} of:\n{help_out}"
        codes.add(int(m.group(1)))
    return codes


def subcommand_argv(sub, help_out):
    """The argument lists that have a help of their own under `cx SUB`, read
    from the usage lines: `cx user add NAME ...` gives ["add"], `cx demo
    --federation DIR [...]` gives ["--federation", "DIR"]."""
    found = []
    for line in help_out.split("\n\n", 1)[0].splitlines():
        m = re.match(rf"^(?:usage: |\s+)cx {sub} (.*)$", line)
        if not m:
            continue
        tokens, argv = m.group(1).split(), []
        while tokens and re.fullmatch(r"[a-z][a-z-]*", tokens[0]):
            argv.append(tokens.pop(0))
        if not argv and len(tokens) > 1 and re.fullmatch(r"--[a-z][a-z-]*", tokens[0]) \
                and re.fullmatch(r"[A-Z][A-Z_]*", tokens[1]):
            argv = tokens[:2]
        if argv and argv not in found:
            found.append(argv)
    return found


@pytest.fixture(scope="module")
def cli(tmp_path_factory):
    """Everything the binary's help says: the commands and, per command,
    the help texts of the command and of its subcommands."""
    top = top_help(tmp_path_factory)
    helps = {}
    for sub in commands_of(top):
        texts = [help_text(sub, cwd=tmp_path_factory.mktemp("help"))]
        for argv in subcommand_argv(sub, texts[0]):
            texts.append(help_text(sub, *argv, cwd=tmp_path_factory.mktemp("help")))
        helps[sub] = texts
    return {"top": top, "commands": commands_of(top), "helps": helps}


def command_names():
    """The commands, for parametrising: read from the binary at collection."""
    assert CX_BIN.is_file(), f"no cx binary at {CX_BIN}: build it, or set CX_BIN"
    p = subprocess.run([str(CX_BIN), "--help"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=60)
    assert p.returncode == 0, describe(p)
    return sorted(commands_of(p.stdout.decode("utf-8")))


COMMANDS = command_names()


# --- What the pages say --------------------------------------------------------

def roff_text(src):
    """The page's source with the escapes a reader does not see undone, so
    that `\\-\\-listen` reads `--listen`."""
    lines = [ln for ln in src.splitlines() if not ln.startswith('.\\"')]
    text = "\n".join(lines)
    for esc, plain in (("\\-", "-"), ("\\(aq", "'"), ("\\(dq", '"'), ("\\(em", "\u2014"),
                       ("\\e", "\\"), ("\\&", ""), ("\\|", ""), ("\\ ", " ")):
        text = text.replace(esc, plain)
    return re.sub(r"\\f[BIRP]", "", text)


def sections(text):
    """{section name: body} of a page (after roff_text)."""
    parts = re.split(r'^\.SH +"?([^"\n]+?)"?$', text, flags=re.M)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}


def tags(body):
    """The tag line after each .TP of a section body."""
    return re.findall(r"^\.TP\n(.*)$", body, re.M)


def page(name):
    path = MAN / f"{name}.1"
    assert path.is_file(), f"no manual page {path.relative_to(REPO)}"
    return roff_text(path.read_text(encoding="utf-8"))


def has_option(text, option):
    return re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", text) is not None


def documented_exit_codes(text, name):
    body = sections(text).get("EXIT STATUS")
    assert body is not None, f"{name}.1 has no EXIT STATUS section"
    codes = [t.split()[1] for t in tags(body) if t.startswith(".B ")]
    assert codes and all(c.isdigit() for c in codes), f"{name}.1 EXIT STATUS tags: {codes}"
    return {int(c) for c in codes}


def source_options():
    """The long options the sources of the cx command accept."""
    found = set()
    for src in (REPO / "src" / "cli").glob("*.c"):
        text = src.read_text(encoding="utf-8")
        table = re.findall(r'\{"([a-z][a-z0-9-]*)", *(?:no|required|optional)_argument', text)
        found |= {"--" + o for o in table}
        found |= set(re.findall(r'"(--[a-z][a-z0-9-]*)"', text))
    return found


# --- (a) one page per command, and the list in cx(1) ------------------------------

def test_a_page_per_command_and_no_other(cli):
    pages = {p.name[len("cx-"):-len(".1")] for p in MAN.glob("cx-*.1")}
    commands = set(cli["commands"])
    assert commands - pages == set(), f"commands without a page: {sorted(commands - pages)}"
    assert pages - commands == set(), f"pages of no command: {sorted(pages - commands)}"


def test_cx1_lists_every_command_with_its_summary(cli):
    body = sections(page("cx"))["COMMANDS"]
    listed = {}
    for m in re.finditer(r"^\.TP\n\.BR cx-([a-z]+) \(1\)\n(.*)$", body, re.M):
        listed[m.group(1)] = m.group(2)
    assert listed == cli["commands"], (
        f"cx.1 COMMANDS differ from cx --help:\n{listed}\n{cli['commands']}")
    see_also = sections(page("cx"))["SEE ALSO"]
    for sub in cli["commands"]:
        assert f".BR cx-{sub} (1)" in see_also, f"cx-{sub}(1) not in SEE ALSO of cx.1"


@pytest.mark.parametrize("sub", COMMANDS)
def test_page_name_and_title(cli, sub):
    text = page(f"cx-{sub}")
    th = re.search(r"^\.TH (\S+) 1 ", text, re.M)
    assert th and th.group(1) == f"CX-{sub.upper()}", f"cx-{sub}.1 .TH: {th and th.group(0)}"
    name = sections(text)["NAME"].strip()
    assert name == f"cx-{sub} - {cli['commands'][sub]}", (
        f"NAME of cx-{sub}.1 is {name!r}; cx --help says {cli['commands'][sub]!r}")
    assert ".BR cx (1)" in sections(text)["SEE ALSO"], f"cx-{sub}.1 does not refer to cx(1)"


def test_install_list_is_every_page():
    listed = set(re.findall(r"'(cx[a-z-]*\.1)'", (MAN / "meson.build").read_text()))
    pages = {p.name for p in MAN.glob("*.1")}
    assert listed == pages, f"man/meson.build installs {sorted(listed)}, man/ has {sorted(pages)}"


def test_pages_carry_the_project_version():
    version = re.search(r"version\s*:\s*'([^']+)'", (REPO / "meson.build").read_text()).group(1)
    for path in sorted(MAN.glob("*.1")):
        th = re.search(r'^\.TH .*"cx ([^"]+)"', path.read_text(encoding="utf-8"), re.M)
        assert th and th.group(1) == version, (
            f"{path.name} says cx {th and th.group(1)}, meson.build {version}: update its .TH")


# --- (b) every option the helps print ---------------------------------------------

def test_cx1_documents_the_global_options(cli):
    opts = set(LONG_OPTION.findall(cli["top"]))
    assert {"--node", "--set", "--help"} <= opts, cli["top"]
    documented = " ".join(tags(sections(page("cx"))["OPTIONS"]))
    missing = sorted(o for o in opts if not has_option(documented, o))
    assert not missing, f"cx.1 OPTIONS lacks {missing}"


@pytest.mark.parametrize("sub", COMMANDS)
def test_page_documents_every_option_of_the_help(cli, sub):
    text = page(f"cx-{sub}")
    documented = " ".join(tags(sections(text).get("OPTIONS", "")))
    global_opts = set(LONG_OPTION.findall(cli["top"]))
    missing = []
    for help_out in cli["helps"][sub]:
        for option in sorted(set(LONG_OPTION.findall(help_out))):
            # A global option is documented in cx(1); the page need only name it.
            where = text if option in global_opts else documented
            if not has_option(where, option):
                missing.append(option)
    assert not missing, f"cx-{sub}.1 does not document {sorted(set(missing))}"


@pytest.mark.parametrize("name", ["cx"] + [f"cx-{s}" for s in COMMANDS])
def test_page_documents_no_option_cx_lacks(name):
    documented = set(LONG_OPTION.findall(" ".join(tags(sections(page(name)).get("OPTIONS", "")))))
    unknown = sorted(documented - source_options())
    assert not unknown, f"{name}.1 documents options src/cli does not accept: {unknown}"


# --- (c) the pages render without a warning ------------------------------------------

def render_env():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAN", "GROFF"))}
    env.update(MANWIDTH="80", LC_ALL="C.UTF-8")
    return env


@pytest.mark.parametrize("name", ["cx"] + [f"cx-{s}" for s in COMMANDS])
def test_page_renders_without_warnings(name):
    assert shutil.which("man") and shutil.which("groff"), \
        "man and groff are needed (Debian: man-db, groff-base; make deps)"
    path = MAN / f"{name}.1"
    p = subprocess.run(["man", "--warnings=all", "-E", "UTF-8", "-l", str(path)],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=render_env(),
                       timeout=60)
    assert p.returncode == 0 and p.stderr == b"", describe(p)
    out = p.stdout.decode("utf-8")
    for heading in ("NAME", "SYNOPSIS", "DESCRIPTION", "EXIT STATUS", "SEE ALSO"):
        assert re.search(rf"^{heading}$", out, re.M), f"{name}.1 renders no {heading}:\n{out}"
    # groff does not warn about a line of an example (.nf) that runs past
    # the terminal; a reader sees it cut or wrapped.
    wide = [line for line in out.splitlines() if len(line) > 80]
    assert not wide, f"{name}.1 has lines wider than 80 columns:\n" + "\n".join(wide)
    # groff itself, every warning category on.
    g = subprocess.run(["groff", "-man", "-ww", "-z", "-K", "utf8", "-T", "utf8", str(path)],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=render_env(),
                       timeout=60)
    assert g.returncode == 0 and g.stderr == b"", describe(g)


# --- (d) the exit codes --------------------------------------------------------------

def doc_exit_codes():
    table = (REPO / "doc" / "CLI.md").read_text(encoding="utf-8")
    return {int(c) for c in re.findall(r"^\| (\d+) \|", table, re.M)}


def test_cx1_exit_codes_are_the_documented_ones(cli):
    codes = exit_codes(cli["top"])
    assert codes == {0, 1, 2, 3, 4}, cli["top"]
    assert doc_exit_codes() == codes, "doc/CLI.md and cx --help differ on the exit codes"
    assert documented_exit_codes(page("cx"), "cx") == codes


@pytest.mark.parametrize("sub", COMMANDS)
def test_page_exit_codes_are_those_of_the_help(cli, sub):
    documented = documented_exit_codes(page(f"cx-{sub}"), f"cx-{sub}")
    said = set().union(*(exit_codes(h) for h in cli["helps"][sub]))
    if said:
        assert documented == said, (
            f"cx-{sub}.1 EXIT STATUS has {sorted(documented)}, cx {sub} --help {sorted(said)}")
    else:
        # A help that names no codes: the page uses the global ones, 0 among them.
        assert 0 in documented and documented <= exit_codes(cli["top"]), sorted(documented)


# --- The checks themselves -----------------------------------------------------------

def test_helpers_read_what_they_should():
    usage = ("usage: cx demo [DIR]\n       cx demo --federation DIR [--base-port P]\n\n"
             "Create.\n\nExit codes: 0 created; 1 DIR is\nalready a node; 2 usage; 3 no.\n")
    assert subcommand_argv("demo", usage) == [["--federation", "DIR"]]
    assert subcommand_argv("user", "usage: cx user add NAME --partner CODE\n"
                                    "       cx user list\n") == [["add"], ["list"]]
    assert subcommand_argv("collection", "usage: cx collection add --title TITLE\n") == [["add"]]
    assert subcommand_argv("import", "usage: cx import [--collection ID] FILE\n") == []
    assert exit_codes(usage) == {0, 1, 2, 3}
    text = roff_text('.TH X 1\n.SH "EXIT STATUS"\n.TP\n.B 0\nok\n.TP\n.B 4\nbad\n'
                     ".SH OPTIONS\n.TP\n.BR \\-\\-read\\-write\nboth\n")
    assert documented_exit_codes(text, "x") == {0, 4}
    assert tags(sections(text)["OPTIONS"]) == [".BR --read-write"]
    assert has_option("--read-write", "--read-write") and not has_option("--read-write", "--read")
