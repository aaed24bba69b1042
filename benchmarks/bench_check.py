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

"""check-requirements over 200 synthetic projects against the shipped lists.

Run: python benchmarks/bench_check.py
Target (issue #5): under 5 s in total for the 200 projects.  Each
project has requirements.txt, test-requirements.txt, doc/requirements.txt,
setup.cfg [extras] and a pyproject.toml with [build-system],
[project.optional-dependencies] and [dependency-groups] (with an
include-group); every tenth project carries mistakes.  Timed in one
process calling ``check_requirements.main`` once per project (each call
re-reads the central lists, as a CI run does), and as separate processes
for a sample, side by side with a bare ``python -c pass``.
"""

from __future__ import annotations

import datetime
import io
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

from openstack_requirements.cmds import check_requirements  # noqa: E402

PROJECTS = 200
PYPROJECT = """\
[build-system]
requires = ["pbr>=6.0.0"]
build-backend = "pbr.build"

[project]
name = "{name}"
dynamic = ["dependencies"]

[project.optional-dependencies]
extra = [
{extra}
]

[dependency-groups]
lint = [
{lint}
]
test = [
    {{include-group = "lint"}},
{test}
]
"""


def _candidates() -> list[str]:
    """Valid project lines: one per single-line global entry."""
    from openstack_requirements import policy
    from openstack_requirements import reqfile

    def doc(name: str) -> reqfile.RequirementsFile:
        path = os.path.join(REPO, name)
        with open(path, encoding="utf-8") as f:
            return reqfile.parse(f.read(), path)

    glob = doc("global-requirements.txt").by_name()
    pins = {}
    for line in doc("upper-constraints.txt").requirements():
        version = policy.pin(line)
        if version and line.req is not None:
            pins[line.req.canonical] = version
    black = doc("blacklist.txt").by_name()
    out = []
    for name, lines in sorted(glob.items()):
        req = lines[0].req
        if (len(lines) != 1 or name in black or name not in pins
                or req is None or req.marker):
            continue
        spec = ",".join([f">={pins[name]}", *req.specifiers])
        out.append(f"{req.name}{spec}")
    return out


def _write(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def make_projects(root: str) -> list[str]:
    rng = random.Random(5)
    candidates = _candidates()
    paths = []
    for i in range(PROJECTS):
        picks = rng.sample(candidates, 40)
        src = os.path.join(root, f"project{i:03d}")
        lines = [p + "  # Apache-2.0\n" for p in picks]
        if i % 10 == 9:  # a few projects with mistakes
            lines += ["nosuchpackage>=1\n", picks[0].split(">=")[0] + "\n"]
        _write(os.path.join(src, "requirements.txt"), "".join(lines[:15]))
        _write(os.path.join(src, "test-requirements.txt"),
               "".join(lines[15:22]) + "".join(lines[40:]))
        _write(os.path.join(src, "doc", "requirements.txt"),
               "".join(lines[22:25]))
        _write(os.path.join(src, "setup.cfg"),
               f"[metadata]\nname = project{i}\n\n[extras]\n"
               "db =\n" + "".join("  " + ln for ln in lines[25:29]))

        def quoted(xs: list[str]) -> str:
            return "\n".join(f'    "{x}",' for x in xs)

        _write(os.path.join(src, "pyproject.toml"), PYPROJECT.format(
            name=f"project{i}", extra=quoted(picks[29:32]),
            lint=quoted(picks[32:35]), test=quoted(picks[35:40])))
        paths.append(src)
    return paths


def main() -> None:
    print(f"date: {datetime.date.today()}  cpus: {os.cpu_count()}  "
          f"python: {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as root:
        projects = make_projects(root)
        # Warm the imports once, as the first CI call would.
        check_requirements.main([projects[0]], stdout=io.StringIO())
        t0 = time.perf_counter()
        codes = [check_requirements.main([p], stdout=io.StringIO())
                 for p in projects]
        total = time.perf_counter() - t0
        bad = [p for p, c in zip(projects, codes, strict=True) if c != 0]
        expected = [p for i, p in enumerate(projects) if i % 10 == 9]
        assert bad == expected, (len(bad), len(expected))
        print(f"check-requirements x {PROJECTS} projects in one process: "
              f"total {total:5.2f} s   per project "
              f"{total / PROJECTS * 1000:5.1f} ms   target < 5 s total   "
              f"({len(bad)} projects with findings, exit 1, as planted)")
        sample = projects[:10]
        script = os.path.join(os.path.dirname(sys.executable),
                              "check-requirements")
        runs = []
        for src in sample:
            argv = ([script, src] if os.path.exists(script) else
                    [sys.executable, "-m",
                     "openstack_requirements.cmds.check_requirements", src])
            t0 = time.perf_counter()
            subprocess.run(argv, capture_output=True, cwd=REPO)
            runs.append(time.perf_counter() - t0)
        bare = []
        for _ in range(10):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-c", "pass"], check=True)
            bare.append(time.perf_counter() - t0)
        p, b = statistics.median(runs), statistics.median(bare)
        print(f"one check-requirements process per project: median "
              f"{p * 1000:6.1f} ms   bare 'python -c pass' {b * 1000:6.1f} "
              f"ms   ratio {p / b:4.1f}x   (x {PROJECTS} = "
              f"{p * PROJECTS:5.1f} s)")


if __name__ == "__main__":
    main()
