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

"""Load serve-index with concurrent uploaders and readers; check it.

Run: python benchmarks/bench_index_server.py [--uploaders 8]
     [--readers 16] [--seconds 30] [--threads 8]

Starts the real ``serve-index`` on 127.0.0.1 (a free port) over an
empty mirror, then for the given time uploaders post new wheels of three
shared projects (legacy upload API, token auth) while readers fetch the
root and project pages (HTML and PEP 691 JSON in turn).  Every page read
is checked whole and every file it names must exist; at the end every
accepted upload must be on its project's page and check-mirror's
verification must pass.  Prints requests per second and latencies
(median, p95, max) for uploads and reads; exit 1 on any inconsistency.
Needs the test requirements (the load and checks are
openstack_requirements/tests/indexload.py, which a short test runs too).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

from openstack_requirements.tests import indexload  # noqa: E402
from openstack_requirements.tests import localindex  # noqa: E402


def _start(mirror: str,
           threads: int) -> tuple[subprocess.Popen[str], str, str]:
    tokens = os.path.join(mirror, "index-tokens.json")
    token = subprocess.run(
        [sys.executable, "-m", "openstack_requirements.cmds.index_tokens",
         "--file", tokens, "add", "bench"], capture_output=True, text=True,
        check=True).stdout.strip()
    server = subprocess.Popen(
        [sys.executable, "-m", "openstack_requirements.cmds.serve_index",
         mirror, "--port", "0", "--threads", str(threads)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert server.stdout is not None
    line = server.stdout.readline()
    match = re.search(r"at (http://\S+)/ ", line)
    if match is None:
        server.kill()
        raise SystemExit(f"serve-index did not start: {line}")
    localindex.drain(server.stdout)  # its log must not fill the pipe
    return server, match[1], token


def _row(label: str, count: int, seconds: float,
         times: list[float]) -> str:
    ms = [t * 1000 for t in times]
    return (f"{label:<10} {count:>8} {count / seconds:>9.1f} "
            f"{indexload.percentile(ms, 0.5):>8.1f} "
            f"{indexload.percentile(ms, 0.95):>8.1f} "
            f"{max(ms, default=0):>8.1f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploaders", type=int, default=8)
    parser.add_argument("--readers", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--threads", type=int, default=8,
                        help="serve-index --threads")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        mirror = os.path.join(work, "mirror")
        os.makedirs(mirror)
        server, url, token = _start(mirror, args.threads)
        try:
            result = indexload.run(url, mirror, token, args.uploaders,
                                   args.readers, args.seconds,
                                   os.path.join(work, "src"))
        finally:
            server.terminate()
            server.wait(10)
        # Wheels and sdists; not the PEP 658 .metadata files beside them.
        files = sum(not f.endswith(".metadata")
                    for f in os.listdir(os.path.join(mirror, "packages")))
    print(f"{args.uploaders} uploaders, {args.readers} readers, "
          f"{result.seconds:.1f} s, serve-index --threads {args.threads}")
    print(f"{'':<10} {'requests':>8} {'req/s':>9} {'p50 ms':>8} "
          f"{'p95 ms':>8} {'max ms':>8}")
    print(_row("uploads", len(result.upload_times), result.seconds,
               result.upload_times))
    print(_row("reads", len(result.read_times), result.seconds,
               result.read_times))
    print(_row("all", len(result.upload_times) + len(result.read_times),
               result.seconds, result.upload_times + result.read_times))
    print(f"accepted {result.accepted}, refused {result.refused}, files in "
          f"the mirror {files}; problems: {len(result.problems)}")
    for problem in result.problems[:20]:
        print(f"  {problem}")
    ok = not result.problems and files == result.accepted
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
