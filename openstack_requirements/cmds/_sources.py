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

"""The package-source options of every command that installs or resolves.

``--index-url``, ``--extra-index-url``, ``--find-links``, ``--no-index``,
``--offline`` and ``--exclude-newer``, spelled and checked one way for
generate-constraints, check-floors and bisect-constraints.
"""

from __future__ import annotations

import argparse
import os
import typing

if typing.TYPE_CHECKING:  # pragma: no cover
    from openstack_requirements import interpreters
    from openstack_requirements import venv


def add_args(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(
        "package sources (the user's pip.conf/uv.toml are ignored)")
    group.add_argument("--index-url", metavar="URL", default="",
                       help="base URL of the package index (default PyPI)")
    group.add_argument("--extra-index-url", action="append", default=[],
                       metavar="URL", help="another index (repeatable)")
    group.add_argument("--find-links", action="append", default=[],
                       metavar="DIR", help="local wheels (repeatable)")
    group.add_argument("--no-index", action="store_true",
                       help="use --find-links only")
    group.add_argument("--offline", action="store_true",
                       help="uv only: take everything from uv's cache, "
                            "no network")
    group.add_argument("--exclude-newer", metavar="DATE", default="",
                       help="ignore releases uploaded after DATE "
                            "(RFC 3339 timestamp or YYYY-MM-DD)")


def index_options(
    args: argparse.Namespace, installer: interpreters.Installer
) -> venv.IndexOptions:
    """The checked index options of *args* (see :func:`add_args`).

    :raises InputError: options that contradict each other or a bad date.
    """
    from openstack_requirements import freezing

    return freezing.index_options(
        index_url=args.index_url, extra_index_urls=args.extra_index_url,
        find_links=[os.path.abspath(link) if "://" not in link else link
                    for link in args.find_links],
        no_index=args.no_index, exclude_newer=args.exclude_newer,
        offline=args.offline, installer=installer)
