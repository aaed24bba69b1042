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

"""The mirror's warm paths on a local mirror built from a loopback index.

Run: python benchmarks/bench_mirror_local.py [--pins N] [--rounds R]

Not the whole PyPI list (``bench_mirror.py`` is the network-bound cold
run): N synthetic projects (default 575, as many as the shipped
upper-constraints.txt pins), one wheel each with a few dependencies
among them, served on 127.0.0.1.  Each command runs as a console
script would (a fresh interpreter), and the median of R rounds is
printed beside the issue #14 target:

* warm no-op build-wheel-mirror (everything present): target <= 1 s;
* check-mirror's installability proof for one interpreter, warm
  (metadata walk and uv's resolve against the mirror alone): <= 5 s;
* build-wheel-mirror --publish of an unchanged mirror to a local
  directory: <= 2 s.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

from openstack_requirements.tests import localindex  # noqa: H306

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUN = ("import sys\nfrom openstack_requirements.cmds import {0}\n"
       "sys.exit({0}.main(sys.argv[1:]))\n")


def _run(module: str, argv: list[str], env: dict[str, str]
         ) -> tuple[float, str]:
    t0 = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", RUN.format(module), *argv],
        capture_output=True, text=True, cwd=REPO, env=env)
    took = time.perf_counter() - t0
    if result.returncode:
        sys.exit(f"{module} {' '.join(argv)} exited {result.returncode}:\n"
                 f"{result.stdout[-2000:]}{result.stderr[-2000:]}")
    return took, result.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pins", type=int, default=575)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    env = dict(localindex.pip_env())
    with tempfile.TemporaryDirectory(prefix="bench-mirror-local-") as tmp:
        env["UV_CACHE_DIR"] = os.path.join(tmp, "uv-cache")
        index = os.path.join(tmp, "index")
        os.mkdir(index)
        lines = []
        for i in range(args.pins):
            requires = [f"pkg-{j:03d}>=1" for j in (i + 1, i + 7)
                        if j < args.pins]
            localindex.make_wheel(index, f"pkg-{i:03d}", "1.0",
                                  requires=requires)
            lines.append(f"pkg-{i:03d}===1.0\n")
        pins = os.path.join(tmp, "upper-constraints.txt")
        with open(pins, "w", encoding="utf-8") as f:
            f.writelines(lines)
        mirror = os.path.join(tmp, "mirror")
        region = os.path.join(tmp, "region")
        with localindex.serve(index, {}) as url:
            build = ["-c", pins, "-o", mirror, "-p", sys.executable,
                     "--index-url", url]
            cold, _ = _run("build_mirror", build, env)
            noop = [_run("build_mirror", build, env)[0]
                    for _ in range(args.rounds)]
        check = ["-c", pins, "--mirror", mirror, "-p", sys.executable]
        proof_cold, text = _run("check_mirror", check, env)
        proof = [_run("check_mirror", check, env)[0]
                 for _ in range(args.rounds)]
        publish = ["-o", mirror, "--publish", region]
        first, _ = _run("build_mirror", publish, env)
        again = [_run("build_mirror", publish, env)[0]
                 for _ in range(args.rounds)]
    now = datetime.datetime.now(datetime.timezone.utc)
    print(f"date: {now:%Y-%m-%d %H:%M} UTC  cpus: {os.cpu_count()}  "
          f"{platform.machine()}  python {platform.python_version()}  "
          f"{args.pins} pins (synthetic, loopback index)  "
          f"median of {args.rounds}")
    print(f"{'':34} {'cold':>8} {'warm':>8} {'target':>8} {'warm/target':>12}")
    for label, a, b, target in (
            ("build-wheel-mirror (no-op)", cold, noop, 1.0),
            ("check-mirror installability proof", proof_cold, proof, 5.0),
            ("publish unchanged to a directory", first, again, 2.0)):
        warm = statistics.median(b)
        print(f"{label:34} {a:7.2f}s {warm:7.2f}s {target:7.1f}s "
              f"{warm / target:11.2f}x")
    print(f"check-mirror said: {text.strip().splitlines()[-1]}")


if __name__ == "__main__":
    main()
