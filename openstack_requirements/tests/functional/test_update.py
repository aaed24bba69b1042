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

"""update-requirements end to end: temp project trees, files on disk."""

from __future__ import annotations

import os
import shutil

import fixtures

from openstack_requirements.cmds import update
from openstack_requirements.tests import base

DATA = os.path.join(base.FILES_DIR, "update")
SOURCE = os.path.join(DATA, "source")
TREE_IN = os.path.join(DATA, "tree", "in")
TREE_OUT = os.path.join(DATA, "tree", "out")


def snapshot(root: str) -> dict[str, tuple[str, int, int]]:
    """Every file under *root*: (text, mtime, mode)."""
    found = {}
    for directory, _, names in os.walk(root):
        for name in names:
            path = os.path.join(directory, name)
            info = os.lstat(path)
            if os.path.islink(path):
                text = "-> " + os.readlink(path)
            else:
                with open(path, "rb") as f:
                    text = f.read().decode("utf-8", "backslashreplace")
            found[os.path.relpath(path, root)] = (text, info.st_mtime_ns,
                                                  info.st_mode)
    return found


def texts(root: str) -> dict[str, str]:
    return {rel: text for rel, (text, _, _) in snapshot(root).items()}


class UpdateTestCase(base.TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.useFixture(fixtures.EnvironmentVariable("NON_STANDARD_REQS"))
        self.tmp = self.make_dir()
        self.source = os.path.join(self.tmp, "source")
        shutil.copytree(SOURCE, self.source)
        self.proj = os.path.join(self.tmp, "alpha")
        shutil.copytree(TREE_IN, self.proj)

    def update(self, *argv: str) -> tuple[int, str, str]:
        return self.run_main(update.main, ["--source", self.source, *argv])


class TestUpdateTree(UpdateTestCase):
    def test_hard_sync_writes_expected_files(self) -> None:
        os.chmod(os.path.join(self.proj, "requirements.txt"), 0o640)
        code, out, err = self.update(self.proj)
        self.assertEqual((0, ""), (code, err))
        self.assertEqual(texts(TREE_OUT), texts(self.proj))
        self.assertEqual(0o640, os.stat(os.path.join(
            self.proj, "requirements.txt")).st_mode & 0o777)
        p = self.proj
        self.assertEqual(
            f"warning: {p}/setup.cfg:15: requests: the lower bound "
            ">=2.20.0 is excluded by "
            f"{self.source}/global-requirements.txt:6 (!=2.20.0); kept "
            "it, so only versions above it are allowed; raise it to a "
            "version the global list allows\n"
            # pbr>=6.0.0, requests>=2.25.1 and stestr>=4.0.0 stay: the
            # central exclusions lie below their floors.  oslo.db only
            # gains its license comment: a comment change.
            "Version change for: oslo.config\n"
            "Comment change for: oslo.db\n"
            f"Updated {p}/requirements.txt:\n"
            "    oslo.config>=4.0.0  # Apache-2.0 -> oslo.config>=4.0.0,"
            "!=4.3.0,!=4.4.0  # Apache-2.0\n"
            "    oslo.db[mysql]>=12.0.0 -> oslo.db[mysql]>=12.0.0  # "
            "Apache-2.0\n"
            "Version change for: six\n"
            f"Updated {p}/test-requirements.txt:\n"
            "    six -> six>=1.10.0  # MIT\n"
            "    six>=1.10.0 -> (none)\n"
            "Version change for: sphinx\n"
            f"Updated {p}/doc/requirements.txt:\n"
            "    sphinx>=1.6.0  # BSD -> sphinx>=1.6.0,!=1.6.6,!=1.6.7  # "
            "BSD\n"
            "Version change for: pyroute2\n"
            f"Updated {p}/driver-requirements.txt:\n"
            "    pyroute2>=0.7.0 -> pyroute2>=0.7.0;sys_platform"
            "!='win32'  # Apache-2.0\n"
            "Version change for: requests, pyroute2\n"
            "Comment change for: oslo.db\n"
            f"Updated {p}/setup.cfg:\n"
            "    oslo.db>=12.0.0 -> oslo.db>=12.0.0  # Apache-2.0\n"
            "    requests>=2.20.0:python_version>='3.8'  # Apache-2.0 -> "
            "requests>=2.20.0,!=2.20.0  # Apache-2.0\n"
            "    pyroute2>=0.7.0 -> pyroute2>=0.7.0:sys_platform"
            "!='win32'  # Apache-2.0\n"
            "Version change for: oslo.config, sphinx\n"
            f"Updated {p}/pyproject.toml:\n"
            "    oslo.config>=4.0.0 -> oslo.config>=4.0.0,!=4.3.0,!=4.4.0\n"
            "    sphinx>=1.6.0 -> sphinx>=1.6.0,!=1.6.6,!=1.6.7\n", out)

    def test_second_run_changes_nothing(self) -> None:
        self.assertEqual(0, self.update(self.proj)[0])
        before = snapshot(self.proj)
        code, out, err = self.update(self.proj)
        self.assertEqual((0, "", ""), (code, out, err))
        self.assertEqual(before, snapshot(self.proj))  # mtimes too

    def test_dry_run_prints_diff_writes_nothing(self) -> None:
        before = snapshot(self.proj)
        code, out, err = self.update("--dry-run", self.proj)
        self.assertEqual((1, ""), (code, err))
        self.assertEqual(before, snapshot(self.proj))
        self.assertIn(
            "--- a/doc/requirements.txt\n"
            "+++ b/doc/requirements.txt\n"
            "@@ -1,2 +1,2 @@\n"
            "-sphinx>=1.6.0  # BSD\n"
            "+sphinx>=1.6.0,!=1.6.6,!=1.6.7  # BSD\n"
            " reno>=4.0.0  # Apache-2.0\n", out)
        self.assertIn("--- a/pyproject.toml\n+++ b/pyproject.toml\n", out)
        self.assertIn("--- a/setup.cfg\n+++ b/setup.cfg\n", out)

    def test_dry_run_says_would_update(self) -> None:
        code, out, err = self.update("--dry-run", self.proj)
        self.assertEqual(1, code)
        self.assertIn("Version change for: sphinx\n"
                      f"Would update {self.proj}/doc/requirements.txt:\n"
                      "    sphinx>=1.6.0  # BSD -> sphinx>=1.6.0,!=1.6.6,"
                      "!=1.6.7  # BSD\n", out)
        self.assertNotIn("Updated", out)

    def test_dry_run_diff_splits_on_newlines_only(self) -> None:
        # \x0c and \u2028 are not line breaks in a requirements file.
        self.write(self.proj, "doc/requirements.txt",
                   "# page\x0cbreak and a\u2028separator\nsphinx>=1.6.0\n")
        code, out, err = self.update("--dry-run", self.proj)
        self.assertEqual(1, code, err)
        self.assertIn(
            "--- a/doc/requirements.txt\n"
            "+++ b/doc/requirements.txt\n"
            "@@ -1,2 +1,2 @@\n"
            " # page\x0cbreak and a\u2028separator\n"
            "-sphinx>=1.6.0\n"
            "+sphinx>=1.6.0,!=1.6.6,!=1.6.7  # BSD\n", out)

    def test_dry_run_diff_marks_missing_final_newline(self) -> None:
        self.write(self.proj, "doc/requirements.txt", "sphinx>=1.6.0")
        code, out, err = self.update("--dry-run", self.proj)
        self.assertIn(
            "@@ -1 +1 @@\n"
            "-sphinx>=1.6.0\n\\ No newline at end of file\n"
            "+sphinx>=1.6.0,!=1.6.6,!=1.6.7  # BSD\n"
            "\\ No newline at end of file\n", out)

    def test_dry_run_in_sync_exits_zero(self) -> None:
        self.update(self.proj)
        code, out, err = self.update("--dry-run", self.proj)
        self.assertEqual((0, "", ""), (code, out, err))

    def test_output_suffix_leaves_originals(self) -> None:
        before = snapshot(self.proj)
        code, out, err = self.update("-o", "global", self.proj)
        self.assertEqual(0, code, err)
        after = texts(self.proj)
        expected = texts(TREE_OUT)
        for rel, (text, _, _) in before.items():
            self.assertEqual(text, after.pop(rel))
            self.assertEqual(expected[rel], after.pop(rel + ".global"))
        self.assertEqual({}, after)
        self.assertIn(f"Updated {self.proj}/requirements.txt.global:\n", out)

    def test_dry_run_with_suffix_writes_nothing(self) -> None:
        before = snapshot(self.proj)
        code, out, err = self.update("--dry-run", "-o", "global", self.proj)
        self.assertEqual(1, code)
        # Nothing was written: "Would update", not "Updated".
        self.assertIn(f"Would update {self.proj}/setup.cfg.global:\n", out)
        self.assertNotIn("Updated", out)
        self.assertEqual(before, snapshot(self.proj))

    def test_verbose_lists_what_was_read_and_synced(self) -> None:
        code, out, err = self.update("-v", self.proj)
        self.assertEqual(0, code)
        self.assertTrue(out.startswith(
            f"Read {self.source}/global-requirements.txt: 12 names\n"
            f"Read {self.source}/blacklist.txt: 2 names\n"
            f"Syncing {self.proj}/requirements.txt\n"), out)
        self.assertIn(f"Syncing {self.proj}/setup.cfg [extras.db]\n", out)
        self.assertIn(f"Syncing {self.proj}/pyproject.toml "
                      "[dependency-groups.docs]\n", out)

    def test_hacking_flag(self) -> None:
        code, out, err = self.update("-H", self.proj)
        self.assertEqual(0, code)
        self.assertEqual(
            "hacking>=6.1.0,<6.2.0  # Apache-2.0\n",
            base.read(os.path.join(self.proj, "test-requirements.txt"))
            .splitlines(keepends=True)[0])


class TestJson(UpdateTestCase):
    def test_json_lists_the_changes_per_file(self) -> None:
        import json

        before = texts(self.proj)
        code, out, err = self.update(self.proj, "--json", "--dry-run")
        self.assertEqual((1, ""), (code, err))
        report = json.loads(out)
        self.assertEqual((True, [], True, False), (
            report["ok"], report["findings"], report["dry_run"],
            report["written"]))
        files = {f["file"]: f for f in report["files"]}
        self.assertEqual(
            [{"name": "oslo.config", "kind": "version",
              "old": ["oslo.config>=4.0.0  # Apache-2.0"],
              "new": ["oslo.config>=4.0.0,!=4.3.0,!=4.4.0  # Apache-2.0"]},
             {"name": "oslo.db", "kind": "comment",
              "old": ["oslo.db[mysql]>=12.0.0"],
              "new": ["oslo.db[mysql]>=12.0.0  # Apache-2.0"]}],
            files["requirements.txt"]["changes"])
        self.assertEqual(f"{self.proj}/requirements.txt",
                         files["requirements.txt"]["path"])
        self.assertIn("requests: the lower bound >=2.20.0 is excluded",
                      report["warnings"][0]["message"])
        self.assertEqual(before, texts(self.proj))
        code, out, err = self.update(self.proj, "--json")
        self.assertEqual((0, ""), (code, err))
        self.assertTrue(json.loads(out)["written"])
        self.assertEqual(texts(TREE_OUT), texts(self.proj))

    def test_shipped_lists_without_source(self) -> None:
        # The default-lists rule of every command: the shipped copy
        # unless a directory is given (not the working directory).
        proj = os.path.join(self.tmp, "plain")
        self.write(proj, "requirements.txt", "six\n")
        self.useFixture(fixtures.MonkeyPatch("os.getcwd", lambda: proj))
        code, out, err = self.run_main(update.main, ["-v", "--dry-run",
                                                     proj])
        self.assertEqual("", err)
        self.assertIn(f"Read {base.REPO_DIR}/global-requirements.txt", out)
        self.assertIn(f"Read {base.REPO_DIR}/blacklist.txt", out)

    def test_error_json_with_all(self) -> None:
        code, out, err = self.update("--all", self.tmp, "--json")
        self.assertEqual((2, ""), (code, out))
        self.assertIn("--json reports one project", err)


class TestUnknownNames(UpdateTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.write(self.proj, "requirements.txt",
                   "six>=1.0\nleft-pad>=1.0  # MIT\n")

    def test_hard_mode_error_writes_nothing(self) -> None:
        before = snapshot(self.proj)
        code, out, err = self.update(self.proj)
        self.assertEqual((1, ""), (code, err))
        self.assertEqual(
            f"{self.proj}/requirements.txt:2: left-pad is not in "
            f"{self.source}/global-requirements.txt; add it there first, or "
            "pass -s to keep names the global list lacks, or set "
            "NON_STANDARD_REQS=1 to drop them\n"
            f"{self.proj}: nothing written; fix the lines above\n", out)
        self.assertEqual(before, snapshot(self.proj))

    def test_non_standard_reqs_drops_with_warning(self) -> None:
        self.useFixture(fixtures.EnvironmentVariable("NON_STANDARD_REQS",
                                                     "1"))
        code, out, err = self.update(self.proj)
        self.assertEqual(0, code)
        self.assertIn(
            f"warning: {self.proj}/requirements.txt:2: left-pad is not in "
            f"{self.source}/global-requirements.txt; dropped "
            "(NON_STANDARD_REQS=1)\n", out)
        self.assertEqual("six>=1.0  # MIT\n", base.read(
            os.path.join(self.proj, "requirements.txt")))

    def test_soft_mode_passes_through(self) -> None:
        code, out, err = self.update("-s", self.proj)
        self.assertEqual(0, code)
        self.assertEqual("six>=1.0  # MIT\nleft-pad>=1.0  # MIT\n",
                         base.read(os.path.join(self.proj,
                                                "requirements.txt")))


class TestErrors(UpdateTestCase):
    def assert_untouched(self, before: dict[str, object]) -> None:
        self.assertEqual(before, snapshot(self.proj))

    def test_error_bad_requirement_line(self) -> None:
        self.write(self.proj, "doc/requirements.txt", "sphinx\nreno=>4\n")
        before = snapshot(self.proj)
        code, out, err = self.update(self.proj)
        self.assertEqual((2, ""), (code, out))
        self.assertEqual(
            f"{self.proj}/doc/requirements.txt:2: invalid version "
            "specifier '=>4'\n    reno=>4\n", err)
        self.assert_untouched(before)

    def test_error_bad_setup_cfg_extras(self) -> None:
        self.write(self.proj, "setup.cfg", "[extras]\ndb =\noslo.db\n")
        before = snapshot(self.proj)
        code, out, err = self.update(self.proj)
        self.assertEqual(2, code)
        self.assertTrue(err.startswith(
            f"{self.proj}/setup.cfg:3: cannot parse the [extras] section"))
        self.assert_untouched(before)

    def test_error_bad_toml(self) -> None:
        self.write(self.proj, "pyproject.toml", "[project\n")
        before = snapshot(self.proj)
        code, out, err = self.update(self.proj)
        self.assertEqual(2, code)
        self.assertTrue(err.startswith(
            f"{self.proj}/pyproject.toml:1: invalid TOML: "), err)
        self.assert_untouched(before)

    def test_error_unreadable_file(self) -> None:
        # A directory where a requirements file belongs cannot be read.
        os.mkdir(os.path.join(self.proj, "tools", "pip-requires"))
        before = snapshot(self.proj)
        code, out, err = self.update(self.proj)
        self.assertEqual((2, ""), (code, out))
        self.assertEqual(
            f"{self.proj}/tools/pip-requires: is a directory; expected a "
            "regular file\n", err)
        self.assert_untouched(before)

    def test_error_not_utf8(self) -> None:
        with open(os.path.join(self.proj, "test-requirements.txt"),
                  "ab") as f:
            f.write(b"caf\xe9\n")
        before = snapshot(self.proj)
        code, out, err = self.update(self.proj)
        self.assertEqual(2, code)
        self.assertEqual(
            f"{self.proj}/test-requirements.txt:7: byte 0xe9 at column 4 is "
            "not UTF-8; save the file as UTF-8\n    caf\\xe9\n", err)
        self.assert_untouched(before)

    def test_error_missing_global_requirements(self) -> None:
        os.unlink(os.path.join(self.source, "global-requirements.txt"))
        before = snapshot(self.proj)
        code, out, err = self.update(self.proj)
        self.assertEqual((2, ""), (code, out))
        self.assertEqual(
            f"{self.source}/global-requirements.txt: no "
            "global-requirements.txt here; pass --source DIR naming the "
            "directory that holds it\n", err)
        self.assert_untouched(before)

    def test_error_project_not_a_directory(self) -> None:
        code, out, err = self.update(os.path.join(self.tmp, "nope"))
        self.assertEqual(2, code)
        self.assertEqual(
            f"{self.tmp}/nope: no such directory; give the project's top "
            "directory\n", err)

    def test_error_neither_project_nor_all(self) -> None:
        code, out, err = self.update()
        self.assertEqual(2, code)
        self.assertEqual("give one PROJECT_DIR, or --all PROJECTS_ROOT; see "
                         "--help\n", err)

    def test_error_write_fails_nothing_changes(self) -> None:
        # doc/requirements.txt.global is a directory: its rename fails
        # after the files before it were replaced; they are put back.
        os.mkdir(os.path.join(self.proj, "doc", "requirements.txt.global"))
        for rel in ("requirements.txt", "test-requirements.txt"):
            self.write(self.proj, rel + ".global", "old\n")
        before = snapshot(self.proj)
        code, out, err = self.update("-o", "global", self.proj)
        self.assertEqual(2, code)
        self.assertNotIn("Updated", out)
        self.assertEqual(f"{self.proj}/doc/requirements.txt.global: cannot "
                         "write: Is a directory; no file was changed\n", err)
        self.assert_untouched(before)
        leftovers = [name for name in os.listdir(self.proj)
                     if name.startswith(".")]
        self.assertEqual([], leftovers)


class TestSymlinks(UpdateTestCase):
    def test_symlink_out_of_project_not_followed(self) -> None:
        outside = self.write(self.tmp, "outside.txt", "six>=1.0\n")
        os.unlink(os.path.join(self.proj, "doc", "requirements.txt"))
        os.symlink(outside, os.path.join(self.proj, "doc",
                                         "requirements.txt"))
        code, out, err = self.update(self.proj)
        self.assertEqual(0, code, err)
        self.assertTrue(out.startswith(
            f"warning: {self.proj}/doc/requirements.txt: leads to "
            f"{os.path.realpath(outside)}, outside the project; not "
            "followed\n"), out)
        self.assertEqual("six>=1.0\n", base.read(outside))
        self.assertTrue(os.path.islink(
            os.path.join(self.proj, "doc", "requirements.txt")))

    def test_symlinked_directory_out_of_project_not_followed(self) -> None:
        outside = os.path.join(self.tmp, "elsewhere")
        os.mkdir(outside)
        self.write(outside, "requirements.txt", "six>=1.0\n")
        shutil.rmtree(os.path.join(self.proj, "doc"))
        os.symlink(outside, os.path.join(self.proj, "doc"))
        self.assertEqual(0, self.update(self.proj)[0])
        self.assertEqual("six>=1.0\n",
                         base.read(os.path.join(outside, "requirements.txt")))

    def test_symlink_inside_project_synced_once(self) -> None:
        path = os.path.join(self.proj, "tools", "pip-requires")
        os.symlink("../requirements.txt", path)
        code, out, err = self.update(self.proj)
        self.assertEqual(0, code, err)
        self.assertTrue(os.path.islink(path))
        self.assertEqual(texts(TREE_OUT)["requirements.txt"],
                         base.read(path))
        self.assertIn(f"{path}: is the same file as {self.proj}/"
                      "requirements.txt; read once\n", out)

    def test_suffix_output_through_outside_link_refused(self) -> None:
        outside = self.write(self.tmp, "outside.txt", "keep\n")
        os.symlink(outside, os.path.join(self.proj,
                                         "requirements.txt.global"))
        before = snapshot(self.proj)
        code, out, err = self.update("-o", "global", self.proj)
        self.assertEqual(2, code)
        self.assertIn(f"{self.proj}/requirements.txt.global: leads to "
                      f"{os.path.realpath(outside)}, outside the project; "
                      "refusing to write through it, remove the link\n",
                      err)
        self.assertEqual("keep\n", base.read(outside))
        self.assertEqual(before, snapshot(self.proj))


class TestAll(UpdateTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.root = os.path.join(self.tmp, "src")
        shutil.copytree(TREE_IN, os.path.join(self.root, "openstack",
                                              "alpha"))
        # beta is already in sync; gamma sits at the top of the root.
        shutil.copytree(TREE_OUT, os.path.join(self.root, "beta"))
        gamma = os.path.join(self.root, "gamma")
        self.write(gamma, "requirements.txt", "six\n")

    def test_all_syncs_every_project_found(self) -> None:
        code, out, err = self.update("--all", self.root)
        self.assertEqual((0, ""), (code, err))
        self.assertEqual(texts(TREE_OUT),
                         texts(os.path.join(self.root, "openstack",
                                            "alpha")))
        self.assertEqual(texts(TREE_OUT),
                         texts(os.path.join(self.root, "beta")))
        self.assertEqual("six  # MIT\n", base.read(
            os.path.join(self.root, "gamma", "requirements.txt")))
        self.assertIn("== openstack/alpha: changed 6 file(s)\n", out)
        self.assertIn("== openstack/beta: up to date\n", out)
        self.assertIn("== x/gamma: changed 1 file(s)\n", out)
        self.assertTrue(out.endswith(
            f"missing under {self.root}: openstack/missing\n"
            "3 project(s): 2 changed, 1 up to date, 0 failed, 1 missing\n"),
            out)

    def test_all_dry_run_one_diff_per_project(self) -> None:
        before = snapshot(self.root)
        code, out, err = self.update("--all", self.root, "--dry-run")
        self.assertEqual(1, code)
        self.assertEqual(before, snapshot(self.root))
        self.assertIn("+six  # MIT\n== x/gamma: would change 1 file(s)\n",
                      out)
        self.assertIn("3 project(s): 2 would change, 1 up to date, 0 "
                      "failed, 1 missing\n", out)

    def test_all_failure_in_one_project_is_reported(self) -> None:
        self.write(os.path.join(self.root, "gamma"), "requirements.txt",
                   "six\nleft-pad\n")
        code, out, err = self.update("--all", self.root)
        self.assertEqual(1, code)
        self.assertIn("== x/gamma: FAILED, nothing written\n", out)
        self.assertEqual("six\nleft-pad\n", base.read(
            os.path.join(self.root, "gamma", "requirements.txt")))
        self.assertEqual(texts(TREE_OUT),
                         texts(os.path.join(self.root, "openstack",
                                            "alpha")))

    def test_all_skips_lines_leading_out_of_the_root(self) -> None:
        # Each of these would resolve to a directory outside the root.
        outside = os.path.join(self.tmp, "outside")
        shutil.copytree(TREE_IN, outside)
        os.makedirs(os.path.join(self.tmp, "x"))
        shutil.copytree(TREE_IN, os.path.join(self.tmp, "x", "y"))
        os.symlink(outside, os.path.join(self.root, "linked"))
        projects = os.path.join(self.source, "projects.txt")
        with open(projects, "w", encoding="utf-8") as f:
            f.write(f"../outside\n{outside}\n../x/y\nx/../../outside\n"
                    "openstack/linked\nx/gamma\n")
        before = snapshot(self.tmp + "/outside")
        code, out, err = self.update("--all", self.root)
        self.assertEqual((1, ""), (code, err))
        self.assertEqual(before, snapshot(outside))
        self.assertEqual(texts(TREE_IN),
                         texts(os.path.join(self.tmp, "x", "y")))
        self.assertEqual("six  # MIT\n", base.read(
            os.path.join(self.root, "gamma", "requirements.txt")))
        # The grammar of validate-projects (policy.parse_projects).
        hint = ("expected 'namespace/name', found {!r}; one project per "
                "line, no spaces or comments")
        real = os.path.realpath(outside)
        self.assertTrue(out.endswith(
            "== x/gamma: changed 1 file(s)\n"
            f"warning: {projects}:1: {hint.format('../outside')}\n"
            f"warning: {projects}:2: {hint.format(outside)}\n"
            f"warning: {projects}:3: {hint.format('../x/y')}\n"
            f"warning: {projects}:4: {hint.format('x/../../outside')}\n"
            f"warning: {projects}:5: {self.root}/linked leads to {real}, "
            f"outside {self.root}; skipped it\n"
            "1 project(s): 1 changed, 0 up to date, 0 failed, 0 missing, "
            "5 skipped\n"), out)

    def test_error_all_without_projects_txt(self) -> None:
        os.unlink(os.path.join(self.source, "projects.txt"))
        before = snapshot(self.root)
        code, out, err = self.update("--all", self.root)
        self.assertEqual((2, ""), (code, out))
        self.assertEqual(f"{self.source}/projects.txt: no such file; check "
                         "the path\n", err)
        self.assertEqual(before, snapshot(self.root))

    def test_all_bad_input_in_one_project_is_reported(self) -> None:
        self.write(os.path.join(self.root, "gamma"), "requirements.txt",
                   "six=>1\n")
        code, out, err = self.update("--all", self.root)
        self.assertEqual(2, code)
        self.assertIn(
            f"error: {self.root}/gamma/requirements.txt:1: invalid version "
            "specifier '=>1'\n    six=>1\n== x/gamma: FAILED, nothing "
            "written\n", out)
