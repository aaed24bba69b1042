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

"""The pure mirror decisions: applicable pins, file choice, plans."""

from __future__ import annotations

import textwrap

from openstack_requirements import constraints
from openstack_requirements import mirror
from openstack_requirements import reqfile
from openstack_requirements import simpleapi
from openstack_requirements import targets
from openstack_requirements.tests import base

LINUX_311 = targets.Interpreter(
    "python3.11", "3.11", "3.11.7", "cpython", "linux x86_64",
    env={
        "python_version": "3.11", "python_full_version": "3.11.7",
        "sys_platform": "linux", "platform_system": "Linux",
        "os_name": "posix", "implementation_name": "cpython",
        "platform_machine": "x86_64", "platform_python_implementation":
        "CPython", "platform_release": "", "platform_version": "",
        "implementation_version": "3.11.7"},
    tags=(
        "cp311-cp311-manylinux_2_17_x86_64",
        "cp311-abi3-manylinux_2_17_x86_64",
        "cp311-none-manylinux_2_17_x86_64", "py3-none-manylinux_2_17_x86_64",
        "cp311-none-any", "py3-none-any", "py2.py3-none-any"),
)
LINUX_312 = targets.Interpreter(
    "python3.12", "3.12", "3.12.1", "cpython", "linux x86_64",
    env=dict(LINUX_311.env, python_version="3.12",
             python_full_version="3.12.1"),
    tags=tuple(t.replace("cp311", "cp312") for t in LINUX_311.tags),
)


def doc(text: str) -> reqfile.RequirementsFile:
    return reqfile.parse(textwrap.dedent(text), "upper-constraints.txt")


def files(*names: str, **extra: str) -> list[simpleapi.File]:
    return [simpleapi.File(n, f"https://example.org/p/{n}", "0" * 64,
                           extra.get(n)) for n in names]


def pin(text: str) -> constraints.Pin:
    return constraints.pins(doc(text + "\n"))[0]


class TestApplicable(base.TestCase):
    def test_applicable_evaluates_markers(self) -> None:
        pins = constraints.pins(doc("""\
            numpy===1.26.4;python_version=='3.11'
            numpy===2.1.0;python_version>='3.12'
            pywin32===306;sys_platform=='win32'
            six===1.16.0
            """))
        self.assertEqual(
            ["numpy===1.26.4", "six===1.16.0"],
            [str(p) for p in mirror.applicable(pins, LINUX_311.env)])
        self.assertEqual(
            ["numpy===2.1.0", "six===1.16.0"],
            [str(p) for p in mirror.applicable(pins, LINUX_312.env)])
        self.assertEqual(
            ["six===1.16.0"],
            [str(p) for p in mirror.applicable(pins, LINUX_312.env,
                                               names=["Six"])])

    def test_roots_evaluate_markers_keep_extras(self) -> None:
        wanted = doc("""\
            oslo.db[MySQL,fixtures]>=4  # Apache-2.0
            pywin32;sys_platform=='win32'  # PSF
            six  # MIT
            """)
        self.assertEqual([("oslo-db", ("fixtures", "mysql")), ("six", ())],
                         mirror.roots(wanted, LINUX_311.env))

    def test_dependencies_with_markers_and_extras(self) -> None:
        metadata = textwrap.dedent("""\
            Metadata-Version: 2.1
            Name: app
            Requires-Dist: Lib_X[a]>=1
            Requires-Dist: fancy; extra == 'fancy'
            Requires-Dist: old; python_version < '3'
            Requires-Dist: not a requirement (
            Requires-Dist: win; sys_platform == 'win32' and extra == 'fancy'

            """)
        self.assertEqual([("lib-x", ("a",))],
                         mirror.dependencies(metadata, LINUX_311.env))
        self.assertEqual([("lib-x", ("a",)), ("fancy", ())],
                         mirror.dependencies(metadata, LINUX_311.env,
                                             ["fancy"]))

    def test_plan_one_job_per_release(self) -> None:
        pins = constraints.pins(doc("""\
            numpy===1.26.4;python_version=='3.11'
            numpy===2.1.0;python_version>='3.12'
            six===1.16.0
            """))
        jobs = mirror.plan(pins, [LINUX_311, LINUX_312])
        self.assertEqual(
            [("numpy===1.26.4", ("3.11",)), ("six===1.16.0", ("3.11", "3.12")),
             ("numpy===2.1.0", ("3.12",))],
            [(str(j.pin), tuple(i.python_version for i in j.interpreters))
             for j in jobs])


