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

"""review-requirement core on recorded index JSON (tests/files/review)."""

from __future__ import annotations

import datetime
import json
import textwrap

import hypothesis
from hypothesis import strategies as st

from openstack_requirements import advisories
from openstack_requirements import errors
from openstack_requirements import policy
from openstack_requirements import releases
from openstack_requirements import reqfile
from openstack_requirements import requirement
from openstack_requirements import review
from openstack_requirements.tests import base

NOW = datetime.datetime(2026, 11, 23, 12, 0, tzinfo=datetime.timezone.utc)
#: The marker environment the command would pass: a Linux host.
HOST = policy.environments(("3.12",))[0]


def doc(text: str, source: str) -> reqfile.RequirementsFile:
    return reqfile.parse(textwrap.dedent(text), source)


def run(line: str, name: str, **ctx: object) -> review.Report:
    context = review.Context(now=NOW, **ctx)  # type: ignore[arg-type]
    return review.review(requirement.parse(line), base.load_project(name),
                         context)


def check(report: review.Report, topic: str) -> review.Check:
    (found,) = [c for c in report.checks if c.topic == topic]
    return found


class TestVerdicts(base.TestCase):
    def test_permissive_maintained_project_looks_fine(self) -> None:
        report = run("requests>=2.32.2", "requests")
        self.assertEqual("looks fine", report.verdict)
        self.assertEqual(review.Status.OK, report.status)
        self.assertEqual((), report.findings)
        self.assertEqual("requests  # Apache-2.0", report.suggested_line)
        self.assertEqual("2.34.2", report.version)

    def test_gpl_is_rejected(self) -> None:
        report = run("PyQt5>=5.15", "pyqt5")
        self.assertEqual("reject: GPL-3.0", report.verdict)
        self.assertEqual(review.Status.REJECT, report.status)
        self.assertEqual(["PyQt5: no release since 2024-07-19",
                          "PyQt5: GPL-3.0"],
                         [str(f) for f in report.findings])
        self.assertEqual("license", report.findings[1].code)

    def test_agpl_expression_of_a_brand_new_project_is_rejected(self) -> None:
        report = run("zyexp>=0.1.0", "zyexp")
        self.assertEqual("reject: AGPL-3.0-or-later", report.verdict)
        self.assertEqual(
            ("brand new: first release 30 days ago, 1 release(s) so far",),
            check(report, "maintained").problems)

    def test_no_license_no_python3_no_urls(self) -> None:
        report = run("zyrx>=0.1.0", "zyrx")
        self.assertEqual(
            "needs a human: no repository or homepage declared; no "
            "license metadata; no sign of Python 3 support (no "
            "Requires-Python, no Python :: 3 classifier)", report.verdict)
        self.assertEqual(("no license metadata (metadata: no "
                          "License-Expression, License field or License "
                          "classifier)",), check(report, "license").facts)

    def test_python2_era_gpl_without_wheels(self) -> None:
        report = run("MySQL-python>=1.2.5", "mysql-python")
        self.assertEqual("reject: GPL", report.verdict)
        self.assertEqual(
            ("no sign of Python 3 support (no Requires-Python, no "
             "Python :: 3 classifier)",), check(report, "python").problems)
        self.assertEqual(("no wheels for 1.2.5 (sdist only)",),
                         check(report, "wheels").problems)
        self.assertEqual(("no release since 2014-01-02",),
                         check(report, "maintained").problems)

    def test_report_as_json(self) -> None:
        data = run("requests>=2.32.2", "requests").as_dict()
        json.dumps(data)  # serialisable
        self.assertEqual("looks fine", data["verdict"])
        self.assertEqual(
            ["maintained", "license", "python", "wheels", "distro",
             "covered", "specifier", "security", "duplicates"],
            [c["topic"] for c in data["checks"]])  # type: ignore[union-attr]

    def test_render(self) -> None:
        text = review.render(run("requests>=2.32.2", "requests"))
        self.assertIn("\nLicense compatible?         ok\n"
                      "  Apache-2.0 (from the License field and "
                      "classifier)\n", text)
        self.assertTrue(text.endswith(
            "\nglobal list line: requests  # Apache-2.0\n"
            "verdict: looks fine\n"), text)


