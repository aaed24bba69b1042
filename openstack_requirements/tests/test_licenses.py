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

"""The license classifier on recorded index JSON and inline metadata."""

from __future__ import annotations

import hypothesis
from hypothesis import strategies as st

from openstack_requirements import licenses
from openstack_requirements import review
from openstack_requirements.tests import base


class TestLicense(base.TestCase):
    def classify(self, **info: object) -> tuple[str, str]:
        lic = licenses.classify_license(base.inline_project(**info))
        return lic.kind.name, lic.label

    def test_fixtures(self) -> None:
        expected = {
            "requests": ("PERMISSIVE", "Apache-2.0"),
            "pyqt5": ("GPL", "GPL-3.0"),
            "zyexp": ("GPL", "AGPL-3.0-or-later"),
            "zyrx": ("UNKNOWN", "no license metadata"),
            "mysql-python": ("GPL", "GPL"),
        }
        for name, want in expected.items():
            lic = licenses.classify_license(base.load_project(name))
            self.assertEqual(want, (lic.kind.name, lic.label), name)

    def test_gpl_with_exception_needs_a_human(self) -> None:
        lic = licenses.classify_license(base.load_project("mysql-connector"))
        self.assertEqual(licenses.LicenseClass.ODD, lic.kind)
        self.assertEqual(review.Status.HUMAN, review.license_status(lic))
        self.assertIn("GPL-2.0 with an exception", lic.label)

    def test_free_text(self) -> None:
        for text, want in [
            ("MIT License", ("PERMISSIVE", "MIT")),
            ("BSD License (3 clause)", ("PERMISSIVE", "BSD")),
            ("PSF", ("PERMISSIVE", "PSF")),
            ("Apache-2.0/BSD", ("PERMISSIVE", "Apache-2.0 / BSD")),
            ("LGPLv2+", ("LGPL", "LGPL-2.0-or-later")),
            ("GNU Lesser General Public License v3", ("LGPL", "LGPL-3.0")),
            ("GPLv2", ("GPL", "GPL-2.0")),
            ("GNU Affero General Public License v3", ("GPL", "AGPL-3.0")),
            ("Apache-2.0 (+ dual licensed GPL2)",
             ("PERMISSIVE", "Apache-2.0 / GPL-2.0")),
            ("MPL-2.0", ("ODD", "MPL-2.0")),
            ("Proprietary", ("ODD", "Proprietary")),
            ("Permission is hereby granted, free of charge, to any person",
             ("PERMISSIVE", "MIT")),
        ]:
            self.assertEqual(want, self.classify(license=text), text)

    def test_odd_free_text_needs_a_human(self) -> None:
        # Review findings: each was wrongly classified before.
        for text, want in [
            ("GPL-compatible, see LICENSE", ("ODD", "GPL-compatible")),
            ("Copyright (c) MIT Lincoln Lab, all rights reserved",
             ("ODD", "Copyright (c) MIT Lincoln Lab, all rights "
              "reserved")),
            ("BSD-4-Clause", ("ODD", "BSD-4-Clause")),
            ("BSD 4-clause (original)", ("ODD", "BSD 4-clause")),
            ("Copyright 2020 X, all rights reserved. MIT License",
             ("PERMISSIVE", "MIT")),
            ("Copyright (c) 2020, X. All rights reserved.\n\nRedistribution "
             "and use in source and binary forms... BSD",
             ("PERMISSIVE", "BSD")),
        ]:
            kind, label = self.classify(license=text)
            self.assertEqual(want, (kind, label), text)
            lic = licenses.classify_license(base.inline_project(license=text))
            if kind == "ODD":
                self.assertEqual(review.Status.HUMAN,
                                 review.license_status(lic), text)

    def test_malformed_expressions_need_a_human(self) -> None:
        for expression in ("(MIT", "MIT OR", "MIT)", "OR MIT",
                           "MIT Apache-2.0", "MIT AND (", "()"):
            lic = licenses.classify_license(base.inline_project(
                license_expression=expression,
                classifiers=["License :: OSI Approved :: MIT License"]))
            self.assertEqual(licenses.LicenseClass.ODD, lic.kind, expression)
            self.assertEqual(review.Status.HUMAN,
                             review.license_status(lic), expression)
            self.assertIn(f"malformed License-Expression {expression!r}",
                          lic.label)

    def test_only_osi_approved_bsd_variants_are_permissive(self) -> None:
        for expression, kind in [
            ("BSD-2-Clause", "PERMISSIVE"), ("BSD-3-Clause", "PERMISSIVE"),
            ("0BSD", "PERMISSIVE"), ("BSD-2-Clause-Patent", "PERMISSIVE"),
            ("BSD-4-Clause", "ODD"), ("BSD-Protection", "ODD"),
            ("BSD-3-Clause-No-Nuclear-License", "ODD"),
            ("Apache-1.0", "ODD"),
        ]:
            self.assertEqual(kind, self.classify(
                license_expression=expression)[0], expression)

    def test_classifiers(self) -> None:
        self.assertEqual(("LGPL", "LGPL"), self.classify(classifiers=[
            "License :: OSI Approved :: GNU Library or Lesser General "
            "Public License (LGPL)"]))
        self.assertEqual(("PERMISSIVE", "MIT"), self.classify(
            classifiers=["License :: OSI Approved",
                         "License :: OSI Approved :: MIT License"]))
        self.assertEqual(("UNKNOWN", "no license metadata"), self.classify(
            classifiers=["License :: OSI Approved"], license="UNKNOWN"))

    def test_disagreement_needs_a_human(self) -> None:
        kind, label = self.classify(
            license="GPL", classifiers=["License :: OSI Approved :: MIT "
                                        "License"])
        self.assertEqual("ODD", kind)
        self.assertEqual("metadata disagrees (classifier says MIT; "
                         "License field says GPL)", label)

    def test_expressions(self) -> None:
        for expression, want in [
            ("Apache-2.0", ("PERMISSIVE", "Apache-2.0")),
            ("BSD-3-Clause", ("PERMISSIVE", "BSD-3-Clause")),
            ("MIT OR GPL-2.0-only", ("PERMISSIVE", "MIT OR GPL-2.0-only")),
            ("MIT AND GPL-2.0-only", ("GPL", "MIT AND GPL-2.0-only")),
            ("(MIT OR Apache-2.0) AND LGPL-2.1-or-later",
             ("LGPL", "MIT OR Apache-2.0 AND LGPL-2.1-or-later")),
            ("GPL-2.0-or-later WITH Classpath-exception-2.0",
             ("ODD", "GPL-2.0-or-later WITH Classpath-exception-2.0")),
            ("Apache-2.0 WITH LLVM-exception",
             ("PERMISSIVE", "Apache-2.0 WITH LLVM-exception")),
            ("LicenseRef-Proprietary", ("ODD", "LicenseRef-Proprietary")),
        ]:
            # The expression wins over the deprecated classifiers.
            self.assertEqual(want, self.classify(
                license_expression=expression,
                classifiers=["License :: OSI Approved :: MIT License"]),
                expression)


class TestProperties(base.TestCase):
    @hypothesis.settings(max_examples=200, deadline=None)
    @hypothesis.given(st.text(max_size=60))
    def test_any_license_text_is_classified(self, text: str) -> None:
        for info in ({"license": text}, {"license_expression": text},
                     {"classifiers": ["License :: " + text]}):
            lic = licenses.classify_license(base.inline_project(**info))
            self.assertIsInstance(lic.kind, licenses.LicenseClass)
