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

"""generate-constraints: uv vs pip vs the reference method, side by side.

Run: python benchmarks/bench_generate.py [--python python3.12]
         [--python2 python3.11] [--subset default|all|FILE]
         [--skip reference,...]

Each method gets its own fresh cache directory: one "cold" run (empty
cache, everything downloaded and built), then --repeat "warm" runs on
the same cache, of which the best is reported (the machine is shared, so
load varies).  Methods:

  reference   what upstream's generate-constraints does: python -m venv,
              pip install -U pip setuptools wheel, pip install -r,
              pip freeze; one interpreter after the other
  pip         generate-constraints --installer pip
  uv          generate-constraints --installer uv (the default)
  uv-raw      uv venv + uv pip install + uv pip freeze by hand: the floor
  resolve     generate-constraints --method resolve for 1 and 4 versions
  compile     one plain uv pip compile: resolve's floor

The full shipped global list takes 10+ minutes per cold run and needs
every build dependency of bindep.txt; ``--subset default`` uses 30
pure-Python entries of it instead (their lines are copied verbatim).
The machine's pip and uv configuration is switched off everywhere
(PIP_CONFIG_FILE=/dev/null, uv --no-config).  Pins of uv, pip and the
reference are compared at the end.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
import datetime
import os
import shutil
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

from openstack_requirements import constraints  # noqa: E402
from openstack_requirements import reqfile  # noqa: E402
from openstack_requirements import venv  # noqa: E402

#: 30 entries of the global list that install from wheels only (no C
#: build dependencies), with a realistic tree of transitive deps.
DEFAULT_SUBSET = (
    "alembic", "amqp", "Babel", "cachetools", "cliff", "croniter",
    "debtcollector", "decorator", "fixtures", "futurist", "iso8601",
    "Jinja2", "jsonschema", "keystoneauth1", "kombu", "Mako", "netaddr",
    "oslo.config", "oslo.i18n", "oslo.log", "oslo.serialization",
    "oslo.utils", "pbr", "PrettyTable", "requests", "stevedore",
    "tenacity", "testtools", "WebOb", "python-dateutil",
)


def subset_file(kind: str, directory: str) -> tuple[str, int]:
    source = os.path.join(REPO, "global-requirements.txt")
    if kind == "all":
        return source, sum(1 for _ in _requirements(source))
    if kind != "default":
        return kind, sum(1 for _ in _requirements(kind))
    wanted = {constraints.Pin(n, "").canonical for n in DEFAULT_SUBSET}
    lines = [line.raw for line in _requirements(source)
             if line.req is not None and line.req.canonical in wanted]
    path = os.path.join(directory, "subset-requirements.txt")
    with open(path, "w", encoding="utf-8") as f:
        f.write("".join(lines))
    return path, len(lines)


def _requirements(path: str) -> list[reqfile.Line]:
    with open(path, encoding="utf-8") as f:
        return list(reqfile.parse(f.read(), path).requirements())


def base_env(cache: str) -> dict[str, str]:
    env = venv.clean_env(os.environ)
    env["UV_CACHE_DIR"] = os.path.join(cache, "uv")
    env["PIP_CACHE_DIR"] = os.path.join(cache, "pip")
    return env


def run(cmd: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(cmd, env=env, capture_output=True, text=True,
                            check=False, stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{result.stderr[-3000:]}")
    return result.stdout


def reference(reqs: str, pythons: list[str], env: dict[str, str],
              work: str) -> str:
    """Upstream's _freeze, one interpreter after the other."""
    freezes = []
    for python in pythons:
        path = tempfile.mkdtemp(dir=work)
        run([python, "-m", "venv", path], env)
        pip = os.path.join(path, "bin", "pip")
        run([pip, "install", "-U", "pip", "setuptools", "wheel"], env)
        run([pip, "install", "-r", reqs], env)
        text = run([pip, "freeze"], env)
        version = run([python, "-c", "import sys; print('%d.%d' % "
                       "sys.version_info[:2])"], env).strip()
        freezes.append(constraints.Freeze(
            version, constraints.parse_freeze(text)))
        shutil.rmtree(path)
    return constraints.render(constraints.order(
        constraints.combine(freezes)), "")


