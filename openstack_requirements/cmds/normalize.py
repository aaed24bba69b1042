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

"""normalize-requirements: print or save a requirements file with every
requirement line normalised.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TextIO

from openstack_requirements import errors
from openstack_requirements.cmds import _cli  # noqa: H306 (ruff order)

PROG = "normalize-requirements"
EXAMPLE = (
    'normalize-requirements global-requirements.txt --save'
)

DESCRIPTION = """\
Print the file with each requirement line normalised: no spaces inside
the requirement, specifiers sorted, markers as packaging prints them
(python_version < "3.10"), extras sorted, two spaces before a trailing
comment.  Comments, blank lines, options and URL lines are kept.  With
--save the file is rewritten in place (atomically, keeping its mode;
an already normal file is not touched).  Exit 0 on success, 2 on bad
input (nothing is written)."""


def _add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE",
                        help="requirements file to normalise")
    parser.add_argument("-s", "--save", action="store_true",
                        help="rewrite FILE in place instead of printing")


def _normalize(args: argparse.Namespace, out: TextIO) -> int:
    from openstack_requirements import fileio
    from openstack_requirements import normalize

    doc = _cli.read_doc(args.file).require_valid()
    text = normalize.normalize(doc).render()
    if args.save:
        # -- I/O below this line
        changed = fileio.atomic_write(args.file, text)
        state = "normalised" if changed else "already normal"
        print(f"{args.file}: {state}", file=out)
    else:
        out.write(text)
    return errors.EXIT_OK


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None
) -> int:
    parser = _cli.parser_for(PROG, DESCRIPTION, EXAMPLE, _add_args)
    return _cli.run(parser, argv, _normalize, stdout)
