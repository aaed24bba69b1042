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

"""generate-constraints' uv paths before and after, interleaved.

Run: python benchmarks/bench_generate_ab.py --baseline DIR
         [--python P] [--python2 P] [--repeat N] [--subset ...]

DIR holds another checkout of this package (e.g. ``git archive main |
tar -x -C DIR``).  bench_generate.py times one method after the other,
so on a shared machine the load moves between them; here every
repetition runs this checkout and DIR's back to back on one warm uv
cache (online, then ``--offline``), with the raw uv floors and one plain
``uv pip compile`` in between, and reports median, min and max.  Pins
of the two checkouts are compared.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bench_generate  # noqa: E402

Run = Callable[[bool], tuple[float, str]]


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    result = subprocess.run(cmd, env=env, capture_output=True, text=True,
                            check=False, stdin=subprocess.DEVNULL)
    took = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{result.stderr[-3000:]}")
    return took, "".join(line + "\n" for line in result.stdout.splitlines()
                         if line and not line.startswith("#"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline", required=True, metavar="DIR")
    parser.add_argument("--python", default="python3.12")
    parser.add_argument("--python2", default="python3.11")
    parser.add_argument("--subset", default="default")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    one = [shutil.which(args.python) or args.python]
    two = one + [shutil.which(args.python2) or args.python2]
    versions = ["3.10", "3.11", "3.12", "3.13"]
    work = tempfile.mkdtemp(prefix="bench-generate-ab-")
    env = bench_generate.base_env(work)
    codes = {"this": REPO, "main": os.path.abspath(args.baseline)}

    def generate(code: str, *extra: str) -> Run:
        def run(offline: bool) -> tuple[float, str]:
            cmd = [sys.executable, "-c",
                   f"import sys; sys.path.insert(0, {code!r}); "
                   "from openstack_requirements.cmds.generate import main; "
                   "sys.exit(main())", "-r", reqs, *extra]
            return timed(cmd + (["--offline"] if offline else []), env)
        return run

    def raw(pythons: list[str]) -> Run:
        def run(offline: bool) -> tuple[float, str]:
            start = time.perf_counter()
            bench_generate.uv_raw(reqs, pythons, env, work, offline)
            return time.perf_counter() - start, ""
        return run

    def compile_one(offline: bool) -> tuple[float, str]:
        start = time.perf_counter()
        bench_generate.uv_compile(reqs, env, offline)
        return time.perf_counter() - start, ""

    times: dict[tuple[str, str, bool], list[float]] = {}
    pins: dict[tuple[str, str], str] = {}
    try:
        reqs, count = bench_generate.subset_file(args.subset, work)
        print(f"{count} requirements; {os.cpu_count()} CPUs; load "
              f"{os.getloadavg()[0]:.1f}", flush=True)
        cases: dict[str, Callable[[str], Run]] = {
            "uv 1 python": lambda c: generate(
                c, *[a for p in one for a in ("-p", p)]),
            "uv 2 pythons": lambda c: generate(
                c, *[a for p in two for a in ("-p", p)]),
            "resolve 4 versions": lambda c: generate(
                c, "--method", "resolve",
                *[a for v in versions for a in ("-p", v)]),
        }
        floors: dict[str, Run] = {
            "raw uv 1 python": raw(one), "raw uv 2 pythons": raw(two),
            "uv pip compile 1": compile_one,
        }
        for case in cases.values():  # fill the cache
            case(REPO)(False)
        for rep in range(args.repeat):
            for offline in (False, True):
                for name, case in cases.items():
                    for tag, code in codes.items():
                        took, out = case(code)(offline)
                        times.setdefault((name, tag, offline), []).append(
                            took)
                        pins.setdefault((name, tag), out)
                for name, floor in floors.items():
                    times.setdefault((name, "", offline), []).append(
                        floor(offline)[0])
            print(f"repetition {rep + 1} done, load "
                  f"{os.getloadavg()[0]:.1f}", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"\n{'case':<20} {'code':>5} {'warm med':>9} {'min':>6} "
          f"{'max':>6} {'offl med':>9} {'min':>6} {'max':>6}")
    for name, tag, offline in times:
        if offline:
            continue
        warm, offl = times[name, tag, False], times[name, tag, True]
        print(f"{name:<20} {tag:>5} {statistics.median(warm):9.2f} "
              f"{min(warm):6.2f} {max(warm):6.2f} "
              f"{statistics.median(offl):9.2f} {min(offl):6.2f} "
              f"{max(offl):6.2f}")

    def ratio(a: tuple[str, str], b: tuple[str, str], offline: bool) -> str:
        x = statistics.median(times[(*a, offline)])
        y = statistics.median(times[(*b, offline)])
        return f"{x / y:.2f}"

    print("\nratios of medians                      warm  offline")
    for tag in codes:
        for text, a, b in (
            ("2 pythons / 1 python", ("uv 2 pythons", tag),
             ("uv 1 python", tag)),
            ("1 python / raw uv", ("uv 1 python", tag),
             ("raw uv 1 python", "")),
            ("2 pythons / raw uv", ("uv 2 pythons", tag),
             ("raw uv 2 pythons", "")),
            ("2 pythons / raw uv 1 python", ("uv 2 pythons", tag),
             ("raw uv 1 python", "")),
            ("resolve 4 / 1 compile", ("resolve 4 versions", tag),
             ("uv pip compile 1", "")),
        ):
            print(f"{tag + ': ' + text:<38} {ratio(a, b, False):>5} "
                  f"{ratio(a, b, True):>8}")
    for name in cases:
        same = pins[name, "this"] == pins[name, "main"]
        print(f"pins, {name}: this and main "
              f"{'agree' if same else 'DIFFER'} "
              f"({len(pins[name, 'this'].splitlines())} lines)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
