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

"""The pure sync: one golden folder per rule under tests/files/sync/."""

from __future__ import annotations

import os
import textwrap

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from openstack_requirements import check
from openstack_requirements import errors
from openstack_requirements import lists as lists_mod
from openstack_requirements import project
from openstack_requirements import reqfile
from openstack_requirements import sync
from openstack_requirements.tests import base
from openstack_requirements.tests import strategies

CASES = os.path.join(base.FILES_DIR, "sync")
GLOBAL = "global-requirements.txt"


def _central() -> sync.Central:
    return sync.central(
        reqfile.parse(base.read(os.path.join(CASES, "global.txt")), GLOBAL),
        reqfile.parse(base.read(os.path.join(CASES, "blacklist.txt")),
                      "blacklist.txt"))


def _project(files: dict[str, str]) -> project.Project:
    docs = {rel: project.parse(rel, text, rel) for rel, text in files.items()}
    return project.Project("proj", docs)


class TestGoldenCases(base.TestCase):
    """project.txt synced as requirements.txt must give expected.txt."""

    def sync_case(
        self, case: str, options: sync.Options | None = None
    ) -> sync.Plan:
        options = options or sync.Options()
        folder = os.path.join(CASES, case)
        text = base.read(os.path.join(folder, "project.txt"))
        plan = sync.plan(_project({"requirements.txt": text}), _central(),
                         options)
        expected = os.path.join(folder, "expected.txt")
        if not os.path.exists(expected):  # an error case: nothing to write
            self.assertNotEqual((), plan.errors)
            return plan
        self.assertEqual(base.read(expected), plan.files[0].new)
        # Idempotent: syncing the result changes nothing.
        again = sync.plan(_project({"requirements.txt": plan.files[0].new}),
                          _central(), options)
        self.assertEqual([], again.changed)
        self.assertEqual((), again.files[0].changes)
        self.assertEqual((), again.errors)
        return plan

    def changes(self, plan: sync.Plan) -> list[tuple[str, str, str]]:
        return [(c.name, old, new) for c in plan.files[0].changes
                for old, new in c.pairs()]

    def test_own_lower_bound_kept(self) -> None:
        plan = self.sync_case("own-lower-bound-kept")
        # oslo.config>=9.0.0 is already right: the central !=4.3.0 and
        # !=4.4.0 lie below its floor and are left out.
        self.assertEqual([
            ("requests", "requests>=2.25.1",
             "requests>=2.25.1,<3  # Apache-2.0"),
            ("six", "six", "six  # MIT"),
        ], self.changes(plan))
        self.assertEqual(((), ()), (plan.errors, plan.warnings))

    def test_central_lower_bound_wins(self) -> None:
        plan = self.sync_case("central-lower-bound-wins")
        self.assertEqual([("Babel", "Babel>=1.0  # BSD",
                           "Babel>=2.3.4,!=2.4.0  # BSD")],
                         self.changes(plan))

    def test_lower_bound_excluded_is_kept_and_reported(self) -> None:
        # Dropping it would leave a line without a lower bound, which
        # check-requirements rejects; ">=V,!=V" is a valid range ("> V").
        plan = self.sync_case("lower-bound-excluded")
        self.assertEqual((), plan.errors)
        self.assertEqual([
            "requirements.txt:1: requests: the lower bound >=2.20.0 is "
            "excluded by global-requirements.txt:5 (!=2.20.0); kept it, so "
            "only versions above it are allowed; raise it to a version the "
            "global list allows",
            "requirements.txt:2: oslo.config: the lower bound >=4.4.0 is "
            "excluded by global-requirements.txt:3 (!=4.4.0); kept it, so "
            "only versions above it are allowed; raise it to a version the "
            "global list allows",
        ], [str(f) for f in plan.warnings])
        self.assertEqual({"excluded-lower-bound"},
                         {f.code for f in plan.warnings})

    def test_lower_bound_excluded_issue_example(self) -> None:
        central = sync.central(reqfile.parse(
            "oslo.config!=6.9.0  # Apache-2.0\n", GLOBAL))
        plan = sync.plan(_project({"requirements.txt":
                                   "oslo.config>=6.9.0\n"}), central)
        self.assertEqual("oslo.config>=6.9.0,!=6.9.0  # Apache-2.0\n",
                         plan.files[0].new)
        self.assertEqual(["excluded-lower-bound"],
                         [f.code for f in plan.warnings])

    def test_extras_kept(self) -> None:
        plan = self.sync_case("extras-kept")
        self.assertEqual((), plan.files[0].changes)
        self.assertFalse(plan.files[0].changed)

    def test_markers_from_central(self) -> None:
        plan = self.sync_case("markers-from-central")
        self.assertEqual([
            ("pyroute2",
             "pyroute2>=0.7.0;python_version>='3.8'  # Apache-2.0",
             "pyroute2>=0.7.0;sys_platform!='win32'  # Apache-2.0"),
            ("pyroute2", "",
             "pyroute2>=0.7.0;sys_platform=='win32'  # Apache-2.0"),
            ("six", "six;python_version<'3'", "six  # MIT"),
        ], self.changes(plan))

    def test_duplicates_collapse(self) -> None:
        plan = self.sync_case("duplicates-collapse")
        self.assertEqual(["six", "requests", "pyroute2"],
                         [c.name for c in plan.files[0].changes])
        pyroute2 = plan.files[0].changes[2]
        # The line already right is kept; the other is rewritten.
        self.assertEqual(("pyroute2>=0.7.0",), pyroute2.old)

    def test_blacklist_untouched(self) -> None:
        plan = self.sync_case("blacklist-untouched")
        self.assertFalse(plan.files[0].changed)

    def test_hacking_untouched_without_flag(self) -> None:
        plan = self.sync_case("hacking-untouched")
        self.assertFalse(plan.files[0].changed)

    def test_hacking_synced_with_flag(self) -> None:
        self.sync_case("hacking-synced", sync.Options(hacking=True))

    def test_old_header_removed(self) -> None:
        plan = self.sync_case("header-removed")
        self.assertEqual((), plan.files[0].changes)
        self.assertTrue(plan.files[0].changed)

    def test_old_header_removed_with_crlf_and_spacing(self) -> None:
        self.sync_case("header-removed-crlf")

    def test_old_header_lines_alone_are_kept(self) -> None:
        # One or two of the three lines, or the three out of order, are
        # the project's own comments.
        plan = self.sync_case("header-partial")
        self.assertFalse(plan.files[0].changed)

    def test_options_urls_and_editables_pass_through(self) -> None:
        plan = self.sync_case("pass-through")
        self.assertEqual(["oslo.config"],
                         [c.name for c in plan.files[0].changes])

    def test_unchanged_line_keeps_its_bytes(self) -> None:
        # CRLF, odd spacing, specifier order, no final newline: all kept
        # because the line already says what the central list says.
        plan = self.sync_case("unchanged-keeps-bytes")
        self.assertFalse(plan.files[0].changed)

    def test_pins_become_minimums(self) -> None:
        plan = self.sync_case("pins-become-minimums")
        tail = ("the global list carries no caps (pins belong in "
                "upper-constraints.txt)")
        self.assertEqual([
            f"requirements.txt:1: six: ==1.16.0 became >=1.16.0, the "
            f"project's minimum; it no longer pins, as {tail}",
            f"requirements.txt:2: oslo.config: ~=9.1 became >=9.1, the "
            f"project's minimum; its cap <10 is gone, as {tail}",
            f"requirements.txt:4: oslo.db: ==12.* became >=12, the "
            f"project's minimum; its cap <13 is gone, as {tail}",
        ], [str(f) for f in plan.warnings])
        self.assertEqual({"pin-to-minimum"}, {f.code for f in plan.warnings})

    def test_compatible_release_of_three_parts(self) -> None:
        central = sync.central(reqfile.parse("six\n", GLOBAL))
        plan = sync.plan(_project({"requirements.txt": "six~=1.4.2\n"}),
                         central)
        self.assertEqual("six>=1.4.2\n", plan.files[0].new)
        self.assertIn("its cap <1.5 is gone", str(plan.warnings[0]))

    def test_excluded_pin_reports_both(self) -> None:
        central = sync.central(reqfile.parse("six!=1.2\n", GLOBAL))
        plan = sync.plan(_project({"requirements.txt": "six==1.2\n"}),
                         central)
        self.assertEqual("six>=1.2,!=1.2\n", plan.files[0].new)
        self.assertEqual(["pin-to-minimum", "excluded-lower-bound"],
                         [f.code for f in plan.warnings])

    def test_license_comment_from_central_else_own(self) -> None:
        self.sync_case("comments")

    def test_unknown_name_hard_is_an_error(self) -> None:
        plan = self.sync_case("unknown-hard")
        self.assertEqual([
            "requirements.txt:2: left-pad is not in global-requirements.txt;"
            " add it there first, or pass -s to keep names the global list "
            "lacks, or set NON_STANDARD_REQS=1 to drop them",
        ], [str(f) for f in plan.errors])
        self.assertEqual("unknown-name", plan.errors[0].code)

    def test_unknown_name_dropped_with_non_standard_reqs(self) -> None:
        plan = self.sync_case("unknown-dropped",
                              sync.Options(drop_unknown=True))
        self.assertEqual((), plan.errors)
        self.assertEqual(
            ["requirements.txt:2: left-pad is not in "
             "global-requirements.txt; dropped (NON_STANDARD_REQS=1)"],
            [str(f) for f in plan.warnings])
        self.assertEqual([("left-pad", "left-pad>=1.0  # MIT", "")],
                         self.changes(plan))

    def test_unknown_name_soft_passes_through(self) -> None:
        plan = self.sync_case("unknown-soft",
                              sync.Options(mode=sync.Mode.SOFT))
        self.assertEqual(((), ()), (plan.errors, plan.warnings))


