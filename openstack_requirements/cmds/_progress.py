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