def generate(reqs: str, pythons: list[str], env: dict[str, str],
             offline: bool, *extra: str, code: str = REPO) -> str:
    """generate-constraints, with the package imported from *code*."""
    cmd = [sys.executable, "-c",
           f"import sys; sys.path.insert(0, {code!r}); "
           "import openstack_requirements as o; "
           f"assert o.__file__.startswith({code!r}), o.__file__; "
           "from openstack_requirements.cmds.generate import "
           "main; sys.exit(main())"]
    for python in pythons:
        cmd += ["-p", python]
    if offline:
        cmd.append("--offline")
    text = run([*cmd, "-r", reqs, *extra], env)
    return "".join(line + "\n" for line in text.splitlines()
                   if line and not line.startswith("#"))


def uv_raw(reqs: str, pythons: list[str], env: dict[str, str],
           work: str, offline: bool) -> str:
    uv = venv.uv_bin()
    flag = " --offline" if offline else ""
    procs = []
    for python in pythons:  # in parallel, like generate-constraints
        path = tempfile.mkdtemp(dir=work)
        script = (f"{uv} venv --no-config -q -p {python} {path}/v && "
                  f"{uv} pip install --no-config{flag} -q -p {path}/v "
                  f"-r {reqs} && {uv} pip freeze --no-config -p {path}/v")
        procs.append(subprocess.Popen(
            ["sh", "-c", script], env=env, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True))
    out = [proc.communicate()[0] for proc in procs]
    if any(proc.returncode for proc in procs):
        sys.exit("uv-raw failed")
    return "".join(out)


def uv_compile(reqs: str, env: dict[str, str], offline: bool) -> str:
    return run([venv.uv_bin(), "pip", "compile", "--no-config",
                "--python-version", "3.12", "--no-header", "--no-annotate",
                "-q", *(["--offline"] if offline else []), reqs], env)


Func = Callable[[dict[str, str], bool], str]
Times = tuple[float, float, float | None]


