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

"""check-requirements: the CI requirements-check job: a project's requirements
against the global list.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TextIO

from openstack_requirements.cmds import _cli

PROG = "check-requirements"
EXAMPLE = (
    'check-requirements --reqs /opt/stack/requirements /opt/stack/nova '
    'master'
)

DESCRIPTION = (
    "The CI requirements-check job: a project's requirements against "
    'the global list.'
)


def _add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("src_dir", metavar="SRC_DIR")
    parser.add_argument("branch", metavar="BRANCH", nargs="?",
                        default="master")
    parser.add_argument("--reqs", metavar="DIR",
                        help="central requirements repo (default: the "
                        "shipped lists)")
    parser.add_argument("--local", action="store_true")
    parser.add_argument("--json", action="store_true")


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None
) -> int:
    parser = _cli.parser_for(PROG, DESCRIPTION, EXAMPLE, _add_args)
    body = _cli.not_implemented(PROG, 5)
    return _cli.run(parser, argv, body, stdout)
