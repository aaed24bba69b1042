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

"""The mirror directory: files placed, pages written, local checks."""

from __future__ import annotations

import json
import os

from openstack_requirements import errors
from openstack_requirements import mirrordir
from openstack_requirements import simpleapi
from openstack_requirements.tests import base
from openstack_requirements.tests import localindex


class MirrorDirTestCase(base.TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.src = self.make_dir()
        self.root = os.path.join(self.make_dir(), "mirror")
        self.target = mirrordir.MirrorDir(self.root)

    def add(self, *paths: str) -> list[str]:
        with self.target.locked():
            added = mirrordir.add_files(paths, self.target)
            self.target.regenerate()
        return added

    def page(self, name: str) -> list[simpleapi.File]:
        path = os.path.join(self.root, "simple", name, "index.html")
        return simpleapi.parse_project(base.read(path),
                                       f"http://h/simple/{name}/")


class TestAdd(MirrorDirTestCase):
    def test_pages_list_files_with_hash_and_requires_python(self) -> None:
        wheel = localindex.make_wheel(self.src, "alpha", "1.0",
                                      requires_python=">=3.9")
        sdist = localindex.make_sdist(self.src, "alpha", "1.0")
        self.assertEqual(["alpha-1.0-py3-none-any.whl", "alpha-1.0.tar.gz"],
                         self.add(wheel, sdist))
        self.assertEqual(
            [("alpha-1.0-py3-none-any.whl", mirrordir.sha256_of(wheel),
              ">=3.9"),
             ("alpha-1.0.tar.gz", mirrordir.sha256_of(sdist), None)],
            [(f.filename, f.sha256, f.requires_python)
             for f in self.page("alpha")])
        self.assertEqual(["alpha"], simpleapi.parse_root(base.read(
            os.path.join(self.root, "simple", "index.html"))))
        as_json = json.loads(base.read(os.path.join(
            self.root, "simple", "alpha", "index.json")))
        self.assertEqual(2, len(as_json["files"]))
        self.assertEqual([], mirrordir.verify_mirror(self.root))

    def test_same_file_again_is_not_added(self) -> None:
        wheel = localindex.make_wheel(self.src, "alpha", "1.0")
        self.add(wheel)
        self.assertEqual([], self.add(wheel))

    def test_error_different_file_of_the_same_name(self) -> None:
        wheel = localindex.make_wheel(self.src, "alpha", "1.0")
        self.add(wheel)
        other_dir = self.make_dir()
        other = localindex.make_wheel(other_dir, "alpha", "1.0",
                                      requires_python=">=3")
        exc = self.assertRaises(errors.InputError, mirrordir.check_files,
                                [other], self.target)
        self.assertIn("the mirror already holds a different "
                      "alpha-1.0-py3-none-any.whl", str(exc))

    def test_error_not_a_distribution(self) -> None:
        junk = self.write(self.src, "notes.txt", "hello\n")
        exc = self.assertRaises(errors.InputError, mirrordir.check_files,
                                [junk], self.target)
        self.assertEqual(f"{junk}: 'notes.txt' is not a wheel "
                         "(name-version-tags.whl) or an sdist "
                         "(name-version.tar.gz or .zip)", str(exc))

    def test_error_missing_file(self) -> None:
        path = os.path.join(self.src, "alpha-1.0.tar.gz")
        exc = self.assertRaises(errors.InputError, mirrordir.check_files,
                                [path], self.target)
        self.assertEqual(f"{path}: no such file; check the path", str(exc))


class TestMetadata(MirrorDirTestCase):
    def test_wheel_and_sdist(self) -> None:
        wheel = localindex.make_wheel(self.src, "alpha", "1.0",
                                      requires=["beta>=2"])
        sdist = localindex.make_sdist(self.src, "gamma", "3.0",
                                      requires_python=">=3.10")
        self.assertIn("Requires-Dist: beta>=2\n",
                      mirrordir.read_metadata(wheel))
        self.assertIn("Requires-Python: >=3.10\n",
                      mirrordir.read_metadata(sdist))

    def test_error_not_an_archive(self) -> None:
        bad = self.write(self.src, "bad-1.0-py3-none-any.whl", "not a zip")
        exc = self.assertRaises(errors.InputError, mirrordir.read_metadata,
                                bad)
        self.assertIn(f"{bad}: not a readable wheel or sdist", str(exc))


class TestLocked(MirrorDirTestCase):
    def test_second_writer_is_refused(self) -> None:
        other = mirrordir.MirrorDir(self.root)
        with self.target.locked():
            exc = self.assertRaises(errors.InputError,
                                    other.locked().__enter__)
        self.assertEqual(f"{self.root}: another build-wheel-mirror is "
                         "writing this mirror; wait for it to finish",
                         str(exc))

    def test_leftovers_of_a_killed_run_are_removed(self) -> None:
        with self.target.locked():
            work = self.target.temp_dir()
            self.write(work, "half.whl", "")
        os.makedirs(os.path.join(self.root, "packages"), exist_ok=True)
        self.write(os.path.join(self.root, "packages"),
                   mirrordir.PARTIAL + "x", "")
        with self.target.locked():
            pass
        self.assertEqual([], [e for e in os.listdir(self.root)
                              if e.startswith(".")])
        self.assertEqual([], os.listdir(os.path.join(self.root,
                                                     "packages")))


class TestVerifyMirror(MirrorDirTestCase):
    def test_missing_and_changed_files(self) -> None:
        alpha = localindex.make_wheel(self.src, "alpha", "1.0")
        beta = localindex.make_wheel(self.src, "beta", "1.0")
        self.add(alpha, beta)
        packages = os.path.join(self.root, "packages")
        os.unlink(os.path.join(packages, "alpha-1.0-py3-none-any.whl"))
        with open(os.path.join(packages, "beta-1.0-py3-none-any.whl"),
                  "ab") as f:
            f.write(b"changed")
        findings = mirrordir.verify_mirror(self.root)
        self.assertEqual(["missing-file", "hash"],
                         [f.code for f in findings])
        self.assertIn("packages/alpha-1.0-py3-none-any.whl is listed but "
                      "missing", findings[0].message)
        self.assertIn("packages/beta-1.0-py3-none-any.whl differs from its "
                      "page", findings[1].message)
