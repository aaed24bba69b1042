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
         [--skip reference,...] [--repeat N] [--split-reference]
         [--save DIR] [--raw-cold] [--stale-pages] [--one-python]

Each method gets its own fresh cache directory: one "cold" run (empty
cache, everything downloaded and built), then --repeat "warm" runs on
the same cache, of which the best is reported (the machine is shared, so
load varies).  uv-raw has no cold run: it runs right after uv, on uv's
warm cache, so the two differ only by the tool's own cost
(``--raw-cold`` gives it a fresh cache and a cold run instead).  A method
that fails is reported with its error and the run goes on.  Methods:

  reference   what upstream's generate-constraints does: python -m venv,
              pip install -U pip setuptools wheel, pip install -r,
              pip freeze; one interpreter after the other
  pip         generate-constraints --installer pip
  uv          generate-constraints --installer uv (the default)
  uv-raw      uv venv + uv pip install + uv pip freeze by hand: the floor
  resolve     generate-constraints --method resolve for 1 and 4 versions
  compile     one plain uv pip compile: resolve's floor

The full shipped global list takes 10+ minutes per cold run and needs
every build dependency of bindep.txt (``--subset all --repeat 1
--split-reference`` keeps a full-list run near an hour and a half on
two cores); ``--subset default`` uses 30
pure-Python entries of it instead (their lines are copied verbatim).
The machine's pip and uv configuration is switched off everywhere
(PIP_CONFIG_FILE=/dev/null, uv --no-config).  Pins of uv, pip and the
reference are compared at the end.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
import datetime
import glob
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

from openstack_requirements import constraints  # noqa: E402
from openstack_requirements import interpreters  # noqa: E402
from openstack_requirements import reqfile  # noqa: E402

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
    env = interpreters.clean_env(os.environ)
    env["UV_CACHE_DIR"] = os.path.join(cache, "uv")
    env["PIP_CACHE_DIR"] = os.path.join(cache, "pip")
    return env


class Failed(Exception):
    """A method's command failed; the run goes on with the next method."""


