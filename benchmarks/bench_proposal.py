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

"""Who is affected by a 100-pin bump, and what the companions cost.

Run: python benchmarks/bench_proposal.py [--projects N] [--runs N]
         [--wheels N] [--skip-generate]

1. ``who-is-affected`` as a fresh process (as CI runs it): the shipped
   upper-constraints.txt against a copy with 100 pins bumped, the
   shipped lists and N synthetic projects (``tests/synthetic.py``), and
   a freeze artifact whose recorded requirements give every shipped pin
   0-4 dependencies on other pins (seeded, so every run is the same
   graph).  Target (issue #17): building the index and answering <= 2 s.
2. The companion formats: in process, the time to make them from the
   shipped list (pins given files, as a lock step records them); and
   end to end, a warm ``generate-constraints`` (uv, this Python and
   python3.12 when present) on a loopback index of --wheels wheels,
   with and without ``--companions`` (which adds the lock step).
   Target: the companions add <= 10% to a warm run.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

from openstack_requirements import artifact  # noqa: E402
from openstack_requirements import companions  # noqa: E402
from openstack_requirements import constraints  # noqa: E402
from openstack_requirements import reqfile  # noqa: E402
from openstack_requirements.tests import localindex  # noqa: E402
from openstack_requirements.tests import synthetic  # noqa: E402

TARGET_S = 2.0
TARGET_RATIO = 0.10


def _command(script: str, module: str) -> list[str]:
    path = os.path.join(os.path.dirname(sys.executable), script)
    if os.path.exists(path):
        return [path]
    return [sys.executable, "-m", f"openstack_requirements.cmds.{module}"]


def _time(argv: list[str], env: dict[str, str] | None = None) -> float:
    t0 = time.perf_counter()
    result = subprocess.run(argv, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - t0
    if result.returncode != 0:
        sys.exit(f"{argv} failed ({result.returncode}):\n{result.stderr}")
    return elapsed


def _shipped_pins() -> list[constraints.Pin]:
    path = os.path.join(REPO, "upper-constraints.txt")
    with open(path, encoding="utf-8") as f:
        doc = reqfile.parse(f.read(), path)
    seen: dict[str, constraints.Pin] = {}
    for pin in constraints.pins(doc, strict=False):
        seen.setdefault(pin.canonical, pin)
    return list(seen.values())


def _bumped(pins: list[constraints.Pin], count: int) -> str:
    rng = random.Random(17)
    chosen = {p.canonical for p in rng.sample(pins, count)}
    return "".join(
        f"{p.name}==={p.version}{'.1' if p.canonical in chosen else ''}\n"
        for p in pins)


def _graph_artifact(pins: list[constraints.Pin]) -> str:
    rng = random.Random(751)
    names = [p.name for p in pins]
    return json.dumps({
        "format": artifact.FORMAT, "python_version": "3.12",
        "pins": {p.name: p.version for p in pins},
        "requires": {p.name: [f"{n}>=0" for n in rng.sample(
            names, rng.randint(0, 4)) if n != p.name] for p in pins}})


def bench_affected(base: str, projects: int, runs: int) -> None:
    source, root = synthetic.build(base, projects)
    pins = _shipped_pins()
    old = os.path.join(base, "old.txt")
    new = os.path.join(base, "new.txt")
    freeze = os.path.join(base, "freeze.json")
    with open(old, "w", encoding="utf-8") as f:
        f.write("".join(f"{p.name}==={p.version}\n" for p in pins))
    with open(new, "w", encoding="utf-8") as f:
        f.write(_bumped(pins, 100))
    with open(freeze, "w", encoding="utf-8") as f:
        f.write(_graph_artifact(pins))
    cmd = _command("who-is-affected", "who_is_affected") + [
        old, new, "--root", root, "--source", source]
    out = subprocess.run(cmd + ["--freeze", freeze, "--json"],
                         capture_output=True, text=True, check=True).stdout
    data = json.loads(out)
    print(f"{len(pins)} shipped pins, 100 bumped; {projects} synthetic "
          f"projects; affected: {len(data['projects'])} projects, "
          f"{sum(1 for a in data['affected'] if not a['direct'])} "
          "(project, name) pairs only transitive")
    rows = [("who-is-affected (direct only)", cmd),
            ("who-is-affected --freeze (graph)",
             cmd + ["--freeze", freeze]),
            ("who-is-affected --freeze --json",
             cmd + ["--freeze", freeze, "--json"])]
    for label, argv in rows:
        times = [_time(argv) for _ in range(runs)]
        median = statistics.median(times)
        print(f"{label:36} median {median:5.2f} s  max {max(times):5.2f} s"
              f"   vs target {TARGET_S:.0f} s: {median / TARGET_S:4.2f}x")


def bench_make(runs: int) -> None:
    pins = _shipped_pins()
    sha = "0" * 64
    freezes = [constraints.Freeze(version, tuple(
        constraints.Pin(p.name, p.version, files=(constraints.File(
            f"https://files.example/{p.name}-{p.version}.whl", sha),))
        for p in pins), platform="linux x86_64")
        for version in ("3.10", "3.11", "3.12", "3.13")]
    made = constraints.generate(freezes, constraints.Provenance("i", "uv"))
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        result = companions.make(made, freezes)
        times.append(time.perf_counter() - t0)
    print(f"companions.make, {len(made.constraints)} lines x 4 Pythons "
          f"({len(result.files)} files): median "
          f"{statistics.median(times):5.2f} s")


def _index(directory: str, count: int) -> str:
    reqs = []
    for i in range(count):
        requires = [f"pkg{j}" for j in (i + 1, i + 2) if j < count]
        for version in ("1.0", "1.1"):
            localindex.make_wheel(directory, f"pkg{i}", version,
                                  requires=requires)
        reqs.append(f"pkg{i}\n")
    path = os.path.join(os.path.dirname(directory), "global.txt")
    with open(path, "w", encoding="utf-8") as f:
        f.write("".join(reqs))
    return path


def bench_generate(base: str, wheels: int, runs: int) -> None:
    pythons = [sys.executable]
    other = localindex.interpreter("3.12")
    if other and "3.12" not in sys.version[:4]:
        pythons.append(other)
    index_dir = os.path.join(base, "index")
    os.mkdir(index_dir)
    reqs = _index(index_dir, wheels)
    env = dict(localindex.pip_env(),
               UV_CACHE_DIR=os.path.join(base, "uv-cache"))
    gen = _command("generate-constraints", "generate")
    with localindex.serve(index_dir, {}) as url:
        common = gen + ["-r", reqs, "--index-url", url,
                        *[a for p in pythons for a in ("-p", p)]]
        plain = common + ["-o", os.path.join(base, "uc.txt")]
        more = common + ["-o", os.path.join(base, "uc2.txt"),
                         "--companions", os.path.join(base, "comp")]
        _time(more, env)  # warm the cache, lock step included
        times: dict[str, list[float]] = {"plain": [], "companions": []}
        for _ in range(runs):  # interleaved: the machine is shared
            times["plain"].append(_time(plain, env))
            times["companions"].append(_time(more, env))
    best = {k: min(v) for k, v in times.items()}
    ratio = best["companions"] / best["plain"] - 1
    print(f"warm generate, {wheels} wheels x2 versions, {len(pythons)} "
          f"interpreter(s): plain {best['plain']:5.2f} s, "
          f"--companions {best['companions']:5.2f} s (best of {runs}); "
          f"added {ratio * 100:5.1f}% vs target "
          f"{TARGET_RATIO * 100:.0f}%")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--projects", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--wheels", type=int, default=40)
    parser.add_argument("--skip-generate", action="store_true")
    args = parser.parse_args()
    print(f"date: {datetime.date.today()}  cpus: {os.cpu_count()}  "
          f"python: {sys.version.split()[0]}")
    base = tempfile.mkdtemp(prefix="bench-proposal-")
    try:
        bench_affected(os.path.join(base, "a"), args.projects, args.runs)
        bench_make(args.runs)
        if not args.skip_generate:
            os.mkdir(os.path.join(base, "g"))
            bench_generate(os.path.join(base, "g"), args.wheels, args.runs)
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
