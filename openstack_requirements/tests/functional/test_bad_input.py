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

"""Every console script that reads a requirements-style file refuses a
malformed one the same way: ``path:line: message``, non-zero, no
traceback, nothing written."""

from collections.abc import Callable
from collections.abc import Iterator
import contextlib
import importlib
import os
import pkgutil
import sys

import openstack_requirements
from openstack_requirements.cmds import build_mirror
from openstack_requirements.cmds import check_conflicts
from openstack_requirements.cmds import check_constraints
from openstack_requirements.cmds import check_mirror
from openstack_requirements.cmds import edit_constraint
from openstack_requirements.cmds import generate
from openstack_requirements.cmds import normalize
from openstack_requirements.cmds import review
from openstack_requirements.cmds import validate
from openstack_requirements.cmds import what_broke
from openstack_requirements.tests import base

# Nothing listens on port 9 (discard) of loopback: no command may get as
# far as the network with a malformed input.
NOWHERE = "http://127.0.0.1:9/simple"


class TestMalformedInput(base.TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.dir = self.make_dir()
        self.bad = self.write(self.dir, "bad.txt",
                              "six  # MIT\nfoo=>1  # MIT\n")
        self.binary = os.path.join(self.dir, "binary.txt")
        with open(self.binary, "wb") as f:
            f.write(b"six  # MIT\nfoo  # caf\xe9\n")
        self.good = self.write(self.dir, "good.txt", "six  # MIT\n")
        self.upper = self.write(self.dir, "upper.txt", "six===1.17.0\n")
        self.project = os.path.join(self.dir, "project")
        os.makedirs(self.project)
        self.write(self.project, "requirements.txt", "six>=1.0\n")
        self.mirror = os.path.join(self.dir, "mirror")
        self.out = os.path.join(self.dir, "out.txt")

    def commands(self, path: str) -> list[tuple[object, list[str]]]:
        return [
            (validate.main, [path, self.upper, self.good]),
            (validate.main, [self.good, path, self.good]),
            (generate.main, ["-p", sys.executable, "-r", path,
                             "-o", self.out]),
            (edit_constraint.main, [path, "six", "six===2.0"]),
            (check_constraints.main, ["-u", path, "-g", self.good,
                                      self.project]),
            (check_constraints.main, ["-u", self.upper, "-g", path,
                                      self.project]),
            (check_conflicts.main, [path]),
            (normalize.main, [path]),
            (review.main, ["six", "--global", path, "--upper", self.upper,
                           "--index-url", NOWHERE]),
            (what_broke.main, ["--global", path, "--since", "2026-01-01",
                               "--index-url", NOWHERE]),
            (build_mirror.main, ["-c", path, "-o", self.mirror,
                                 "--index-url", NOWHERE]),
            (check_mirror.main, ["-c", path, "--index-url", NOWHERE]),
        ]

    def assertRefused(self, path: str, message: str) -> None:
        before = base.read(path) if path != self.binary else None
        for main, argv in self.commands(path):
            code, out, err = self.run_main(main, argv)
            label = f"{main.__module__} {argv}"
            self.assertNotEqual(0, code, label)
            self.assertIn(f"{path}:2: {message}", err + out, label)
            self.assertNotIn("Traceback", err + out, label)
            self.assertFalse(os.path.exists(self.out), label)
            self.assertFalse(os.path.exists(self.mirror), label)
            if before is not None:
                self.assertEqual(before, base.read(path), label)

    def test_error_malformed_line(self) -> None:
        self.assertRefused(self.bad, "invalid version specifier '=>1'")

    def test_error_not_utf8(self) -> None:
        self.assertRefused(
            self.binary,
            "byte 0xe9 at column 11 is not UTF-8; save the file as UTF-8")


# -- Every console script, the same hostile inputs -------------------------

NOBODY = 65534


@contextlib.contextmanager
def unprivileged() -> Iterator[None]:
    """Run the body as user nobody when the tests run as root.

    Root reads a mode-000 file anyway, so the permission cases drop the
    effective ids (the real ones stay 0, which is how they come back):
    the PermissionError then comes from the real OS, not a stub.
    """
    if os.geteuid() != 0:
        yield
        return
    # User nobody may not read the checkout (a clone under a mode-700
    # directory) nor the interpreter (under /root): whatever a command
    # imports must be loaded before the ids drop.
    for info in pkgutil.walk_packages(openstack_requirements.__path__,
                                      "openstack_requirements."):
        if ".tests" not in info.name:
            importlib.import_module(info.name)
    os.setegid(NOBODY)
    os.seteuid(NOBODY)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


def _loop(path: str) -> None:
    os.symlink(os.path.basename(path) + ".loop", path)
    os.symlink(os.path.basename(path), path + ".loop")


def _unreadable(path: str) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write("six\n")
    os.chmod(path, 0)


def _writer(data: bytes) -> Callable[[str], None]:
    def write(path: str) -> None:
        with open(path, "wb") as f:
            f.write(data)
    return write


#: name -> (make it at a path, the message after "path:" or "path:2:").
#: Each is a file that cannot be read as a requirements-style list.
FILE_CASES: dict[str, tuple[Callable[[str], None], str]] = {
    "malformed-line": (_writer(b"six\nfoo=>1\n"),
                       ":2: invalid version specifier '=>1'"),
    "not-utf8": (_writer(b"six\nfoo  # caf\xe9\n"),
                 ":2: byte 0xe9 at column 11 is not UTF-8"),
    "continuation-at-eof": (_writer(b"six\nfoo===1 \\\n"),
                            ":2: the file ends inside a '\\' continuation"),
    "huge-line": (_writer(b"six\n" + b"x" * (1 << 21) + b"=>1\n"),
                  ":2: invalid version specifier '=>1'"),
    "symlink-loop": (_loop,
                     ": cannot open: Too many levels of symbolic links"),
    "unreadable": (_unreadable, ": cannot open: Permission denied"),
    "fifo": (os.mkfifo, ": is a FIFO; expected a regular file"),
    "directory": (os.mkdir, ": is a directory; expected a regular file"),
}

#: Cases for projects.txt, whose lines are validate-projects' findings
#: (its policy); what cannot be read at all is still bad input.
PROJECTS_CASES = ("not-utf8", "symlink-loop", "unreadable", "fifo",
                  "directory")


def _bad_toml(project: str) -> str:
    path = os.path.join(project, "pyproject.toml")
    with open(path, "w", encoding="utf-8") as f:
        f.write('[project]\nname = "x"\nname = "y"\n')
    return f'{path}:3: invalid TOML: Key "name" already exists'


def _bad_ini(project: str) -> str:
    path = os.path.join(project, "setup.cfg")
    with open(path, "w", encoding="utf-8") as f:
        f.write("[metadata]\nname = x\n[extras\ntest =\n  six\n")
    return f"{path}:3: the section header is not closed; end it with ']'"


def _unreadable_dir(project: str) -> str:
    os.chmod(project, 0)
    return f"{project}: cannot read the directory: Permission denied"


#: name -> (spoil a project directory, the whole expected message).
PROJECT_CASES: dict[str, Callable[[str], str]] = {
    "bad-toml": _bad_toml,
    "bad-ini": _bad_ini,
    "unreadable-dir": _unreadable_dir,
}

PRIVILEGED = ("unreadable", "unreadable-dir")


class TestHostileInput(base.TestCase):
    """Each console script meets each hostile input.

    Each must exit 2 with one clean ``path:...: message``, no traceback,
    no file written or changed.
    """

    def setUp(self) -> None:
        super().setUp()
        self.dir = self.make_dir()
        os.chmod(self.dir, 0o777)  # user nobody must get in (unreadable)
        self.good = self.write(self.dir, "good.txt", "six  # MIT\n")
        self.upper = self.write(self.dir, "upper.txt", "six===1.17.0\n")
        # Every list named: user nobody may not read the shipped ones.
        self.blacklist = self.write(self.dir, "blacklist.txt", "")
        self.projects = self.write(self.dir, "projects.txt",
                                   "openstack/nova\n")
        self.source = os.path.join(self.dir, "source")
        for name, path in (("global-requirements.txt", self.good),
                           ("upper-constraints.txt", self.upper),
                           ("projects.txt", self.projects)):
            self.write(self.source, name, base.read(path))
        self.project = os.path.join(self.dir, "project")
        self.write(self.project, "requirements.txt", "six>=1.0\n")
        self.out = os.path.join(self.dir, "out", "out.txt")
        os.makedirs(os.path.dirname(self.out))
        self.mirror = os.path.join(self.dir, "out", "mirror")

    def file_slots(self) -> list[tuple[str, Callable[[str], list[str]]]]:
        """(script, argv with its list at PATH): each list it reads."""
        up, good, black = self.upper, self.good, self.blacklist
        return [
            ("validate-constraints", lambda p: [p, up, good]),
            ("validate-constraints", lambda p: [good, p, good]),
            ("validate-constraints", lambda p: [good, up, p]),
            ("generate-constraints", lambda p: [
                "-p", sys.executable, "-r", p, "-o", self.out]),
            ("edit-constraints", lambda p: [p, "six", "six===2.0"]),
            ("check-constraints", lambda p: [
                "-u", p, "-g", good, "-b", black, self.project]),
            ("check-constraints", lambda p: [
                "-u", up, "-g", p, "-b", black, self.project]),
            ("check-constraints", lambda p: [
                "-u", up, "-g", good, "-b", p, self.project]),
            ("check-conflicts", lambda p: [p]),
            ("normalize-requirements", lambda p: [p, "--save"]),
            ("review-requirement", lambda p: [
                "six", "--global", p, "--upper", up,
                "--index-url", NOWHERE]),
            ("review-requirement", lambda p: [
                "six", "--global", good, "--upper", p,
                "--index-url", NOWHERE]),
            ("what-broke", lambda p: [
                "--global", p, "--since", "2026-01-01",
                "--index-url", NOWHERE]),
            ("build-wheel-mirror", lambda p: [
                "-c", p, "-o", self.mirror, "--index-url", NOWHERE]),
            ("check-mirror", lambda p: ["-c", p, "--index-url", NOWHERE]),
            ("cap-requirements", lambda p: ["-c", p, self.project]),
            ("bisect-constraints", lambda p: [p, up, "--", "true"]),
            ("bisect-constraints", lambda p: [up, p, "--", "true"]),
            ("list-cruft", lambda p: [
                "--root", self.dir, "--source", self.source,
                "--global", p]),
        ]

    def dir_slots(self) -> list[tuple[str, str, Callable[[], list[str]]]]:
        """(script, file name in a directory it is given, argv)."""
        src, proj = self.source, self.project
        return [
            ("update-requirements", os.path.join(src,
                                                 "global-requirements.txt"),
             lambda: ["--source", src, proj]),
            ("update-requirements", os.path.join(src, "blacklist.txt"),
             lambda: ["--source", src, proj]),
            ("update-requirements", os.path.join(proj, "requirements.txt"),
             lambda: ["--source", src, proj]),
            ("check-requirements", os.path.join(src,
                                                "global-requirements.txt"),
             lambda: ["--reqs", src, proj]),
            ("check-requirements", os.path.join(src, "denylist.txt"),
             lambda: ["--reqs", src, proj]),
            ("check-requirements", os.path.join(proj, "requirements.txt"),
             lambda: ["--reqs", src, proj]),
            ("check-constraints", os.path.join(proj, "requirements.txt"),
             lambda: ["-u", self.upper, "-g", self.good,
                      "-b", self.blacklist, proj]),
            ("check-floors", os.path.join(src, "global-requirements.txt"),
             lambda: ["--source", src, "--index-url", NOWHERE, proj]),
            ("check-floors", os.path.join(proj, "requirements.txt"),
             lambda: ["--source", src, "--index-url", NOWHERE, proj]),
        ]

    def project_slots(self) -> list[tuple[str, list[str]]]:
        src, proj = self.source, self.project
        return [
            ("update-requirements", ["--source", src, proj]),
            ("check-requirements", ["--reqs", src, proj]),
            ("check-constraints", ["-u", self.upper, "-g", self.good,
                                   "-b", self.blacklist, proj]),
            ("cap-requirements", ["-c", self.upper, proj]),
        ]

    def snapshot(self) -> dict[str, tuple[bytes, int]]:
        """Every regular file under the test directory: bytes, mtime."""
        files = {}
        for top, _, names in os.walk(self.dir):
            for name in names:
                path = os.path.join(top, name)
                if os.path.isfile(path) and os.access(path, os.R_OK):
                    with open(path, "rb") as f:
                        files[path] = (f.read(), os.stat(path).st_mtime_ns)
        return files

    def assertRefused(
        self, script: str, argv: list[str], message: str, case: str
    ) -> None:
        from openstack_requirements.tests.functional import test_cli

        main = test_cli.load(test_cli.console_scripts()[script])
        before = self.snapshot()
        if case in PRIVILEGED:
            with unprivileged():
                code, out, err = self.run_main(main, argv)
        else:
            code, out, err = self.run_main(main, argv)
        label = f"{case}: {script} {' '.join(argv)[:300]}\n{err}{out}"[:2000]
        self.assertEqual(2, code, label)
        self.assertEqual(1, (err + out).count(message), label)
        self.assertNotIn("Traceback", err + out, label)
        self.assertLess(len(err + out), 2000, label)
        self.assertEqual(before, self.snapshot(), label)
        self.assertFalse(os.path.exists(self.out), label)
        self.assertFalse(os.path.exists(self.mirror), label)

    def _file_case(self, case: str) -> None:
        make, message = FILE_CASES[case]
        for script, argv in self.file_slots():
            path = os.path.join(self.dir, f"hostile-{case}.txt")
            make(path)
            try:
                self.assertRefused(script, argv(path), path + message, case)
            finally:
                self._remove(path)
        for script, path, argv in self.dir_slots():
            backup = base.read(path) if os.path.exists(path) else None
            self._remove(path)
            make(path)
            try:
                self.assertRefused(script, argv(), path + message, case)
            finally:
                self._remove(path)
                if backup is not None:
                    self.write(os.path.dirname(path),
                               os.path.basename(path), backup)

    def _remove(self, path: str) -> None:
        for name in (path, path + ".loop"):
            if os.path.isdir(name) and not os.path.islink(name):
                os.rmdir(name)
            elif os.path.lexists(name):
                os.unlink(name)

    def test_error_malformed_line(self) -> None:
        self._file_case("malformed-line")

    def test_error_not_utf8(self) -> None:
        self._file_case("not-utf8")

    def test_error_continuation_at_eof(self) -> None:
        self._file_case("continuation-at-eof")

    def test_error_huge_line(self) -> None:
        self._file_case("huge-line")

    def test_error_symlink_loop(self) -> None:
        self._file_case("symlink-loop")

    def test_error_unreadable_file(self) -> None:
        self._file_case("unreadable")

    def test_error_fifo(self) -> None:
        self._file_case("fifo")

    def test_error_directory(self) -> None:
        self._file_case("directory")

    def test_error_projects_txt(self) -> None:
        # validate-projects and update-requirements --all read it.
        path = os.path.join(self.source, "projects.txt")
        uc = os.path.join(self.dir, "uc-old.txt")
        with open(uc, "w", encoding="utf-8") as f:
            f.write("six===1.0\n")
        for case in PROJECTS_CASES:
            make, message = FILE_CASES[case]
            for script, argv in (
                    ("validate-projects", [path]),
                    ("update-requirements", ["--source", self.source,
                                             "--all", self.dir]),
                    ("who-uses", ["six", "--root", self.dir,
                                  "--source", self.source]),
                    ("list-cruft", ["--root", self.dir,
                                    "--source", self.source]),
                    ("who-is-affected", [uc, uc, "--root", self.dir,
                                         "--source", self.source])):
                self._remove(path)
                make(path)
                try:
                    self.assertRefused(script, argv, path + message, case)
                finally:
                    self._remove(path)

    def _project_case(self, case: str) -> None:
        for script, argv in self.project_slots():
            message = PROJECT_CASES[case](self.project)
            try:
                self.assertRefused(script, argv, message, case)
            finally:
                os.chmod(self.project, 0o755)
                for name in ("pyproject.toml", "setup.cfg"):
                    self._remove(os.path.join(self.project, name))

    def test_error_bad_toml(self) -> None:
        self._project_case("bad-toml")

    def test_error_bad_ini(self) -> None:
        self._project_case("bad-ini")

    def test_error_unreadable_project_dir(self) -> None:
        self._project_case("unreadable-dir")

    def test_every_console_script_is_in_the_table(self) -> None:
        from openstack_requirements.tests.functional import test_cli

        covered = {script for script, _ in self.file_slots()}
        covered |= {script for script, _, _ in self.dir_slots()}
        covered |= {"validate-projects", "who-uses", "who-is-affected"}
        # They read no requirements-style file; a broken tokens file is
        # refused the same way (tests/functional/test_index_tokens.py).
        covered |= {"serve-index", "index-tokens"}
        self.assertEqual(set(test_cli.console_scripts()), covered)
