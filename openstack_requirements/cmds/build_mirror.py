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

"""build-wheel-mirror: build or extend a local PEP 503 wheel mirror for the
constraints.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TextIO

from openstack_requirements.cmds import _cli

PROG = "build-wheel-mirror"
EXAMPLE = (
    'build-wheel-mirror -c upper-constraints.txt -p python3.12 -o '
    '/srv/mirror'
)

DESCRIPTION = (
    'Build or extend a local PEP 503 wheel mirror for the constraints.'
)


def _add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-c", "--constraints", metavar="FILE")
    parser.add_argument("-r", "--requirements", metavar="FILE")
    parser.add_argument("-p", "--python", action="append", default=[],
                        metavar="PYTHON")
    parser.add_argument("-o", "--output", metavar="MIRROR_DIR")
    parser.add_argument("--jobs", type=int, metavar="N")
    parser.add_argument("--installer", choices=("uv", "pip"), default="uv")
    parser.add_argument("--add", nargs="+", metavar="FILE")


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None
) -> int:
    parser = _cli.parser_for(PROG, DESCRIPTION, EXAMPLE, _add_args)
    body = _cli.not_implemented(PROG, 7)
    return _cli.run(parser, argv, body, stdout)
