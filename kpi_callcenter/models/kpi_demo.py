# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Demo activity: three past months (and the running one) of a call center's work.

Called once by demo/kpi_demo.xml. Deterministic (fixed random seed), batched creates.
"""

import random
from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models

DEMO_CONTEXT = {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True}


class KpiDemo(models.AbstractModel):
    _name = "kpi.demo"
    _description = "KPI Call Center demo data"

    @api.model
    def _generate(self):
        self = self.with_context(**DEMO_CONTEXT)
        rng = random.Random(20260101)
        ref = self.env.ref
        company = ref("kpi_callcenter.company_demo")
        company.resource_calendar_id.tz = "Asia/Ho_Chi_Minh"
        self.env["hr.employee"].search([("company_id", "=", company.id)]).resource_calendar_id = (
            company.resource_calendar_id
        )
        telesales = [ref(f"kpi_callcenter.employee_agent{i}_demo") for i in range(1, 5)]
        cskh = [ref(f"kpi_callcenter.employee_agent{i}_demo") for i in range(5, 9)]
        first_of_month = fields.Date.context_today(self).replace(day=1)
        months = [first_of_month - relativedelta(months=n) for n in (3, 2, 1, 0)]
        # Each team has a weaker, two average and a stronger agent.
        skill = {emp.id: 0.8 + 0.12 * (index % 4) for index, emp in enumerate(telesales + cskh)}

        self._generate_sales(company, telesales, months, skill, rng)
        self._generate_tickets(company, cskh, months, skill, rng)
        self._generate_csat(telesales + cskh, months, skill, rng)
        if "kpi.call" in self.env:
            self._generate_calls(company, telesales + cskh, months, skill, rng)
        self._generate_sick_leave(cskh[1], months[1])

        plans = ref("kpi_callcenter.plan_telesales_demo") | ref("kpi_callcenter.plan_cskh_demo")
        for plan in plans:
            if isinstance(plan.action_activate(), dict):  # health warnings: acknowledge them
                self.env["kpi.plan.activate"].create({"plan_id": plan.id}).action_acknowledge_and_activate()
        for index, month_start in enumerate(months):
            month_end = month_start + relativedelta(months=1, days=-1)
            cards = plans.generate_scorecards(month_start, month_end)
            if index < 2:
                action = cards.action_confirm()
                if isinstance(action, dict):  # missing call data: confirm anyway, recorded
                    self.env[action["res_model"]].browse(action["res_id"]).action_confirm_anyway()

    @api.model
    def _days(self, month_start, rng, count):
        """``count`` random working-hour datetimes (UTC) in the month, weekdays only."""
        month_end = month_start + relativedelta(months=1)
        today = fields.Date.context_today(self)
        last = min(month_end, today + timedelta(days=1))
        days = [
            month_start + timedelta(days=n)
            for n in range((last - month_start).days)
            if (month_start + timedelta(days=n)).weekday() < 5
        ] or [month_start]
        return [
            datetime.combine(rng.choice(days), time(1 + rng.randrange(9), rng.randrange(60)))
            for _index in range(count)
        ]

    @api.model
    def _generate_sales(self, company, agents, months, skill, rng):
        customers = self.env["res.partner"].create(
            [{"name": name, "company_id": company.id, "city": "Hồ Chí Minh"} for name in (
                "Công ty TNHH Minh Phát", "Cửa hàng Thu Hà", "Nguyễn Văn Tùng", "Siêu thị Bình An",
                "Phạm Thị Ngọc", "Công ty CP Sao Việt", "Lê Hoàng Long", "Shop Điện Thoại 24h",
            )]
        )
        products = self.env["product.product"].create(
            [{"name": name, "list_price": price, "type": "consu"} for name, price in (
                ("Ốp lưng điện thoại", 150000), ("Tai nghe Bluetooth", 890000),
                ("Sạc nhanh 65W", 450000), ("Gói bảo hành 12 tháng", 1200000),
            )]
        )
        vals_list, dates = [], []
        for month_start in months:
            for agent in agents:
                count = int(rng.randint(22, 34) * skill[agent.id])
                for when in self._days(month_start, rng, count):
                    product = rng.choice(products)
                    qty = rng.randint(1, 6)
                    vals_list.append(
                        {
                            "partner_id": rng.choice(customers).id,
                            "user_id": agent.user_id.id,
                            "company_id": company.id,
                            "order_line": [
                                Command.create(
                                    {"product_id": product.id, "product_uom_qty": qty,
                                     "price_unit": product.list_price, "tax_id": [Command.clear()]}
                                )
                            ],
                        }
                    )
                    dates.append(when)
        orders = self.env["sale.order"].create(vals_list)
        orders.action_confirm()
        for order, when in zip(orders, dates, strict=True):
            order.date_order = when

    @api.model
    def _generate_tickets(self, company, agents, months, skill, rng):
        team = self.env.ref("kpi_callcenter.helpdesk_team_demo")
        done = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        new = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_new")
        topics = ("Đổi trả sản phẩm", "Hỏi về bảo hành", "Giao hàng chậm", "Lỗi thanh toán", "Tư vấn sản phẩm")
        vals_list, closings = [], []
        now = fields.Datetime.now()
        for month_start in months:
            for agent in agents:
                count = int(rng.randint(55, 75) * skill[agent.id])
                for when in self._days(month_start, rng, count):
                    urgent = rng.random() < 0.15
                    due = when + timedelta(hours=8 if urgent else 48)
                    late = rng.random() > 0.8 + skill[agent.id] * 0.12
                    allowed = 8 if urgent else 48
                    closed = when + timedelta(
                        hours=rng.uniform(allowed, allowed * 1.5) if late else rng.uniform(0.5, allowed)
                    )
                    is_closed = closed < now
                    vals_list.append(
                        {
                            "name": rng.choice(topics),
                            "description": "Khách hàng gọi tổng đài.",
                            "team_id": team.id,
                            "user_id": agent.user_id.id,
                            "priority": "3" if urgent else "1",
                            "company_id": company.id,
                            "stage_id": (done if is_closed else new).id,
                            "kpi_due_date": due,
                        }
                    )
                    closings.append((when, closed if is_closed else False))
        tickets = self.env["helpdesk.ticket"].create(vals_list)
        for ticket, (created, closed) in zip(tickets, closings, strict=True):
            ticket.write({"closed_date": closed, "assigned_date": created})
        self._generate_ratings(tickets, closings, {agent.user_id.id: skill[agent.id] for agent in agents}, rng)

    @api.model
    def _generate_ratings(self, tickets, closings, skill_by_user, rng):
        """About 40 % of the closed tickets get a customer rating (1 to 5) a few hours
        after closing: the CSKH plan's rating KPI (``rating_avg``)."""
        ticket_model = self.env["ir.model"]._get("helpdesk.ticket")
        partner = self.env.ref("kpi_callcenter.company_demo").partner_id
        vals_list = []
        for ticket, (_created, closed) in zip(tickets, closings, strict=True):
            if not closed or rng.random() > 0.4:
                continue
            agent_skill = skill_by_user[ticket.user_id.id]
            vals_list.append(
                {
                    "res_model_id": ticket_model.id,
                    "res_id": ticket.id,
                    "partner_id": partner.id,
                    "rating": min(5, max(1, round(rng.gauss(3.3 + agent_skill, 0.8)))),
                    "consumed": True,
                    "kpi_rated_on": closed + timedelta(hours=rng.randint(1, 20)),
                }
            )
        self.env["rating.rating"].create(vals_list)

    @api.model
    def _generate_csat(self, agents, months, skill, rng):
        csat = self.env.ref("kpi_callcenter.kpi_csat_demo")
        vals_list = []
        for month_start in months:
            for agent in agents:
                for when in self._days(month_start, rng, 6):
                    score = min(5.0, max(1.0, round(rng.gauss(3.4 + skill[agent.id], 0.6))))
                    vals_list.append(
                        {"employee_id": agent.id, "definition_id": csat.id, "date": when.date(),
                         "value": score, "note": "Khảo sát sau cuộc gọi"}
                    )
        self.env["kpi.manual.value"].create(vals_list)

    @api.model
    def _generate_calls(self, company, agents, months, skill, rng):
        """The PBX's call log: telesales agents call out, CSKH agents take calls in."""
        source = self.env["kpi.call.source"].create(
            {
                "name": "Tổng đài Asterisk",
                "type": "asterisk",
                "company_id": company.id,
                "tz": "Asia/Ho_Chi_Minh",
                "billing_increment": 6,
                "rate_ids": [
                    Command.create({"name": "Di động", "prefix": "mobile", "rate": 890}),
                    Command.create({"name": "Cố định", "prefix": "landline", "rate": 600}),
                    Command.create({"name": "Quốc tế", "prefix": "international", "rate": 4500}),
                ],
            }
        )
        for index, agent in enumerate(agents, 1):
            agent.write({"pbx_extension": str(100 + index), "kpi_call_budget": 500000})
        prefixes = ("090", "091", "093", "097", "098", "038", "028")
        # Last month the PBX's export failed one day (the first Tuesday from the 10th): confirming
        # that month shows the call data gate.
        tenth = months[-2] + timedelta(days=9)
        outage = tenth + timedelta(days=(1 - tenth.weekday()) % 7)
        vals_list = []
        for month_start in months:
            for index, agent in enumerate(agents):
                outbound = index < 4
                count = int(rng.randint(480, 620) * skill[agent.id]) if outbound else rng.randint(280, 380)
                for number, when in enumerate(self._days(month_start, rng, count)):
                    if when.date() == outage:
                        continue
                    answered = rng.random() < (0.62 if outbound else 0.93)
                    talk = int(rng.expovariate(1 / (170 if outbound else 240))) + 15 if answered else 0
                    phone = "+84" + rng.choice(prefixes)[1:] + f"{rng.randrange(10**7):07d}"
                    billed = -(-talk // 6) * 6
                    rate = 600 if phone.startswith("+8428") else 890
                    vals_list.append(
                        {
                            "employee_id": agent.id,
                            "extension": agent.pbx_extension,
                            "direction": "outbound" if outbound else "inbound",
                            "start": when,
                            "talk_seconds": talk,
                            "ring_duration": rng.randint(3, 25),
                            "disposition": "answered" if answered else rng.choice(["no_answer", "busy"]),
                            "phone": phone,
                            "cost": round(billed / 60 * rate) if outbound else 0,
                            "source_id": source.id,
                            "external_uid": f"demo-{month_start:%Y%m}-{agent.id}-{number}",
                            "company_id": company.id,
                        }
                    )
        self.env["kpi.call"].create(vals_list)

    @api.model
    def _generate_sick_leave(self, employee, month_start):
        """Three days of sick leave in the first full week of the month."""
        start = month_start + timedelta(days=(7 - month_start.weekday()) % 7)
        sick = self.env.ref("hr_holidays.holiday_status_sl")
        leave = (
            self.env["hr.leave"]
            .with_context(leave_skip_state_check=True)
            .create(
                {
                    "employee_id": employee.id,
                    "holiday_status_id": sick.id,
                    "request_date_from": start,
                    "request_date_to": start + timedelta(days=2),
                    "private_name": "Sốt xuất huyết",
                }
            )
        )
        leave.action_validate()
