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

"""Sphinx configuration of the release notes: ``tox -e releasenotes``."""

project = "openstack_requirements release notes"
author = "The openstack_requirements developers"
copyright = "The openstack_requirements developers"  # noqa: A001
extensions = ["reno.sphinxext"]
exclude_patterns = ["_build"]
html_theme = "alabaster"
html_static_path: list[str] = []