class TestChoose(base.TestCase):
    def test_most_specific_compatible_wheel_wins(self) -> None:
        choice = mirror.choose(pin("foo===1.0"), files(
            "foo-1.0-py3-none-any.whl",
            "foo-1.0-cp311-cp311-manylinux_2_17_x86_64.whl",
            "foo-1.0-cp311-cp311-win_amd64.whl",
            "foo-1.0.tar.gz",
        ), LINUX_311)
        self.assertEqual(mirror.Kind.WHEEL, choice.kind)
        self.assertEqual("foo-1.0-cp311-cp311-manylinux_2_17_x86_64.whl",
                         choice.file.filename)

    def test_sdist_when_no_wheel_fits(self) -> None:
        choice = mirror.choose(pin("foo===1.0"), files(
            "foo-1.0-cp39-cp39-win_amd64.whl", "foo-1.0.tar.gz",
            "foo-2.0-py3-none-any.whl"), LINUX_311)
        self.assertEqual(mirror.Kind.SDIST, choice.kind)
        self.assertEqual("foo-1.0.tar.gz", choice.file.filename)

    def test_only_incompatible_wheels(self) -> None:
        choice = mirror.choose(pin("foo===1.0"), files(
            "foo-1.0-cp39-cp39-win_amd64.whl",
            "foo-1.0-cp312-cp312-manylinux_2_17_x86_64.whl"), LINUX_311)
        self.assertIsNone(choice.file)
        self.assertEqual(
            "only wheels for incompatible tags (cp312-cp312-manylinux_2_17_"
            "x86_64, cp39-cp39-win_amd64) and no sdist", choice.reason)

    def test_no_file_of_that_version(self) -> None:
        choice = mirror.choose(pin("foo===1.0"), files(
            "foo-2.0-py3-none-any.whl", "bar-1.0-py3-none-any.whl"),
            LINUX_311)
        self.assertEqual("no file of version 1.0", choice.reason)

    def test_requires_python_excludes(self) -> None:
        choice = mirror.choose(pin("foo===1.0"), files(
            "foo-1.0-py3-none-any.whl",
            **{"foo-1.0-py3-none-any.whl": ">=3.12"}), LINUX_311)
        self.assertIsNone(choice.file)
        self.assertIn("excluded by Requires-Python: "
                      "foo-1.0-py3-none-any.whl (Requires-Python >=3.12)",
                      choice.reason)
        choice = mirror.choose(pin("foo===1.0"), files(
            "foo-1.0-py3-none-any.whl",
            **{"foo-1.0-py3-none-any.whl": ">=3.12"}), LINUX_312)
        self.assertEqual(mirror.Kind.WHEEL, choice.kind)

    def test_names_and_versions_normalised(self) -> None:
        choice = mirror.choose(pin("Foo.Bar===1.0"), files(
            "foo_bar-1.0.0-py3-none-any.whl"), LINUX_311)
        self.assertEqual(mirror.Kind.WHEEL, choice.kind)

    def test_check_reports_missing_project_and_incompatible(self) -> None:
        pins = constraints.pins(doc("""\
            foo===1.0
            bar===2.0
            baz===3.0
            """))
        pages = {"foo": files("foo-1.0-py3-none-any.whl"),
                 "bar": files("bar-2.0-cp39-cp39-win_amd64.whl"),
                 "baz": None}
        findings, chosen = mirror.check(pins, [LINUX_311], pages, "M")
        self.assertEqual(
            ["upper-constraints.txt:2: bar===2.0 has no installable file on "
             "M for python3.11 (3.11): only wheels for incompatible tags "
             "(cp39-cp39-win_amd64) and no sdist",
             "upper-constraints.txt:3: baz===3.0 has no installable file on "
             "M for python3.11 (3.11): no project 'baz' on it"],
            [str(f) for f in findings])
        self.assertEqual(["foo-1.0-py3-none-any.whl"],
                         [f.filename for f in chosen])


