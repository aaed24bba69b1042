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

"""Every console script that reads a requirements-style file refuses a
malformed one the same way: ``path:line: message``, non-zero, no
traceback, nothing written."""

import os
import sys

from openstack_requirements.cmds import build_mirror
from openstack_requirements.cmds import check_conflicts
from openstack_requirements.cmds import check_constraints
from openstack_requirements.cmds import check_mirror
from openstack_requirements.cmds import edit_constraint
from openstack_requirements.cmds import generate
from openstack_requirements.cmds import normalize
from openstack_requirements.cmds import review
from openstack_requirements.cmds import validate
from openstack_requirements.cmds import what_broke
from openstack_requirements.tests import base

# Nothing listens on port 9 (discard) of loopback: no command may get as
# far as the network with a malformed input.
NOWHERE = "http://127.0.0.1:9/simple"


class TestMalformedInput(base.TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.dir = self.make_dir()
        self.bad = self.write(self.dir, "bad.txt",
                              "six  # MIT\nfoo=>1  # MIT\n")
        self.binary = os.path.join(self.dir, "binary.txt")
        with open(self.binary, "wb") as f:
            f.write(b"six  # MIT\nfoo  # caf\xe9\n")
        self.good = self.write(self.dir, "good.txt", "six  # MIT\n")
        self.upper = self.write(self.dir, "upper.txt", "six===1.17.0\n")
        self.project = os.path.join(self.dir, "project")
        os.makedirs(self.project)
        self.write(self.project, "requirements.txt", "six>=1.0\n")
        self.mirror = os.path.join(self.dir, "mirror")
        self.out = os.path.join(self.dir, "out.txt")

    def commands(self, path: str) -> list[tuple[object, list[str]]]:
        return [
            (validate.main, [path, self.upper, self.good]),
            (validate.main, [self.good, path, self.good]),
            (generate.main, ["-p", sys.executable, "-r", path,
                             "-o", self.out]),
            (edit_constraint.main, [path, "six", "six===2.0"]),
            (check_constraints.main, ["-u", path, "-g", self.good,
                                      self.project]),
            (check_constraints.main, ["-u", self.upper, "-g", path,
                                      self.project]),
            (check_conflicts.main, [path]),
            (normalize.main, [path]),
            (review.main, ["six", "--global", path, "--upper", self.upper,
                           "--index-url", NOWHERE]),
            (what_broke.main, ["--global", path, "--since", "2026-01-01",
                               "--index-url", NOWHERE]),
            (build_mirror.main, ["-c", path, "-o", self.mirror,
                                 "--index-url", NOWHERE]),
            (check_mirror.main, ["-c", path, "--index-url", NOWHERE]),
        ]

    def assertRefused(self, path: str, message: str) -> None:
        before = base.read(path) if path != self.binary else None
        for main, argv in self.commands(path):
            code, out, err = self.run_main(main, argv)
            label = f"{main.__module__} {argv}"
            self.assertNotEqual(0, code, label)
            self.assertIn(f"{path}:2: {message}", err + out, label)
            self.assertNotIn("Traceback", err + out, label)
            self.assertFalse(os.path.exists(self.out), label)
            self.assertFalse(os.path.exists(self.mirror), label)
            if before is not None:
                self.assertEqual(before, base.read(path), label)

    def test_error_malformed_line(self) -> None:
        self.assertRefused(self.bad, "invalid version specifier '=>1'")

    def test_error_not_utf8(self) -> None:
        self.assertRefused(
            self.binary,
            "byte 0xe9 at column 11 is not UTF-8; save the file as UTF-8")
