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

"""generate-constraints: generate upper-constraints.txt by installing the
global list into throwaway virtualenvs.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TextIO

from openstack_requirements.cmds import _cli

PROG = "generate-constraints"
EXAMPLE = (
    'generate-constraints -p python3.11 -p python3.12 -r global-'
    'requirements.txt -b blacklist.txt -o upper-constraints.txt'
)

DESCRIPTION = (
    'Generate upper-constraints.txt by installing the global list into '
    'throwaway virtualenvs.'
)


def _add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-p", "--python", action="append", default=[],
                        metavar="PYTHON", help="interpreter (repeatable)")
    parser.add_argument("-r", "--requirements", metavar="FILE",
                        help="global-requirements.txt")
    parser.add_argument("-b", "--blacklist", metavar="FILE")
    parser.add_argument("--version-map", action="append", default=[],
                        metavar="SRC:DST")
    parser.add_argument("--installer", choices=("uv", "pip"), default="uv")
    parser.add_argument("--jobs", type=int, metavar="N")
    parser.add_argument("--index-url", metavar="URL")
    parser.add_argument("--extra-index-url", action="append", default=[],
                        metavar="URL")
    parser.add_argument("--find-links", action="append", default=[],
                        metavar="DIR")
    parser.add_argument("--log-dir", metavar="DIR")
    parser.add_argument("-o", "--output", metavar="FILE")


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None
) -> int:
    parser = _cli.parser_for(PROG, DESCRIPTION, EXAMPLE, _add_args)
    body = _cli.not_implemented(PROG, 4)
    return _cli.run(parser, argv, body, stdout)
