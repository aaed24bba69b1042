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

"""Documents and jobs install this toolkit, pinned, never upstream's.

The PyPI name ``openstack-requirements`` is the upstream project: no
document, snippet, hook or job may install it by that bare name, check
out upstream's repository to install it, or follow a moving branch; the
tag they pin is the version of setup.cfg.
"""

from __future__ import annotations

import glob
import os
import re

from openstack_requirements.tests import base
from openstack_requirements.tests.functional import test_install

#: Everything a user copies from: docs, README, hooks, jobs, workflows.
PATTERNS = ("README.rst", "doc/source/**/*.rst", ".pre-commit-hooks.yaml",
            ".zuul.yaml", "playbooks/**/*.yaml", ".github/workflows/*.yaml",
            "examples/**/*.rst")


def documents() -> dict[str, str]:
    found = {}
    for pattern in PATTERNS:
        for path in glob.glob(os.path.join(base.REPO_DIR, pattern),
                              recursive=True):
            found[os.path.relpath(path, base.REPO_DIR)] = base.read(path)
    return found


class TestPinnedInstalls(base.TestCase):
    def test_documents_found(self) -> None:
        names = documents()
        for name in ("README.rst", "doc/source/install.rst", ".zuul.yaml",
                     "doc/source/ci.rst", ".pre-commit-hooks.yaml"):
            self.assertIn(name, names)

    def test_no_document_installs_the_bare_name(self) -> None:
        for name, text in documents().items():
            match = re.search(test_install.BARE_NAME, text)
            self.assertIsNone(match, f"{name}: {match and match.group(0)}")

    def test_error_bare_name_is_caught(self) -> None:
        for text in ("pip install openstack-requirements\n",
                     "python -m pip install -U 'openstack-requirements'",
                     "pip install --upgrade openstack_requirements"):
            self.assertRegex(text, test_install.BARE_NAME)
        self.assertNotRegex('pip install "openstack-requirements @ git+x"',
                            test_install.BARE_NAME)

    def test_no_moving_refs_or_upstream_checkouts(self) -> None:
        for name, text in documents().items():
            self.assertNotRegex(text, r"rev:\s*(master|main)\b", name)
            self.assertNotRegex(text, r"repository:\s*openstack/requirements",
                                name)
            self.assertNotRegex(
                text, r"pip install\S*\s+\S*opendev\.org/openstack/"
                r"requirements", name)

    def test_pinned_tags_are_the_version(self) -> None:
        version = test_install.setup_cfg_version()
        pins = []
        for name, text in documents().items():
            for tag in re.findall(
                    r"openstack_requirements(?:\.git)?@([\w.]+)|"
                    r"rev: ([\d.]+)|--branch ([\d.]+)", text):
                pins.append((name, "".join(tag)))
        self.assertGreater(len(pins), 5)
        for name, tag in pins:
            self.assertEqual(version, tag, name)
