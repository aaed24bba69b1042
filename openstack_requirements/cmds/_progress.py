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

"""generate-constraints' progress display on stderr (a stream)."""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
import threading
import time
from typing import TextIO

from openstack_requirements.cmds import _cli


class Progress:
    """Per-interpreter phase and elapsed time on stderr.

    On a terminal the lines are redrawn in place; otherwise (see
    :func:`_cli.redraws`: ``TERM=dumb``, ``NO_COLOR``, not a terminal)
    one plain line per phase change.
    """

    def __init__(self, stream: TextIO, labels: Sequence[str],
                 environ: Mapping[str, str] | None = None) -> None:
        self.stream = stream
        self.tty = _cli.redraws(stream, environ)
        self.labels = list(labels)
        self.start = time.monotonic()
        self.phases = {label: "waiting" for label in labels}
        self.lock = threading.Lock()
        self.drawn = False

    def update(self, label: str, phase: str) -> None:
        with self.lock:
            if self.phases.get(label) == phase:
                return
            self.phases[label] = phase
            elapsed = time.monotonic() - self.start
            if not self.tty:
                print(f"[{label}] {phase} ({elapsed:.1f}s)",
                      file=self.stream, flush=True)
                return
            if self.drawn:
                self.stream.write(f"\x1b[{len(self.labels)}F")
            for name in self.labels:
                self.stream.write(
                    f"\x1b[K[{name}] {self.phases[name]} ({elapsed:.0f}s)\n")
            self.stream.flush()
            self.drawn = True


def plain(environ: Mapping[str, str]) -> bool:
    """No cursor codes: ``NO_COLOR`` is set or ``TERM`` is ``dumb``."""
    return bool(environ.get("NO_COLOR")) or environ.get("TERM") == "dumb"


class Line:
    """One live progress line on stderr: ``step 3/8: ...: install``.

    On a terminal (and unless *plain*), redrawn in place with ``\\r``
    and an erase-line code; otherwise one line per change, no codes.
    """

    def __init__(self, stream: TextIO, plain: bool = False) -> None:
        self.stream = stream
        self.live = stream.isatty() and not plain
        self.start = time.monotonic()
        self.last = ""
        self.lock = threading.Lock()

    def update(self, text: str) -> None:
        with self.lock:
            if text == self.last:
                return
            self.last = text
            elapsed = time.monotonic() - self.start
            if self.live:
                self.stream.write(f"\r\x1b[K{text} ({elapsed:.0f}s)")
            else:
                self.stream.write(f"{text} ({elapsed:.1f}s)\n")
            self.stream.flush()

    def close(self) -> None:
        """End the live line, so that what follows starts on its own."""
        with self.lock:
            if self.live and self.last:
                self.stream.write("\n")
                self.stream.flush()
