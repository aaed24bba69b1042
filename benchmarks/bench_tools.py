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

"""Time who-uses and list-cruft over the shipped lists and 200 projects.

Run: python benchmarks/bench_tools.py [--projects N] [--runs N]
Target (issue #21): each answers in at most 2 s.  The synthetic projects
(``tests/synthetic.py``, as bench_update uses) are drawn from the shipped
global-requirements.txt; each command runs as a fresh process, as an
operator or CI job runs it: who-uses for one name and for five,
list-cruft without a graph and with this interpreter's installed
distributions as the graph (--python).  A bare ``python -c pass`` is
timed for comparison.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

from openstack_requirements.tests import synthetic  # noqa: E402

TARGET_S = 2.0


def _command(script: str, module: str) -> list[str]:
    path = os.path.join(os.path.dirname(sys.executable), script)
    if os.path.exists(path):
        return [path]
    return [sys.executable, "-m", f"openstack_requirements.cmds.{module}"]


def _time(argv: list[str], ok: tuple[int, ...] = (0, 1)) -> float:
    t0 = time.perf_counter()
    result = subprocess.run(argv, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if result.returncode not in ok:
        sys.exit(f"{argv} failed ({result.returncode}):\n{result.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--projects", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"date: {datetime.date.today()}  cpus: {os.cpu_count()}  "
          f"python: {sys.version.split()[0]}  projects: {args.projects}")
    with tempfile.TemporaryDirectory() as base:
        source, root = synthetic.build(base, args.projects)
        files = sum(len(names) for _, _, names in os.walk(root))
        print(f"synthetic tree: {files} files")
        common = ["--root", root, "--source", source]
        who = _command("who-uses", "who_uses") + common
        cruft = _command("list-cruft", "list_cruft") + common
        rows = [
            ("who-uses oslo.db", who + ["oslo.db"]),
            ("who-uses (5 names) --json",
             who + ["oslo.db", "six", "pbr", "requests", "nope", "--json"]),
            ("list-cruft", cruft),
            ("list-cruft --python (installed graph)",
             cruft + ["--python", sys.executable]),
        ]
        times = {label: [_time(argv) for _ in range(args.runs)]
                 for label, argv in rows}
        bare = statistics.median(
            _time([sys.executable, "-c", "pass"], (0,)) for _ in range(10))
    for label, runs in times.items():
        median = statistics.median(runs)
        print(f"{label:40} median {median:5.2f} s  max {max(runs):5.2f} s"
              f"   vs target {TARGET_S:.0f} s: {median / TARGET_S:4.2f}x"
              f"   vs bare python: {median / bare:5.1f}x")
    print(f"bare 'python -c pass' median {bare * 1000:6.1f} ms")


if __name__ == "__main__":
    main()
