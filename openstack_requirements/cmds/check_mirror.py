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

"""check-mirror: check that every pin has an installable file on an index or
mirror.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TextIO

from openstack_requirements.cmds import _cli

PROG = "check-mirror"
EXAMPLE = (
    'check-mirror -c upper-constraints.txt --mirror /srv/mirror -p '
    'python3.12'
)

DESCRIPTION = (
    'Check that every pin has an installable file on an index or '
    'mirror.'
)


def _add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-c", "--constraints", metavar="FILE")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--index-url", metavar="URL")
    group.add_argument("--mirror", metavar="DIR")
    parser.add_argument("-p", "--python", action="append", default=[],
                        metavar="PYTHON")
    parser.add_argument("--verify-hashes", action="store_true")


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None
) -> int:
    parser = _cli.parser_for(PROG, DESCRIPTION, EXAMPLE, _add_args)
    body = _cli.not_implemented(PROG, 7)
    return _cli.run(parser, argv, body, stdout)