def timed(label: str, results: dict[str, Times], outputs: dict[str, str],
          work: str, repeat: int, func: Func, can_offline: bool) -> None:
    """Time *func*: cold once, then warm and offline, the best of each.

    The offline runs (uv methods only) use --offline on the warm cache.
    """
    cache = tempfile.mkdtemp(dir=work)
    phases = ["cold"] + ["warm"] * repeat
    if can_offline:
        phases += ["offline"] * repeat
    times: dict[str, list[float]] = {}
    for phase in phases:
        env = base_env(cache)
        start = time.perf_counter()
        outputs[label] = func(env, phase == "offline")
        times.setdefault(phase, []).append(time.perf_counter() - start)
        print(f"  {label:<22} {phase:>7}: {times[phase][-1]:8.1f} s",
              flush=True)
    results[label] = (times["cold"][0], min(times["warm"]),
                      min(times["offline"]) if can_offline else None)
    shutil.rmtree(cache, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--python", default="python3.12")
    parser.add_argument("--python2", default="python3.11",
                        help="second interpreter for the two-Python runs")
    parser.add_argument("--subset", default="default")
    parser.add_argument("--skip", default="",
                        help="comma-separated methods to leave out")
    parser.add_argument("--repeat", type=int, default=3,
                        help="warm runs per method; the best is kept "
                             "(the machine is shared: load varies)")
    parser.add_argument("--baseline", metavar="DIR",
                        help="also run uv and resolve with the package "
                             "from DIR (e.g. an export of main): before "
                             "and after side by side, labelled 'main'")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    one = [shutil.which(args.python) or args.python]
    two = one + [shutil.which(args.python2) or args.python2]
    work = tempfile.mkdtemp(prefix="bench-generate-")
    results: dict[str, Times] = {}
    outputs: dict[str, str] = {}
    try:
        reqs, count = subset_file(args.subset, work)
        print(f"{count} requirements from {reqs}; {os.cpu_count()} CPUs; "
              f"{datetime.date.today()}; load {os.getloadavg()[0]:.1f}")
        versions = ["3.10", "3.11", "3.12", "3.13"]
        plan: list[tuple[str, Func, bool]] = []
        for name, pythons in (("1 python", one), ("2 pythons", two)):
            plan += [
                (f"reference {name}",
                 lambda e, o, p=pythons: reference(reqs, p, e, work),
                 False),
                (f"pip {name}", lambda e, o, p=pythons: generate(
                    reqs, p, e, o, "--installer", "pip"), False),
                (f"uv {name}",
                 lambda e, o, p=pythons: generate(reqs, p, e, o), True),
                (f"uv-raw {name}",
                 lambda e, o, p=pythons: uv_raw(reqs, p, e, work, o),
                 True),
            ]
        base = os.path.abspath(args.baseline) if args.baseline else ""
        if base:
            plan += [
                ("main-uv 1 python", lambda e, o: generate(
                    reqs, one, e, o, code=base), True),
                ("main-uv 2 pythons", lambda e, o: generate(
                    reqs, two, e, o, code=base), True),
                ("main-resolve 4 versions", lambda e, o: generate(
                    reqs, versions, e, o, "--method", "resolve",
                    code=base), True),
            ]
        plan += [
            ("compile 1 version",
             lambda e, o: uv_compile(reqs, e, o), True),
            ("resolve 1 version", lambda e, o: generate(
                reqs, ["3.12"], e, o, "--method", "resolve"), True),
            ("resolve 4 versions", lambda e, o: generate(
                reqs, versions, e, o, "--method", "resolve"), True),
        ]
        for label, func, can_offline in plan:
            if label.split()[0] in skip:
                continue
            timed(label, results, outputs, work, args.repeat, func,
                  can_offline)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print()
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    print(f"{'method':<22} {'cold s':>7} {'warm s':>7} {'offline':>7} "
          f"{'cold x ref':>10} {'warm x ref':>10} {'offl. x ref':>11}")
    for label, (cold, warm, offline) in results.items():
        ref = results.get("reference " + label.split(" ", 1)[-1])
        off = f"{offline:7.1f}" if offline is not None else f"{'':>7}"
        ratios = ""
        if ref and "python" in label:
            ratios = f"{ref[0] / cold:10.1f} {ref[1] / warm:10.1f}"
            if offline is not None:
                ratios += f" {ref[1] / offline:11.1f}"
        print(f"{label:<22} {cold:7.1f} {warm:7.1f} {off} {ratios}")

    def ratio(a: str, b: str, col: int) -> str:
        if a in results and b in results:
            x, y = results[a][col], results[b][col]
            if x is not None and y is not None:
                return f"{x / y:.2f}"
        return "n/a"

    print()
    print("                                        warm  offline")
    for text, a, b in (
        ("uv: 2 pythons / 1 python", "uv 2 pythons", "uv 1 python"),
        ("uv / raw uv floor, 1 python", "uv 1 python", "uv-raw 1 python"),
        ("uv / raw uv floor, 2 pythons", "uv 2 pythons",
         "uv-raw 2 pythons"),
        ("resolve 4 versions / 1 compile", "resolve 4 versions",
         "compile 1 version"),
        ("main: uv 2 pythons / 1 python", "main-uv 2 pythons",
         "main-uv 1 python"),
        ("main: uv / raw uv floor, 1 python", "main-uv 1 python",
         "uv-raw 1 python"),
        ("main: uv / raw uv floor, 2 pythons", "main-uv 2 pythons",
         "uv-raw 2 pythons"),
        ("main: resolve 4 / 1 compile", "main-resolve 4 versions",
         "compile 1 version"),
    ):
        print(f"{text:<38} {ratio(a, b, 1):>6} {ratio(a, b, 2):>8}")
    print()
    for name in ("1 python", "2 pythons"):
        pins = {method: outputs.get(f"{method} {name}")
                for method in ("reference", "pip", "uv", "main-uv")}
        have = {k: v for k, v in pins.items() if v is not None}
        if len(have) < 2:
            continue
        first = next(iter(have.values()))
        same = all(v == first for v in have.values())
        lines = len(first.splitlines())
        print(f"pins, {name}: {', '.join(have)} "
              f"{'agree' if same else 'DIFFER'} ({lines} lines)")
        if not same:
            base = have.get("reference") or first
            for method, text in have.items():
                extra = sorted(set(text.splitlines()) -
                               set(base.splitlines()))
                if extra:
                    print(f"  {method} only: {', '.join(extra)}")
    new, old = (outputs.get(f"{m}resolve 4 versions") for m in ("", "main-"))
    if new is not None and old is not None:
        print(f"pins, resolve 4 versions: this and main "
              f"{'agree' if new == old else 'DIFFER'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
