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

"""Sphinx configuration: ``tox -e docs`` (warnings are errors)."""

import configparser
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(HERE, "_ext"))
sys.path.insert(0, ROOT)

_cfg = configparser.ConfigParser()
_cfg.read(os.path.join(ROOT, "setup.cfg"), encoding="utf-8")

project = "openstack_requirements"
author = "The openstack_requirements developers"
copyright = "The openstack_requirements developers"  # noqa: A001
release = version = _cfg["metadata"]["version"]

extensions = [
    "sphinx.ext.autodoc",
    "cmdparsers",
]
autodoc_member_order = "bysource"
autodoc_typehints = "description"
exclude_patterns = ["_build", "_ext"]
nitpicky = False
html_theme = "alabaster"
html_static_path: list[str] = []