class TestMaintained(base.TestCase):
    def test_facts_for_requests(self) -> None:
        found = review.check_maintained(base.load_project("requests"), NOW)
        self.assertEqual(review.Status.OK, found.status)
        self.assertEqual(
            ("latest release 2.34.2 on 2026-05-14 (192 days ago)",
             "7 release(s) in the last two years (since 2024-11-23), not "
             "counting 1 pre-release(s); 163 in all, pre-releases included",
             "first release on 2011-02-14",
             "Documentation: https://requests.readthedocs.io",
             "Source: https://github.com/psf/requests",
             "yanked: 2.32.0 (Yanked due to conflicts with CVE-2024-35195 "
             "mitigation), 2.32.1 (Yanked due to conflicts with "
             "CVE-2024-35195 mitigation)"), found.facts)

    def test_yanked_latest_is_skipped(self) -> None:
        proj = releases.parse_project({"info": {"name": "x"}, "releases": {
            "1.0": [{"filename": "x-1.0.tar.gz", "packagetype": "sdist",
                     "upload_time_iso_8601": "2026-01-01T00:00:00Z"}],
            "1.1": [{"filename": "x-1.1.tar.gz", "packagetype": "sdist",
                     "upload_time_iso_8601": "2026-02-01T00:00:00Z",
                     "yanked": True, "yanked_reason": "broken"}],
        }}, "inline")
        self.assertEqual("1.0", proj.latest().version)
        found = review.check_maintained(proj, NOW)
        self.assertIn("yanked: 1.1 (broken)", found.facts)

    def test_nothing_installable(self) -> None:
        found = review.check_maintained(base.inline_project(name="x"), NOW)
        self.assertEqual(("no installable release",), found.problems)


class TestPython(base.TestCase):
    def test_requires_python_excludes_some_targets(self) -> None:
        proj = base.load_project("requests")
        found = review.check_python(proj, proj.latest(),
                                    ("3.9", "3.10", "3.14"))
        self.assertEqual(review.Status.HUMAN, found.status)
        self.assertEqual(("Requires-Python >=3.10 excludes Python 3.9",),
                         found.problems)

    def test_requires_python_excludes_every_target(self) -> None:
        proj = base.load_project("requests")
        found = review.check_python(proj, proj.latest(), ("3.8", "3.9"))
        self.assertEqual(review.Status.REJECT, found.status)

    def test_old_python3_classifiers_only(self) -> None:
        proj = base.load_project("mysql-connector")
        found = review.check_python(proj, proj.latest(), ("3.12",))
        self.assertEqual(("classifiers name none of the targets (only "
                          "Python 2.6, 2.7, 3.1, 3.2, 3.3)",),
                         found.problems)

    def test_python2_only_classifiers_are_rejected(self) -> None:
        proj = base.inline_project(classifiers=[
            "Programming Language :: Python :: 2",
            "Programming Language :: Python :: 2.7"])
        found = review.check_python(proj, None, ("3.12",))
        self.assertEqual(("Python 2 only",), found.problems)
        self.assertEqual(review.Status.REJECT, found.status)

    def test_targets_from_constraint_markers(self) -> None:
        upper = doc("""            numpy===1.26.4;python_version=='3.10'
            numpy===2.2.0;python_version=="3.12"
            six===1.16.0
            """, "u.txt")
        self.assertEqual(("3.10", "3.12"), review.pythons_from(upper, HOST))
        self.assertEqual(review.DEFAULT_PYTHONS,
                         review.pythons_from(doc("six===1.16.0\n", "u"), HOST))

    def test_targets_from_marker_ranges(self) -> None:
        # generate-constraints writes ranges for consecutive runs of
        # interpreters; each comparison counts, within 3.9-3.14.
        upper = doc("""            a===1;python_version<='3.11'
            a===2;python_version>='3.12'
            """, "u.txt")
        self.assertEqual(policy.PYTHON_VERSIONS,
                         review.pythons_from(upper, HOST))
        upper = doc("""            b===1;python_version<'3.11'
            c===1;'3.13'<=python_version and python_version!='3.14'
            d===1;python_version=='3.12' and sys_platform=='nonesuch'
            """, "u.txt")
        self.assertEqual(("3.9", "3.10", "3.13"),
                         review.pythons_from(upper, HOST))

    def test_targets_from_generate_headers(self) -> None:
        # The header lines of generate-constraints name the targets
        # exactly and win over what the markers imply.
        upper = doc("""            # Generated by generate-constraints.
            # python 3.11: Python 3.11.9, linux-x86_64, uv 0.9.1
            # python 3.12: Python 3.12.1, linux-x86_64, uv 0.9.1
            a===1;python_version<='3.11'
            a===2;python_version>='3.12'
            six===1.16.0
            """, "u.txt")
        self.assertEqual(("3.11", "3.12"), review.pythons_from(upper, HOST))