class TestEdges(base.TestCase):
    def plan_text(self, text: str, central: str) -> sync.Plan:
        proj = _project({"requirements.txt": text})
        return sync.plan(proj, sync.central(reqfile.parse(central, GLOBAL)))

    def test_kept_last_line_moved_up_gets_a_newline(self) -> None:
        plan = self.plan_text("six\nfoo\nsix  # MIT", "six  # MIT\nfoo\n")
        self.assertEqual("six  # MIT\nfoo\n", plan.files[0].new)

    def test_same_marker_line_decides_the_minimum(self) -> None:
        # Found by hypothesis: taking the minimum of another marker's line
        # would add ">=1.0" to "Babel" on the second run.
        central = "Babel\nBabel>=1.0;python_version>='3.10'\n"
        first = self.plan_text("Babel\n", central).files[0].new
        self.assertEqual("Babel\nBabel>=1.0;python_version>='3.10'\n",
                         first)
        self.assertEqual([], self.plan_text(first, central).changed)

    def test_minimum_of_a_line_without_the_marker(self) -> None:
        plan = self.plan_text("pyroute2>=0.7\n",
                              "pyroute2;sys_platform!='win32'\n"
                              "pyroute2!=0.8;sys_platform=='win32'\n")
        self.assertEqual("pyroute2>=0.7;sys_platform!='win32'\n"
                         "pyroute2>=0.7,!=0.8;sys_platform=='win32'\n",
                         plan.files[0].new)


