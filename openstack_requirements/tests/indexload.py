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

"""Concurrent uploaders and readers against a running serve-index, and
the consistency checks: shared by the load benchmark and its short test.

Uploaders post new wheels of a few shared projects (so that uploads of
one project race); readers fetch the root and project pages (HTML and
PEP 691 JSON, in turn) and check each one whole, and that every file it
names exists.  At the end every accepted file must be on its page.
"""

from __future__ import annotations

import base64
import dataclasses
import http.client
import json
import os
import random
import threading
import time
import urllib.parse

from openstack_requirements import mirrordir
from openstack_requirements import simpleapi
from openstack_requirements.tests import localindex

PROJECTS = 3


@dataclasses.dataclass
class Result:
    seconds: float = 0.0
    accepted: int = 0
    refused: int = 0
    reads: int = 0
    upload_times: list[float] = dataclasses.field(default_factory=list)
    read_times: list[float] = dataclasses.field(default_factory=list)
    problems: list[str] = dataclasses.field(default_factory=list)


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


class _Run:
    def __init__(self, url: str, root: str, token: str, work: str,
                 seconds: float) -> None:
        parsed = urllib.parse.urlsplit(url)
        self.host, self.port = str(parsed.hostname), int(parsed.port or 80)
        self.root = root
        self.work = work
        self.auth = "Basic " + base64.b64encode(
            f"__token__:{token}".encode()).decode()
        self.deadline = time.monotonic() + seconds
        self.lock = threading.Lock()
        self.result = Result()
        self.accepted: dict[str, str] = {}  # filename -> project

    def problem(self, text: str) -> None:
        with self.lock:
            self.result.problems.append(text)

    def get(self, conn: http.client.HTTPConnection, path: str,
            accept: str | None = None) -> tuple[int, bytes]:
        conn.request("GET", path, headers={"Accept": accept} if accept
                     else {})
        response = conn.getresponse()
        return response.status, response.read()

    def uploader(self, number: int) -> None:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        directory = os.path.join(self.work, f"u{number}")
        os.makedirs(directory)
        serial = 0
        while time.monotonic() < self.deadline:
            serial += 1
            project = f"load-{(number + serial) % PROJECTS}"
            path = localindex.make_wheel(directory, project,
                                         f"{number}.{serial}")
            with open(path, "rb") as f:
                content = f.read()
            body, ctype = localindex.multipart_body(
                localindex.upload_fields(path), os.path.basename(path),
                content)
            os.unlink(path)
            started = time.monotonic()
            try:
                conn.request("POST", "/legacy/", body=body, headers={
                    "Content-Type": ctype, "Authorization": self.auth})
                response = conn.getresponse()
                text = response.read()
            except (OSError, http.client.HTTPException) as exc:
                self.problem(f"upload {os.path.basename(path)}: {exc!r}")
                conn.close()
                continue
            elapsed = time.monotonic() - started
            with self.lock:
                self.result.upload_times.append(elapsed)
                if response.status == 200:
                    self.result.accepted += 1
                    self.accepted[os.path.basename(path)] = project
                else:
                    self.result.refused += 1
                    self.result.problems.append(
                        f"upload {os.path.basename(path)}: "
                        f"{response.status} {text!r}")
        conn.close()

    def reader(self, number: int) -> None:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        rng = random.Random(number)
        turn = 0
        while time.monotonic() < self.deadline:
            turn += 1
            as_json = turn % 2 == 0
            project = f"load-{rng.randrange(PROJECTS)}"
            path = "/simple/" if turn % 5 == 0 else f"/simple/{project}/"
            started = time.monotonic()
            try:
                status, body = self.get(conn, path, simpleapi.ACCEPT
                                        if as_json else None)
            except (OSError, http.client.HTTPException) as exc:
                self.problem(f"GET {path}: {exc!r}")
                conn.close()
                continue
            elapsed = time.monotonic() - started
            with self.lock:
                self.result.reads += 1
                self.result.read_times.append(elapsed)
            if status == 404 and path != "/simple/":
                continue  # no upload of that project yet
            if status != 200:
                self.problem(f"GET {path}: {status}")
                continue
            self.check_page(path, body, as_json)
        conn.close()

    def check_page(self, path: str, body: bytes, as_json: bool) -> None:
        text = body.decode("utf-8", "replace")
        base = f"http://{self.host}:{self.port}{path}"
        try:
            if path == "/simple/":
                if as_json:
                    json.loads(text)["projects"]
                elif not text.endswith("</html>\n"):
                    raise ValueError("cut short")
                return
            if as_json:
                files = simpleapi.parse_project_json(text, base)
            else:
                if not text.endswith("</html>\n"):
                    raise ValueError("cut short")
                files = simpleapi.parse_project(text, base)
        except (ValueError, KeyError) as exc:
            self.problem(f"GET {path}: broken page ({exc}): {text[:200]!r}")
            return
        for f in files:
            on_disk = os.path.join(self.root, simpleapi.PACKAGES,
                                   f.filename)
            if not f.sha256 or not os.path.isfile(on_disk):
                self.problem(f"GET {path}: names {f.filename}, which is "
                             "missing or has no hash")

    def final_check(self) -> None:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        listed: dict[str, set[str]] = {}
        for project in sorted(set(self.accepted.values())):
            status, body = self.get(conn, f"/simple/{project}/")
            listed[project] = {f.filename for f in simpleapi.parse_project(
                body.decode(), "http://h/")}
        conn.close()
        for filename, project in sorted(self.accepted.items()):
            if filename not in listed.get(project, set()):
                self.problem(f"{filename} was accepted but is not on the "
                             f"page of {project}")
        for finding in mirrordir.verify_mirror(self.root):
            self.problem(str(finding))


def run(url: str, root: str, token: str, uploaders: int, readers: int,
        seconds: float, work: str) -> Result:
    """Load the index at *url* (serving *root*) and check it."""
    state = _Run(url, root, token, work, seconds)
    threads = [threading.Thread(target=state.uploader, args=(i,))
               for i in range(uploaders)]
    threads += [threading.Thread(target=state.reader, args=(i,))
                for i in range(readers)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    state.result.seconds = time.monotonic() - started
    state.final_check()
    return state.result
