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
import shutil

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


def flip_a_byte(path: str) -> None:
    """Corrupt *path* in place, keeping its size."""
    with open(path, "r+b") as f:
        f.seek(10)
        byte = f.read(1)
        f.seek(10)
        f.write(bytes([byte[0] ^ 0xFF]))


class TestVerifyMirror(MirrorDirTestCase):
    def test_missing_truncated_and_changed_files(self) -> None:
        alpha = localindex.make_wheel(self.src, "alpha", "1.0")
        beta = localindex.make_wheel(self.src, "beta", "1.0")
        gamma = localindex.make_wheel(self.src, "gamma", "1.0")
        self.add(alpha, beta, gamma)
        packages = os.path.join(self.root, "packages")
        os.unlink(os.path.join(packages, "alpha-1.0-py3-none-any.whl"))
        flip_a_byte(os.path.join(packages, "beta-1.0-py3-none-any.whl"))
        with open(os.path.join(packages, "gamma-1.0-py3-none-any.whl"),
                  "ab") as f:
            f.write(b"changed")
        # Existence and size are always checked; hashes on request.
        findings = mirrordir.verify_mirror(self.root, hashes=False)
        self.assertEqual(["missing-file", "size"],
                         [f.code for f in findings])
        self.assertIn("packages/alpha-1.0-py3-none-any.whl is listed but "
                      "missing", findings[0].message)
        self.assertIn("packages/gamma-1.0-py3-none-any.whl is 916 bytes, "
                      "its page says 909", findings[1].message)
        findings = mirrordir.verify_mirror(self.root)
        self.assertEqual(["missing-file", "hash", "size"],
                         [f.code for f in findings])
        self.assertIn("packages/beta-1.0-py3-none-any.whl differs from its "
                      "page", findings[1].message)

    def test_stray_files_are_reported_and_not_published(self) -> None:
        self.add(localindex.make_wheel(self.src, "alpha", "1.0"))
        packages = os.path.join(self.root, "packages")
        renamed = os.path.join(packages, "unlisted-9.9-py3-none-any.whl")
        shutil.copyfile(localindex.make_wheel(self.src, "decorator", "5.3.1"),
                        renamed)
        [finding] = mirrordir.verify_mirror(self.root, hashes=False)
        self.assertEqual(("stray", renamed), (finding.code, finding.source))
        self.add()
        self.assertFalse(os.path.exists(
            os.path.join(self.root, "simple", "unlisted")))
        self.assertEqual(["unlisted-9.9-py3-none-any.whl"],
                         self.target.strays)


class TestAgreement(MirrorDirTestCase):
    def test_error_add_renamed_wheel(self) -> None:
        wheel = localindex.make_wheel(self.src, "decorator", "5.3.1")
        renamed = os.path.join(self.make_dir(),
                               "unlisted-9.9-py3-none-any.whl")
        shutil.copyfile(wheel, renamed)
        exc = self.assertRaises(errors.InputError, mirrordir.check_files,
                                [renamed], self.target)
        self.assertEqual(
            f"{renamed}: unlisted-9.9-py3-none-any.whl: its metadata says "
            "decorator 5.3.1 but the filename says unlisted 9.9: a renamed "
            "file is refused", str(exc))

    def test_error_add_other_version(self) -> None:
        wheel = localindex.make_wheel(self.src, "alpha", "1.0")
        renamed = os.path.join(self.make_dir(), "alpha-2.0-py3-none-any.whl")
        shutil.copyfile(wheel, renamed)
        exc = self.assertRaises(errors.InputError, mirrordir.check_files,
                                [renamed], self.target)
        self.assertIn("its metadata says alpha 1.0 but the filename says "
                      "alpha 2.0", str(exc))


class TestRecords(MirrorDirTestCase):
    def test_replaced_file_gets_its_own_hash_on_the_page(self) -> None:
        # Built wheels are not reproducible: a wheel deleted and built
        # again has another hash, and the page must carry the new one.
        first = localindex.make_wheel(self.src, "alpha", "1.0")
        self.add(first)
        os.unlink(os.path.join(self.root, "packages",
                               "alpha-1.0-py3-none-any.whl"))
        other = localindex.make_wheel(self.make_dir(), "alpha", "1.0",
                                      requires_python=">=3")
        self.assertNotEqual(mirrordir.sha256_of(first),
                            mirrordir.sha256_of(other))
        with self.target.locked():
            work = self.target.temp_dir()
            tmp = os.path.join(work, "alpha-1.0-py3-none-any.whl")
            shutil.copyfile(other, tmp)
            self.assertTrue(self.target.place(tmp, os.path.basename(tmp)))
            self.target.regenerate()
        [listed] = self.page("alpha")
        self.assertEqual(mirrordir.sha256_of(other), listed.sha256)
        self.assertEqual([], mirrordir.verify_mirror(self.root))

    def test_corrupted_file_is_not_intact_and_not_blessed(self) -> None:
        self.add(localindex.make_wheel(self.src, "alpha", "1.0"))
        path = os.path.join(self.root, "packages",
                            "alpha-1.0-py3-none-any.whl")
        before = self.page("alpha")[0].sha256
        flip_a_byte(path)
        with self.target.locked():
            self.assertFalse(self.target.intact(os.path.basename(path)))
            self.target.regenerate()
        self.assertEqual(before, self.page("alpha")[0].sha256)

    def test_metadata_files_and_pep700_fields(self) -> None:
        wheel = localindex.make_wheel(self.src, "alpha", "1.0",
                                      requires=["beta"])
        self.add(wheel, localindex.make_sdist(self.src, "alpha", "1.0"))
        packages = os.path.join(self.root, "packages")
        meta = os.path.join(packages, "alpha-1.0-py3-none-any.whl.metadata")
        self.assertEqual(mirrordir.read_metadata(wheel), base.read(meta))
        wheel_link = self.page("alpha")[0]
        self.assertEqual(mirrordir.sha256_of(meta),
                         wheel_link.metadata_sha256)
        doc = json.loads(base.read(os.path.join(
            self.root, "simple", "alpha", "index.json")))
        self.assertEqual("1.1", doc["meta"]["api-version"])
        self.assertEqual(["1.0"], doc["versions"])
        entry = doc["files"][0]
        self.assertEqual(os.path.getsize(wheel), entry["size"])
        self.assertRegex(entry["upload-time"],
                         r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertEqual({"sha256": mirrordir.sha256_of(meta)},
                         entry["core-metadata"])
        self.assertNotIn("core-metadata", doc["files"][1])  # the sdist
        manifest = json.loads(base.read(os.path.join(self.root,
                                                     "manifest.json")))
        self.assertEqual(
            {"added": "alpha-1.0-py3-none-any.whl"},
            manifest["files"]["alpha-1.0-py3-none-any.whl"]["origin"])

    def test_temp_page_files_of_a_killed_run_are_removed(self) -> None:
        self.add(localindex.make_wheel(self.src, "alpha", "1.0"))
        page_dir = os.path.join(self.root, "simple", "alpha")
        self.write(page_dir, ".index.html.k3_x9abc", "half")
        self.write(self.root, ".git", "kept: not ours")
        with self.target.locked():
            pass
        self.assertEqual(["index.html", "index.json"],
                         sorted(os.listdir(page_dir)))
        self.assertTrue(os.path.exists(os.path.join(self.root, ".git")))