class TestExclusionsBelowTheFloor(base.TestCase):
    """Central exclusions the project's floor rules out are left out."""

    EVENTLET = ("eventlet!=0.18.3,!=0.20.1,!=0.21.0,!=0.23.0,!=0.25.0,"
                "!=0.32.0,!=0.34.1,!=0.34.2,!=0.34.3,!=0.35.0,!=0.36.0"
                "  # MIT\n")

    def sync_text(self, text: str, central: str) -> sync.Plan:
        proj = _project({"requirements.txt": text})
        return sync.plan(proj, sync.central(reqfile.parse(central, GLOBAL)))

    def test_issue_examples_are_in_sync(self) -> None:
        central = "pbr!=2.1.0  # Apache-2.0\n" + self.EVENTLET
        plan = self.sync_text(
            "pbr>=5.8.0  # Apache-2.0\neventlet>=0.36.1  # MIT\n", central)
        self.assertEqual(([], ()), (plan.changed, plan.files[0].changes))

    def test_exclusions_above_the_floor_are_kept(self) -> None:
        plan = self.sync_text("eventlet>=0.30.1\n", self.EVENTLET)
        self.assertEqual(
            "eventlet>=0.30.1,!=0.32.0,!=0.34.1,!=0.34.2,!=0.34.3,!=0.35.0,"
            "!=0.36.0  # MIT\n", plan.files[0].new)

    def test_exclusion_at_the_floor_and_caps_are_kept(self) -> None:
        plan = self.sync_text("six>=1.2\n", "six!=1.0,!=1.2,<1.1,<2\n")
        self.assertEqual("six>=1.2,!=1.2,<1.1,<2\n", plan.files[0].new)

    def test_strict_floor_rules_out_its_own_version(self) -> None:
        plan = self.sync_text("six>1.2\n", "six!=1.2,!=1.3\n")
        self.assertEqual("six>1.2,!=1.3\n", plan.files[0].new)

    def test_prefix_exclusion_only_when_wholly_below(self) -> None:
        central = "six!=1.*,!=2.1.*\n"
        self.assertEqual(
            "six>=2.2\nsix>=2.1,!=2.1.*\nsix>=1.5,!=1.*,!=2.1.*\n",
            "".join(self.sync_text(floor, central).files[0].new
                    for floor in ("six>=2.2\n", "six>=2.1\n",
                                  "six>=1.5\n")))

    def test_central_lower_bound_line_is_copied_whole(self) -> None:
        plan = self.sync_text("babel>=1.0\n", "Babel>=2.3.4,!=2.0\n")
        self.assertEqual("Babel>=2.3.4,!=2.0\n", plan.files[0].new)

    def test_line_with_the_redundant_exclusions_is_not_churned(self) -> None:
        # What the old rule wrote stays: nothing to change for it.
        text = "pbr>=5.8.0,!=2.1.0  # Apache-2.0\n"
        plan = self.sync_text(text, "pbr!=2.1.0  # Apache-2.0\n")
        self.assertEqual([], plan.changed)

    def test_own_exclusion_below_the_floor_is_still_dropped(self) -> None:
        # Only the central list's exclusions may be left as they are:
        # the gate refuses any other.
        plan = self.sync_text("pbr>=5.8.0,!=1.0\n", "pbr!=2.1.0\n")
        self.assertEqual("pbr>=5.8.0\n", plan.files[0].new)