class TestWheels(base.TestCase):
    def test_abi3_manylinux_wheels_cover_later_pythons(self) -> None:
        proj = base.load_project("pyqt5")
        found = review.check_wheels(proj.latest(), ("3.10", "3.13"))
        self.assertEqual(review.Status.OK, found.status)
        self.assertIn("Python 3.13: manylinux x86_64 wheel", found.facts)

    def test_per_python_binary_wheels(self) -> None:
        rel = releases.Release("1.0", tuple(
            releases.File(name, "bdist_wheel", None) for name in (
                "x-1.0-cp311-cp311-manylinux_2_17_x86_64.whl",
                "x-1.0-cp312-cp312-musllinux_1_1_x86_64.whl",
                "x-1.0-cp312-cp312-win_amd64.whl")))
        found = review.check_wheels(rel, ("3.11", "3.12"))
        self.assertEqual(("no pure or manylinux x86_64 wheel for Python "
                          "3.12",), found.problems)

    def test_sdist_only(self) -> None:
        proj = base.load_project("mysql-connector")
        found = review.check_wheels(proj.latest(), ("3.12",))
        self.assertEqual(("no wheels for 2.2.9 (sdist only)",),
                         found.problems)


class TestSpecifier(base.TestCase):
    def spec(self, line: str) -> review.Check:
        return review.check_specifier(requirement.parse(line),
                                      base.load_project("requests"))

    def test_missing_lower_bound(self) -> None:
        self.assertEqual(("no lower bound: add >=VERSION, the oldest "
                          "release the code works with",),
                         self.spec("requests!=2.33.0").problems)

    def test_caps_and_pins(self) -> None:
        self.assertEqual(
            ("cap <3: caps are only for exceptionally unstable libraries",),
            self.spec("requests>=2.32.2,<3").problems)
        self.assertEqual(
            ("cap ~=2.32.2: caps are only for exceptionally unstable "
             "libraries",), self.spec("requests~=2.32.2").problems)
        self.assertEqual(
            ("exact pin ==2.33.0: pins belong in upper-constraints.txt",),
            self.spec("requests==2.33.0").problems)

    def test_yanked_or_missing_minimum(self) -> None:
        self.assertEqual(
            ("minimum 2.32.0 is yanked (Yanked due to conflicts with "
             "CVE-2024-35195 mitigation)",),
            self.spec("requests>=2.32.0").problems)
        self.assertEqual(
            ("minimum 9.0 is not a release on the index",
             "no release satisfies >=9.0"),
            self.spec("requests>=9.0").problems)

    def test_good(self) -> None:
        found = self.spec("requests>=2.33.0")
        self.assertEqual(review.Status.OK, found.status)
        self.assertEqual(("specifier: >=2.33.0",
                          "5 release(s) satisfy it, oldest 2.33.0, newest "
                          "2.34.2"), found.facts)


