"""Turn one `bench/run.sh` results directory into a table (stdout + summary.md/.json).

    .venv/bin/python bench/report.py RESULTS_DIR [page ...]

Reads, per page: ``<page>.wrk.txt`` (wrk output with the WRK_JSON line printed by
wrk_report.lua), ``<page>.server-cpu`` (worker CPU ticks before/after, CLK_TCK) and
``<page>.wrk-cpu`` (wrk's own user/system seconds), ``<page>.machine-cpu`` (busy ticks of
the whole machine, so that other processes' share shows) and ``<page>.rss`` (each worker's
VmRSS before and after the page's run). A ``spirit-topic`` page (``--compare-spirit``) has
no server figures of ours; the member story page's ratio to it is printed.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

# On 2 cores, SQLite, wrk on the same machine (signed out: 32 connections; the members'
# targets were set for 16).
TARGETS = {
    "story": {"rps": 500.0, "p99_ms": 150.0},
    "home": {"rps": 800.0},
    "member-story": {"rps": 900.0, "p99_ms": 50.0},
    "member-home": {"rps": 1500.0},
}
SPIRIT_RATIO_TARGET = 10.0


def load(results: Path, page: str) -> dict:
    text = (results / f"{page}.wrk.txt").read_text()
    match = re.search(r"^WRK_JSON (\{.*\})$", text, re.M)
    if not match:
        raise SystemExit(f"no WRK_JSON line in {results / f'{page}.wrk.txt'}")
    wrk = json.loads(match.group(1))
    seconds = wrk["duration_us"] / 1e6
    row = {
        "page": page,
        "url": (results / f"{page}.url").read_text().strip(),
        "requests": wrk["requests"],
        "rps": wrk["requests"] / seconds,
        "p50_ms": wrk["p50_us"] / 1000,
        "p90_ms": wrk["p90_us"] / 1000,
        "p99_ms": wrk["p99_us"] / 1000,
        "max_ms": wrk["max_us"] / 1000,
        "kib_per_response": wrk["bytes"] / max(1, wrk["requests"]) / 1024,
        "errors": sum(wrk[k] for k in ("connect_errors", "read_errors", "write_errors",
                                       "timeouts", "status_errors")),
        "timeouts": wrk["timeouts"],
        "status_errors": wrk["status_errors"],
    }
    ticks = 100
    cpu_file = results / f"{page}.server-cpu"
    if cpu_file.exists():
        before, after, ticks = (int(x) for x in cpu_file.read_text().split())
        server_s = (after - before) / ticks
        row["server_cpu_ms_per_req"] = 1000 * server_s / max(1, wrk["requests"])
        row["server_cores"] = server_s / seconds
    else:  # another server (Spirit): its processes count as "other"
        row["server_cpu_ms_per_req"] = None
        row["server_cores"] = 0.0
        ticks = _clock_ticks()
    rss = results / f"{page}.rss"
    if rss.exists():
        before_rss, after_rss = (_rss(line) for line in rss.read_text().splitlines()[:2])
        row["rss_mib_before"] = [round(k / 1024, 1) for k in before_rss]
        row["rss_mib_after"] = [round(k / 1024, 1) for k in after_rss]
    user, system = (float(x) for x in (results / f"{page}.wrk-cpu").read_text().split()[-2:])
    row["wrk_cores"] = (user + system) / seconds
    machine = results / f"{page}.machine-cpu"
    if machine.exists():  # everything else that ran meanwhile (other processes, kernel)
        m_before, m_after = (int(x) for x in machine.read_text().split())
        row["other_cores"] = max(0.0, (m_after - m_before) / ticks / seconds
                                 - row["server_cores"] - row["wrk_cores"])
    target = TARGETS.get(page)
    if target:
        ok = row["rps"] >= target["rps"] and row["p99_ms"] < target.get("p99_ms", float("inf"))
        want = f">= {target['rps']:.0f} req/s" + (
            f", p99 < {target['p99_ms']:.0f} ms" if "p99_ms" in target else "")
        row["target"] = f"{'met' if ok else 'MISSED'} ({want})"
    else:
        row["target"] = "never cached; 2 small queries" if page == "help" else "-"
    return row


def _clock_ticks() -> int:
    import os

    return os.sysconf("SC_CLK_TCK")


def _rss(line: str) -> list[int]:
    return [int(item.split(":")[1]) for item in line.split()]


def _memory(r: dict) -> str:
    if "rss_mib_after" not in r:
        return "-"
    return " / ".join(f"{b:.0f}→{a:.0f}" for b, a in zip(r["rss_mib_before"],
                                                        r["rss_mib_after"], strict=False))


def table(rows: list[dict]) -> str:
    head = ["page", "req/s", "p50 ms", "p99 ms", "errors", "KiB/resp",
            "server CPU ms/req", "worker RSS MiB", "cores: server+wrk+other", "target"]
    body = [[
        r["page"], f"{r['rps']:.0f}", f"{r['p50_ms']:.1f}", f"{r['p99_ms']:.1f}",
        f"{r['errors']}" + (f" ({r['timeouts']} timeouts)" if r["timeouts"] else ""),
        f"{r['kib_per_response']:.0f}",
        "-" if r["server_cpu_ms_per_req"] is None else f"{r['server_cpu_ms_per_req']:.2f}",
        _memory(r),
        f"{r['server_cores']:.2f}+{r['wrk_cores']:.2f}+{r.get('other_cores', 0):.2f}",
        r["target"],
    ] for r in rows]
    widths = [max(len(str(x)) for x in col) for col in zip(head, *body, strict=True)]

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(head), sep, *(line(b) for b in body)])


def main() -> int:
    results = Path(sys.argv[1])
    pages = sys.argv[2:] or ["home", "category", "story", "help"]
    rows = [load(results, p) for p in pages]
    setup = (results / "setup.txt").read_text().strip()
    urls = "\n".join(f"- {r['page']}: {r['url']}" for r in rows)
    text = f"{setup}\n\n{table(rows)}\n\n{urls}\n"
    by_page = {r["page"]: r for r in rows}
    if "spirit-topic" in by_page and "member-story" in by_page:
        ratio = by_page["member-story"]["rps"] / max(1e-9, by_page["spirit-topic"]["rps"])
        verdict = "met" if ratio >= SPIRIT_RATIO_TARGET else "MISSED"
        text += (f"\nmember story page / Spirit topic page: {ratio:.1f}x "
                 f"({verdict}: >= {SPIRIT_RATIO_TARGET:.0f}x)\n")
    (results / "summary.md").write_text(text)
    (results / "summary.json").write_text(json.dumps(rows, indent=2) + "\n")
    print()
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
