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

"""bisect-constraints: the changed pins, the groups that move together,
the halving search (pure), and the step loop with a fake step (no uv,
no venvs)."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence

from openstack_requirements import bisecting
from openstack_requirements import bisection
from openstack_requirements import buildlog
from openstack_requirements import interpreters
from openstack_requirements import reqfile
from openstack_requirements.tests import base
import openstack_requirements.venv as venv  # ruff/hacking order

ENV = {"python_version": "3.12", "sys_platform": "linux"}


def files(count: int) -> tuple[reqfile.RequirementsFile,
                               reqfile.RequirementsFile]:
    """*count* names moving 1.0 -> 2.0, and one that stays."""
    names = [f"pkg-{i:03d}" for i in range(count)]
    old = "".join(f"{n}===1.0\n" for n in names) + "steady===1.0\n"
    new = "".join(f"{n}===2.0\n" for n in names) + "steady===1.0\n"
    return reqfile.parse(old, "old.txt"), reqfile.parse(new, "new.txt")


def change(name: str, old: str, new: str) -> bisection.PinChange:
    return bisection.PinChange(
        name, tuple(reqfile.parse(f"{name}==={old}\n").lines) if old else (),
        tuple(reqfile.parse(f"{name}==={new}\n").lines) if new else ())


class TestChanges(base.TestCase):
    def test_changed_added_removed_in_the_new_order(self) -> None:
        old = reqfile.parse("a===1.0\nb===1.0\ngone===1.0\nsame===1\n")
        new = reqfile.parse("# c\nsame===1\nadded===3\nb===2.0\na===1.0\n")
        self.assertEqual(
            ["added (none) -> 3", "b 1.0 -> 2.0", "gone 1.0 -> (removed)"],
            [str(c) for c in bisection.changes(old, new)])

    def test_a_name_pinned_per_python(self) -> None:
        old = reqfile.parse('a===1;python_version=="3.9"\n'
                            'a===2;python_version=="3.12"\n')
        new = reqfile.parse('a===1;python_version=="3.9"\n'
                            'a===3;python_version=="3.12"\n')
        found, = bisection.changes(old, new)
        self.assertEqual(("1/2", "1/3"),
                         (found.old_version, found.new_version))

    def test_step_text_takes_the_applied_lines(self) -> None:
        old, new = files(3)
        found = bisection.changes(old, new)
        self.assertEqual(
            "pkg-000===1.0\npkg-002===1.0\nsteady===1.0\npkg-001===2.0\n",
            bisection.step_text(old, new, [found[1]]))


class TestGroups(base.TestCase):
    def test_new_needs_what_the_old_pin_cannot_give(self) -> None:
        found = [change("a", "1.0", "2.0"), change("b", "1.0", "2.0"),
                 change("c", "1.0", "2.0")]
        groups = bisection.groups(
            found, [("a", "2.0", ["b>=2.0", "c>=1.0"])], ENV)
        self.assertEqual([["a", "b"], ["c"]],
                         [[c.name for c in g] for g in groups])

    def test_old_excludes_the_new_pin(self) -> None:
        found = [change("a", "1.0", "2.0"), change("b", "1.0", "2.0")]
        groups = bisection.groups(found, [("b", "1.0", ["a<2"])], ENV)
        self.assertEqual(1, len(groups))

    def test_what_does_not_tie(self) -> None:
        found = [change("a", "1.0", "2.0"), change("b", "1.0", "2.0")]
        requires = [
            ("a", "2.0", ['b>=2.0; python_version < "3.0"']),  # marker
            ("a", "2.0", ['b>=2.0; extra == "docs"']),  # an extra's
            ("a", "1.5", ["b>=2.0"]),  # neither side's version
            ("a", "2.0", ["b>=0.5", "unchanged>=9", "not a req ["]),
            ("steady", "1.0", ["a>=2", "b>=2"]),  # not a change
        ]
        self.assertEqual(2, len(bisection.groups(found, requires, ENV)))

    def test_join(self) -> None:
        a, b, c = (change(n, "1", "2") for n in "abc")
        self.assertEqual([(a, c), (b,)],
                         bisection.join([(a,), (b,), (c,)], ["C", "a"]))
        self.assertIsNone(bisection.join([(a, b), (c,)], ["a", "b"]))


class TestSearch(base.TestCase):
    def run_search(self, count: int, bad: int) -> tuple[int, tuple[int, ...]]:
        """Halve over *count* groups, group *bad* failing: (steps, found)."""
        groups = [(change(f"p{i}", "1", "2"),) for i in range(count)]
        search = bisection.Search.start(groups)
        steps = 1  # the new file fails
        while not search.done:
            search = search.record(bad in search.trial())
            steps += 1
        return steps, search.suspects

    def test_finds_any_single_culprit_in_log2_steps(self) -> None:
        for count in (1, 2, 3, 7, 8, 99, 100):
            for bad in range(count):
                steps, suspects = self.run_search(count, bad)
                self.assertEqual((bad,), suspects, (count, bad))
                self.assertLessEqual(steps, bisection.steps_needed(count),
                                     (count, bad))

    def test_steps_needed(self) -> None:
        self.assertEqual([1, 1, 2, 3, 3, 4, 8, 8],
                         [bisection.steps_needed(n)
                          for n in (0, 1, 2, 3, 4, 5, 99, 100)])

    def test_base_verified_only_after_a_pass(self) -> None:
        search = bisection.Search.start([(change("a", "1", "2"),),
                                         (change("b", "1", "2"),)])
        self.assertFalse(search.record(True).base_verified)
        passed = search.record(False)
        self.assertEqual(((0,), (1,), True),
                         (passed.base, passed.suspects, passed.base_verified))


# -- the step loop, with a fake step -------------------------------------


def pins_of(path: str) -> dict[str, str]:
    with open(path, encoding="utf-8") as f:
        text = f.read()
    return {line.req.canonical: line.req.specifier.lstrip("=")
            for line in reqfile.parse(text).requirements()
            if line.req is not None}


class FakeStep:
    """Installs nothing: reads the constraints and decides.

    ``fails(pins)`` says whether the command fails; ``refuses(pins)``
    returns the chain of requirements uv cannot satisfy, or ().
    ``requires`` is the Requires-Dist metadata of (name, version).
    """

    def __init__(
        self, fails: Callable[[Mapping[str, str]], bool],
        requires: Mapping[tuple[str, str], Sequence[str]] | None = None,
        refuses: Callable[[Mapping[str, str]], tuple[str, ...]] = (
            lambda pins: ()),
    ) -> None:
        self.fails, self.refuses = fails, refuses
        self.requires = requires or {}
        self.applied: list[dict[str, str]] = []

    def __call__(self, python: str, path: str, *args: object,
                 **kwargs: object) -> venv.StepResult:
        pins = pins_of(path)
        self.applied.append(pins)
        refused = self.refuses(pins)
        if refused:
            failure = buildlog.Failure(
                python, "uv", refused[-1], "no solution", chain=refused,
                error_lines=(f"{refused[-1]} cannot be installed",))
            return venv.StepResult(1, failure, {}, "log")
        installed = {name: venv.Installed(
            version, tuple(self.requires.get((name, version), ())))
            for name, version in pins.items()}
        return venv.StepResult(1 if self.fails(pins) else 0, None,
                               installed, "log")


class TestBisect(base.TestCase):
    def bisect(self, count: int, step: FakeStep) -> bisecting.Report:
        old, new = files(count)
        options = bisecting.Options(
            "python3", ("true",), (), venv.IndexOptions(), {},
            self.make_dir(), environment=ENV)
        return bisecting.bisect(
            old, new, options, step=step,
            find_uv=lambda env: interpreters.Uv("uv", "uv 0.0"))

    def test_a_single_culprit_within_the_bound(self) -> None:
        for bad in (0, 1, 42, 77, 99):
            culprit = f"pkg-{bad:03d}"
            report = self.bisect(100, FakeStep(
                lambda pins, c=culprit: pins[c] == "2.0"))
            self.assertEqual(bisecting.Outcome.FOUND, report.outcome)
            self.assertEqual([f"{culprit} 1.0 -> 2.0"],
                             [str(c) for c in report.culprits])
            self.assertEqual(100, report.groups)
            # At most 8 steps (1 + ceil(log2 100)), as the functional
            # test asserts; when every trial failed (the first group),
            # one more shows that the old file passes.
            bound = bisection.steps_needed(100) + (bad == 0)
            self.assertLessEqual(len(report.steps), bound, bad)
            self.assertLessEqual(bisection.steps_needed(100) - 1,
                                 len(report.steps), bad)
            self.assertEqual("fails", report.failing_step.result
                             if report.failing_step else "")

    def test_the_planted_pair_in_eight_steps(self) -> None:
        step = FakeStep(lambda pins: pins["pkg-042"] == "2.0",
                        requires={("pkg-042", "2.0"): ["pkg-077>=2.0"]})
        report = self.bisect(100, step)
        self.assertEqual(bisecting.Outcome.FOUND, report.outcome)
        self.assertEqual(["pkg-042 1.0 -> 2.0", "pkg-077 1.0 -> 2.0"],
                         sorted(str(c) for c in report.culprits))
        self.assertEqual((99, 8), (report.groups, len(report.steps)))
        # The pair always moved together after the first step.
        for pins in step.applied:
            self.assertEqual(pins["pkg-042"], pins["pkg-077"])
        self.assertEqual("1.0", step.applied[0]["steady"])
        self.assertEqual((100, 100), (report.steps[0].applied,
                                      report.steps[0].groups))

    def test_a_mix_that_cannot_install_joins_its_names(self) -> None:
        # No metadata: the install failure is what ties the pair.
        def refuses(pins: Mapping[str, str]) -> tuple[str, ...]:
            if pins["pkg-042"] == "2.0" and pins["pkg-077"] == "1.0":
                return ("pkg-042==2.0", "pkg-077>=2.0")
            return ()

        report = self.bisect(100, FakeStep(
            lambda pins: pins["pkg-042"] == "2.0", refuses=refuses))
        self.assertEqual(bisecting.Outcome.FOUND, report.outcome)
        self.assertEqual(["pkg-042", "pkg-077"],
                         sorted(c.name for c in report.culprits))
        self.assertIn("install failed", [s.result for s in report.steps])

    def test_install_failure_is_reported_as_such(self) -> None:
        report = self.bisect(3, FakeStep(
            lambda pins: True, refuses=lambda pins: ("pkg-001==2.0",)))
        self.assertEqual(bisecting.Outcome.INSTALL_FAILED, report.outcome)
        step, = report.steps
        self.assertEqual(("install failed", 3), (step.result, step.applied))
        self.assertEqual("pkg-001==2.0", step.failure.requirement
                         if step.failure else "")
        self.assertEqual((), report.culprits)
        self.assertIsNone(report.failing_step)

    def test_new_passes_nothing_to_find(self) -> None:
        report = self.bisect(4, FakeStep(lambda pins: False))
        self.assertEqual(bisecting.Outcome.NEW_PASSES, report.outcome)
        self.assertEqual((1, ()), (len(report.steps), report.culprits))

    def test_old_fails(self) -> None:
        step = FakeStep(lambda pins: True)
        report = self.bisect(4, step)
        self.assertEqual(bisecting.Outcome.OLD_FAILS, report.outcome)
        # The last step installed the old file alone.
        self.assertEqual({"1.0"}, set(step.applied[-1].values()))

    def test_no_changes(self) -> None:
        step = FakeStep(lambda pins: True)
        report = self.bisect(0, step)
        self.assertEqual((bisecting.Outcome.NO_CHANGES, []),
                         (report.outcome, step.applied))
