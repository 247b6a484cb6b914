"""TAXII 2.1 conformance tests of the cx node (a package, so that its
conftest does not shadow the one of tests/cli when both folders run)."""
