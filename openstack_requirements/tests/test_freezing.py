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

"""The generate orchestration, driven by fakes: no uv, no pip, no venv."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
import os
import signal
import sys
import threading
import time

from openstack_requirements import buildlog
from openstack_requirements import constraints
from openstack_requirements import errors
from openstack_requirements import freezing
from openstack_requirements import interpreters
from openstack_requirements import procs
from openstack_requirements import targets
from openstack_requirements.tests import base
import openstack_requirements.venv as venv  # ruff/hacking order

UV = interpreters.Uv("/fake/uv", "uv 0.0.0")
#: How long a fake waits for something that should happen at once.
PATIENCE = 20.0

Step = Callable[[procs.Cancel], None]


def interpreter(version: str) -> targets.Interpreter:
    return targets.Interpreter(
        f"/opt/python{version}/bin/python3", version, f"{version}.1",
        "cpython", "linux x86_64")


def failed(label: str) -> venv.InstallError:
    return venv.InstallError(buildlog.Failure(
        python=label, installer="uv", requirement="broken-ext==1.0",
        reason="build failed"))


class Fakes:
    """A :class:`freezing.Runner` that records what it was asked to do.

    ``steps[label]`` runs inside the fake install or resolve of *label*
    (it may wait, raise, or look at the Cancel) before the freeze is
    returned.
    """

    def __init__(self, steps: Mapping[str, Step] | None = None,
                 universal: Step | None = None) -> None:
        self.steps = dict(steps or {})
        self.universal = universal
        self.lock = threading.Lock()
        self.calls: list[tuple[str, str]] = []  # (function, label)
        self.started: list[str] = []
        self.finished: list[str] = []
        self.logs: list[str] = []
        self.envs: list[Mapping[str, str]] = []
        self.cancels: list[procs.Cancel] = []

    def runner(self) -> freezing.Runner:
        return freezing.Runner(
            probe=self.probe, find_uv=lambda env: UV,
            install_and_freeze=self.install_and_freeze,
            resolve=self.resolve, resolve_universal=self.resolve_universal)

    def probe(self, python: str,
              env: Mapping[str, str]) -> targets.Interpreter:
        self.calls.append(("probe", python))
        if python.startswith("missing"):
            raise errors.InputError(f"interpreter {python!r} not found")
        return interpreter(os.path.basename(python).removeprefix("python"))

    def _work(self, function: str, label: str, log: str,
              env: Mapping[str, str], cancel: procs.Cancel,
              report: Callable[[str], None]) -> None:
        with self.lock:
            self.calls.append((function, label))
            self.started.append(label)
            self.logs.append(os.path.basename(log))
            self.envs.append(env)
            self.cancels.append(cancel)
        report("working")
        try:
            step = self.steps.get(label)
            if step is not None:
                step(cancel)
        finally:
            with self.lock:
                self.finished.append(label)

    def install_and_freeze(
        self, interp: targets.Interpreter, requirements: str,
        installer: interpreters.Installer, index: venv.IndexOptions, log: str,
        env: Mapping[str, str], cancel: procs.Cancel, uv: interpreters.Uv,
        report: Callable[[str], None], pages: venv.Pages | None,
    ) -> constraints.Freeze:
        label = interp.python_version
        self._work("install", label, log, env, cancel, report)
        return constraints.Freeze(
            label, (constraints.Pin("six", f"1.{label}"),),
            python_full=interp.python_full, platform=interp.platform,
            installer=uv.version)

    def resolve(
        self, label: str, requirements: str, index: venv.IndexOptions,
        log: str, env: Mapping[str, str], cancel: procs.Cancel,
        uv: interpreters.Uv,
        python_platform: str, report: Callable[[str], None],
    ) -> constraints.Freeze:
        self._work("resolve", label, log, env, cancel, report)
        return constraints.Freeze(
            label, (constraints.Pin("six", f"1.{label}"),),
            platform=python_platform or "linux x86_64",
            installer=f"{uv.version} pip compile", method="resolve")

    def resolve_universal(
        self, labels: Sequence[str], requirements: str,
        index: venv.IndexOptions, log: str, env: Mapping[str, str],
        cancel: procs.Cancel, uv: interpreters.Uv,
        report: Callable[[str], None],
    ) -> list[constraints.Freeze]:
        self.calls.append(("universal", ",".join(labels)))
        self.logs.append(os.path.basename(log))
        if self.universal is not None:
            self.universal(cancel)
        return [constraints.Freeze(
            label, (constraints.Pin("six", "1.0"),),
            installer=f"{uv.version} pip compile --universal",
            method="resolve") for label in labels]


class Progress:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.phases: list[tuple[str, str]] = []

    def __call__(self, label: str, phase: str) -> None:
        with self.lock:
            self.phases.append((label, phase))


class RunTestCase(base.TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.log_dir = self.make_dir()
        self.progress = Progress()

    def options(self, jobs: int, **more: object) -> freezing.Options:
        index = venv.IndexOptions(find_links=("/wheels",), no_index=True)
        return freezing.Options(
            requirements="/lists/global-requirements.txt",
            installer=interpreters.Installer.UV, index=index,
            env={"PATH": "/usr/bin"}, log_dir=self.log_dir, jobs=jobs,
            **more)  # type: ignore[arg-type]

    def install(self, fakes: Fakes, versions: Sequence[str], jobs: int,
                ) -> tuple[list[constraints.Freeze],
                           list[buildlog.Failure]]:
        targets = freezing.Targets(
            False, tuple(versions),
            tuple(interpreter(v) for v in versions))
        return freezing.run(targets, self.options(jobs), self.progress,
                            fakes.runner())

    def resolve(self, fakes: Fakes, versions: Sequence[str], jobs: int,
                **more: object) -> tuple[list[constraints.Freeze],
                                         list[buildlog.Failure]]:
        targets = freezing.Targets(True, tuple(versions))
        return freezing.run(targets, self.options(jobs, **more),
                            self.progress, fakes.runner())


def wait_for(event: threading.Event) -> Step:
    def step(cancel: procs.Cancel) -> None:
        if not event.wait(PATIENCE):
            raise AssertionError("waited too long")
    return step


class TestOrder(RunTestCase):
    def test_results_come_back_in_target_order(self) -> None:
        # 3.13 finishes first, then 3.12, then 3.11.
        done = {v: threading.Event() for v in ("3.11", "3.12", "3.13")}

        def after(later: str, version: str) -> Step:
            def step(cancel: procs.Cancel) -> None:
                wait_for(done[later])(cancel)
                done[version].set()
            return step

        fakes = Fakes({"3.11": after("3.12", "3.11"),
                       "3.12": after("3.13", "3.12"),
                       "3.13": lambda cancel: done["3.13"].set()})
        freezes, failures = self.install(fakes, ["3.11", "3.12", "3.13"], 3)
        self.assertEqual(["3.13", "3.12", "3.11"], fakes.finished)
        self.assertEqual(["3.11", "3.12", "3.13"],
                         [f.python_version for f in freezes])
        self.assertEqual([], failures)

    def test_failures_come_back_in_target_order(self) -> None:
        second_failed = threading.Event()

        def fail_first(cancel: procs.Cancel) -> None:
            wait_for(second_failed)(cancel)
            raise failed("3.10")

        def fail_second(cancel: procs.Cancel) -> None:
            second_failed.set()
            raise failed("3.12")

        fakes = Fakes({"3.10": fail_first, "3.12": fail_second})
        freezes, failures = self.install(
            fakes, ["3.10", "3.11", "3.12"], 3)
        self.assertEqual(["3.10", "3.12"], [f.python for f in failures])
        self.assertEqual(["3.11"], [f.python_version for f in freezes])


class TestFailure(RunTestCase):
    def test_one_failure_lets_the_others_finish(self) -> None:
        def fail(cancel: procs.Cancel) -> None:
            raise failed("3.11")

        fakes = Fakes({"3.11": fail})
        freezes, failures = self.install(fakes, ["3.11", "3.12", "3.13"], 1)
        self.assertEqual(["3.11", "3.12", "3.13"], fakes.started)
        self.assertEqual(["3.12", "3.13"],
                         [f.python_version for f in freezes])
        self.assertEqual(["3.11"], [f.python for f in failures])
        self.assertIn(("3.11", "FAILED"), self.progress.phases)
        self.assertNotIn(("3.12", "FAILED"), self.progress.phases)
        self.assertFalse(fakes.cancels[0].cancelled.is_set())

    def test_logs_and_connection_budget(self) -> None:
        fakes = Fakes()
        self.install(fakes, ["3.11", "3.12"], 2)
        self.assertEqual(["python3.11-uv.log", "python3.12-uv.log"],
                         sorted(fakes.logs))
        self.assertEqual(
            {"PATH": "/usr/bin", "UV_CONCURRENT_DOWNLOADS": "10"},
            fakes.envs[0])
        self.assertIs(fakes.cancels[0], fakes.cancels[1])


class TestFallback(RunTestCase):
    def test_several_versions_resolve_once(self) -> None:
        fakes = Fakes()
        freezes, failures = self.resolve(fakes, ["3.11", "3.12"], 2)
        self.assertEqual([("universal", "3.11,3.12")], fakes.calls)
        self.assertEqual(["universal-resolve.log"], fakes.logs)
        self.assertEqual(["3.11", "3.12"],
                         [f.python_version for f in freezes])
        self.assertEqual([], failures)

    def test_universal_failure_resolves_per_version(self) -> None:
        def fail(cancel: procs.Cancel) -> None:
            raise failed("3.11+ (universal resolve)")

        fakes = Fakes(universal=fail)
        freezes, failures = self.resolve(fakes, ["3.11", "3.12"], 2)
        self.assertEqual(("universal", "3.11,3.12"), fakes.calls[0])
        self.assertEqual([("resolve", "3.11"), ("resolve", "3.12")],
                         sorted(fakes.calls[1:]))
        self.assertEqual(["3.11", "3.12"],
                         [f.python_version for f in freezes])
        self.assertEqual(["resolve", "resolve"], [f.method for f in freezes])
        self.assertNotIn("--universal", freezes[0].installer)
        self.assertEqual([], failures)
        message = "universal resolve failed; resolving per version"
        self.assertEqual([("3.11", message), ("3.12", message)],
                         [p for p in self.progress.phases
                          if p[1] == message])
        self.assertEqual(
            ["python3.11-resolve.log", "python3.12-resolve.log",
             "universal-resolve.log"], sorted(fakes.logs))

    def test_per_version_failure_is_reported(self) -> None:
        def fail(cancel: procs.Cancel) -> None:
            raise failed("3.12 (resolve)")

        fakes = Fakes({"3.12": fail}, universal=fail)
        freezes, failures = self.resolve(fakes, ["3.11", "3.12"], 2)
        self.assertEqual(["3.11"], [f.python_version for f in freezes])
        self.assertEqual(["3.12 (resolve)"], [f.python for f in failures])

    def test_no_universal_resolve_when_not_wanted(self) -> None:
        for versions, more in (
                (["3.12"], {}),
                (["3.11", "3.12"], {"per_version": True}),
                (["3.11", "3.12"], {"python_platform": "aarch64-manylinux"}),
        ):
            fakes = Fakes()
            freezes, _ = self.resolve(fakes, versions, 2, **more)
            self.assertEqual([("resolve", v) for v in versions],
                             sorted(fakes.calls), more)
            self.assertEqual(versions, [f.python_version for f in freezes])

    def test_the_platform_is_passed_on(self) -> None:
        fakes = Fakes()
        freezes, _ = self.resolve(fakes, ["3.12"], 1,
                                  python_platform="aarch64-manylinux")
        self.assertEqual("aarch64-manylinux", freezes[0].platform)


def main_thread_waits_for_a_result() -> None:
    """Until the main thread waits in ``Future.result()``.

    A signal that comes earlier, while the pool starts a worker thread,
    interrupts ``Thread.start()``: that thread is then never joined.
    One that comes just before the wait blocks is only seen when the
    wait ends (the classic signal race): give it time to block.
    """
    main = threading.main_thread().ident
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        frame = sys._current_frames().get(main or 0)
        while frame is not None:
            if frame.f_code.co_name == "result":
                time.sleep(0.2)
                return
            frame = frame.f_back
        time.sleep(0.01)
    raise AssertionError("the main thread never waited for a result")


class TestCancel(RunTestCase):
    """Ctrl-C (or SIGTERM) while targets run: all of them stop."""

    def interrupt_while_running(self, signum: int) -> Fakes:
        main = threading.main_thread().ident
        assert main is not None
        both_started = threading.Barrier(2, timeout=PATIENCE)

        def block(cancel: procs.Cancel) -> None:
            # Like a child process: runs until Cancel stops it.
            if both_started.wait() == 0:
                main_thread_waits_for_a_result()
                signal.pthread_kill(main, signum)
            if not cancel.cancelled.wait(PATIENCE):
                raise AssertionError("never cancelled")

        versions = ["3.10", "3.11", "3.12", "3.13"]
        fakes = Fakes({"3.10": block, "3.11": block})
        self.assertRaises(KeyboardInterrupt, self.install, fakes, versions,
                          2)
        return fakes

    def check_cancelled(self, fakes: Fakes) -> None:
        self.assertEqual(["3.10", "3.11"], sorted(fakes.started))
        # Every worker has returned; the queued targets never started.
        self.assertEqual(["3.10", "3.11"], sorted(fakes.finished))
        self.assertTrue(fakes.cancels[0].cancelled.is_set())
        self.assertEqual(1, threading.active_count())

    def test_ctrl_c_cancels_every_target(self) -> None:
        def interrupt(signum: int, frame: object) -> None:
            raise KeyboardInterrupt

        previous = signal.signal(signal.SIGINT, interrupt)
        self.addCleanup(signal.signal, signal.SIGINT, previous)
        self.check_cancelled(self.interrupt_while_running(signal.SIGINT))

    def test_sigterm_is_ctrl_c(self) -> None:
        before = signal.getsignal(signal.SIGTERM)
        self.check_cancelled(self.interrupt_while_running(signal.SIGTERM))
        self.assertEqual(before, signal.getsignal(signal.SIGTERM))


class TestTargets(base.TestCase):
    def make(self, pythons: Sequence[str], resolve: bool = False,
             installer: interpreters.Installer = interpreters.Installer.UV,
             ) -> tuple[freezing.Targets, Fakes]:
        fakes = Fakes()
        return freezing.make_targets(
            pythons, resolve=resolve, installer=installer, env={},
            runner=fakes.runner()), fakes

    def test_interpreters_are_probed_in_order(self) -> None:
        targets, fakes = self.make(["python3.12", "python3.11"])
        self.assertEqual(("3.12", "3.11"), targets.versions)
        self.assertEqual([interpreter("3.12"), interpreter("3.11")],
                         list(targets.interpreters))
        self.assertFalse(targets.resolve)
        self.assertEqual([("probe", "python3.12"), ("probe", "python3.11")],
                         fakes.calls)

    def test_versions_are_not_probed(self) -> None:
        targets, fakes = self.make(["3.12", "3.13"], resolve=True)
        self.assertEqual(freezing.Targets(True, ("3.12", "3.13")), targets)
        self.assertEqual([], fakes.calls)

    def test_error_probe_failure(self) -> None:
        exc = self.assertRaises(errors.InputError, self.make,
                                ["python3.12", "missing3.99"])
        self.assertEqual("interpreter 'missing3.99' not found", str(exc))

    def test_error_same_version_twice(self) -> None:
        exc = self.assertRaises(errors.InputError, self.make,
                                ["python3.12", "/x/python3.12"])
        self.assertEqual("-p python3.12 and -p /x/python3.12 are both "
                         "Python 3.12; give one interpreter per version",
                         str(exc))

    def test_error_resolve_needs_versions(self) -> None:
        exc = self.assertRaises(errors.InputError, self.make,
                                ["3.12", "python3.13"], True)
        self.assertEqual("-p python3.13: with --method resolve give a "
                         "Python version such as 3.12", str(exc))

    def test_error_resolve_with_pip(self) -> None:
        exc = self.assertRaises(errors.InputError, self.make, ["3.12"],
                                True, interpreters.Installer.PIP)
        self.assertEqual("--method resolve uses uv's resolver; drop "
                         "--installer pip", str(exc))

    def test_default_jobs(self) -> None:
        install = freezing.Targets(False, ("3.11", "3.12", "3.13"))
        resolve = freezing.Targets(True, ("3.11", "3.12", "3.13"))
        self.assertEqual(2, freezing.default_jobs(install, 2))
        self.assertEqual(3, freezing.default_jobs(install, 8))
        self.assertEqual(3, freezing.default_jobs(resolve, 2))

    def test_jobs_given_or_default(self) -> None:
        install = freezing.Targets(False, ("3.11", "3.12", "3.13"))
        self.assertEqual(5, freezing.jobs(5, install, 2))
        self.assertEqual(2, freezing.jobs(None, install, 2))

    def test_error_jobs_below_one(self) -> None:
        install = freezing.Targets(False, ("3.12",))
        exc = self.assertRaises(errors.InputError, freezing.jobs, 0,
                                install, 2)
        self.assertEqual("--jobs must be at least 1", str(exc))

    def test_version_map_sources_are_targets(self) -> None:
        targets = freezing.Targets(True, ("3.12", "3.11"))
        freezing.check_version_map({"3.12": ("3.13",)}, targets)
        exc = self.assertRaises(
            errors.InputError, freezing.check_version_map,
            {"3.9": ("3.13",), "3.12": ("3.14",), "3.10": ("3.14",)},
            targets)
        self.assertEqual("--version-map: no interpreter for Python 3.10, "
                         "3.9; the interpreters are 3.12, 3.11", str(exc))

    def test_respell(self) -> None:
        freeze = constraints.Freeze("3.12", (
            constraints.Pin("tiny-lib", "1.0"), constraints.Pin("six", "1")))
        self.assertEqual(
            (constraints.Pin("Tiny.Lib", "1.0"), constraints.Pin("six", "1")),
            freezing.respell(freeze, {"tiny-lib": "Tiny.Lib"}).pins)


class TestIndexOptions(base.TestCase):
    def options(self, **more: object) -> venv.IndexOptions:
        given: dict[str, object] = {
            "index_url": "", "extra_index_urls": [], "find_links": [],
            "no_index": False, "exclude_newer": "", "offline": False,
            "installer": interpreters.Installer.UV}
        given.update(more)
        return freezing.index_options(**given)  # type: ignore[arg-type]

    def test_a_bare_date_is_its_start_in_utc(self) -> None:
        self.assertEqual("2025-01-31T00:00:00Z",
                         self.options(exclude_newer="2025-01-31")
                         .exclude_newer)
        self.assertEqual("2025-01-31T12:00:00+02:00",
                         self.options(exclude_newer="2025-01-31T12:00:00"
                                      "+02:00").exclude_newer)

    def test_fields(self) -> None:
        self.assertEqual(venv.IndexOptions(
            index_url="https://mirror/simple",
            extra_index_urls=("https://extra/simple",),
            find_links=("/wheels",), no_index=True, offline=True,
        ), self.options(index_url="https://mirror/simple",
                        extra_index_urls=["https://extra/simple"],
                        find_links=["/wheels"], no_index=True,
                        offline=True))

    def assertRefused(self, message: str, **more: object) -> None:
        exc = self.assertRaises(errors.InputError, self.options, **more)
        self.assertEqual(message, str(exc))

    def test_error_offline_with_pip(self) -> None:
        self.assertRefused(
            "--offline needs --installer uv (pip has no offline mode)",
            offline=True, installer=interpreters.Installer.PIP)

    def test_error_no_index_without_find_links(self) -> None:
        self.assertRefused("--no-index needs at least one --find-links",
                           no_index=True)

    def test_error_not_a_date(self) -> None:
        self.assertRefused(
            "--exclude-newer 'last tuesday': give a date (2025-01-31) or an "
            "RFC 3339 timestamp with a time zone (2025-01-31T12:00:00Z)",
            exclude_newer="last tuesday")
        self.assertRefused(
            "--exclude-newer '2025-01-31T12:00': give a date (2025-01-31) "
            "or an RFC 3339 timestamp with a time zone "
            "(2025-01-31T12:00:00Z)", exclude_newer="2025-01-31T12:00")

    def test_error_impossible_date(self) -> None:
        exc = self.assertRaises(errors.InputError, self.options,
                                exclude_newer="2025-13-45")
        self.assertTrue(str(exc).startswith(
            "--exclude-newer '2025-13-45': not a real date (month must be "
            "in 1..12"), str(exc))
