# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""pytest-odoo set-up for the end-to-end tests.

pytest-odoo loads Odoo without ``--test-enable`` (with it, loading the registry would run
the at_install tests of every installed module). Odoo's test framework then logs an
error meant for business modules that import it by mistake; it does not apply here.
"""

import logging


class _TestFrameworkImportFilter(logging.Filter):
    def filter(self, record):
        return not record.getMessage().startswith("Importing test framework")


logging.getLogger("odoo.tests.common").addFilter(_TestFrameworkImportFilter())