class TestComments(base.TestCase):
    def sync_text(self, text: str, central: str) -> sync.Plan:
        proj = _project({"requirements.txt": text})
        return sync.plan(proj, sync.central(reqfile.parse(central, GLOBAL)))

    def test_rewritten_line_has_one_comment_style(self) -> None:
        # The requirement is rewritten in the central style; its kept
        # comment is not left with the old line's tab before '#'.
        plan = self.sync_text("six>=1.0\t#own note\nfoo>=1 # mine\n",
                              "six!=1.1\nfoo\n")
        self.assertEqual("six>=1.0,!=1.1  #own note\nfoo>=1 # mine\n",
                         plan.files[0].new)

    def test_comment_only_change_is_its_own_kind(self) -> None:
        plan = self.sync_text("six>=1.0 # old\nfoo>=1\n",
                              "six  # MIT\nfoo!=0.5,!=2\n")
        self.assertEqual(
            [("six", sync.ChangeKind.COMMENT),
             ("foo", sync.ChangeKind.VERSION)],
            [(c.name, c.kind) for c in plan.files[0].changes])
        output = sync.Output(plan.files[0], "p/requirements.txt")
        self.assertEqual([
            "Version change for: foo",
            "Comment change for: six",
            "Updated p/requirements.txt:",
            "    six>=1.0 # old -> six>=1.0  # MIT",
            "    foo>=1 -> foo>=1,!=2",
        ], sync.describe([output], dry_run=False))
        self.assertEqual(["comment", "version"],
                         [c["kind"] for c in sync.changes_as_dicts(
                             [output])[0]["changes"]])  # type: ignore


