"""The slow clients of the bad input catalogue (slow_catalogue.py), on a
node of their own whose connection timeout is short."""
import pytest

from .harness import run_class
from .conftest import running_node
from .slow_catalogue import SLOW_CATALOGUE, SLOW_TIMEOUT


@pytest.fixture(scope="module")
def bnode(tmp_path_factory):
    yield from running_node(tmp_path_factory.mktemp("badinput-slow"), SLOW_TIMEOUT)


@pytest.mark.parametrize("bad", SLOW_CATALOGUE, ids=lambda c: c.name)
def test_slow_client(bnode, bad):
    run_class(bnode, bad)
