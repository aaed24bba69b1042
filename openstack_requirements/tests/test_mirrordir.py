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

import dataclasses
import hashlib
import json
import os
import shutil
import threading
import time
import urllib.error
import urllib.request

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


WHEEL = "{}-{}-py3-none-any.whl"


class TestRemove(MirrorDirTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.add(localindex.make_wheel(self.src, "alpha", "1.0"),
                 localindex.make_wheel(self.src, "alpha", "2.0"),
                 localindex.make_sdist(self.src, "alpha", "2.0"),
                 localindex.make_wheel(self.src, "beta", "1.0"))
        self.packages = os.path.join(self.root, "packages")

    def manifest(self) -> dict[str, object]:
        doc: dict[str, object] = json.loads(base.read(
            os.path.join(self.root, "manifest.json")))
        return doc

    def test_remove_a_file_then_a_project(self) -> None:
        with self.target.locked():
            self.assertEqual([WHEEL.format("alpha", "1.0")],
                             self.target.remove([WHEEL.format("alpha",
                                                              "1.0")]))
        self.assertEqual([WHEEL.format("alpha", "2.0"), "alpha-2.0.tar.gz"],
                         [f.filename for f in self.page("alpha")])
        self.assertEqual(["2.0"], json.loads(base.read(os.path.join(
            self.root, "simple", "alpha", "index.json")))["versions"])
        for gone in ("alpha-1.0-py3-none-any.whl",
                     "alpha-1.0-py3-none-any.whl.metadata"):
            self.assertFalse(os.path.exists(os.path.join(self.packages,
                                                         gone)))
        self.assertNotIn(WHEEL.format("alpha", "1.0"),
                         self.manifest()["files"])
        self.assertNotIn("removing", self.manifest())
        with self.target.locked():
            self.target.remove([WHEEL.format("beta", "1.0")])
        self.assertEqual(["alpha"], simpleapi.parse_root(base.read(
            os.path.join(self.root, "simple", "index.html"))))
        self.assertFalse(os.path.exists(os.path.join(self.root, "simple",
                                                     "beta")))
        self.assertEqual([], mirrordir.verify_mirror(self.root))

    def test_killed_removal_is_finished_by_the_next_run(self) -> None:
        # Killed after the manifest dropped the file, before its page
        # was rewritten: the page still names it, so it is still there.
        doomed = WHEEL.format("alpha", "1.0")
        doc = self.manifest()
        files = doc["files"]
        assert isinstance(files, dict)
        del files[doomed]
        doc["removing"] = [doomed]
        self.write(self.root, "manifest.json", json.dumps(doc))
        self.assertIn(doomed, [f.filename for f in self.page("alpha")])
        self.assertTrue(os.path.exists(os.path.join(self.packages, doomed)))
        with self.target.locked():
            self.assertEqual([], self.target.strays)
        self.assertNotIn(doomed, [f.filename for f in self.page("alpha")])
        self.assertFalse(os.path.exists(os.path.join(self.packages, doomed)))
        self.assertNotIn("removing", self.manifest())
        self.assertEqual([], mirrordir.verify_mirror(self.root))

    def test_file_deleted_by_hand_leaves_its_page(self) -> None:
        os.unlink(os.path.join(self.packages, WHEEL.format("beta", "1.0")))
        os.unlink(os.path.join(self.packages, WHEEL.format("alpha", "1.0")))
        self.add()
        self.assertEqual(["alpha"], simpleapi.parse_root(base.read(
            os.path.join(self.root, "simple", "index.html"))))
        self.assertEqual([WHEEL.format("alpha", "2.0"), "alpha-2.0.tar.gz"],
                         [f.filename for f in self.page("alpha")])
        # Their metadata files go too: no stray is left.
        self.assertEqual([], mirrordir.verify_mirror(self.root))
        self.assertEqual(
            {WHEEL.format("alpha", "2.0"), "alpha-2.0.tar.gz"},
            set(self.manifest()["files"]))  # type: ignore[arg-type]


class PublishReader(threading.Thread):
    """Fetch the root, every page and every file it names, in a loop.

    A file that is not there is a failure unless the page naming it
    has changed since (a reader holding an old page).
    """

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.stop = threading.Event()
        self.failures: list[str] = []
        self.rounds = self.fetched = 0

    def get(self, url: str) -> bytes | None:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                data: bytes = response.read()
                return data
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None
            raise

    def run(self) -> None:
        try:
            self._walk()
        except BaseException as exc:  # shown by the test, not lost
            self.failures.append(f"the reader stopped: {exc!r}")
            raise

    def _walk(self) -> None:
        while not self.stop.is_set():
            root = self.get(self.url + "/simple/")
            for name in simpleapi.parse_root((root or b"").decode()):
                page_url = f"{self.url}/simple/{name}/"
                page = self.get(page_url)
                if page is None:
                    continue  # the project left after the root was read
                for f in simpleapi.parse_project(page.decode(), page_url):
                    data = self.get(f.url)
                    self.fetched += 1
                    if data is None and self.get(page_url) == page:
                        self.failures.append(
                            f"{page_url} names {f.filename}: missing")
                    elif data is not None and (
                            hashlib.sha256(data).hexdigest() != f.sha256):
                        self.failures.append(f"{f.filename}: other hash")
            self.rounds += 1


class TestPublish(MirrorDirTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.dest = os.path.join(self.make_dir(), "region")

    def publish(self) -> mirrordir.Published:
        with self.target.locked():
            return mirrordir.publish(self.target, self.dest)

    def test_copy_then_nothing_then_what_is_gone(self) -> None:
        self.add(localindex.make_wheel(self.src, "alpha", "1.0"),
                 localindex.make_wheel(self.src, "beta", "1.0"))
        done = self.publish()
        self.assertEqual(
            ("alpha-1.0-py3-none-any.whl",
             "alpha-1.0-py3-none-any.whl.metadata",
             "beta-1.0-py3-none-any.whl",
             "beta-1.0-py3-none-any.whl.metadata"), done.copied)
        self.assertEqual([], mirrordir.verify_mirror(self.dest))
        # The records hold in the copy: mtimes kept, nothing to hash.
        region = mirrordir.MirrorDir(self.dest)
        with region.locked():
            self.assertTrue(region.intact("beta-1.0-py3-none-any.whl"))
        self.assertEqual(mirrordir.Published((), (), ()), self.publish())
        with self.target.locked():
            self.target.remove(["beta-1.0-py3-none-any.whl"])
        done = self.publish()
        self.assertEqual(("simple/beta/", "beta-1.0-py3-none-any.whl",
                          "beta-1.0-py3-none-any.whl.metadata"),
                         done.removed)
        self.assertEqual(["manifest.json", "simple/index.json",
                          "simple/index.html"], list(done.pages))
        self.assertEqual([], mirrordir.verify_mirror(self.dest))
        self.assertEqual([], mirrordir.differences(
            mirrordir.read_records(self.root),
            mirrordir.read_records(self.dest), "a", "b"))

    def test_error_source_file_missing(self) -> None:
        self.add(localindex.make_wheel(self.src, "alpha", "1.0"))
        with self.target.locked():
            os.unlink(os.path.join(self.root, "packages",
                                   "alpha-1.0-py3-none-any.whl"))
            exc = self.assertRaises(errors.InputError, mirrordir.publish,
                                    self.target, self.dest)
        self.assertIn("alpha-1.0-py3-none-any.whl is missing or not the "
                      "recorded file", str(exc))
        self.assertFalse(os.path.exists(self.dest))

    def test_reader_never_sees_a_page_naming_a_missing_file(self) -> None:
        # Each round adds a version of every project and removes the
        # oldest, and every few rounds a whole project comes or goes,
        # while a reader walks the published copy over HTTP.
        os.makedirs(self.dest)
        server = self.useFixture(localindex.DirectoryServer(self.dest))
        names = [f"proj{i}" for i in range(8)]
        wheels = {(n, v): localindex.make_wheel(self.src, n, f"1.{v}")
                  for n in names for v in range(12)}
        self.add(*(wheels[n, 0] for n in names))
        self.publish()
        reader = PublishReader(server.url)
        reader.start()
        try:
            for v in range(1, 12):
                with self.target.locked():
                    present = [n for n in names if (
                        n in self.target.names() or v % 3)]
                    mirrordir.add_files([wheels[n, v] for n in present],
                                        self.target)
                    self.target.regenerate()
                    self.target.remove(
                        [WHEEL.format(n, f"1.{v - 1}") for n in names]
                        + ([WHEEL.format(names[v % 8], f"1.{v}")]
                           if v % 3 == 0 else []))
                    mirrordir.publish(self.target, self.dest)
                # The next publish starts while the reader is at work.
                seen = reader.rounds
                deadline = time.monotonic() + 30
                while reader.rounds == seen and time.monotonic() < deadline:
                    time.sleep(0.01)
        finally:
            reader.stop.set()
            reader.join()
        self.assertEqual([], reader.failures)
        self.assertGreaterEqual(reader.rounds, 11)
        self.assertGreater(reader.fetched, 20)


class TestDifferences(MirrorDirTestCase):
    def test_planted_difference_is_found(self) -> None:
        self.add(localindex.make_wheel(self.src, "alpha", "1.0"),
                 localindex.make_wheel(self.src, "beta", "1.0"))
        other = os.path.join(self.make_dir(), "other")
        with self.target.locked():
            mirrordir.publish(self.target, other)
        region = mirrordir.MirrorDir(other)
        with region.locked():
            region.remove(["beta-1.0-py3-none-any.whl",
                           "alpha-1.0-py3-none-any.whl"])
            # A wheel of the same name built elsewhere: another hash.
            mirrordir.add_files([localindex.make_wheel(
                self.make_dir(), "alpha", "1.0", requires=["six"])], region)
            region.regenerate()
        findings = mirrordir.differences(
            mirrordir.read_records(self.root), mirrordir.read_records(other),
            "A", "B")
        self.assertEqual(
            ["alpha-1.0-py3-none-any.whl: sha256 "
             f"{self.target.record('alpha-1.0-py3-none-any.whl').sha256} "
             f"in A, {region.record('alpha-1.0-py3-none-any.whl').sha256} "
             "in B",
             "beta-1.0-py3-none-any.whl: only in A"],
            [f.message for f in findings])

    def test_origins_are_compared(self) -> None:
        record = mirrordir.Record("ab", 3, origin={"index": "x",
                                                   "last-serial": "7"})
        other = dataclasses.replace(record, mtime_ns=5, origin={
            "index": "x", "last-serial": "9"})
        [finding] = mirrordir.differences({"f.whl": record},
                                          {"f.whl": other}, "A", "B")
        self.assertEqual("f.whl: another origin (last-serial: 7 / 9) in "
                         "A / B", finding.message)
        self.assertEqual([], mirrordir.differences(
            {"f.whl": record}, {"f.whl": dataclasses.replace(
                record, mtime_ns=1, upload_time="t")}, "A", "B"))