class TestOtherFileKinds(base.TestCase):
    def test_setup_cfg_extras(self) -> None:
        text = textwrap.dedent("""\
            [metadata]
            name = demo

            [extras]
            # database drivers
            mysql =
              PyMySQL>=1.0.0:python_version>='3.8'
            db = oslo.db[mysql]>=12.0.0
              six
              six>=1.0  # dup
            [entry_points]
            console_scripts =
                six = six:main
            """)
        plan = sync.plan(_project({"setup.cfg": text}), _central())
        self.assertEqual(textwrap.dedent("""\
            [metadata]
            name = demo

            [extras]
            # database drivers
            mysql =
              PyMySQL>=1.0.0  # MIT License
            db = oslo.db[mysql]>=12.0.0  # Apache-2.0
              six>=1.0  # MIT
            [entry_points]
            console_scripts =
                six = six:main
            """), plan.files[0].new)

    def test_setup_cfg_new_lines_use_colon_and_indent(self) -> None:
        text = "[extras]\nnet =\n    pyroute2>=0.7:python_version>='3'\n"
        plan = sync.plan(_project({"setup.cfg": text}), _central())
        self.assertEqual(
            "[extras]\nnet =\n"
            "    pyroute2>=0.7:sys_platform!='win32'  # Apache-2.0\n"
            "    pyroute2>=0.7:sys_platform=='win32'  # Apache-2.0\n",
            plan.files[0].new)

    def test_setup_cfg_lines_added_after_the_key_line(self) -> None:
        # The first requirement sits on the key line, one space after
        # '='; lines added after it are two-space continuation lines.
        text = "[extras]\nnet = pyroute2>=0.7\n"
        plan = sync.plan(_project({"setup.cfg": text}), _central())
        self.assertEqual(
            "[extras]\nnet = pyroute2>=0.7;sys_platform!='win32'"
            "  # Apache-2.0\n"
            "  pyroute2>=0.7;sys_platform=='win32'  # Apache-2.0\n",
            plan.files[0].new)
        again = sync.plan(_project({"setup.cfg": plan.files[0].new}),
                          _central())
        self.assertEqual([], again.changed)

    def test_setup_cfg_added_lines_take_the_extras_indent(self) -> None:
        text = "[extras]\nnet = pyroute2>=0.7\n    six\n"
        plan = sync.plan(_project({"setup.cfg": text}), _central())
        self.assertEqual(
            "[extras]\nnet = pyroute2>=0.7;sys_platform!='win32'"
            "  # Apache-2.0\n"
            "    pyroute2>=0.7;sys_platform=='win32'  # Apache-2.0\n"
            "    six  # MIT\n",
            plan.files[0].new)

    def test_pyproject_lists(self) -> None:
        text = textwrap.dedent("""\
            [project]
            name = "demo"
            dependencies = [
                "oslo.config>=4.0.0",  # config
                "six",
                "six>=1.0",
            ]

            [project.optional-dependencies]
            db = ['oslo.db[mysql]>=12.0.0', "PyMySQL"]

            [dependency-groups]
            test = [{include-group = "base"}, "pyroute2>=0.7"]
            base = []
            """)
        plan = sync.plan(_project({"pyproject.toml": text}), _central())
        self.assertEqual(textwrap.dedent("""\
            [project]
            name = "demo"
            dependencies = [
                "oslo.config>=4.0.0,!=4.3.0,!=4.4.0",  # config
                "six>=1.0",
            ]

            [project.optional-dependencies]
            db = ['oslo.db[mysql]>=12.0.0', "PyMySQL"]

            [dependency-groups]
            test = [{include-group = "base"}, "pyroute2>=0.7;sys_platform!='win32'", "pyroute2>=0.7;sys_platform=='win32'"]
            base = []
            """), plan.files[0].new)  # noqa: E501
        self.assertEqual(
            ["oslo.config", "six", "pyroute2"],
            [c.name for c in plan.files[0].changes])

    def test_error_invalid_project_line(self) -> None:
        proj = _project({"requirements.txt": "six\nfoo=>1\n"})
        exc = self.assertRaises(errors.ParseError, sync.plan, proj,
                                _central())
        self.assertEqual(
            "requirements.txt:2: invalid version specifier '=>1'\n"
            "    foo=>1", str(exc))

    def test_error_invalid_global_line(self) -> None:
        doc = reqfile.parse("six\nbad[\n", GLOBAL)
        exc = self.assertRaises(errors.ParseError, sync.central, doc)
        self.assertEqual(
            "global-requirements.txt:2: unclosed '[' in extras of bad\n"
            "    bad[", str(exc))


def _file_plan(old: str, new: str, *changes: sync.Change) -> sync.FilePlan:
    return sync.FilePlan("requirements.txt", "proj/requirements.txt", old,
                         new, changes)


