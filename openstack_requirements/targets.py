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

"""What we install for: the one ``Interpreter`` value, Python version
order. Pure: no I/O.

:func:`openstack_requirements.interpreters.probe` fills an
:class:`Interpreter` from a real interpreter; generate-constraints and
the wheel mirror both take it from there.
"""

from __future__ import annotations

from collections.abc import Mapping
import dataclasses


@dataclasses.dataclass(frozen=True, slots=True)
class Interpreter:
    """What a Python interpreter reports about itself.

    ``env`` is its PEP 508 marker environment and ``tags`` the wheel tags
    it supports, most preferred first (``packaging.tags.sys_tags``).
    """

    path: str  # the executable, as found on PATH
    python_version: str  # "3.12"
    python_full: str = ""  # "3.12.1"
    implementation: str = ""  # "cpython"
    platform: str = ""  # "linux x86_64"
    # Left out of the hash (a dict has none), not out of equality.
    env: Mapping[str, str] = dataclasses.field(default_factory=dict,
                                               hash=False)
    tags: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """How messages name it: ``/usr/bin/python3.12 (3.12)``."""
        return f"{self.path} ({self.python_version})"


def python_key(version: str) -> tuple[int, ...]:
    """Sort key of a Python version: "3.9" before "3.10".

    :raises ValueError: a part is not a number.
    """
    return tuple(int(part) for part in version.split("."))
