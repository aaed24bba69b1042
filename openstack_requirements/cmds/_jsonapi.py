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

"""Options for the package index JSON API client (``indexclient``).

Shared by the commands that ask the index's JSON API about projects
(review-requirement, what-broke); not pip/uv index options.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
import functools
import math
import os
import typing
from typing import Any

if typing.TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Sequence

    from openstack_requirements import advisories
    from openstack_requirements import constraints
    from openstack_requirements import holds as holds_mod
    from openstack_requirements import indexclient
    from openstack_requirements import releases
    from openstack_requirements import reqfile

CACHE_ENV = "OPENSTACK_REQUIREMENTS_CACHE_DIR"
INDEX_ENV = "OPENSTACK_REQUIREMENTS_INDEX_URL"


def positive_seconds(text: str) -> float:
    """argparse type: a finite number of seconds above zero."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a number of seconds above 0, e.g. 15")
    return value


def retry_count(text: str) -> int:
    """argparse type: a whole number, 0 or more."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a whole number of retries, 0 or more")
    return value


def add_index_args(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("package index")
    group.add_argument(
        "--index-url", metavar="URL",
        help="JSON API root of the index (default https://pypi.org/pypi, "
        f"or ${INDEX_ENV}); a pip-style .../simple URL is mapped to "
        ".../pypi")
    group.add_argument(
        "--timeout", type=positive_seconds, default=15.0, metavar="SECONDS",
        help="per-request timeout (default 15)")
    group.add_argument(
        "--retries", type=retry_count, default=3, metavar="N",
        help="retries after a failed request, with backoff (default 3)")
    group.add_argument(
        "--cache-dir", metavar="DIR",
        help="where index answers are cached for an hour (default "
        f"${CACHE_ENV}, else ~/.cache/openstack-requirements/index)")
    group.add_argument(
        "--no-cache", action="store_true",
        help="neither read nor write the cache")


def cache_dir(args: argparse.Namespace) -> str | None:
    if args.no_cache:
        return None
    if args.cache_dir:
        return str(args.cache_dir)
    if os.environ.get(CACHE_ENV):
        return os.environ[CACHE_ENV]
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(
        os.path.expanduser("~"), ".cache")
    return os.path.join(base, "openstack-requirements", "index")


def client(args: argparse.Namespace) -> indexclient.Client:
    import urllib.parse

    from openstack_requirements import errors
    from openstack_requirements import indexclient

    index = (args.index_url or os.environ.get(INDEX_ENV)
             or indexclient.DEFAULT_INDEX)
    if not index.startswith(("https://", "http://")):
        raise errors.InputError(
            f"--index-url {index!r} is not an http(s) URL")
    try:
        urllib.parse.urlsplit(index).port  # noqa: B018 - raises if bad
    except ValueError as exc:
        raise errors.InputError(
            f"--index-url {index!r} is not a valid URL ({exc}); give one "
            "such as https://pypi.org/pypi") from exc
    return indexclient.Client(index_url=index, timeout=args.timeout,
                              retries=args.retries,
                              cache_dir=cache_dir(args))


class Fetched(typing.NamedTuple):
    """What :func:`fetch` got from the index."""

    #: (name, version) -> the release's advisories.
    advisories: dict[tuple[str, str], list[advisories.Advisory]]
    projects: dict[str, releases.Project]
    #: Names (and "name version"s) the index does not have.
    missing: list[str]
    failed: list[str]  # "label: what went wrong"


def fetch(
    client: indexclient.Client, keys: Sequence[tuple[str, str]],
    names: Sequence[str], jobs: int,
) -> Fetched:
    """Advisories per (name, version) and projects per name.

    *jobs* requests at a time; a release or project the index does not
    have is listed as missing (not a failure).  What the cache holds is
    read in this thread while the pool asks the index for the rest:
    reading the cache is CPU work, which threads would only fight over.
    """
    from concurrent import futures

    from openstack_requirements import errors
    from openstack_requirements import indexclient

    found: dict[tuple[str, str], list[advisories.Advisory]] = {}
    projects: dict[str, releases.Project] = {}
    failed: list[str] = []
    missing: list[str] = []

    def attempt(call: Callable[[], Any]) -> tuple[str, Any]:
        try:
            return "ok", call()
        except indexclient.ProjectNotFoundError:
            return "missing", None  # nothing known about it
        except errors.ToolError as exc:
            return "failed", exc

    # Projects first: a release the index has no document for falls
    # back on its project's (client.advisories), by then read.
    work: list[tuple[str, bool, Callable[[], Any],
                     Callable[[Any], None]]] = []
    for name in names:
        work.append((name, client.cached(name),
                     functools.partial(client.project, name),
                     functools.partial(projects.__setitem__, name)))
    for key in keys:
        work.append((" ".join(key), client.cached(*key),
                     functools.partial(client.advisories, *key),
                     functools.partial(found.__setitem__, key)))
    outcomes: dict[int, tuple[str, Any]] = {}
    with futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        remote = {i: pool.submit(attempt, call)
                  for i, (_, cached, call, _) in enumerate(work)
                  if not cached}
        for i, (_, cached, call, _) in enumerate(work):
            if cached:
                outcomes[i] = attempt(call)
        for i, job in remote.items():
            outcomes[i] = job.result()
    # In the order asked, whatever came from the cache: a warm, a cold
    # and a half-warm run give the same output.
    for i, (label, _, _, into) in enumerate(work):
        kind, value = outcomes[i]
        if kind == "ok":
            into(value)
        elif kind == "missing":
            missing.append(label)
        else:
            failed.append(f"{label}: {value}")
    return Fetched(found, projects, missing, failed)


class Contract(typing.NamedTuple):
    """The lists check-security and health-report look at, read."""

    global_doc: reqfile.RequirementsFile
    upper_doc: reqfile.RequirementsFile
    pins: list[constraints.Pin]
    holds: holds_mod.Holds
    #: canonical name -> the global list's specifiers for it.
    specifiers: dict[str, list[str]]


def read_contract(args: argparse.Namespace) -> Contract:
    """The lists of ``--global``, ``--upper`` and ``--holds``.

    The shipped lists by default; holds beside the global list unless
    given (``''`` for none).
    """
    from openstack_requirements import constraints
    from openstack_requirements import lists
    from openstack_requirements.cmds import _cli  # noqa: H306

    global_doc = lists.read_doc(lists.pick(
        args.global_, lists.GLOBAL_REQUIREMENTS, _cli.shipped_dir)
    ).require_valid()
    upper_doc = lists.read_doc(lists.pick(
        args.upper, lists.UPPER_CONSTRAINTS, _cli.shipped_dir))
    holds = lists.read_holds(
        lists.holds_beside(global_doc.source) if args.holds is None
        else args.holds or None).require_valid()
    specifiers = {name: [line.req.specifier for line in found if line.req]
                  for name, found in global_doc.by_name().items()}
    return Contract(global_doc, upper_doc,
                    constraints.pins(upper_doc, strict=False), holds,
                    specifiers)
