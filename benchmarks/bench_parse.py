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

"""Parse + validate time of the shipped lists, and command start-up time.

Run: python benchmarks/bench_parse.py
Targets (issue #2): parse + validate under 50 ms each for the shipped
global-requirements.txt and upper-constraints.txt (first run in a fresh
interpreter, imports included), and ``validate-constraints --help`` under
150 ms.  Start-up is compared side by side with a bare ``python -c pass``.
"""

from __future__ import annotations

import datetime
import os
import statistics
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

COLD = """
import sys, time
t0 = time.perf_counter()
from openstack_requirements import fileio, policy, reqfile
path = sys.argv[1]
doc = reqfile.parse(fileio.read_text(path), path)
findings = (policy.check_global(doc) if 'global' in path
            else policy.check_constraints(doc))
assert not findings, findings
print((time.perf_counter() - t0) * 1000)
"""

HELP = (
    "from openstack_requirements.cmds.validate import main; "
    "import io, contextlib; f = io.StringIO()\n"
    "with contextlib.redirect_stdout(f): main(['--help'])"
)


def _runs(argv: list[str], n: int) -> list[float]:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True, cwd=REPO)
        times.append((time.perf_counter() - t0) * 1000)
    return times


def main() -> None:
    print(f"date: {datetime.date.today()}  cpus: {os.cpu_count()}  "
          f"python: {sys.version.split()[0]}")
    for name in ("global-requirements.txt", "upper-constraints.txt"):
        path = os.path.join(REPO, name)
        cold = []
        for _ in range(7):
            out = subprocess.run([sys.executable, "-c", COLD, path],
                                 check=True, capture_output=True, text=True,
                                 cwd=REPO).stdout
            cold.append(float(out))
        # Warm: already imported, as in a long-running process.
        from openstack_requirements import fileio
        from openstack_requirements import policy
        from openstack_requirements import reqfile

        warm = []
        for _ in range(20):
            t0 = time.perf_counter()
            doc = reqfile.parse(fileio.read_text(path), path)
            if "global" in name:
                policy.check_global(doc)
            else:
                policy.check_constraints(doc)
            warm.append((time.perf_counter() - t0) * 1000)
        print(f"{name:26} parse+validate  first run (imports included) "
              f"median {statistics.median(cold):6.1f} ms   "
              f"warm median {statistics.median(warm):6.1f} ms   "
              f"target < 50 ms")
    bare = _runs([sys.executable, "-c", "pass"], 15)
    script = os.path.join(os.path.dirname(sys.executable),
                          "validate-constraints")
    argv = ([script, "--help"] if os.path.exists(script)
            else [sys.executable, "-c", HELP])
    helps = _runs(argv, 15)
    b, h = statistics.median(bare), statistics.median(helps)
    print(f"validate-constraints --help  median {h:6.1f} ms   "
          f"bare 'python -c pass' {b:6.1f} ms   ratio {h / b:4.2f}x   "
          f"target < 150 ms")


if __name__ == "__main__":
    main()
