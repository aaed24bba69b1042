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

"""check-constraints: a project's requirements against upper constraints."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TextIO

from openstack_requirements.cmds import _cli

PROG = "check-constraints"
EXAMPLE = (
    'check-constraints /opt/stack/nova -u upper-constraints.txt'
)

DESCRIPTION = (
    "Check a project's requirements against upper constraints."
)


def _add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", metavar="PROJECT")
    parser.add_argument("-u", "--upper", metavar="FILE")
    parser.add_argument("-g", "--global", dest="global_", metavar="FILE")
    parser.add_argument("-b", "--blacklist", metavar="FILE")
    parser.add_argument("-G", "--check-global", action="store_true")


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None
) -> int:
    parser = _cli.parser_for(PROG, DESCRIPTION, EXAMPLE, _add_args)
    body = _cli.not_implemented(PROG, 5)
    return _cli.run(parser, argv, body, stdout)
