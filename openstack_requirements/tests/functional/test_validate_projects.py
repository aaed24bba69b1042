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

from __future__ import annotations

import json
import os

from openstack_requirements.cmds import validate_projects
from openstack_requirements.tests import base


class TestValidateProjects(base.TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.dir = self.make_dir()

    def run_validate(self, *argv: str) -> tuple[int, str, str]:
        return self.run_main(validate_projects.main, argv)

    def test_shipped_list_passes(self) -> None:
        self.assertEqual((0, "", ""), self.run_validate(
            base.repo_file("projects.txt")))

    def test_problems_exit_one(self) -> None:
        path = self.write(self.dir, "projects.txt",
                          "openstack/nova\nopenstack/glance\n\nnova\n")
        code, out, err = self.run_validate(path)
        self.assertEqual(1, code)
        self.assertEqual(
            f"{path}:2: openstack/glance is out of order: it sorts before "
            "openstack/nova (line 1); keep the file sorted\n"
            f"{path}:3: blank line; remove it\n"
            f"{path}:4: expected 'namespace/name', found 'nova'; one "
            "project per line, no spaces or comments\n"
            "3 problem(s) found\n", out)
        code, out, err = self.run_validate("--json", path)
        self.assertEqual([2, 3, 4],
                         [f["line"] for f in json.loads(out)["findings"]])

    def test_error_missing(self) -> None:
        missing = os.path.join(self.dir, "nope")
        self.assertEqual(
            (2, "", f"{missing}: no such file; check the path\n"),
            self.run_validate(missing))

    def test_error_directory(self) -> None:
        code, out, err = self.run_validate(self.dir)
        self.assertEqual(2, code)
        self.assertIn("is a directory", err)

    def test_error_not_utf8(self) -> None:
        path = os.path.join(self.dir, "projects.txt")
        with open(path, "wb") as f:
            f.write(b"a/b\na/\xe9\n")
        code, out, err = self.run_validate(path)
        self.assertEqual((2, ""), (code, out))
        self.assertIn(f"{path}:2: byte 0xe9 at column 3 is not UTF-8", err)