class TestFilenames(base.TestCase):
    def test_parse(self) -> None:
        wheel = "zope.interface-6.0-cp311-cp311-linux_x86_64.whl"
        self.assertEqual(("zope-interface", "6.0", mirror.Kind.WHEEL),
                         mirror.parse_filename(wheel))
        self.assertEqual(("python-dateutil", "2.9.0", mirror.Kind.SDIST),
                         mirror.parse_filename("python-dateutil-2.9.0.tar.gz"))

    def test_error_not_a_distribution(self) -> None:
        exc = self.assertRaises(ValueError, mirror.parse_filename,
                                "notes.txt")
        self.assertEqual("'notes.txt' is not a wheel (name-version-tags.whl)"
                         " or an sdist (name-version.tar.gz or .zip)",
                         str(exc))

    def test_error_lines(self) -> None:
        output = "step 1\nstep 2\nfatal error: x.h\nmore\n"
        self.assertEqual(["fatal error: x.h"], mirror.error_lines(output))
        self.assertEqual(["b", "c"], mirror.error_lines("a\nb\nc", 2))


class TestMetadata(base.TestCase):
    def test_requires_python_from_metadata(self) -> None:
        self.assertEqual(">=3.9", mirror.requires_python(
            "Metadata-Version: 2.1\nName: x\nRequires-Python: >=3.9\n\n"
            "body"))
        self.assertIsNone(mirror.requires_python("Name: x\n"))


BY_NAME = {
    "alpha": ["alpha-1.0-py3-none-any.whl", "alpha-1.0.tar.gz",
              "alpha-2.0-py3-none-any.whl", "alpha-10.0-py3-none-any.whl"],
    "beta": ["beta-0.5-py3-none-any.whl"],
}


class TestSelected(base.TestCase):
    def test_project_release_and_file(self) -> None:
        self.assertEqual(4, len(mirror.selected("Alpha", BY_NAME)))
        self.assertEqual(["alpha-1.0-py3-none-any.whl", "alpha-1.0.tar.gz"],
                         mirror.selected("alpha===1", BY_NAME))
        self.assertEqual(["alpha-1.0.tar.gz"],
                         mirror.selected("alpha-1.0.tar.gz", BY_NAME))

    def test_error_names_nothing(self) -> None:
        exc = self.assertRaises(ValueError, mirror.selected, "alpha===3",
                                BY_NAME)
        self.assertEqual("'alpha===3' names nothing in the mirror (give a "
                         "project, NAME===VERSION or a filename)", str(exc))


class TestPrunable(base.TestCase):
    def test_only_pinned_versions_stay(self) -> None:
        self.assertEqual(
            ["alpha-10.0-py3-none-any.whl", "alpha-2.0-py3-none-any.whl",
             "beta-0.5-py3-none-any.whl"],
            mirror.prunable(BY_NAME, {"alpha": ["1.0"]}, {}))

    def test_keep_last_by_version_order(self) -> None:
        # 10.0 is higher than 2.0 (versions, not text).
        self.assertEqual(
            ["alpha-2.0-py3-none-any.whl"],
            mirror.prunable(BY_NAME, {"alpha": ["1"]}, {}, keep_last=1))

    def test_keep_newer_than_a_date(self) -> None:
        dates = {"alpha-2.0-py3-none-any.whl": "2026-03-01T10:00:00Z",
                 "alpha-10.0-py3-none-any.whl": "2025-01-01T00:00:00Z",
                 "beta-0.5-py3-none-any.whl": "2026-02-01T00:00:00Z"}
        self.assertEqual(
            ["alpha-1.0-py3-none-any.whl", "alpha-1.0.tar.gz",
             "alpha-10.0-py3-none-any.whl"],
            mirror.prunable(BY_NAME, {}, dates, newer_than="2026-02-01"))
