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

"""edit-constraints: replace, add or remove the pin of one name in a
constraints file.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TextIO

from openstack_requirements.cmds import _cli

PROG = "edit-constraints"
EXAMPLE = (
    "edit-constraints upper-constraints.txt oslo.db '-e "
    "file:///opt/stack/oslo.db#egg=oslo.db'"
)

DESCRIPTION = """\
Replace every line for NAME (canonical match: oslo.db, oslo-db and
Oslo_DB are one name) in the constraints file with the single line
REPLACEMENT; add it at the end when NAME is absent; remove NAME when
REPLACEMENT is empty or missing.  REPLACEMENT may be a URL or
'-e URL#egg=NAME' line, as devstack uses to install a library from git.
Everything else in the file is untouched.  The file is locked while it is
edited and replaced atomically, keeping its mode, so concurrent runs on
one file all take effect.  Exit 0 on success, 2 on bad input (the file is
then left as it was)."""


def _add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("constraints", metavar="CONSTRAINTS",
                        help="constraints file to edit in place")
    parser.add_argument("name", metavar="NAME",
                        help="distribution name to edit")
    parser.add_argument("replacement", metavar="REPLACEMENT", nargs="?",
                        default="",
                        help="the new line; empty or missing removes NAME")


def _edit(args: argparse.Namespace, out: TextIO) -> int:
    from openstack_requirements import constraint_edit
    from openstack_requirements import errors
    from openstack_requirements import fileio
    from openstack_requirements import requirement

    path = args.constraints
    name = args.name
    if not requirement.NAME_RE.fullmatch(name):
        raise errors.InputError(
            f"{name!r} is not a distribution name; give NAME as it is "
            "on PyPI, e.g. oslo.db")
    with fileio.locked(path):
        doc = _cli.read_doc(path).require_valid()
        result = constraint_edit.edit(doc, name, args.replacement)
        # -- I/O below this line
        fileio.atomic_write(path, result.doc.render())
    print(f"{path}: {name} {result.action.value}", file=out)
    return errors.EXIT_OK


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None
) -> int:
    parser = _cli.parser_for(PROG, DESCRIPTION, EXAMPLE, _add_args)
    return _cli.run(parser, argv, _edit, stdout)
