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

DESCRIPTION = (
    'Replace, add or remove the pin of one name in a constraints file.'
)


def _add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("constraints", metavar="CONSTRAINTS")
    parser.add_argument("name", metavar="NAME")
    parser.add_argument("replacement", metavar="REPLACEMENT", nargs="?",
                        default="")


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None
) -> int:
    parser = _cli.parser_for(PROG, DESCRIPTION, EXAMPLE, _add_args)
    body = _cli.not_implemented(PROG, 5)
    return _cli.run(parser, argv, body, stdout)