class TestCovered(base.TestCase):
    GLOBAL = """        # comment
        Requests!=2.20.0  # Apache-2.0
        six  # MIT
        """

    def covered(self, line: str, **ctx: object) -> review.Check:
        context = review.Context(
            now=NOW, global_doc=doc(self.GLOBAL, "g.txt"),
            upper_doc=doc("requests===2.32.5\n", "u.txt"),
            **ctx)  # type: ignore[arg-type]
        return review.check_covered(requirement.parse(line),
                                    base.load_project("requests"), context)

    def test_canonical_spelling(self) -> None:
        found = self.covered("requests>=2.25.0")
        self.assertEqual(review.Status.HUMAN, found.status)
        self.assertEqual(("already in g.txt (line 2) as 'Requests', which "
                          "differs only by canonicalisation; use that "
                          "spelling",), found.problems)

    def test_raise_lists_the_dropped_releases(self) -> None:
        found = self.covered("Requests>=2.32.2", old_minimum="2.31.0")
        self.assertEqual(review.Status.NOTE, found.status)
        self.assertEqual(
            ("g.txt:2: Requests!=2.20.0  # Apache-2.0",
             "raise from 2.31.0 to 2.32.2 drops 1 release(s): 2.31.0 "
             "(2023-05-22)",
             "is each of those really impossible? the new minimum should "
             "be the oldest that works",
             "u.txt pins 2.32.5"), found.facts)

    def test_pin_below_the_new_minimum(self) -> None:
        found = self.covered("Requests>=2.33.0", old_minimum="2.32.2")
        self.assertEqual(("u.txt pins 2.32.5, which >=2.33.0 excludes; "
                          "move the pin first (edit-constraints)",),
                         found.problems)
        self.assertIn("raise from 2.32.2 to 2.33.0 drops 4 release(s): "
                      "2.32.2 (2024-05-21), 2.32.3 (2024-05-29), 2.32.4 "
                      "(2025-06-09), 2.32.5 (2025-08-18)", found.facts)

    def test_new_requirement(self) -> None:
        context = review.Context(now=NOW, global_doc=doc(self.GLOBAL, "g"),
                                 upper_doc=doc("six===1.0\n", "u"))
        found = review.check_covered(requirement.parse("zyrx>=0.1.0"),
                                     base.load_project("zyrx"), context)
        self.assertEqual(("not in g: a new requirement",
                          "not pinned in u: add a pin with the new "
                          "requirement"), found.facts)
        self.assertEqual(review.Status.OK, found.status)


class TestDistro(base.TestCase):
    def test_facts(self) -> None:
        self.assertEqual(
            ("Debian: python3-requests 2.28.1+dfsg-1",),
            review.check_distro(review.DistroInfo(
                "packaged", "python3-requests", "2.28.1+dfsg-1")).facts)
        self.assertEqual(
            ("Debian: unknown (apt-cache is not available here)",),
            review.check_distro(review.DistroInfo(
                "unknown", detail="apt-cache is not available here")).facts)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(
        st.sampled_from(["info", "releases", "license", "classifiers",
                         "filename", "yanked", "upload_time", "1.0",
                         "name", "project_urls", "requires_python"]),
        children, max_size=4),
    max_leaves=12)


class TestProperties(base.TestCase):
    @hypothesis.settings(max_examples=200, deadline=None)
    @hypothesis.given(JSON)
    def test_any_json_parses_or_says_why(self, document: object) -> None:
        try:
            proj = releases.parse_project(document, "x")
        except errors.ToolError as exc:
            self.assertIn("not a package index JSON document", str(exc))
            return
        context = review.Context(now=NOW)
        report = review.review(requirement.parse("x>=1.0"), proj, context)
        self.assertTrue(report.verdict)


def synthetic(name: str, classifiers: list[str], files: dict[str, list[str]],
              requires_python: str = "") -> releases.Project:
    """A project whose releases have the given file names."""
    return releases.parse_project({
        "info": {"name": name, "license": "MIT", "version": list(files)[-1],
                 "classifiers": classifiers,
                 "requires_python": requires_python,
                 "project_urls": {"Source": "https://example.org"}},
        "releases": {version: [
            {"filename": f, "upload_time_iso_8601": "2020-01-01T00:00:00Z",
             "packagetype": "bdist_wheel" if f.endswith(".whl")
             else "sdist"} for f in names]
            for version, names in files.items()},
    }, "test")


