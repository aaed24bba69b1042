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

"""review-requirement: report on a proposed new or raised requirement, from
package index data.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TextIO

from openstack_requirements.cmds import _cli

PROG = "review-requirement"
EXAMPLE = (
    "review-requirement 'requests>=2.32'"
)

DESCRIPTION = (
    'Report on a proposed new or raised requirement, from package index'
    ' data.'
)


def _add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("requirement", metavar="NAME[SPEC]")
    parser.add_argument("--global", dest="global_", metavar="FILE")
    parser.add_argument("--upper", metavar="FILE")
    parser.add_argument("--index-url", metavar="URL")
    parser.add_argument("--json", action="store_true")


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None
) -> int:
    parser = _cli.parser_for(PROG, DESCRIPTION, EXAMPLE, _add_args)
    body = _cli.not_implemented(PROG, 6)
    return _cli.run(parser, argv, body, stdout)
