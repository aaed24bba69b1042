# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.

"""Time what-broke, check-security and health-report over the shipped
lists, cold (empty cache) and warm (the cache of the cold run).

Run: python benchmarks/bench_health.py [--runs N] [--live]
[--baseline DIR] [--only COMMAND]
Targets (issue #16): health-report <= 30 s cold and <= 3 s warm; warm
what-broke and check-security <= 3 s.  The index is a loopback JSON API
(tests/localindex.IndexServer) serving, for every pinned name, a copy of
the recorded ``requests`` document (163 releases, 78 KB: a large
project) and a per-release document without advisories, so the figures
are the toolkit's own work (requests, cache, parsing, rendering), not
PyPI's latency.  With ``--live`` the index is real PyPI
(https://pypi.org/pypi, needs the internet): what PyPI's latency and its
real documents cost.  Each command runs as a fresh process, as CI runs
it.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

from openstack_requirements import constraints  # noqa: E402
from openstack_requirements import lists  # noqa: E402
from openstack_requirements.tests import localindex  # noqa: E402

COLD_TARGET_S, WARM_TARGET_S = 30.0, 3.0
PYPI = "https://pypi.org/pypi"


def _index(root: str) -> int:
    """Write the documents for every shipped pin; how many pins."""
    with open(os.path.join(localindex.REVIEW_FILES, "requests.json"),
              encoding="utf-8") as f:
        template = json.load(f)
    pins = constraints.pins(lists.read_doc(
        os.path.join(REPO, lists.UPPER_CONSTRAINTS)), strict=False)
    for pin in pins:
        doc = dict(template, info=dict(template["info"], name=pin.name))
        doc["releases"] = dict(doc["releases"])
        doc["releases"].setdefault(pin.version, [])
        with open(os.path.join(root, pin.canonical + ".json"), "w",
                  encoding="utf-8") as f:
            json.dump(doc, f)
        os.makedirs(os.path.join(root, pin.canonical), exist_ok=True)
        with open(os.path.join(root, pin.canonical, pin.version + ".json"),
                  "w", encoding="utf-8") as f:
            json.dump({"info": {"name": pin.name}, "vulnerabilities": []}, f)
    return len(pins)


def _run(argv: list[str], ok: tuple[int, ...]) -> float:
    t0 = time.perf_counter()
    result = subprocess.run(argv, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if result.returncode not in ok:
        sys.exit(f"{argv} failed ({result.returncode}):\n"
                 f"{result.stderr[-2000:]}")
    if result.returncode == 3:
        failed = [line for line in result.stderr.splitlines() if line]
        print(f"  ({argv[0].rsplit(os.sep, 1)[-1]}: exit 3, some "
              f"look-ups failed: {'; '.join(failed[:3])})")
    return elapsed


def _load() -> str:
    """The 1/5/15-minute load averages, as uptime prints them."""
    return ", ".join(f"{load:.2f}" for load in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3,
                        help="warm runs per command (median)")
    parser.add_argument("--live", action="store_true",
                        help=f"use real PyPI ({PYPI}) instead of the "
                             "loopback index")
    parser.add_argument("--baseline", metavar="DIR",
                        help="another checkout with its own .venv (say, "
                        "the previous release): each command runs there "
                        "too, side by side, and the ratios are printed")
    parser.add_argument("--only", action="append", metavar="COMMAND",
                        help="time only this command (repeatable)")
    args = parser.parse_args()
    base_bin = None
    if args.baseline:
        base_bin = os.path.join(os.path.abspath(args.baseline), ".venv",
                                "bin")
        if not os.path.isdir(base_bin):
            sys.exit(f"--baseline {args.baseline}: no .venv/bin there; "
                     "make one with: python3 -m venv .venv && "
                     ".venv/bin/pip install -e .")
    with tempfile.TemporaryDirectory() as tmp:
        server = None
        if args.live:
            url, since, ok = PYPI, "2026-11-01", (0, 1, 3)
            count = len(constraints.pins(lists.read_doc(
                os.path.join(REPO, lists.UPPER_CONSTRAINTS)), strict=False))
            where = f"real PyPI ({PYPI})"
        else:
            root = os.path.join(tmp, "index")
            os.mkdir(root)
            count = _index(root)
            server = localindex.IndexServer(root)
            server.setUp()
            url, since, ok = server.url, "2026-01-01", (0, 1)
            where = "loopback JSON API"
        try:
            out = os.path.join(tmp, "health.html")
            commands = {
                "what-broke": ["--since", since],
                "check-security": [],
                "health-report": ["-o", out],
            }
            if args.only:
                commands = {k: v for k, v in commands.items()
                            if k in args.only}
            print(f"{datetime.date.today()}, {platform.node()}: "
                  f"{os.cpu_count()} cores, Python "
                  f"{platform.python_version()}, load {_load()}; "
                  f"{count} pins of the shipped upper-constraints.txt, "
                  f"{where}")
            print(f"{'command':<26}{'cold s':>8}{'warm s':>8}"
                  f"{'cold/warm':>11}  targets")
            here_bin = os.path.dirname(sys.executable)
            for name, rest in commands.items():
                sides = [("", here_bin)]
                if base_bin:
                    sides.insert(0, (" (baseline)", base_bin))
                argvs = {label: [os.path.join(bin_dir, name),
                                 "--index-url", url, "--cache-dir",
                                 os.path.join(tmp, f"cache-{name}{label}"),
                                 *rest]
                         for label, bin_dir in sides}
                # Side by side: the cold runs one after the other, then
                # the warm runs alternately.
                colds = {label: _run(argv, ok)
                         for label, argv in argvs.items()}
                warm_runs: dict[str, list[float]] = {k: [] for k in argvs}
                for _ in range(args.runs):
                    for label, argv in argvs.items():
                        warm_runs[label].append(_run(argv, ok))
                found = {k: (colds[k], warm_runs[k]) for k in argvs}
                for label, (cold, warms) in found.items():
                    warm = statistics.median(warms)
                    target = (f"cold <= {COLD_TARGET_S:.0f} s, " if
                              name == "health-report" else "")
                    print(f"{name + label:<26}{cold:>8.2f}{warm:>8.2f}"
                          f"{cold / warm:>10.1f}x  {target}warm <= "
                          f"{WARM_TARGET_S:.0f} s  (warm "
                          f"{min(warms):.2f}-{max(warms):.2f})")
                if base_bin:
                    (b_cold, b_warms), (cold, warms) = found.values()
                    ratio = (statistics.median(b_warms)
                             / statistics.median(warms))
                    print(f"{'  baseline/this':<26}{b_cold / cold:>7.2f}x"
                          f"{ratio:>7.2f}x")
            print(f"load after: {_load()}")
        finally:
            if server is not None:
                server.cleanUp()


if __name__ == "__main__":
    main()
