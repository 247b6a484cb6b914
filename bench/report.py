#!/usr/bin/python3
"""Draw the charts of bench/results/*.json into bench/results/*.png and
rewrite the figures of doc/PERFORMANCE.md between its marker comments.
`make bench` and `make soak` run it; it reads only the results files, so it
may be run again at any time (a missing results file leaves its part as it
was)."""
import json
import os
import re
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
RESULTS = os.path.join(HERE, "results")
DOC = os.path.join(HERE, "..", "doc", "PERFORMANCE.md")
DPI = 80


def load(name):
    path = os.path.join(RESULTS, f"{name}.json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def save(fig, name):
    fig.tight_layout()
    fig.savefig(os.path.join(RESULTS, name), dpi=DPI)
    plt.close(fig)
    print(f"wrote bench/results/{name}")


def machine_line(doc):
    m = doc["machine"]
    return (f"{m['date']}, rev {m['git_rev']}, {m['nproc']} cores"
            + (f" ({m['cpu']})" if m.get("cpu") else "") + f", Linux {m['kernel']}")


def num(x, digits=0):
    return f"{x:,.{digits}f}"


# Charts.

def chart_store_sizes(taxii):
    sizes = [p["objects"] for p in taxii["store_sizes"]]
    fig, ax = plt.subplots(figsize=(6.4, 4))
    for key, style, label in (("p50_ms", "o-", "cx p50"), ("p99_ms", "s--", "cx p99")):
        ax.plot(sizes, [p["c1"][key] for p in taxii["store_sizes"]], style, label=label)
    triv = taxii["trivial_page"]["c1"]
    ax.axhline(triv["p50_ms"], color="grey", linestyle=":",
               label="trivial responder p50 (same body size)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("objects in the collection")
    ax.set_ylabel("latency (ms, log)")
    ax.set_title(f"TAXII page of {taxii['page_limit']} objects, 1 connection")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    save(fig, "latency_vs_store.png")


def chart_concurrency(taxii):
    c = taxii["concurrency"]
    fig, ax = plt.subplots(figsize=(6.4, 4))
    for key, style, colour, label in (
            ("taxii_page", "o-", "C0", "cx: TAXII page of 100"),
            ("trivial_page", "o:", "C0", "trivial responder, same body size"),
            ("api_list", "s-", "C1", "cx: API list of 50"),
            ("trivial_api", "s:", "C1", "trivial responder, same body size")):
        ax.plot(c["levels"], [r["rps"] for r in c[key]], style, color=colour, label=label)
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xticks(c["levels"])
    ax.set_xticklabels([str(x) for x in c["levels"]])
    ax.set_xlabel("concurrent connections (wrk)")
    ax.set_ylabel("requests per second (log)")
    ax.set_title(f"Throughput against concurrency, {num(c['store_objects'])} objects")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize="small")
    save(fig, "throughput_vs_concurrency.png")


def chart_import_sync(imp, sync):
    labels, values, colours = [], [], []
    if imp:
        labels += ["raw SQLite\n(baseline)", "cx ingest", "cx import\n(command)"]
        values += [imp["baseline"]["objects_per_s"], imp["cx"]["objects_per_s"],
                   imp.get("cli", {}).get("objects_per_s", 0)]
        colours += ["grey", "C0", "C0"]
    if sync:
        labels += ["cx import\n(sync baseline)", "initial sync"]
        values += [sync["import"]["objects_per_s"], sync["initial_sync"]["objects_per_s"]]
        colours += ["grey", "C1"]
    fig, ax = plt.subplots(figsize=(6.4, 4))
    bars = ax.bar(labels, values, color=colours)
    ax.bar_label(bars, labels=[num(v) for v in values], fontsize="small")
    ax.set_ylabel("objects per second")
    ax.set_title("Import and sync throughput (grey: the same-run baseline)")
    ax.tick_params(axis="x", labelsize="small")
    save(fig, "import_sync.png")


def chart_soak(soak):
    s = soak["samples"]
    t = [x["t"] / 60 for x in s]
    kinds = sorted({k for x in s for k in x["rps"]})
    fig, ax = plt.subplots(figsize=(7.6, 4))
    for i, k in enumerate(kinds):
        ax.plot(t, [x["rps"].get(k, 0) for x in s], label=k, color=f"C{i}",
                linestyle="-" if i < 10 else "--")
    ax.plot(t, [x["errors"] / soak["interval"] for x in s], "k:", linewidth=2,
            label="errors")
    ax.set_ylim(bottom=0)
    ax.set_xlabel("minutes")
    ax.set_ylabel("requests per second")
    ax.set_title("Soak: throughput by kind of request")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize="small", loc="center left", bbox_to_anchor=(1.0, 0.5))
    save(fig, "soak_throughput.png")

    fig, ax = plt.subplots(figsize=(6.4, 4))
    ax.plot(t, [x["rss_kib"] / 1024 for x in s], label="VmRSS (with mapped store pages)")
    ax.plot(t, [x["rss_anon_kib"] / 1024 for x in s], label="RssAnon (private memory)")
    ax.plot(t, [x["store_bytes"] / 2**20 for x in s], ":", label="store size on disk")
    v = soak["verdict"]
    ax.axvline(v["warmup_end_s"] / 60, color="grey", linestyle="--", linewidth=0.8,
               label="end of warm-up")
    ax.set_ylim(bottom=0)
    ax.set_xlabel("minutes")
    ax.set_ylabel("MiB")
    ax.set_title("Soak: server memory")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize="small")
    save(fig, "soak_rss.png")

    fig, ax = plt.subplots(figsize=(6.4, 4))
    ax.plot(t, [x["p50_ms"] for x in s], label="p50, every request")
    ax.plot(t, [x["p99_ms"] for x in s], label="p99, every request")
    if "p99_ms_without_sign_in" in s[0]:
        ax.plot(t, [x["p99_ms_without_sign_in"] for x in s], "--",
                label="p99 without sign-in (Argon2)")
    ax.set_yscale("log")
    ax.set_xlabel("minutes")
    ax.set_ylabel("ms (log)")
    ax.set_title("Soak: latency over 10-second windows")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize="small")
    save(fig, "soak_latency.png")


