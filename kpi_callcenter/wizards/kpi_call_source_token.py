# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class KpiCallSourceToken(models.AbstractModel):
    """Shows a new PBX API token once; nothing of it is stored (as res.users.apikeys.show)."""

    _name = "kpi.call.source.token"
    _description = "PBX API token (shown once)"

    # the field 'id' is necessary for the onchange that returns the value of 'token'
    id = fields.Id()
    token = fields.Char(readonly=True)
    source_name = fields.Char(string="PBX", readonly=True)
