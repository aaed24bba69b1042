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


"""lists: where the central lists are and how every command reads them."""

from __future__ import annotations

import hashlib
import os

import fixtures

from openstack_requirements import errors
from openstack_requirements import lists
from openstack_requirements.tests import base


def _never() -> str:
    raise AssertionError("the directory must not be looked for")


class TestShippedDir(base.TestCase):
    def test_checkout_beside_the_package(self) -> None:
        self.assertEqual(base.REPO_DIR, lists.locate_shipped(()))

    def test_installed_under_a_prefix(self) -> None:
        # An installed package: nothing beside it, the lists in a prefix.
        lib = self.make_dir()
        self.useFixture(fixtures.MonkeyPatch(
            "openstack_requirements.lists.__file__",
            os.path.join(lib, "openstack_requirements", "lists.py")))
        empty, prefix = self.make_dir(), self.make_dir()
        share = os.path.join(prefix, "share", "openstack-requirements")
        self.write(share, "global-requirements.txt", "six\n")
        self.assertEqual(share, lists.locate_shipped((empty, prefix)))

    def test_error_nowhere(self) -> None:
        lib = self.make_dir()
        self.useFixture(fixtures.MonkeyPatch(
            "openstack_requirements.lists.__file__",
            os.path.join(lib, "openstack_requirements", "lists.py")))
        exc = self.assertRaises(errors.InputError, lists.locate_shipped,
                                (self.make_dir(),))
        self.assertEqual("cannot find the shipped central lists; pass the "
                         "directory that holds global-requirements.txt "
                         "explicitly", str(exc))


class TestPick(base.TestCase):
    def test_blacklist_or_denylist(self) -> None:
        directory = self.make_dir()
        self.assertIsNone(lists.blacklist_in(directory))
        deny = self.write(directory, "denylist.txt", "")
        self.assertEqual(deny, lists.blacklist_in(directory))
        black = self.write(directory, "blacklist.txt", "")
        self.assertEqual(black, lists.blacklist_in(directory))

    def test_given_file_wins_without_looking(self) -> None:
        self.assertEqual("u.txt", lists.pick(
            "u.txt", lists.UPPER_CONSTRAINTS, _never))
        self.assertEqual("b.txt", lists.pick_blacklist("b.txt", _never))

    def test_else_the_directory(self) -> None:
        directory = self.make_dir()
        self.assertEqual(
            os.path.join(directory, "upper-constraints.txt"),
            lists.pick(None, lists.UPPER_CONSTRAINTS, lambda: directory))
        self.assertIsNone(lists.pick_blacklist(None, lambda: directory))


class TestRead(base.TestCase):
    def test_names(self) -> None:
        path = self.write(self.make_dir(), "b.txt", "# x\nSix\nOslo_DB\n")
        self.assertEqual(frozenset({"six", "oslo-db"}),
                         lists.read_names(path))
        self.assertEqual(frozenset(), lists.read_names(None))

    def test_blacklist_and_its_label(self) -> None:
        path = self.write(self.make_dir(), "b.txt", "Six\n")
        digest = hashlib.sha256(b"Six\n").hexdigest()[:16]
        # The file name only: where it was is the run's, not the file's.
        self.assertEqual((frozenset({"six"}), f"b.txt (sha256 {digest})"),
                         lists.read_blacklist(path))
        self.assertEqual((frozenset(), ""), lists.read_blacklist(None))
        self.assertEqual((frozenset(), ""), lists.read_blacklist(""))

    def test_error_blacklist_invalid(self) -> None:
        path = self.write(self.make_dir(), "b.txt", "six>=\n")
        self.assertRaises(errors.ParseError, lists.read_blacklist, path)

    def test_spellings_later_files_win(self) -> None:
        directory = self.make_dir()
        first = self.write(directory, "g.txt", "Oslo.Config\nPyYAML>=5\n")
        second = self.write(directory, "u.txt", "oslo_config===9.0\n")
        self.assertEqual(
            {"oslo-config": "oslo_config", "pyyaml": "PyYAML"},
            lists.spellings([first, None, "", second,
                             os.path.join(directory, "missing.txt")]))

    def test_sync_lists(self) -> None:
        source = self.make_dir()
        self.write(source, "global-requirements.txt", "six\n")
        global_doc, blacklist_doc = lists.read_sync_lists(source)
        self.assertEqual(os.path.join(source, "global-requirements.txt"),
                         global_doc.source)
        self.assertIsNone(blacklist_doc)
        self.write(source, "denylist.txt", "six\n")
        blacklist_doc = lists.read_sync_lists(source)[1]
        assert blacklist_doc is not None
        self.assertEqual(os.path.join(source, "denylist.txt"),
                         blacklist_doc.source)

    def test_error_sync_lists_missing(self) -> None:
        source = self.make_dir()
        exc = self.assertRaises(errors.InputError, lists.read_sync_lists,
                                source)
        self.assertEqual(
            f"{source}/global-requirements.txt: no global-requirements.txt "
            "here; pass --source DIR naming the directory that holds it",
            str(exc))

    def test_check_lists(self) -> None:
        reqs = self.make_dir()
        self.write(reqs, "global-requirements.txt", "six\nmock\n")
        self.write(reqs, "blacklist.txt", "mock\n")
        found = lists.read_check_lists(reqs)
        self.assertEqual(["mock", "six"], sorted(found.global_doc.by_name()))
        self.assertEqual(frozenset({"mock"}), found.blacklist)
        self.assertEqual(frozenset(), found.backports)
        self.write(reqs, "backports.txt", "six\n")
        self.assertEqual(frozenset({"six"}),
                         lists.read_check_lists(reqs).backports)

    def test_error_check_lists_not_a_directory(self) -> None:
        path = self.write(self.make_dir(), "f", "")
        exc = self.assertRaises(errors.InputError, lists.read_check_lists,
                                path)
        self.assertEqual(f"{path}: is not a directory; --reqs takes the "
                         "central requirements repo", str(exc))

    def test_error_check_lists_without_global_list(self) -> None:
        reqs = self.make_dir()
        exc = self.assertRaises(errors.InputError, lists.read_check_lists,
                                reqs)
        self.assertEqual(f"{reqs}/global-requirements.txt: no such file; "
                         "check the path", str(exc))

    def test_projects(self) -> None:
        path = self.write(self.make_dir(), "projects.txt",
                          "openstack/nova\nswift\n")
        entries, findings = lists.read_projects(path)
        self.assertEqual(["openstack/nova"], [e.name for e in entries])
        self.assertEqual([f"{path}:2: expected 'namespace/name', found "
                          "'swift'; one project per line, no spaces or "
                          "comments"], [str(f) for f in findings])


class TestValidateFiles(base.TestCase):
    def test_denylist_found(self) -> None:
        directory = self.make_dir()
        deny = self.write(directory, "denylist.txt", "")
        self.assertEqual(
            (os.path.join(directory, "global-requirements.txt"),
             os.path.join(directory, "upper-constraints.txt"), deny),
            lists.validate_files(directory))

    def test_error_not_a_directory(self) -> None:
        path = self.write(self.make_dir(), "g.txt", "")
        exc = self.assertRaises(errors.InputError, lists.validate_files,
                                path)
        self.assertEqual(
            f"{path}: is not a directory; give the directory that holds "
            "the central lists, or the three files", str(exc))
