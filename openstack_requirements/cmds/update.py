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

"""update-requirements: sync a project's requirement files to the global
requirements list.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TextIO

from openstack_requirements.cmds import _cli

PROG = "update-requirements"
EXAMPLE = (
    'update-requirements --source /opt/stack/requirements '
    '/opt/stack/nova'
)

DESCRIPTION = (
    "Sync a project's requirement files to the global requirements "
    'list.'
)


def _add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", metavar="PROJECT_DIR", nargs="?",
                        help="the project to sync")
    parser.add_argument("--source", default=".", metavar="DIR",
                        help="directory holding global-requirements.txt "
                        "and blacklist.txt (default: .)")
    parser.add_argument("-s", "--soft-update", action="store_true",
                        help="pass names not in the global list through")
    parser.add_argument("-o", "--output-suffix", default="",
                        metavar="SUFFIX",
                        help="write FILE.SUFFIX instead of FILE")
    parser.add_argument("-H", "--hacking", action="store_true",
                        help="also sync hacking")
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("--dry-run", action="store_true",
                        help="write nothing; print a unified diff")
    parser.add_argument("--all", metavar="PROJECTS_ROOT",
                        help="sync every project of projects.txt found "
                        "under PROJECTS_ROOT")


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None
) -> int:
    parser = _cli.parser_for(PROG, DESCRIPTION, EXAMPLE, _add_args)
    body = _cli.not_implemented(PROG, 3)
    return _cli.run(parser, argv, body, stdout)
