# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Data-quality gate of the call log: confirming a period with call KPIs when a PBX
sent no call on some working days (March 2027: Mon 1st … Wed 31st, 23 weekdays).

Fixture, checked by hand:
- company schedule Mon–Fri in UTC, public holiday Monday 15 March;
- "Asterisk HCM" (Ho Chi Minh City time, UTC+7) has calls every weekday except
  Wed 10 and Tue 23; its 22 March call is at 18:00 UTC on Sunday 21 — already Monday
  22 in Ho Chi Minh City, so 22 March is not missing; it also has a Saturday call;
- "3CX Hanoi" has one call, on Monday 1 March;
- "Old PBX" is archived and has no call at all.
Missing: HCM 10 and 23 March; Hanoi the 21 working days after the 1st but the holiday.
"""

from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common_call import KpiCallCommon

WEEKDAYS = [
    date(2027, 3, 1) + timedelta(days=n) for n in range(31) if (date(2027, 3, 1) + timedelta(days=n)).weekday() < 5
]
HOLIDAY = date(2027, 3, 15)


@tagged("post_install", "-at_install", "kpi_call", "kpi_governance")
class TestCallGap(KpiCallCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the one period clock: days are those of the company's schedule (Ho Chi Minh City,
        # like the PBXs), whatever each PBX's own time zone
        cls.calendar.tz = "Asia/Ho_Chi_Minh"
        cls.env["resource.calendar.leaves"].create(
            {
                "name": "Public holiday",
                "calendar_id": cls.calendar.id,
                "company_id": cls.company.id,
                "date_from": datetime(2027, 3, 15, 0, 0),
                "date_to": datetime(2027, 3, 15, 23, 59, 59),
            }
        )
        cls.source_hanoi = cls.env["kpi.call.source"].create(
            {"name": "3CX Hanoi", "type": "3cx", "company_id": cls.company.id, "tz": "Asia/Ho_Chi_Minh"}
        )
        cls.env["kpi.call.source"].create(
            {"name": "Old PBX", "company_id": cls.company.id, "tz": "UTC", "active": False}
        )
        hcm_starts = [
            datetime(2027, 3, 21, 18, 0) if day == date(2027, 3, 22) else datetime.combine(day, datetime.min.time()).replace(hour=2)
            for day in WEEKDAYS
            if day not in (date(2027, 3, 10), date(2027, 3, 23))
        ] + [datetime(2027, 3, 6, 3, 0)]  # a Saturday
        calls = [(cls.source, start) for start in hcm_starts] + [(cls.source_hanoi, datetime(2027, 3, 1, 2, 0))]
        cls.env["kpi.call"].create(
            [
                {
                    "external_uid": f"gap-{index}",
                    "source_id": source.id,
                    "company_id": cls.company.id,
                    "employee_id": cls.agent1.id,
                    "direction": "inbound",
                    "start": start,
                    "talk_seconds": 60,
                    "disposition": "answered",
                    "phone": "+84912345678",
                }
                for index, (source, start) in enumerate(calls)
            ]
        )
        cls.inbound = cls._create_definition("CALL_IN_GAP", "call", "inbound_count", unit="calls")
        cls.csat = cls._create_definition("CSAT_GAP")
        cls.call_plan = cls._create_plan([(cls.inbound, 100, 20)], name="Call plan")
        cls.expected_gaps = [(cls.source, date(2027, 3, 10)), (cls.source, date(2027, 3, 23))] + [
            (cls.source_hanoi, day) for day in WEEKDAYS if day not in (date(2027, 3, 1), HOLIDAY)
        ]

    def _gap_pairs(self, cards):
        return sorted(
            (source.id, day) for group in cards._get_call_gaps() for source, day in group["gaps"]
        )

    def _complete_the_data(self):
        """Archive the Hanoi PBX and import the two HCM days that were missing."""
        self.source_hanoi.active = False
        self.env["kpi.call"].create(
            [
                {
                    "external_uid": f"fill-{day}",
                    "source_id": self.source.id,
                    "company_id": self.company.id,
                    "employee_id": self.agent2.id,
                    "direction": "outbound",
                    "start": datetime.combine(day, datetime.min.time()).replace(hour=4),
                    "talk_seconds": 0,
                    "disposition": "no_answer",
                    "phone": "+84912345678",
                }
                for day in (date(2027, 3, 10), date(2027, 3, 23))
            ]
        )

    def _expected(self, gaps=None):
        return sorted((source.id, day) for source, day in (gaps or self.expected_gaps))

    @freeze_time("2027-04-05")
    def test_missing_working_days_listed(self):
        cards = self._generate(self.call_plan)
        self.assertEqual(len(self.expected_gaps), 2 + 21)
        self.assertEqual(self._gap_pairs(cards), self._expected())
        listed_days = {day for _source, day in self._gap_pairs(cards)}
        self.assertFalse({day for day in listed_days if day.weekday() >= 5}, "weekends are not working days")
        self.assertNotIn(HOLIDAY, listed_days, "public holidays are not working days")
        hcm_days = {day for source_id, day in self._gap_pairs(cards) if source_id == self.source.id}
        self.assertEqual(hcm_days, {date(2027, 3, 10), date(2027, 3, 23)})
        self.assertNotIn(date(2027, 3, 22), hcm_days, "the day is the PBX's local day")

    @freeze_time("2027-04-05")
    def test_confirm_asks_then_records_acknowledgement(self):
        cards = self._generate(self.call_plan)
        action = cards.with_user(self.user_officer).action_confirm()
        self.assertIsInstance(action, dict)
        self.assertEqual(action["res_model"], "kpi.scorecard.confirm")
        self.assertEqual(set(cards.mapped("state")), {"computed"}, "nothing is confirmed before the answer")
        wizard = self.env["kpi.scorecard.confirm"].with_user(self.user_officer).browse(action["res_id"])
        self.assertEqual(wizard.gap_count, 23)
        self.assertEqual(wizard.scorecard_count, len(cards))
        self.assertIn("Asterisk HCM", wizard.gap_html)
        self.assertIn("3CX Hanoi", wizard.gap_html)
        self.assertNotIn("Old PBX", wizard.gap_html, "archived sources are not checked")
        # runs of working days (across weekends and the holiday) are shown as one range
        self.assertIn("03/02/2027 – 03/31/2027", wizard.gap_html)

        wizard.action_confirm_anyway()
        self.assertEqual(set(cards.mapped("state")), {"confirmed"})
        for card in cards:
            notes = card.message_ids.filtered(lambda m: "despite missing call data" in (m.body or ""))
            self.assertEqual(len(notes), 1, card.display_name)
            self.assertEqual(notes.author_id, self.user_officer.partner_id)
            self.assertIn(self.user_officer.name, notes.body)
            self.assertIn("03/10/2027", notes.body)
            self.assertIn("03/23/2027", notes.body)
            # the same, as text the employee sees on the portal
            self.assertIn(f"{self.user_officer.name} confirmed this scorecard on 04/05/2027", card.call_gap_note)
            self.assertIn("PBX Asterisk HCM: no call on 2 working day(s): 03/10/2027, 03/23/2027", card.call_gap_note)

    @freeze_time("2027-04-05")
    def test_only_officers_confirm_anyway(self):
        cards = self._generate(self.call_plan)
        with self.assertRaises(AccessError):
            cards.with_user(self.user_manager).with_context(kpi_ack_call_gaps=True).action_confirm()
        wizard = self.env["kpi.scorecard.confirm"].create({"scorecard_ids": [(6, 0, cards.ids)]})
        with self.assertRaises(AccessError):
            wizard.with_user(self.user_manager).action_confirm_anyway()
        self.assertEqual(set(cards.mapped("state")), {"computed"})

    @freeze_time("2027-04-05")
    def test_plans_without_call_kpi_not_checked(self):
        self._add_manual_values(self.csat, dict.fromkeys(self.agents, 80.0))
        plan = self._create_plan([(self.csat, 100, 80)], name="CSAT plan")
        cards = self._generate(plan)
        self.assertEqual(cards._get_call_gaps(), [])
        self.assertIs(cards.action_confirm(), True)
        self.assertEqual(set(cards.mapped("state")), {"confirmed"})
        self.assertFalse(cards.message_ids.filtered(lambda m: "despite missing call data" in (m.body or "")))

    @freeze_time("2027-04-05")
    def test_note_cleared_once_the_data_is_complete(self):
        cards = self._generate(self.call_plan)
        cards.with_user(self.user_officer).with_context(kpi_ack_call_gaps=True).action_confirm()
        self.assertTrue(all(cards.mapped("call_gap_note")))
        cards.with_user(self.user_hr_manager).action_reset_to_draft()
        self._complete_the_data()
        cards.action_compute()
        self.assertIs(cards.action_confirm(), True)
        self.assertFalse(any(cards.mapped("call_gap_note")))

    @freeze_time("2027-04-05")
    def test_complete_data_confirms_directly(self):
        self._complete_the_data()
        cards = self._generate(self.call_plan)
        self.assertEqual(cards._get_call_gaps(), [])
        self.assertIs(cards.action_confirm(), True)
        self.assertEqual(set(cards.mapped("state")), {"confirmed"})

    @freeze_time("2027-03-11 10:00:00")
    def test_running_period_checks_past_days_only(self):
        cards = self._generate(self.call_plan)
        expected = [(self.source, date(2027, 3, 10))] + [
            (self.source_hanoi, day) for day in WEEKDAYS if date(2027, 3, 1) < day < date(2027, 3, 11)
        ]
        self.assertEqual(self._gap_pairs(cards), self._expected(expected))

    @freeze_time("2027-04-05")
    def test_query_count_does_not_grow_with_scorecards(self):
        extra = self.env["hr.employee"].browse(
            [self._create_employee(f"Gap agent {n}").id for n in range(12)]
        )
        big_plan = self._create_plan([(self.inbound, 100, 20)], employees=self.agents | extra, name="Big call plan")
        small_cards, big_cards = self._generate(self.call_plan), self._generate(big_plan)
        self.assertEqual((len(small_cards), len(big_cards)), (3, 15))
        counts = []
        for cards in (small_cards, big_cards):
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            gaps = cards._get_call_gaps()
            counts.append(self.cr.sql_log_count - before)
            self.assertEqual(sum(len(group["gaps"]) for group in gaps), 23)
        self.assertEqual(counts[0], counts[1], f"3 scorecards: {counts[0]} queries, 15: {counts[1]}")

    @freeze_time("2027-04-05")
    def test_setting_turns_the_gate_off(self):
        self.company.kpi_call_gap_check = False
        cards = self._generate(self.call_plan)
        self.assertEqual(cards._get_call_gaps(), [])
        self.assertIs(cards.action_confirm(), True)
