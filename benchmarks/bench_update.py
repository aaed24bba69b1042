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

"""Time ``update-requirements --all`` over 200 synthetic projects.

Run: python benchmarks/bench_update.py [--projects N] [--runs N]
Target (issue #3): under 5 s for 200 projects on the 2-core development
machine.  Each project has requirements.txt, test-requirements.txt,
doc/requirements.txt, a setup.cfg with [extras] and a pyproject.toml with
dependencies, optional dependencies and dependency groups, drawn from the
shipped global-requirements.txt.  Three runs are timed, each in a fresh
process: the first sync of unsynced copies (every file rewritten), a
second sync of the result (nothing to change) and a --dry-run of
unsynced copies (diffs printed).  A bare ``python -c pass`` is timed for
comparison.
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

from openstack_requirements.tests import synthetic  # noqa: E402

TARGET_S = 5.0


def _command() -> list[str]:
    script = os.path.join(os.path.dirname(sys.executable),
                          "update-requirements")
    if os.path.exists(script):
        return [script]
    return [sys.executable, "-c",
            "import sys; from openstack_requirements.cmds.update import "
            "main; sys.exit(main())"]


def _time(argv: list[str], ok: tuple[int, ...] = (0,)) -> float:
    t0 = time.perf_counter()
    result = subprocess.run(argv, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if result.returncode not in ok:
        sys.exit(f"{argv} failed ({result.returncode}):\n{result.stderr}"
                 f"{result.stdout[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--projects", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"date: {datetime.date.today()}  cpus: {os.cpu_count()}  "
          f"python: {sys.version.split()[0]}  projects: {args.projects}")
    with tempfile.TemporaryDirectory() as base:
        source, pristine = synthetic.build(base, args.projects)
        files = sum(len(names) for _, _, names in os.walk(pristine))
        print(f"synthetic tree: {files} files")
        command = _command() + ["--source", source]
        first, second, dry = [], [], []
        for run in range(args.runs):
            root = os.path.join(base, f"run{run}")
            shutil.copytree(pristine, root)
            first.append(_time(command + ["--all", root]))
            second.append(_time(command + ["--all", root]))
            dry_root = os.path.join(base, f"dry{run}")
            shutil.copytree(pristine, dry_root)
            dry.append(_time(command + ["--all", dry_root, "--dry-run"],
                             ok=(0, 1)))
        bare = statistics.median(
            _time([sys.executable, "-c", "pass"]) for _ in range(10))
    rows = [("--all, first sync (all files rewritten)", first),
            ("--all, second sync (nothing to change)", second),
            ("--all --dry-run (diffs printed)", dry)]
    for label, times in rows:
        median = statistics.median(times)
        print(f"{label:42} median {median:6.2f} s   "
              f"per project {median / args.projects * 1000:5.1f} ms   "
              f"vs target {TARGET_S:.0f} s: {median / TARGET_S:4.2f}x   "
              f"vs bare python: {median / bare:5.1f}x")
    print(f"bare 'python -c pass' median {bare * 1000:6.1f} ms")


if __name__ == "__main__":
    main()
