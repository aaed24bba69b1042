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

"""index-tokens: add, revoke and list the upload tokens of serve-index."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
import os
import sys
from typing import TextIO

from openstack_requirements.cmds import _cli

PROG = "index-tokens"
EXAMPLE = "index-tokens --file /srv/mirror/index-tokens.json add ci " \
    "--project mylib"

DESCRIPTION = """\
Add, revoke and list the upload tokens of serve-index.

The tokens file keeps only a hash of each token: "add ID" prints the
new token once (give it to twine or uv publish as the password, user
__token__); --project (repeatable) limits it to those projects.
"revoke ID" removes it; a running server sees the change at once.
"list" shows the ids and scopes.  Exit 2 for an unknown or duplicate
id."""


def _add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--file", required=True, metavar="FILE",
                        help="the tokens file (serve-index --tokens; by "
                        "default MIRROR/index-tokens.json)")
    commands = parser.add_subparsers(dest="action", required=True,
                                     metavar="{add,revoke,list}")
    add = commands.add_parser("add", help="make a token; print it once")
    add.add_argument("id", help="a name for it: who or what uses it")
    add.add_argument("--project", action="append", default=[],
                     metavar="NAME", help="only these projects "
                     "(repeatable; default: any)")
    revoke = commands.add_parser("revoke", help="remove a token")
    revoke.add_argument("id")
    commands.add_parser("list", help="ids and scopes")


def _tokens(args: argparse.Namespace, out: TextIO) -> int:
    import datetime
    import secrets

    from openstack_requirements import errors
    from openstack_requirements import fileio
    from openstack_requirements import indexhttp

    path = args.file
    if args.action == "list":
        text = fileio.read_text(path) if os.path.exists(path) else ""
        for token in indexhttp.parse_tokens(text, path):
            scope = ", ".join(token.projects) or "any project"
            print(f"{token.id}\t{scope}\t{token.created}", file=out)
        return errors.EXIT_OK
    fileio.require_parent_dir(path)
    if not os.path.exists(path):
        fileio.atomic_write(path, indexhttp.render_tokens([]))
        os.chmod(path, 0o600)
    with fileio.locked(path):
        tokens = indexhttp.parse_tokens(fileio.read_text(path), path)
        ids = [t.id for t in tokens]
        if args.action == "revoke":
            if args.id not in ids:
                raise errors.InputError(f"no token {args.id!r}; see "
                                        "index-tokens list", source=path)
            fileio.atomic_write(path, indexhttp.render_tokens(
                t for t in tokens if t.id != args.id))
            print(f"revoked {args.id}", file=out)
            return errors.EXIT_OK
        if args.id in ids:
            raise errors.InputError(f"token {args.id!r} exists; revoke it "
                                    "first or pick another id", source=path)
        secret = "osr-" + secrets.token_urlsafe(32)
        now = datetime.datetime.now(datetime.timezone.utc)
        token = indexhttp.Token(
            args.id, indexhttp.hash_secret(secret),
            tuple(indexhttp.canonical_projects(args.project)),
            now.strftime("%Y-%m-%dT%H:%M:%SZ"))
        fileio.atomic_write(path, indexhttp.render_tokens([*tokens, token]))
    print(secret, file=out)
    return errors.EXIT_OK


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None
) -> int:
    parser = _cli.parser_for(PROG, DESCRIPTION, EXAMPLE, _add_args)
    return _cli.run(parser, argv, _tokens, stdout)


if __name__ == "__main__":
    sys.exit(main())
