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
an already normal file is not touched).  With --check nothing is
written: each FILE that is not normal gets a unified diff of what
--save would change, and the exit status is 1 (the pre-commit hook).
Exit 0 on success, 2 on bad input (nothing is written)."""


def _add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", metavar="FILE", nargs="+",
                        help="requirements file to normalise (several "
                        "with --save or --check)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("-s", "--save", action="store_true",
                      help="rewrite FILE in place instead of printing")
    mode.add_argument("--check", action="store_true",
                      help="write nothing; print a diff for each FILE "
                      "that is not normal and exit 1")


def _normalize(args: argparse.Namespace, out: TextIO) -> int:
    from openstack_requirements import fileio
    from openstack_requirements import normalize
    from openstack_requirements import sync

    if len(args.files) > 1 and not (args.save or args.check):
        raise errors.RequirementsError("several FILEs need --save or --check")
    # Every file is read and checked before the first one is written.
    docs = [_cli.read_doc(path).require_valid() for path in args.files]
    texts = [normalize.normalize(doc).render() for doc in docs]
    if args.check:
        bad = 0
        for path, doc, text in zip(args.files, docs, texts, strict=True):
            if text != doc.render():
                bad += 1
                out.write(sync.unified_diff(sync.FilePlan(
                    path, path, doc.render(), text, ())))
        return errors.EXIT_FINDINGS if bad else errors.EXIT_OK
    if not args.save:
        out.write(texts[0])
        return errors.EXIT_OK
    # -- I/O below this line
    for path, text in zip(args.files, texts, strict=True):
        changed = fileio.atomic_write(path, text)
        state = "normalised" if changed else "already normal"
        print(f"{path}: {state}", file=out)
    return errors.EXIT_OK


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None
) -> int:
    parser = _cli.parser_for(PROG, DESCRIPTION, EXAMPLE, _add_args)
    return _cli.run(parser, argv, _normalize, stdout)