class TestReviewIssue16(base.TestCase):
    """The cases issue #16 found wrong against PyPI."""

    def test_unfixed_advisories_are_a_reject(self) -> None:
        found = (advisories.Advisory("PYSEC-2017-94", ("CVE-2013-7459",)),
                 advisories.Advisory("PYSEC-2018-97"))
        report = run("pycrypto", "requests", advisories=found)
        self.assertEqual(review.Status.REJECT, report.status)
        self.assertEqual(
            "reject: unfixed advisories in 2.34.2: PYSEC-2017-94 "
            "(CVE-2013-7459), PYSEC-2018-97", report.verdict)
        self.assertEqual("looks fine",
                         run("requests", "requests", advisories=()).verdict)

    def test_standard_library_overlap_and_drop_in(self) -> None:
        listed = doc("requests!=2.20.0  # Apache-2.0\n", "g.txt")
        found = check(run("simplejson", "requests", global_doc=listed),
                      "duplicates")
        self.assertEqual(("overlaps the standard library's json; use it "
                          "instead",), found.problems)
        found = check(run("niquests>=3.0", "requests", global_doc=listed),
                      "duplicates")
        self.assertEqual(("a drop-in replacement for requests, already in "
                          "g.txt (line 1)",), found.problems)
        found = check(run("dateutil", "requests", global_doc=doc(
            "six  # MIT\npython-dateutil  # BSD\n", "g.txt")), "duplicates")
        self.assertEqual(("imported as dateutil like python-dateutil, "
                          "already in g.txt (line 2)",), found.problems)

    def test_import_names_from_the_wheel(self) -> None:
        listed = doc("msgpack  # Apache-2.0\n", "g.txt")
        guessed = check(run("msgpack-python", "requests", global_doc=listed),
                        "duplicates")
        self.assertEqual((), guessed.problems)  # the name hides it
        read = check(run("msgpack-python", "requests", global_doc=listed,
                         import_names=(("msgpack",), "x.whl: RECORD")),
                     "duplicates")
        self.assertEqual(("imported as msgpack like msgpack, already in "
                          "g.txt (line 1)",), read.problems)
        self.assertEqual(("imported as msgpack (x.whl: RECORD)",),
                         read.facts)
        shadow = check(run("enum-backport", "requests",
                           import_names=(("enum",), "x.whl: top_level.txt")),
                       "duplicates")
        self.assertIn("ships top-level enum, a standard-library module "
                      "name", shadow.problems[0])

    def test_top_level_names(self) -> None:
        members = ["six.py", "_cffi_backend.cpython-312-x86_64-linux-gnu.so",
                   "pkg/__init__.py", "pkg/sub/x.py",
                   "pkg-1.0.dist-info/RECORD",
                   "pkg-1.0.data/scripts/run", "__pycache__/six.cpython.pyc",
                   "LICENSE", "not-a-name/x.py"]
        self.assertEqual(("_cffi_backend", "pkg", "six"),
                         review.top_level_names(members, None))
        self.assertEqual(("a", "b"), review.top_level_names(
            members, "b\na/sub\n\n  \nnot valid\n"))

    def test_suggested_line_keeps_exclusions_and_the_listed_spelling(
            self) -> None:
        listed = doc("Requests!=2.20.0,!=2.24.0  # Apache-2.0\n", "g.txt")
        report = run("requests>=2.32.2", "requests", global_doc=listed)
        self.assertEqual("Requests!=2.20.0,!=2.24.0  # Apache-2.0",
                         report.suggested_line)

    def test_bare_python_3_classifier_is_unknown(self) -> None:
        nose = synthetic("nose", ["Programming Language :: Python :: 3"],
                         {"1.3.7": ["nose-1.3.7-py3-none-any.whl"]})
        found = review.check_python(nose, nose.latest(), ("3.12",))
        self.assertEqual(review.Status.HUMAN, found.status)
        self.assertEqual(("Python 3 support unknown: the metadata cannot "
                          "tell whether Python 3.12 work",), found.problems)
        self.assertIn("unknown: no Requires-Python, no version classifiers, "
                      "no version-specific wheels", found.facts)
        # A wheel built for cp312 tells.
        built = synthetic("x", ["Programming Language :: Python :: 3"],
                          {"1.0": ["x-1.0-cp312-cp312-manylinux_2_17_"
                                   "x86_64.whl"]})
        found = review.check_python(built, built.latest(), ("3.12",))
        self.assertEqual(review.Status.OK, found.status)
        self.assertIn("wheels built for Python 3.12", found.facts)

    def test_bare_name_has_no_lower_bound_problem(self) -> None:
        found = review.check_specifier(requirement.parse("requests"),
                                       base.load_project("requests"))
        self.assertEqual((), found.problems)
        self.assertEqual(review.Status.OK, found.status)
