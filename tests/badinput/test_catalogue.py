"""Every class of the bad input catalogue (catalogue.py, cli_catalogue.py)
against one running node: each case gets its expected answer and changes
nothing in the store but what the node documents (the audit entries of
refusals). The slow clients run on a node of their own (test_slow.py)."""
import pytest

from .catalogue import CATALOGUE
from .harness import run_class
from .cli_catalogue import CLI_CATALOGUE
from .slow_catalogue import SLOW_CATALOGUE

ALL = CATALOGUE + CLI_CATALOGUE + SLOW_CATALOGUE


def params(classes):
    """One test per class; a class the node still fails is a strict xfail
    naming why."""
    return [pytest.param(c, id=c.name, marks=[pytest.mark.xfail(strict=True, reason=c.xfail)]
                         if c.xfail else []) for c in classes]


def test_catalogue_has_fifty_distinct_classes():
    names = [c.name for c in ALL]
    assert len(names) == len(set(names)), "class names must be distinct"
    assert len(set(names)) >= 50, f"only {len(set(names))} classes"
    for c in ALL:
        assert c.cases, f"{c.name} has no case"


def test_catalogue_reaches_every_interface():
    reached = {i for c in ALL for i in c.interfaces}
    assert {"taxii", "api", "ui", "cli", "http"} <= reached, reached


@pytest.mark.parametrize("bad", params(CATALOGUE))
def test_bad_request(bnode, bad):
    run_class(bnode, bad)


@pytest.mark.parametrize("bad", params(CLI_CATALOGUE))
def test_bad_cli_input(bnode, bad):
    run_class(bnode, bad)
