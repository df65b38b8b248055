# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Fixtures of the call-log tests: a PBX in Ho Chi Minh City time with rates, agents
with extensions 101–103, contacts to match by phone, and the Asterisk fixture file.

Rates (VND per minute): mobiles 1,200 billed per 6 s, numbers starting +8428 (Ho Chi
Minh City landlines) 500 per minute, other landlines 600 per minute, international
9,000 per minute; anything else 2,000 per minute. Default billing: per minute.
"""

from odoo import Command
from odoo.tools import file_open

from .common import KpiCommon

MASTER_CSV = "kpi_callcenter/tests/data/Master.csv"


class KpiCallCommon(KpiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.country_id = cls.env.ref("base.vn")
        cls.source = cls.env["kpi.call.source"].create(
            {
                "name": "Asterisk HCM",
                "type": "asterisk",
                "company_id": cls.company.id,
                "tz": "Asia/Ho_Chi_Minh",
                "country_id": cls.env.ref("base.vn").id,
                "billing_increment": 60,
                "default_rate": 2000.0,
                "rate_ids": [
                    Command.create({"name": "Mobile", "prefix": "mobile", "rate": 1200.0, "billing_increment": 6}),
                    Command.create({"name": "HCM landline", "prefix": "+8428", "rate": 500.0}),
                    Command.create({"name": "Landline", "prefix": "landline", "rate": 600.0}),
                    Command.create({"name": "International", "prefix": "international", "rate": 9000.0}),
                ],
            }
        )
        cls.agent3 = cls.agents[2:3]
        for agent, extension in zip(cls.agents, ("101", "102", "103")):
            agent.pbx_extension = extension
        cls.customer_a = cls.env["res.partner"].create(
            {"name": "Nguyen Van A", "phone": "0912 345 678", "company_id": cls.company.id}
        )
        cls.customer_c = cls.env["res.partner"].create({"name": "Le Van C", "mobile": "+84 977 000 111"})

    @classmethod
    def _master_csv(cls):
        with file_open(MASTER_CSV, "rb") as handle:
            return handle.read()

    @classmethod
    def _token(cls, source=None):
        """A fresh API token of ``source`` (the one shown once)."""
        action = (source or cls.source).action_rotate_token()
        return action["context"]["default_token"]

    def _calls(self, **domain):
        """Calls of the test company (never the demo data's), filtered by ``domain``."""
        domain.setdefault("company_id", self.company.id)
        return self.env["kpi.call"].search(
            [(field, "=", value) for field, value in domain.items()], order="start, id"
        )
