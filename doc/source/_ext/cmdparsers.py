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

"""Sphinx directive ``.. command-help:: NAME``: a command's ``--help``.

Each command builds its argparse parser inside ``main``; this extension
runs ``main`` and catches the parser at the moment it starts parsing,
then renders its help (and that of each subcommand) as a literal block.
So the reference pages show exactly what ``--help`` shows and cannot
drift from it.  The commands are the console scripts of ``setup.cfg``.
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


def help_texts(script: str) -> list[tuple[str, str]]:
    """``(prog, --help text)`` of *script* and of each subcommand."""
    top = parser(script)
    parsers = [top]
    for action in top._actions:
        if isinstance(action, argparse._SubParsersAction):
            parsers += list(action.choices.values())
    old = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "79"  # the same text on every terminal
    try:
        return [(p.prog, p.format_help()) for p in parsers]
    finally:
        if old is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = old


def setup(app):  # type: ignore[no-untyped-def]
    from docutils import nodes
    from sphinx.util.docutils import SphinxDirective

    class CommandHelp(SphinxDirective):
        required_arguments = 1

        def run(self) -> list[nodes.Node]:
            script = self.arguments[0]
            if script not in console_scripts():
                raise self.error(f"{script} is not a console script of "
                                 "setup.cfg")
            self.env.note_dependency(SETUP_CFG)
            result: list[nodes.Node] = []
            for prog, text in help_texts(script):
                result.append(nodes.paragraph(
                    "", "", nodes.literal("", f"{prog} --help")))
                block = nodes.literal_block(text, text)
                block["language"] = "text"
                result.append(block)
            return result

    app.add_directive("command-help", CommandHelp)
    return {"parallel_read_safe": True, "version": "1"}
