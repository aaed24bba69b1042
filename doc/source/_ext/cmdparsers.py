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

"""The argparse parser of every console script, for sphinx-argparse.

Each command builds its parser inside ``main``; this module runs ``main``
and catches the parser at the moment it starts parsing, so the reference
pages show exactly what ``--help`` shows and cannot drift from it.  One
function per console script of ``setup.cfg`` (``validate-constraints`` ->
``validate_constraints()``), as ``.. argparse:: :func:`` wants.
"""

from __future__ import annotations

import argparse
import configparser
import importlib
import os

SETUP_CFG = os.path.join(os.path.dirname(__file__), "..", "..", "..",
                         "setup.cfg")


class _Caught(BaseException):
    """Raised instead of parsing; not an Exception, so no command eats it."""

    def __init__(self, parser: argparse.ArgumentParser) -> None:
        super().__init__(parser)
        self.parser = parser


def console_scripts() -> dict[str, str]:
    """``{script name: "module:function"}`` from setup.cfg."""
    config = configparser.ConfigParser()
    config.read(SETUP_CFG, encoding="utf-8")
    scripts = {}
    for line in config["entry_points"]["console_scripts"].splitlines():
        if line.strip():
            name, _, target = line.partition("=")
            scripts[name.strip()] = target.strip()
    return scripts


def parser(script: str) -> argparse.ArgumentParser:
    """The parser console script *script* builds, caught as it parses."""
    module, _, function = console_scripts()[script].partition(":")
    main = getattr(importlib.import_module(module), function)

    def catch(self: argparse.ArgumentParser, *args: object,
              **kwargs: object) -> None:
        raise _Caught(self)

    original = argparse.ArgumentParser.parse_known_args
    argparse.ArgumentParser.parse_known_args = catch  # type: ignore
    try:
        main([])
    except _Caught as caught:
        return caught.parser
    finally:
        argparse.ArgumentParser.parse_known_args = original  # type: ignore
    raise RuntimeError(f"{script}: main() returned without parsing")


def _factory(script: str):  # type: ignore[no-untyped-def]
    def build() -> argparse.ArgumentParser:
        return parser(script)

    build.__name__ = script.replace("-", "_")
    return build


for _script in console_scripts():
    globals()[_script.replace("-", "_")] = _factory(_script)