def run(cmd: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(cmd, env=env, capture_output=True, text=True,
                            check=False, stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        raise Failed(f"failed: {' '.join(cmd)}\n{result.stderr[-6000:]}")
    return result.stdout


#: Seconds each interpreter took in the last reference() run, in order:
#: the reference runs interpreters one after the other, so the first
#: one's share of a two-interpreter run is a one-interpreter run.
SEGMENTS: list[float] = []


def reference(reqs: str, pythons: list[str], env: dict[str, str],
              work: str) -> str:
    """Upstream's _freeze, one interpreter after the other."""
    freezes = []
    SEGMENTS.clear()
    for python in pythons:
        start = time.perf_counter()
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
        SEGMENTS.append(time.perf_counter() - start)
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
    uv = interpreters.find_uv(env).path
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
        raise Failed("uv-raw failed")
    return "".join(out)


def uv_compile(reqs: str, env: dict[str, str], offline: bool) -> str:
    uv = interpreters.find_uv(env).path
    return run([uv, "pip", "compile", "--no-config",
                "--python-version", "3.12", "--no-header", "--no-annotate",
                "-q", *(["--offline"] if offline else []), reqs], env)


#: With --stale-pages: the uv methods' best run after their index pages
#: were dropped from the cache (as after PyPI's 10 minutes).
STALE_PAGES = False
STALE: dict[str, float] = {}

Func = Callable[[dict[str, str], bool], str]
Times = tuple[float, float, float | None]


def timed(label: str, results: dict[str, Times], outputs: dict[str, str],
          work: str, repeat: int, func: Func, can_offline: bool,
          cache: str | None = None, split: str = "") -> str | None:
    """Time *func*: cold once, then warm and offline, the best of each.

    The offline runs (uv methods only) use --offline on the warm cache.
    With *cache* (another method's warm cache) there is no cold run.
    With *split*, the first interpreter's share of each run (reference
    only, see SEGMENTS) is recorded under that label too.  Returns the
    cache directory, or None when the method failed.
    """
    phases = ["warm"] * repeat if cache else ["cold"] + ["warm"] * repeat
    cache = cache or tempfile.mkdtemp(dir=work)
    if can_offline:
        phases += ["stale"] * repeat if STALE_PAGES else []
        phases += ["offline"] * repeat
    times: dict[str, list[float]] = {}
    first: dict[str, list[float]] = {}
    for phase in phases:
        env = base_env(cache)
        if phase == "stale":
            # Index pages past their freshness: uv fetches them again;
            # files and built wheels stay in the cache.
            for pages in glob.glob(os.path.join(cache, "uv", "simple-v*")):
                shutil.rmtree(pages)
        start = time.perf_counter()
        try:
            outputs[label] = func(env, phase == "offline")
        except Failed as exc:
            print(f"  {label:<22} {phase:>7}: FAILED\n{exc}", flush=True)
            outputs.pop(label, None)
            return None
        times.setdefault(phase, []).append(time.perf_counter() - start)
        note = ""
        if split and SEGMENTS:
            first.setdefault(phase, []).append(SEGMENTS[0])
            note = f" (first interpreter {SEGMENTS[0]:.1f} s)"
        print(f"  {label:<22} {phase:>7}: {times[phase][-1]:8.1f} s{note}",
              flush=True)

    def best(table: dict[str, list[float]]) -> Times:
        return (table["cold"][0] if "cold" in table else math.nan,
                min(table["warm"]),
                min(table["offline"]) if can_offline else None)

    results[label] = best(times)
    if "stale" in times:
        STALE[label] = min(times["stale"])
    if split:
        results[split] = best(first)
    return cache


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
    parser.add_argument("--split-reference", action="store_true",
                        help="run the reference once, for two "
                             "interpreters, and report its first "
                             "interpreter's share as the one-interpreter "
                             "figure (it runs them one after the other; "
                             "saves a 10+ minute run on the full list)")
    parser.add_argument("--raw-cold", action="store_true",
                        help="give uv-raw a fresh cache and a cold run of "
                             "its own instead of uv's warm cache")
    parser.add_argument("--stale-pages", action="store_true",
                        help="uv methods: also time a warm run whose index "
                             "pages were dropped from uv's cache")
    parser.add_argument("--one-python", action="store_true",
                        help="leave out the two-interpreter runs")
    parser.add_argument("--save", metavar="DIR",
                        help="write each method's pins to DIR")
    args = parser.parse_args()
    global STALE_PAGES
    STALE_PAGES = args.stale_pages
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
        counts = (("1 python", one),) if args.one_python else (
            ("1 python", one), ("2 pythons", two))
        for name, pythons in counts:
            if not (args.split_reference and name == "1 python"):
                plan.append((
                    f"reference {name}",
                    lambda e, o, p=pythons: reference(reqs, p, e, work),
                    False))
            plan += [
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
        caches: dict[str, str | None] = {}
        for label, func, can_offline in plan:
            if label.split()[0] in skip:
                continue
            # The raw floor runs on uv's own warm cache, right after it:
            # same downloads and builds, so only the tool's cost differs.
            shared = (caches.get(label.replace("uv-raw", "uv", 1))
                      if label.startswith("uv-raw") and not args.raw_cold
                      else None)
            split = ("reference 1 python" if args.split_reference and
                     label == "reference 2 pythons" else "")
            caches[label] = timed(label, results, outputs, work,
                                  args.repeat, func, can_offline,
                                  cache=shared, split=split)
        if args.save:
            os.makedirs(args.save, exist_ok=True)
            for label, text in outputs.items():
                name = label.replace(" ", "-") + ".txt"
                with open(os.path.join(args.save, name), "w",
                          encoding="utf-8") as f:
                    f.write(text)
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

    if STALE:
        print()
        print("warm with stale index pages (files and built wheels cached):")
        for label, seconds in STALE.items():
            print(f"  {label:<22} {seconds:7.1f} s")

    def ratio(a: str, b: str, col: int) -> str:
        if a in results and b in results:
            x, y = results[a][col], results[b][col]
            if x is not None and y is not None and not math.isnan(x + y):
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