class TestReport(base.TestCase):
    """What the command writes and says, decided in the core."""

    def plan(self, *files: sync.FilePlan,
             errors_: tuple[errors.Finding, ...] = ()) -> sync.Plan:
        return sync.Plan(files, errors_, ())

    def test_outputs_changed_files_in_place(self) -> None:
        same = _file_plan("six\n", "six\n")
        changed = _file_plan("six\n", "six  # MIT\n")
        outputs = sync.outputs(self.plan(same, changed))
        self.assertEqual([("proj/requirements.txt", "six  # MIT\n")],
                         [(o.path, o.text) for o in outputs])

    def test_outputs_with_suffix_every_file(self) -> None:
        same = _file_plan("six\n", "six\n")
        outputs = sync.outputs(self.plan(same), "global")
        self.assertEqual(["proj/requirements.txt.global"],
                         [o.path for o in outputs])

    def test_outputs_none_with_errors(self) -> None:
        finding = errors.Finding("r.txt", 1, "bad")
        plan = self.plan(_file_plan("a\n", "b\n"), errors_=(finding,))
        self.assertEqual([], sync.outputs(plan, "global"))
        self.assertEqual(1, sync.exit_code(plan, False))

    def test_exit_code(self) -> None:
        changed = self.plan(_file_plan("a\n", "b\n"))
        same = self.plan(_file_plan("a\n", "a\n"))
        self.assertEqual((0, 1, 0, 0), (
            sync.exit_code(changed, False), sync.exit_code(changed, True),
            sync.exit_code(same, False), sync.exit_code(same, True)))

    def test_describe_real_and_dry_run(self) -> None:
        change = sync.Change("six", ("six", "six>=1"), ("six  # MIT",))
        output = sync.Output(_file_plan("six\nsix>=1\n", "six  # MIT\n",
                                        change), "proj/requirements.txt")
        self.assertEqual([
            "Version change for: six",
            "Updated proj/requirements.txt:",
            "    six -> six  # MIT",
            "    six>=1 -> (none)",
        ], sync.describe([output], dry_run=False))
        self.assertEqual("Would update proj/requirements.txt:",
                         sync.describe([output], dry_run=True)[1])

    def test_describe_skips_unchanged_and_names_header_only(self) -> None:
        same = sync.Output(_file_plan("a\n", "a\n"), "p/a")
        header = sync.Output(_file_plan("# x\na\n", "a\n"), "p/b")
        self.assertEqual(["Would update p/b"],
                         sync.describe([same, header], dry_run=True))

    def test_split_lines_on_newline_only(self) -> None:
        self.assertEqual(["a\x0cb\u2028c\r\n", "d\n", "e"],
                         sync.split_lines("a\x0cb\u2028c\r\nd\ne"))
        self.assertEqual([], sync.split_lines(""))
        self.assertEqual(["\n"], sync.split_lines("\n"))

    def test_unified_diff(self) -> None:
        plan = _file_plan("# a\x0cb\nsix\n", "# a\x0cb\nsix  # MIT\n")
        self.assertEqual(
            "--- a/requirements.txt\n+++ b/requirements.txt\n"
            "@@ -1,2 +1,2 @@\n # a\x0cb\n-six\n+six  # MIT\n",
            sync.unified_diff(plan))
        self.assertEqual("", sync.unified_diff(_file_plan("a\n", "a\n")))


class TestProjectsList(base.TestCase):
    def test_project_state(self) -> None:
        state = sync.project_state
        self.assertEqual(
            [sync.ProjectState.UP_TO_DATE, sync.ProjectState.CHANGED,
             sync.ProjectState.FAILED, sync.ProjectState.CHANGED,
             sync.ProjectState.FAILED],
            [state(0, 0, False), state(0, 2, False), state(1, 0, False),
             state(1, 2, True), state(2, 0, True)])

    def test_project_line(self) -> None:
        self.assertEqual(
            ["== a: FAILED, nothing written", "== a: changed 2 file(s)",
             "== a: would change 2 file(s)", "== a: up to date"],
            [sync.project_line("a", sync.ProjectState.FAILED, 0, False),
             sync.project_line("a", sync.ProjectState.CHANGED, 2, False),
             sync.project_line("a", sync.ProjectState.CHANGED, 2, True),
             sync.project_line("a", sync.ProjectState.UP_TO_DATE, 0, True)])

    def test_summary(self) -> None:
        states = [sync.ProjectState.CHANGED, sync.ProjectState.UP_TO_DATE]
        self.assertEqual(
            ["2 project(s): 1 changed, 1 up to date, 0 failed, 0 missing"],
            sync.summary(states, [], 0, "src", False))
        self.assertEqual(
            ["missing under src: x/y",
             "2 project(s): 1 would change, 1 up to date, 0 failed, "
             "1 missing, 3 skipped"],
            sync.summary(states, ["x/y"], 3, "src", True))


class TestNoMinimum(base.TestCase):
    def test_arbitrary_equality_of_no_version_is_reported(self) -> None:
        central = sync.central(reqfile.parse("six!=1.2\n", GLOBAL))
        plan = sync.plan(_project({"requirements.txt": "six===foo\n"}),
                         central)
        self.assertEqual("six!=1.2\n", plan.files[0].new)
        self.assertEqual(
            ["requirements.txt:1: six: ===foo gives no minimum version to "
             "keep; dropped it, add a lower bound (>=)"],
            [str(f) for f in plan.warnings])