# Tables.

def bench_table(imp, taxii, sync):
    rows = ["| Measure | Figure | Baseline (same run) | Ratio |", "|---|---|---|---|"]
    if imp:
        b = imp["baseline"]["objects_per_s"]
        rows.append(f"| import of {num(imp['objects'])} indicators, in-process (parse, "
                    f"validate, canonicalise, store) | {num(imp['cx']['objects_per_s'])} "
                    f"objects/s | raw SQLite inserts of the same rows: {num(b)} objects/s | "
                    f"{imp['cx']['objects_per_s'] / b:.2f} |")
        if "cli" in imp:
            rows.append(f"| the same through `cx import FILE` | "
                        f"{num(imp['cli']['objects_per_s'])} objects/s | the same: {num(b)} "
                        f"objects/s | {imp['cli']['objects_per_s'] / b:.2f} |")
    if taxii:
        first = taxii["store_sizes"][0]
        for p in taxii["store_sizes"]:
            rows.append(f"| TAXII page of {taxii['page_limit']}, 1 connection, collection of "
                        f"{num(p['objects'])} | p50 {p['c1']['p50_ms']:.2f} ms, p99 "
                        f"{p['c1']['p99_ms']:.2f} ms | p50 at {num(first['objects'])}: "
                        f"{first['c1']['p50_ms']:.2f} ms | "
                        f"{p['c1']['p50_ms'] / first['c1']['p50_ms']:.2f} |")
        t32 = taxii["trivial_page"]["c32"]
        for p in taxii["store_sizes"]:
            rows.append(f"| TAXII pages, 32 connections, collection of {num(p['objects'])} | "
                        f"{num(p['c32']['rps'])} req/s | trivial responder, same body size: "
                        f"{num(t32['rps'])} req/s | {p['c32']['rps'] / t32['rps']:.2f} |")
        c = taxii["concurrency"]
        for key, base, what in (("taxii_page", "trivial_page", "TAXII page of 100"),
                                ("api_list", "trivial_api", "API list of 50")):
            for i, n in enumerate(c["levels"]):
                r, b = c[key][i]["rps"], c[base][i]["rps"]
                rows.append(f"| {what}, {n} connection{'s' if n > 1 else ''}, "
                            f"{num(c['store_objects'])} objects | {num(r)} req/s | trivial "
                            f"responder, same body size: {num(b)} req/s | {r / b:.2f} |")
        p = taxii["post"]
        rows.append(f"| TAXII POST of {p['envelopes']} envelopes of "
                    f"{num(p['objects_per_envelope'])} indicators, one at a time | "
                    f"{num(p['cx_objects_per_s'])} objects/s "
                    f"({p['ms_per_envelope']:.0f} ms per envelope) | trivial responder: "
                    f"{num(p['trivial_objects_per_s'])} objects/s | "
                    f"{p['cx_objects_per_s'] / p['trivial_objects_per_s']:.3f} |")
    if sync:
        i, s = sync["import"]["objects_per_s"], sync["initial_sync"]["objects_per_s"]
        rows.append(f"| initial sync of {num(sync['objects'])} objects (pages of "
                    f"{num(sync['page_limit'])}, signatures verified) | {num(s)} objects/s | "
                    f"`cx import` of the same objects: {num(i)} objects/s | {s / i:.2f} |")
        small, large = sync["nothing_changed"]
        rows.append(f"| a sync round with nothing new, sender holding {num(large['objects'])} "
                    f"objects | {large['ms']:.1f} ms | the same at {num(small['objects'])}: "
                    f"{small['ms']:.1f} ms | {large['ms'] / small['ms']:.2f} |")
    rows.append("")
    for name, doc in (("import", imp), ("taxii", taxii), ("sync", sync)):
        if doc:
            rows.append(f"- `bench/results/{name}.json`: {machine_line(doc)}.")
    return "\n".join(rows)


