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

"""serve-index: serve a mirror directory as a package index and accept
uploads.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
import os
import sys
from typing import TextIO

from openstack_requirements.cmds import _cli

PROG = "serve-index"
EXAMPLE = ("serve-index /srv/mirror --host 127.0.0.1 --port 8080 "
           "--threads 8 --max-upload-size 100M")

DESCRIPTION = """\
Serve a mirror directory as a package index and accept uploads.

MIRROR is a directory made by build-wheel-mirror (created if missing):
/simple/ answers PEP 503 HTML or PEP 691 JSON as the Accept header (or
?format=) asks, with ETag and Last-Modified for conditional requests;
/packages/ serves the files; / and /project/NAME/ are pages for people,
with an upload form.  POST / (or /legacy/) is the legacy upload API
that "twine upload --repository-url URL" and "uv publish --publish-url
URL" use; uploads go through the same code as build-wheel-mirror --add,
need a token made with index-tokens (sent as the password, user
__token__), and are logged as JSON lines.  Served by waitress on
127.0.0.1 unless --host says otherwise; runs until interrupted."""


def _add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("mirror", metavar="MIRROR",
                        help="the mirror directory")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080,
                        help="port (default: 8080; 0 picks a free one)")
    parser.add_argument("--threads", type=int, default=8,
                        help="worker threads (default: 8)")
    parser.add_argument("--max-upload-size", default="100M", metavar="SIZE",
                        help="largest upload request, e.g. 512K, 100M, 2G "
                        "(default: 100M); larger ones get 413")
    parser.add_argument("--timeout", type=int, default=60, metavar="SECONDS",
                        help="close a connection idle this long "
                        "(default: 60)")
    parser.add_argument("--tokens", metavar="FILE",
                        help="upload tokens (default: "
                        "MIRROR/index-tokens.json; no file: no uploads)")
    parser.add_argument("--upload-log", metavar="FILE",
                        help="JSON lines log of uploads (default: "
                        "MIRROR/upload-log.jsonl)")
    parser.add_argument("--private", action="store_true",
                        help="reading needs a token too")


def _serve(args: argparse.Namespace, out: TextIO) -> int:
    from openstack_requirements import errors
    from openstack_requirements import indexhttp
    from openstack_requirements import indexserver

    try:
        limit = indexhttp.parse_size(args.max_upload_size)
    except ValueError:
        raise errors.InputError(
            f"--max-upload-size {args.max_upload_size!r}: give a size "
            "such as 512K, 100M or 2G") from None
    if args.threads < 1 or args.timeout < 1:
        raise errors.InputError("--threads and --timeout must be 1 or more")
    root = os.path.abspath(args.mirror)
    settings = indexserver.Settings(
        root=root,
        tokens=args.tokens or os.path.join(root, "index-tokens.json"),
        upload_log=args.upload_log or os.path.join(root,
                                                   "upload-log.jsonl"),
        max_upload=limit, private=args.private)
    try:
        app = indexserver.IndexApp(settings)
        server = indexserver.create_server(app, args.host, args.port,
                                           args.threads, args.timeout)
    except OSError as exc:
        raise errors.InputError(f"cannot serve: {exc.strerror}",
                                source=root) from exc
    # -- I/O below this line
    host = args.host if ":" not in args.host else f"[{args.host}]"
    print(f"serving {root} at http://{host}:{server.effective_port}/ "
          f"(upload: --repository-url http://{host}:"
          f"{server.effective_port}/legacy/)", file=out, flush=True)
    try:
        server.run()
    finally:
        server.close()
    return errors.EXIT_OK


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None
) -> int:
    parser = _cli.parser_for(PROG, DESCRIPTION, EXAMPLE, _add_args)
    return _cli.run(parser, argv, _serve, stdout)


if __name__ == "__main__":
    sys.exit(main())
