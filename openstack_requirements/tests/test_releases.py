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

"""Index JSON -> Project, and the what-broke listing (pure)."""

from __future__ import annotations

import datetime
import json
import os
import textwrap

from openstack_requirements import constraints
from openstack_requirements import errors
from openstack_requirements import releases
from openstack_requirements import reqfile
from openstack_requirements.tests import base

UTC = datetime.timezone.utc


def doc(text: str, source: str) -> reqfile.RequirementsFile:
    return reqfile.parse(textwrap.dedent(text), source)


class TestParseProject(base.TestCase):
    def test_requests(self) -> None:
        proj = base.load_project("requests")
        self.assertEqual("requests", proj.name)
        self.assertEqual(">=3.10", proj.requires_python)
        self.assertEqual("0.0.1", proj.releases[0].version)
        self.assertEqual("2.34.2", proj.releases[-1].version)
        rel = proj.release("2.32.0")
        self.assertTrue(rel.yanked)
        self.assertEqual("Yanked due to conflicts with CVE-2024-35195 "
                         "mitigation", rel.yanked_reason)
        self.assertEqual(("requests-2.34.2-py3-none-any.whl",),
                         proj.latest().wheels)
        self.assertTrue(proj.release("2.34.0.dev1").prerelease)
        self.assertEqual("2.34.2", proj.latest(prereleases=True).version)

    def test_legacy_versions_and_unknown_fields(self) -> None:
        proj = releases.parse_project({
            "info": {"name": "x", "home_page": "UNKNOWN", "license": "UNKNOWN",
                     "classifiers": ["Programming Language :: Python", 7],
                     "project_urls": {"Source": "https://h/x",
                                      "Download": "UNKNOWN"}},
            "releases": {
                "1.0": [{"filename": "x-1.0.tar.gz",
                         "upload_time": "2020-01-01T00:00:00"}],
                "foo-bar": [{"filename": "x-foo-bar.tar.gz",
                             "upload_time": "2019-01-01T00:00:00"}],
                "2.0": [], "3.0": "nonsense",
            }}, "inline")
        self.assertEqual(["foo-bar", "1.0", "2.0"],
                         [r.version for r in proj.releases])
        self.assertEqual("", proj.license)
        self.assertEqual((("Source", "https://h/x"),), proj.urls)
        self.assertEqual(("Programming Language :: Python",),
                         proj.classifiers)
        self.assertEqual("1.0", proj.latest().version)  # 2.0 has no files
        self.assertEqual(datetime.datetime(2020, 1, 1, tzinfo=UTC),
                         proj.release("1.0").uploaded)

    def test_error_not_the_json_api(self) -> None:
        for document in ([], {"info": "x"}, "text", None):
            exc = self.assertRaises(errors.ToolError,
                                    releases.parse_project, document, "u")
            self.assertTrue(str(exc).startswith(
                "u: not a package index JSON document"))


class TestTrimAndLazyFiles(base.TestCase):
    def document(self, name: str) -> dict[str, object]:
        path = os.path.join(base.FILES_DIR, "review", f"{name}.json")
        with open(path, encoding="utf-8") as f:
            return json.load(f)

    def test_trimmed_document_parses_to_the_same_project(self) -> None:
        for name in ("requests", "pyqt5", "mysql-python", "zyrx"):
            doc = self.document(name)
            trimmed = releases.trim(doc)
            self.assertLess(len(json.dumps(trimmed)), len(json.dumps(doc)))
            self.assertEqual(releases.parse_project(doc, name),
                             releases.parse_project(trimmed, name), name)
        # Where to download from: the latest release's files only.

        def entry(version: str) -> dict[str, object]:
            return {"filename": f"x-{version}-py3-none-any.whl",
                    "packagetype": "bdist_wheel", "size": 10,
                    "url": f"https://files.example/x-{version}.whl",
                    "digests": {"sha256": "a" * 64, "md5": "b" * 32},
                    "upload_time_iso_8601": "2026-01-01T00:00:00Z"}
        doc = {"info": {"name": "x", "version": "2", "description": "!"},
               "releases": {"1": [entry("1")], "2": [entry("2")]},
               "urls": [entry("2")]}
        trimmed = releases.trim(doc)
        assert isinstance(trimmed, dict)
        self.assertNotIn("description", trimmed["info"])
        for found in (doc, trimmed):
            one, two = releases.parse_project(found, "x").releases
            self.assertEqual(("", None, ""), (one.files[0].url,
                                              one.files[0].size,
                                              one.files[0].sha256))
            self.assertEqual(("https://files.example/x-2.whl", 10, "a" * 64),
                             (two.files[0].url, two.files[0].size,
                              two.files[0].sha256))
        # An empty or partial "urls" loses no file of the latest release.
        for listed in ([], [entry("2")]):
            doc = {"info": {"name": "x", "version": "2"},
                   "releases": {"1": [entry("1")],
                                "2": [entry("2"), dict(
                                    entry("2"), filename="x-2.tar.gz",
                                    packagetype="sdist")]},
                   "urls": listed}
            for found in (doc, releases.trim(doc)):
                project = releases.parse_project(found, "x")
                latest = project.latest()
                assert latest is not None
                self.assertEqual(
                    ("2", ["x-2-py3-none-any.whl", "x-2.tar.gz"]),
                    (latest.version,
                     sorted(f.filename for f in latest.files)))
                self.assertEqual(
                    [bool(listed), False], [bool(f.url) for f in sorted(
                        latest.files, key=lambda f: f.filename)])
        # A null upload_time_iso_8601 keeps the old upload_time.
        old = {"info": {"name": "x", "version": "1"}, "releases": {"1": [{
            "filename": "x-1.tar.gz", "upload_time_iso_8601": None,
            "upload_time": "2010-01-01T00:00:00"}]}}
        self.assertEqual(
            [datetime.datetime(2010, 1, 1, tzinfo=datetime.timezone.utc)] * 2,
            [releases.parse_project(d, "x").releases[0].uploaded
             for d in (old, releases.trim(old))])
        release_doc = {"info": {"name": "x"}, "vulnerabilities": []}
        self.assertIs(release_doc, releases.trim(release_doc))

    def test_lazy_release_answers_as_its_files_do(self) -> None:
        entries = [
            {"filename": "a-1.tar.gz", "packagetype": "sdist",
             "upload_time_iso_8601": "2024-05-02T10:00:00.123456Z",
             "yanked": True},
            {"filename": "a-1-py3-none-any.whl",
             "packagetype": "bdist_wheel",
             "upload_time_iso_8601": "2024-05-01T09:00:00Z",
             "yanked": True, "yanked_reason": "broken"},
        ]
        lazy = releases.Release("1", entries=entries)
        eager = releases.Release("1", releases.Release(
            "1", entries=entries).files)
        first = datetime.datetime(2024, 5, 1, 9,
                                  tzinfo=datetime.timezone.utc)
        for rel in (lazy, eager):
            self.assertEqual((first, True, True),
                             (rel.uploaded, rel.yanked, rel.has_files))
        self.assertEqual(eager, lazy)
        # Within one second, the fraction decides (".5Z" sorts before "Z"
        # as text, but is later).
        same = [{"upload_time_iso_8601": "2024-05-01T09:00:00.5Z"},
                {"upload_time_iso_8601": "2024-05-01T09:00:00Z"}]
        self.assertEqual(first, releases.Release("1", entries=same).uploaded)
        # Another zone than UTC: every time is parsed.
        zoned = releases.Release("1", entries=[
            {"upload_time_iso_8601": "2024-05-01T10:00:00+02:00"},
            {"upload_time_iso_8601": "2024-05-01T09:00:00Z"}])
        self.assertEqual(datetime.datetime(2024, 5, 1, 8,
                                           tzinfo=datetime.timezone.utc),
                         zoned.uploaded)
        self.assertFalse(releases.Release("2", entries=[]).yanked)