def soak_table(soak):
    v, s = soak["verdict"], soak["samples"]
    total = sum(x["requests"] for x in soak["totals"].values())
    rows = [f"Last run: {soak['seconds']} s ({machine_line(soak)}): "
            f"**{'PASS' if v['pass'] else 'FAIL'}**.", "",
            "| Kind | Requests | Per second | Errors | p50 ms | p99 ms |",
            "|---|---|---|---|---|---|"]

    def median(values):
        values = sorted(x for x in values if x is not None)
        return values[len(values) // 2] if values else float("nan")
    for k, x in soak["totals"].items():
        lat = [w["latency_ms"][k] for w in s if k in w["latency_ms"]]
        rows.append(f"| {k} | {num(x['requests'])} | {x['requests'] / soak['seconds']:.1f} | "
                    f"{x['errors']} | {median(w['p50'] for w in lat):.2f} | "
                    f"{median(w['p99'] for w in lat):.2f} |")
    p50, p99 = median(x["p50_ms"] for x in s), median(x["p99_ms"] for x in s)
    rows.append(f"| all | {num(total)} | {total / soak['seconds']:.1f} | {v['errors']} | "
                f"{p50:.2f} | {p99:.2f} |")
    rows += ["", "Latencies are the median over the 10-second windows of each window's "
             "p50 and p99."]
    rows += ["", "| Measure | Value |", "|---|---|",
             f"| private memory (RssAnon) at the end of warm-up ({v['warmup_end_s']} s) | "
             f"{v['rss_anon_warmup_kib'] / 1024:.1f} MiB |",
             f"| private memory at the end (limit) | {v['rss_anon_final_kib'] / 1024:.1f} MiB "
             f"({v['rss_anon_limit_kib'] / 1024:.1f} MiB)"
             + ("" if v.get("memory_judged", True) else ", not judged: a short run")
             + " |",
             f"| its slope over the second half (limit) | "
             f"{v['rss_anon_slope_kib_per_min']:.0f} KiB/min ({v['slope_limit_kib_per_min']} "
             f"KiB/min) |",
             f"| VmRSS at the first and last sample | {s[0]['rss_kib'] / 1024:.1f} MiB, "
             f"{s[-1]['rss_kib'] / 1024:.1f} MiB |",
             f"| open files at the end of warm-up, at the end | {v['fds_warmup']}, "
             f"{v['fds_final']} |",
             f"| store size at the first and last sample | "
             f"{s[0]['store_bytes'] / 2**20:.1f} MiB, {s[-1]['store_bytes'] / 2**20:.1f} MiB |",
             f"| `cx audit verify`, `PRAGMA integrity_check`, server exit status | "
             f"{'intact' if v['audit_verify'] else 'BROKEN'}, {v['integrity_check']}, "
             f"{v['server_exit']} |"]
    return "\n".join(rows)


def replace_between(text, marker, body):
    begin, end = f"<!-- {marker}:begin -->", f"<!-- {marker}:end -->"
    pat = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.S)
    if not pat.search(text):
        sys.exit(f"report: doc/PERFORMANCE.md has no {begin} ... {end}")
    return pat.sub(lambda _: f"{begin}\n{body}\n{end}", text)


def main(argv):
    imp, taxii, sync, soak = load("import"), load("taxii"), load("sync"), load("soak")
    if taxii:
        chart_store_sizes(taxii)
        chart_concurrency(taxii)
    if imp or sync:
        chart_import_sync(imp, sync)
    if soak:
        chart_soak(soak)
    with open(DOC) as f:
        text = f.read()
    if imp or taxii or sync:
        text = replace_between(text, "bench-figures", bench_table(imp, taxii, sync))
    if soak:
        text = replace_between(text, "soak-figures", soak_table(soak))
    with open(DOC, "w") as f:
        f.write(text)
    print("wrote doc/PERFORMANCE.md")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