def central_list(text: str) -> sync.Central:
    return sync.central(reqfile.parse(text, "global-requirements.txt"),
                        reqfile.parse("flake8\nhacking\n", "blacklist.txt"))


def plan(rel: str, text: str, central: sync.Central,
         opts: sync.Options) -> sync.Plan:
    proj = project.Project("demo", {rel: project.parse(rel, text, rel)})
    return sync.plan(proj, central, opts)


def names(rel: str, text: str) -> set[str]:
    doc = project.parse(rel, text, rel)
    return {line.req.canonical
            for section in project.sections_of(rel, doc)
            for line in section.lines.requirements()
            if line.req is not None}


class TestSyncProperties(base.TestCase):
    @settings(deadline=None, max_examples=150)
    @given(strategies.centrals(), strategies.project_files,
           strategies.sync_options)
    def test_sync_is_idempotent(
        self, central_text: str, file: tuple[str, str],
        opts: sync.Options,
    ) -> None:
        rel, text = file
        central = central_list(central_text)
        first = plan(rel, text, central, opts)
        if first.errors:  # hard mode, unknown name: nothing is written
            return
        new = first.files[0].new
        second = plan(rel, new, central, opts)
        self.assertEqual(((), []), (second.errors, second.changed))
        self.assertEqual((), second.files[0].changes)

    @settings(deadline=None, max_examples=100)
    @given(strategies.centrals(), strategies.project_files, st.booleans())
    def test_soft_mode_never_drops_a_requirement(
        self, central_text: str, file: tuple[str, str], hacking: bool,
    ) -> None:
        rel, text = file
        opts = sync.Options(mode=sync.Mode.SOFT, hacking=hacking)
        result = plan(rel, text, central_list(central_text), opts)
        self.assertEqual((), result.errors)
        self.assertEqual(names(rel, text), names(rel, result.files[0].new))

    @settings(deadline=None, max_examples=100)
    @given(strategies.project_files)
    def test_project_files_round_trip(self, file: tuple[str, str]) -> None:
        rel, text = file
        self.assertEqual(text, project.parse(rel, text, rel).render())


def _shipped(name: str) -> reqfile.RequirementsFile:
    path = base.repo_file(name)
    return reqfile.parse(base.read(path), path)


class TestSyncThenCheck(base.TestCase):
    """Whatever update-requirements writes, check-requirements accepts."""

    @settings(deadline=None, max_examples=60)
    @given(st.data())
    def test_synced_project_passes_the_check(
        self, data: st.DataObject
    ) -> None:
        global_doc = _shipped("global-requirements.txt")
        black = frozenset(_shipped("blacklist.txt").by_name())
        index = global_doc.by_name()
        names = sorted(n for n in index if n not in black)
        picked = data.draw(st.lists(st.sampled_from(names), min_size=1,
                                    max_size=8, unique=True))
        lines = []
        for name in picked:
            gline = index[name][0]
            assert gline.req is not None
            # Floors around the central exclusions: below, at, between
            # and above them; and exclusions of the project's own.
            versions = [s[2:] for s in gline.req.specifiers
                        if s.startswith("!=")] or ["1.0"]
            floor = data.draw(st.sampled_from(
                versions + ["0.0.1", "999.0"]))
            op = data.draw(st.sampled_from([">=", ">", "~=", "=="]))
            own = data.draw(st.lists(st.sampled_from(
                [*gline.req.specifiers, "!=0.0.2", "!=1000"]), max_size=3))
            spec = ",".join([op + floor, *own])
            lines.append(f"{gline.req.name}{spec}\n")
        central = sync.central(global_doc, _shipped("blacklist.txt"))
        synced = sync.plan(_project({"requirements.txt": "".join(lines)}),
                           central)
        self.assertEqual((), synced.errors)
        text = synced.files[0].new
        proj = project.from_texts({
            "requirements.txt": text,
            "pyproject.toml": "[build-system]\nbuild-backend = 'pbr.build'\n"})
        found = check.check_project(proj, lists_mod.Lists(global_doc, black))
        self.assertEqual([], [str(f) for f in found])
        again = sync.plan(_project({"requirements.txt": text}), central)
        self.assertEqual([], again.changed)