class TestWhatBroke(base.TestCase):
    GLOBAL = """        requests!=2.33.1  # Apache-2.0
        PyQt5  # GPL
        """

    def test_lists_new_releases_newest_first(self) -> None:
        found = releases.what_broke(
            {"requests": base.load_project("requests"),
             "pyqt5": base.load_project("pyqt5")},
            datetime.datetime(2026, 3, 1, tzinfo=UTC),
            doc(self.GLOBAL, "g.txt"), doc("requests===2.33.0\n", "u.txt"))
        self.assertEqual(
            [("2.34.2", True, "allowed by !=2.33.1"),
             ("2.34.1", True, "allowed by !=2.33.1"),
             ("2.34.0", True, "allowed by !=2.33.1"),
             ("2.34.0.dev1", False, "pre-release (pip skips it by "
              "default)"),
             ("2.33.1", False, "excluded by !=2.33.1"),
             ("2.33.0", True, "allowed by !=2.33.1")],
            [(r.version, r.allowed, r.why) for r in found])
        self.assertEqual({"requests"}, {r.name for r in found})
        self.assertEqual({"2.33.0"}, {r.pinned for r in found})
        self.assertEqual("2026-05-14", found[0].uploaded.date().isoformat())

    def test_yanked_and_no_specifier(self) -> None:
        found = releases.new_releases(
            base.load_project("requests"), "requests",
            datetime.datetime(2024, 5, 1, tzinfo=UTC))
        by_version = {r.version: r for r in found}
        self.assertEqual("yanked", by_version["2.32.0"].why)
        self.assertFalse(by_version["2.32.0"].allowed)
        self.assertEqual("not in the global list", by_version["2.32.2"].why)
        self.assertTrue(by_version["2.32.2"].allowed)
        found = releases.new_releases(
            base.load_project("requests"), "requests",
            datetime.datetime(2026, 5, 14, tzinfo=UTC), ["", "<2"])
        self.assertEqual([("2.34.2", True, "no specifier in the global "
                           "list")],
                         [(r.version, r.allowed, r.why) for r in found])

    def test_nothing_since(self) -> None:
        self.assertEqual([], releases.what_broke(
            {"pyqt5": base.load_project("pyqt5")},
            datetime.datetime(2026, 1, 1, tzinfo=UTC), None, None))

    def test_names_and_pins(self) -> None:
        upper = doc("Six===1.16.0\nsix===1.17.0;python_version>'3.12'\n"
                    "oslo.config===9.0.0\n", "u")
        self.assertEqual(["oslo-config", "pyqt5", "requests", "six"],
                         releases.names_of(doc(self.GLOBAL, "g"), upper,
                                           None))
        # what-broke shows the pins of a name joined, as it did.
        self.assertEqual({"six": "1.16.0,1.17.0", "oslo-config": "9.0.0"},
                         {name: ",".join(versions) for name, versions in
                          constraints.versions_by_name(upper).items()})
