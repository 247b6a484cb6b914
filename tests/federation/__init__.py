"""Federation tests: three real nodes pulling from each other (a package, so
that its conftest does not shadow the others when several folders run)."""
