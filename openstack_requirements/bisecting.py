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

"""bisect-constraints' steps: install a mix of the old and the new pins
into a throwaway venv, run the command, halve the suspects. Processes,
behind a seam.

The decisions (which pins changed, which move together, which half to
try next, the hold to propose) are :mod:`openstack_requirements.bisection`'s;
this module runs the steps through a :data:`Step` (by default
:func:`venv.install_and_run`: a new venv, a warm ``uv pip install``,
the command), keeps the logs of the failing steps and stops every child
on Ctrl-C.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
import dataclasses
import enum
import os
import time

from openstack_requirements import bisection
from openstack_requirements import buildlog
from openstack_requirements import interpreters
from openstack_requirements import procs
from openstack_requirements import reqfile
from openstack_requirements import venv

#: ``step(python, constraints_path, requirements, command, index,
#: log_path, env, cancel, uv, cwd, progress)``: :func:`venv.install_and_run`.
Step = Callable[..., venv.StepResult]


class Outcome(enum.Enum):
    FOUND = "found"  # the culprits
    NO_CHANGES = "no changes"  # the files pin the same versions
    NEW_PASSES = "new passes"  # nothing to find
    OLD_FAILS = "old fails"  # the command fails without any change
    INSTALL_FAILED = "install failed"  # a mix that uv cannot install


@dataclasses.dataclass(frozen=True, slots=True)
class StepRecord:
    """One install+test step, as the report shows it."""

    number: int
    applied: int  # changed pins applied
    groups: int  # of how many groups
    result: str  # "fails", "passes", "install failed"
    log: str
    constraints: str  # the constraints file the step installed
    seconds: float
    failure: buildlog.Failure | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class Report:
    outcome: Outcome
    changes: tuple[bisection.PinChange, ...]
    groups: int
    steps: tuple[StepRecord, ...]
    culprits: tuple[bisection.PinChange, ...] = ()

    @property
    def failing_step(self) -> StepRecord | None:
        """The last step whose command failed (its log is kept)."""
        return next((s for s in reversed(self.steps)
                     if s.result == "fails"), None)


@dataclasses.dataclass(frozen=True)
class Options:
    python: str  # the interpreter every venv is made for
    command: tuple[str, ...]
    requirements: tuple[str, ...]  # installed under the constraints
    index: venv.IndexOptions
    env: Mapping[str, str]  # already through interpreters.clean_env
    log_dir: str
    cwd: str | None = None
    #: Marker environment of *python*, for the dependency metadata.
    environment: Mapping[str, str] = dataclasses.field(default_factory=dict)


def bisect(
    old: reqfile.RequirementsFile,
    new: reqfile.RequirementsFile,
    options: Options,
    progress: procs.Progress = lambda line: None,
    step: Step = venv.install_and_run,
    find_uv: Callable[[Mapping[str, str]], interpreters.Uv] = (
        interpreters.find_uv),
) -> Report:
    """Find the changed pins of *new* that make the command fail.

    :raises ParseError: a line of either file is invalid.
    :raises ToolError: uv or the venv could not be made.
    """
    found = bisection.changes(old, new)
    if not found:
        return Report(Outcome.NO_CHANGES, (), 0, ())
    uv = find_uv(options.env)
    cancel = procs.Cancel()
    records: list[StepRecord] = []
    #: (name, version) -> Requires-Dist of every wheel installed so far.
    seen: dict[tuple[str, str], Sequence[str]] = {}
    restore = procs.sigterm_interrupts()

    def run(applied: Sequence[bisection.PinChange], groups: int,
            estimate: int) -> StepRecord:
        number = len(records) + 1
        path = os.path.join(options.log_dir,
                            f"step-{number}-constraints.txt")
        with open(path, "w", encoding="utf-8") as f:
            f.write(bisection.step_text(old, new, applied))
        log = os.path.join(options.log_dir, f"step-{number}.log")
        head = (f"step {number}/{max(estimate, number)}: "
                f"{len(applied)} of {len(found)} changed pins")

        def report(phase: str) -> None:
            progress(f"{head}: {phase}")

        started = time.monotonic()
        result = step(options.python, path, options.requirements,
                      options.command, options.index, log, options.env,
                      cancel, uv, options.cwd, report)
        for name, dist in result.installed.items():
            seen[name, dist.version] = dist.requires
        verdict = ("install failed" if result.failure is not None
                   else "fails" if result.code != 0 else "passes")
        record = StepRecord(number, len(applied), groups, verdict, log,
                            path, time.monotonic() - started,
                            result.failure)
        records.append(record)
        progress(f"{head}: {verdict}")
        return record

    try:
        first = run(found, len(found), bisection.steps_needed(len(found)))
        if first.result == "install failed":
            return Report(Outcome.INSTALL_FAILED, tuple(found), 0,
                          tuple(records))
        if first.result == "passes":
            return Report(Outcome.NEW_PASSES, tuple(found), 0,
                          tuple(records))
        groups = bisection.groups(found, _metadata(seen),
                                  options.environment)
        search = bisection.Search.start(groups)
        while not search.done:
            estimate = len(records) + bisection.steps_needed(
                len(search.suspects)) - 1
            trial = search.trial()
            record = run(search.applied(trial), len(search.groups),
                         estimate)
            if record.result != "install failed":
                search = search.record(record.result == "fails")
                continue
            # A mix uv cannot install: what it names must move together.
            assert record.failure is not None
            joined = bisection.join(search.groups, _named(record.failure))
            if joined is None:
                regrouped = bisection.groups(found, _metadata(seen),
                                             options.environment)
                if len(regrouped) >= len(search.groups):
                    return Report(Outcome.INSTALL_FAILED, tuple(found),
                                  len(search.groups), tuple(records))
                joined = regrouped
            search = bisection.Search.start(joined)
        if not search.base_verified:
            # Every trial failed: the old file alone must pass.
            base = run(search.applied(search.base), len(search.groups),
                       len(records) + 1)
            if base.result != "passes":
                outcome = (Outcome.INSTALL_FAILED
                           if base.result == "install failed"
                           else Outcome.OLD_FAILS)
                return Report(outcome, tuple(found), len(search.groups),
                              tuple(records))
        return Report(Outcome.FOUND, tuple(found), len(search.groups),
                      tuple(records), search.culprits)
    except KeyboardInterrupt:
        cancel.cancel()
        raise
    finally:
        restore()


def _metadata(
    seen: Mapping[tuple[str, str], Sequence[str]],
) -> list[tuple[str, str, Sequence[str]]]:
    """Every (name, version, requires) seen, old and new versions."""
    return [(name, version, lines)
            for (name, version), lines in seen.items()]


def _named(failure: buildlog.Failure) -> list[str]:
    """The distributions a failed install's explanation names."""
    names = [buildlog.requirement_name(part) for part in failure.chain]
    if failure.requirement:
        names.append(buildlog.requirement_name(failure.requirement))
    for line in failure.error_lines:
        names.extend(buildlog.requirement_name(word.strip("`,."))
                     for word in line.split() if "==" in word
                     or ">=" in word or "<" in word)
    return names


def remove_passing_logs(report: Report) -> None:
    """Drop the logs and files of the steps that passed."""
    for record in report.steps:
        if record.result == "passes":
            for path in (record.log, record.constraints):
                if os.path.exists(path):
                    os.unlink(path)
