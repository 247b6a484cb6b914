"""Counting comparisons and describing differences.

Every individual comparison of the leak test (one version's presence in one
answer, one header, one status, one flag) goes through Checks.eq, which
counts it and, on a difference, keeps a reproduction: the principal, the
request (with a curl line), the object, the version, the labels of each of
its versions, what the model expected and what the node answered. The
first reproductions of each kind are printed in full; the rest are counted
by kind.
"""
import collections
import threading

SHOW_PER_KIND = 2          # reproductions kept per kind of difference
SHOW_PER_CATEGORY = 12


class Checks:
    def __init__(self, seed):
        self.seed = seed
        self.lock = threading.Lock()
        self.count = collections.Counter()        # category -> comparisons
        self.diffs = collections.Counter()        # (category, kind) -> differences
        self.repros = collections.defaultdict(list)
        self.notes = []

    def eq(self, category, got, want, kind="", repro=None):
        """Count one comparison; on a difference keep a reproduction.
        repro is a callable (only called on a difference) returning text."""
        ok = got == want
        with self.lock:
            self.count[category] += 1
            if ok:
                return True
            self.diffs[(category, kind)] += 1
            keep = (self.diffs[(category, kind)] <= SHOW_PER_KIND
                    and len(self.repros[category]) < SHOW_PER_CATEGORY)
        if keep:
            text = repro() if callable(repro) else (repro or "")
            with self.lock:
                self.repros[category].append(
                    f"[{category}] {kind}: expected {short(want)}, got {short(got)}\n{text}")
        return False

    def add(self, category, n):
        """Count n comparisons made in bulk and all equal."""
        with self.lock:
            self.count[category] += n

    def note(self, text):
        with self.lock:
            if text not in self.notes:
                self.notes.append(text)

    def total(self, categories=None):
        return sum(v for k, v in self.count.items() if categories is None or k in categories)

    def ndiffs(self, categories=None):
        return sum(v for (c, _), v in self.diffs.items()
                   if categories is None or c in categories)

    def report(self, categories=None):
        """The text a failing test shows: counts of differences by kind and
        the first reproductions of each category."""
        cats = sorted({c for c, _ in self.diffs} if categories is None else
                      [c for c in categories if any(d == c for d, _ in self.diffs)])
        lines = [f"leak test seed {self.seed} (rerun: CX_LEAK_SEED={self.seed}): "
                 f"{self.ndiffs(categories)} differences in {self.total(categories)} checks"]
        for c in cats:
            for (cc, kind), n in sorted(self.diffs.items()):
                if cc == c:
                    lines.append(f"  {c}: {n} x {kind}")
        for c in cats:
            for r in self.repros[c]:
                lines.append("")
                lines.append(r)
        if self.notes:
            lines.append("")
            lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)


def short(v, n=300):
    s = repr(v)
    return s if len(s) <= n else s[:n] + f"... ({len(s)} chars)"
