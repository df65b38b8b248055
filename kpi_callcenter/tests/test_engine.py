"""Tests of the pure-Python engine: no database, no fixture records.

The Asterisk fixture ``data/Master.csv`` is a cdr-csv file in the full
21-column layout (``loguniqueid``, ``loguserfield`` and ``newcdrcolumns``
on), dates in the PBX's local time (Asia/Ho_Chi_Minh, 2024-03-04), the
uniqueids being the matching epoch. Line by line:

1. Inbound call from 0912345678, caller id ``"Nguyen, Van A" <0912345678>``
   (a comma inside a quoted field), answered by extension 101 (channel
   SIP/101-00000002): start 08:00:05, answer 08:00:12, end 08:03:12,
   duration 187, billsec 180, uniqueid 1709514005.1, sequence 1.
2. Outbound call from extension 102 (PJSIP/102-00000003) to the mobile
   0987654321, answered: start 08:10:00, duration 140, billsec 120,
   accountcode "sales", userfield "campaign-A", uniqueid 1709514600.3.
3. Queue 400, first leg: the landline 02838221234 rings agent 101
   (Local/101@from-queue-00000006;1) from 08:30:00, empty answer field,
   duration 25, NO ANSWER; uniqueid and linkedid 1709515800.5, sequence 5.
4. Queue 400, second leg of the same call (same uniqueid and linkedid):
   agent 103 (Local/103@from-queue-00000008;1) from 08:30:02, answered at
   08:30:18, end 08:34:18, duration 256, billsec 240, sequence 6.
   Lines 3 and 4 are ONE call: answered by 103, start 08:30:00, duration
   258, billsec 240, ring 18 s, 2 legs.
5. Inbound call from 0909000111 to extension 102, NO ANSWER, empty answer
   field, duration 30, billsec 0.
6. Outbound call from extension 101 to the Hanoi landline 02439998888,
   BUSY, duration 5.
7. Inbound call from 0977000111 answered by 102; the caller id holds the
   non-UTF-8 (cp1258) bytes 0xEA and 0xE3, read as ``"Lê Văn C"``;
   duration 306, billsec 300.
8. Inbound call from 0933444555 answered by extension 199, which belongs to
   no employee (the importer must report it); duration 64, billsec 60.
9. Malformed start date ``2024-13-45 99:00``: error
   ``start: invalid date '2024-13-45 99:00'``.
10. Exact copy of line 1 (same uniqueid 1709514005.1), not next to it: it
    parses and makes a call of its own; the importer must skip it as a
    duplicate of line 1 by its external uid.
11. Outbound call from extension 103 to Singapore 006591234567 (+6591234567,
    international), CONGESTION (normalised to failed), no destination
    channel, duration 2.
12. Internal call from 101 to 102, answered, duration 63, billsec 60.
13. Non-integer duration ``x125``: error ``duration: not an integer 'x125'``.
14. Line cut after 8 columns: error ``columns: expected 16 to 21, got 8``.

Totals: 14 lines, 11 parsed rows, 3 errors (lines 9, 13, 14), 10 calls
(lines 3 and 4 merged) of which 1 duplicate (line 10): 9 calls to import.
Per agent (duplicate left out): 101 answered 1 inbound (line 1), 1 busy
outbound (6), 1 internal (12); 102 answered 1 outbound (2) and 1 inbound
(7), missed 1 inbound (5); 103 answered the queue call (3-4), failed 1
outbound (11); unknown extension 199 answered line 8.
"""

import doctest
import io
from datetime import datetime

from odoo.tests import BaseCase, tagged
from odoo.tools import file_open

from ..engine import (
    achievement,
    band,
    callgap,
    cdr,
    correction,
    costing,
    days,
    ignored_numbers,
    payout,
    period,
    period_bonus,
    pool,
    proration,
    scorecard,
)

MASTER_CSV = "kpi_callcenter/tests/data/Master.csv"


def asterisk_fields(**values):
    """The 16 base fields of an Asterisk row, with defaults for an answered call."""
    row = {
        "accountcode": "",
        "src": "0912345678",
        "dst": "101",
        "dcontext": "from-trunk",
        "clid": '"Nguyen, Van A" <0912345678>',
        "channel": "SIP/viettel-00000001",
        "dstchannel": "SIP/101-00000002",
        "lastapp": "Dial",
        "lastdata": "SIP/101,30,tr",
        "start": "2024-03-04 08:00:05",
        "answer": "2024-03-04 08:00:12",
        "end": "2024-03-04 08:03:12",
        "duration": "187",
        "billsec": "180",
        "disposition": "ANSWERED",
        "amaflags": "DOCUMENTATION",
    }
    row.update(values)
    return [row[name] for name in cdr.ASTERISK_BASE_COLUMNS]


def iter_calls_count(rows):
    """Number of calls :func:`cdr.iter_calls` makes of ``{line_no: row}``."""
    return len(list(cdr.iter_calls(sorted(rows.items()))))


@tagged("post_install", "-at_install", "kpi_engine")
class TestEngineDoctests(BaseCase):
    def test_doctests(self):
        for module in (
            achievement, proration, payout, scorecard, costing, cdr, callgap, days, period, band, ignored_numbers,
            period_bonus, pool, correction,
        ):
            with self.subTest(module=module.__name__):
                result = doctest.testmod(module)
                self.assertGreater(result.attempted, 0)
                self.assertEqual(result.failed, 0)


@tagged("post_install", "-at_install", "kpi_engine")
class TestAchievement(BaseCase):
    def test_higher(self):
        self.assertEqual(achievement.achievement(80, 100), 80.0)
        self.assertEqual(achievement.achievement(100, 100), 100.0)
        self.assertEqual(achievement.achievement(120, 100, "higher"), 120.0)

    def test_lower(self):
        self.assertEqual(achievement.achievement(2.5, 2.0, "lower"), 80.0)
        self.assertEqual(achievement.achievement(4.0, 2.0, "lower"), 50.0)
        self.assertAlmostEqual(achievement.achievement(1.6, 2.0, "lower"), 125.0)

    def test_lower_actual_zero_gives_cap(self):
        self.assertEqual(achievement.achievement(0, 2.0, "lower"), 150.0)
        self.assertEqual(achievement.achievement(0, 2.0, "lower", cap=120.0), 120.0)
        self.assertEqual(achievement.achievement(-1, 2.0, "lower"), 150.0)

    def test_cap(self):
        self.assertEqual(achievement.achievement(200, 100), 150.0)
        self.assertEqual(achievement.achievement(200, 100, cap=120.0), 120.0)
        self.assertEqual(achievement.achievement(200, 100, cap=None), 200.0)
        self.assertEqual(achievement.achievement(200, 100, cap=0), 200.0)
        self.assertEqual(achievement.achievement(0.5, 2.0, "lower", cap=None), 400.0)

    def test_target_zero(self):
        self.assertEqual(achievement.achievement(0, 0), 100.0)
        self.assertEqual(achievement.achievement(-3, 0), 100.0)
        self.assertEqual(achievement.achievement(5, 0), 150.0)
        self.assertEqual(achievement.achievement(5, 0, cap=130.0), 130.0)
        self.assertEqual(achievement.achievement(0, 0, "lower"), 100.0)
        self.assertEqual(achievement.achievement(5, 0, "lower"), 0.0)

    def test_negative_actual_clips_to_zero(self):
        self.assertEqual(achievement.achievement(-20, 50), 0.0)
        self.assertEqual(achievement.achievement(-20, 50, cap=None), 0.0)

    def test_unknown_direction(self):
        with self.assertRaises(ValueError):
            achievement.achievement(1, 1, "sideways")

    def test_scores(self):
        self.assertEqual(achievement.line_score(80.0, 70), 56.0)
        self.assertEqual(achievement.line_score(150.0, 30), 45.0)
        self.assertEqual(achievement.total_score([56.0, 45.0]), 101.0)
        self.assertEqual(achievement.total_score([]), 0.0)
        self.assertEqual(achievement.total_score([0.1, 0.2, 0.3]), 0.6)


@tagged("post_install", "-at_install", "kpi_engine")
class TestProration(BaseCase):
    def test_factor(self):
        self.assertEqual(proration.prorate_factor(20, 5), 0.75)
        self.assertEqual(proration.prorate_factor(20, 0), 1.0)
        self.assertEqual(proration.prorate_factor(20, 20), 0.0)
        self.assertEqual(proration.prorate_factor(20, 30), 0.0)
        self.assertEqual(proration.prorate_factor(20, -5), 1.0)
        self.assertEqual(proration.prorate_factor(0, 5), 1.0)
        self.assertEqual(proration.prorate_factor(-1, 5), 1.0)

    def test_target(self):
        self.assertEqual(proration.prorate_target(200, 0.75, "count"), 150.0)
        self.assertEqual(proration.prorate_target(1000.0, 0.5, "sum"), 500.0)
        self.assertEqual(proration.prorate_target(180, 0.5, "avg"), 180.0)
        self.assertEqual(proration.prorate_target(95, 0.5, "ratio"), 95.0)
        with self.assertRaises(ValueError):
            proration.prorate_target(95, 0.5, "median")


@tagged("post_install", "-at_install", "kpi_engine")
class TestPayout(BaseCase):
    TIERS = [(120, 150), (80, 50), (100, 100)]

    def test_step(self):
        def pay(value):
            return payout.scale_payout(value, self.TIERS, "step")

        self.assertEqual(pay(0), 0.0)
        self.assertEqual(pay(79.99), 0.0)
        self.assertEqual(pay(80), 50.0)
        self.assertEqual(pay(95), 50.0)
        self.assertEqual(pay(100), 100.0)
        self.assertEqual(pay(119.99), 100.0)
        self.assertEqual(pay(120), 150.0)
        self.assertEqual(pay(500), 150.0)
        self.assertEqual(pay(2.0 / 2.5 * 100), 50.0)  # 80 computed, float noise tolerated

    def test_linear(self):
        def pay(value):
            return payout.scale_payout(value, self.TIERS, "linear")

        self.assertEqual(pay(79.99), 0.0)
        self.assertEqual(pay(80), 50.0)
        self.assertEqual(pay(90), 75.0)
        self.assertEqual(pay(100), 100.0)
        self.assertEqual(pay(105), 112.5)
        self.assertEqual(pay(120), 150.0)
        self.assertEqual(pay(300), 150.0)

    def test_no_scale(self):
        self.assertEqual(payout.scale_payout(87.5, [], "linear"), 87.5)
        self.assertEqual(payout.scale_payout(87.5, [], "step"), 87.5)
        self.assertEqual(payout.scale_payout(87.5, None, None), 87.5)

    def test_unknown_mode(self):
        with self.assertRaises(ValueError):
            payout.scale_payout(90, self.TIERS, "exponential")
        with self.assertRaises(ValueError):
            payout.scale_payout(90, [], "exponential")

    def test_line_bonus_and_threshold(self):
        self.assertEqual(payout.line_bonus(1000.0, 70, 110.0, 110.0), 770.0)
        self.assertEqual(payout.line_bonus(1000.0, 70, 75.0, 75.0, threshold=80), 0.0)
        self.assertEqual(payout.line_bonus(1000.0, 70, 80.0, 80.0, threshold=80), 560.0)
        self.assertEqual(payout.line_bonus(1000.0, 30, 50.0, 79.9999999999, threshold=80), 150.0)

    def test_gate(self):
        line = {"is_gate": True, "achievement": 49.0, "threshold": 50.0}
        self.assertTrue(payout.gate_closed([line]))
        self.assertFalse(payout.gate_closed([dict(line, achievement=50.0)]))
        self.assertFalse(payout.gate_closed([dict(line, is_gate=False)]))
        self.assertFalse(payout.gate_closed([]))

        class Line:
            is_gate, achievement, threshold = True, 10.0, 50.0

        self.assertTrue(payout.gate_closed([Line()]))

    def tailor(self, volume_achievement, defect_achievement):
        """The seed's tailor: volume 70 (no scale, threshold 80), defect rate 30 (step, gate 50)."""
        defect_scale = [(80, 50), (100, 100), (120, 130)]
        lines = [
            {
                "weight": 70,
                "achievement": volume_achievement,
                "threshold": 80,
                "payout": payout.scale_payout(volume_achievement, [], "linear"),
                "is_gate": False,
            },
            {
                "weight": 30,
                "achievement": defect_achievement,
                "threshold": 50,
                "payout": payout.scale_payout(defect_achievement, defect_scale, "step"),
                "is_gate": True,
            },
        ]
        return payout.scorecard_bonus(lines, 1000.0)

    def assertBonus(self, result, total, lines):
        self.assertAlmostEqual(result[0], total)
        self.assertEqual(len(result[1]), len(lines))
        for bonus, expected in zip(result[1], lines):
            self.assertAlmostEqual(bonus, expected)

    def test_tailor(self):
        def volume(pieces):
            return achievement.achievement(pieces, 200)

        def defects(rate):
            return achievement.achievement(rate, 2.0, "lower")

        # 220 pieces: 110 %; 2.0 % defects: 100 %
        self.assertBonus(self.tailor(volume(220), defects(2.0)), 1070.0, [770.0, 300.0])
        # 150 pieces: 75 %, under the volume threshold; 2.5 % defects: 80 %, first step
        self.assertEqual(self.tailor(volume(150), defects(2.5)), (150.0, [0.0, 150.0]))
        # 180 pieces: 90 %; 2.2 % defects: 90.9 %, still the first step
        self.assertBonus(self.tailor(volume(180), defects(2.2)), 780.0, [630.0, 150.0])
        # 260 pieces: 130 %; 1.6 % defects: 125 %, top step
        self.assertBonus(self.tailor(volume(260), defects(1.6)), 1300.0, [910.0, 390.0])
        # 400 pieces: capped at 150 %; no defect at all: the cap, top step
        self.assertEqual(self.tailor(volume(400), defects(0)), (1440.0, [1050.0, 390.0]))
        # 5 % defects: 40 %, the quality gate closes the whole scorecard
        self.assertEqual(self.tailor(volume(200), defects(5.0)), (0.0, [0.0, 0.0]))
        # 4 % defects: exactly 50 %, the gate stays open (80 % pieces: threshold met)
        self.assertBonus(self.tailor(volume(160), defects(4.0)), 560.0, [560.0, 0.0])

    def test_round_to_step(self):
        self.assertEqual(payout.round_to_step(1234567.0, 1000), 1235000.0)
        self.assertEqual(payout.round_to_step(1234499.0, 1000), 1234000.0)
        self.assertEqual(payout.round_to_step(1234.5, 0), 1234.5)


@tagged("post_install", "-at_install", "kpi_engine")
class TestCosting(BaseCase):
    def test_normalize_phone(self):
        cases = {
            "+84 912 345 678": "+84912345678",
            "0084912345678": "+84912345678",
            "84912345678": "+84912345678",
            "0912345678": "+84912345678",
            "0912.345.678": "+84912345678",
            "(028) 3822-1234": "+842838221234",
            "842838221234": "+842838221234",
            "+84 (0) 912 345 678": "+84912345678",
            "+65 9123 4567": "+6591234567",
            "006591234567": "+6591234567",
            "101": "101",
            "400": "400",
            "123456": "123456",
            "19001234": "19001234",
            "anonymous": "anonymous",
            "": "",
            None: "",
        }
        for raw, expected in cases.items():
            with self.subTest(raw=raw):
                self.assertEqual(costing.normalize_phone(raw), expected)
        self.assertEqual(costing.normalize_phone("0612345678", country_code="33"), "+33612345678")

    def test_classify_number(self):
        cases = {
            "+84912345678": "mobile",
            "+84387654321": "mobile",
            "+84567654321": "mobile",
            "+84701234567": "mobile",
            "+84812345678": "mobile",
            "+842838221234": "landline",
            "02439998888": "landline",
            "101": "internal",
            "+6591234567": "international",
            "19001234": "unknown",
            "": "unknown",
        }
        for number, expected in cases.items():
            with self.subTest(number=number):
                self.assertEqual(costing.classify_number(number), expected)

    def test_billed_seconds(self):
        self.assertEqual(costing.billed_seconds(0), 0)
        self.assertEqual(costing.billed_seconds(1), 60)
        self.assertEqual(costing.billed_seconds(60), 60)
        self.assertEqual(costing.billed_seconds(61), 120)
        self.assertEqual(costing.billed_seconds(0, 6), 0)
        self.assertEqual(costing.billed_seconds(1, 6), 6)
        self.assertEqual(costing.billed_seconds(6, 6), 6)
        self.assertEqual(costing.billed_seconds(7, 6), 12)
        self.assertEqual(costing.billed_seconds(125, 6), 126)
        self.assertEqual(costing.billed_seconds(7, 6, minimum=60), 60)
        self.assertEqual(costing.billed_seconds(61, 6, minimum=60), 66)
        self.assertEqual(costing.billed_seconds(0, 6, minimum=60), 0)

    def test_call_cost(self):
        self.assertEqual(costing.call_cost(61, 1000.0), 2000.0)
        self.assertEqual(costing.call_cost(61, 1000.0, increment=6), 1100.0)
        self.assertEqual(costing.call_cost(7, 1200.0, increment=6, minimum=60), 1200.0)
        self.assertEqual(costing.call_cost(0, 1000.0), 0.0)

    def test_match_rate(self):
        rules = [
            {"prefix": "+84", "name": "vn"},
            {"prefix": "+849", "name": "vn-9"},
            {"prefix": "+8428", "name": "hcmc"},
            {"prefix": "international", "name": "world"},
            {"prefix": False, "name": "empty"},
        ]
        self.assertEqual(costing.match_rate("0912345678", rules)["name"], "vn-9")
        self.assertEqual(costing.match_rate("02838221234", rules)["name"], "hcmc")
        self.assertEqual(costing.match_rate("02439998888", rules)["name"], "vn")
        self.assertEqual(costing.match_rate("+6591234567", rules)["name"], "world")
        self.assertIsNone(costing.match_rate("101", rules))
        self.assertIsNone(costing.match_rate("0912345678", []))


@tagged("post_install", "-at_install", "kpi_engine")
class TestCdrRows(BaseCase):
    def test_columns(self):
        self.assertEqual(len(cdr.ASTERISK_COLUMNS), 21)
        self.assertEqual(cdr.ASTERISK_COLUMNS[:3], ("accountcode", "src", "dst"))
        self.assertEqual(
            cdr.ASTERISK_COLUMNS[16:],
            ("uniqueid", "userfield", "peeraccount", "linkedid", "sequence"),
        )
        for count in range(16, 22):
            self.assertEqual(len(cdr.asterisk_columns(count)), count)
        self.assertEqual(cdr.asterisk_columns(18)[16:], ("uniqueid", "userfield"))
        self.assertEqual(cdr.asterisk_columns(19)[16:], ("peeraccount", "linkedid", "sequence"))
        self.assertEqual(cdr.asterisk_columns(20)[16], "uniqueid")
        self.assertEqual(cdr.asterisk_columns(20, [""] * 20)[16], "userfield")
        self.assertEqual(cdr.asterisk_columns(17, [""] * 16 + ["1709514005.1"])[16], "uniqueid")
        self.assertEqual(cdr.asterisk_columns(17, [""] * 16 + ["vip"])[16], "userfield")
        for count in (0, 15, 22):
            with self.assertRaisesRegex(cdr.CdrError, f"columns: expected 16 to 21, got {count}"):
                cdr.asterisk_columns(count)

    def test_every_variant(self):
        base = asterisk_fields()
        variants = {
            16: base,
            17: base + ["1709514005.1"],
            18: base + ["1709514005.1", "vip"],
            19: base + ["", "1709514000.0", "4"],
            20: base + ["1709514005.1", "", "1709514000.0", "4"],
            21: base + ["1709514005.1", "vip", "", "1709514000.0", "4"],
        }
        for count, fields in variants.items():
            with self.subTest(count=count):
                row = cdr.parse_asterisk_row(fields)
                self.assertEqual(row["src"], "0912345678")
                self.assertEqual(row["billsec"], 180)
                self.assertEqual(row["disposition"], "answered")
        self.assertEqual(
            cdr.parse_asterisk_row(variants[16])["uniqueid"],
            "2024-03-04 08:00:05|SIP/viettel-00000001",
        )
        self.assertEqual(cdr.parse_asterisk_row(variants[17])["linkedid"], "1709514005.1")
        self.assertEqual(cdr.parse_asterisk_row(variants[18])["userfield"], "vip")
        row19 = cdr.parse_asterisk_row(variants[19])
        self.assertEqual((row19["linkedid"], row19["sequence"]), ("1709514000.0", 4))
        row21 = cdr.parse_asterisk_row(variants[21])
        self.assertEqual(
            (row21["uniqueid"], row21["userfield"], row21["linkedid"], row21["sequence"]),
            ("1709514005.1", "vip", "1709514000.0", 4),
        )
        self.assertIsNone(cdr.parse_asterisk_row(variants[18])["sequence"])

    def test_dispositions(self):
        expected = {
            "ANSWERED": "answered",
            "NO ANSWER": "no_answer",
            "BUSY": "busy",
            "FAILED": "failed",
            "CONGESTION": "failed",
        }
        for raw, value in expected.items():
            row = cdr.parse_asterisk_row(asterisk_fields(disposition=raw))
            self.assertEqual(row["disposition"], value)
        with self.assertRaisesRegex(cdr.CdrError, "disposition: unknown value 'ON HOLD'"):
            cdr.parse_asterisk_row(asterisk_fields(disposition="ON HOLD"))

    def test_errors(self):
        with self.assertRaisesRegex(cdr.CdrError, r"^start: invalid date '2024-13-45 99:00'$"):
            cdr.parse_asterisk_row(asterisk_fields(start="2024-13-45 99:00"))
        with self.assertRaisesRegex(cdr.CdrError, r"^start: missing date$"):
            cdr.parse_asterisk_row(asterisk_fields(start=""))
        with self.assertRaisesRegex(cdr.CdrError, r"^answer: invalid date '04/03/2024'$"):
            cdr.parse_asterisk_row(asterisk_fields(answer="04/03/2024"))
        with self.assertRaisesRegex(cdr.CdrError, r"^billsec: not an integer '1.5'$"):
            cdr.parse_asterisk_row(asterisk_fields(billsec="1.5"))
        with self.assertRaisesRegex(cdr.CdrError, r"^columns: expected 16 to 21, got 15$"):
            cdr.parse_asterisk_row(asterisk_fields()[:15])

    def test_empty_answer(self):
        row = cdr.parse_asterisk_row(
            asterisk_fields(answer="", billsec="0", disposition="NO ANSWER")
        )
        self.assertIsNone(row["answer"])
        self.assertEqual(row["disposition"], "no_answer")

    def test_iter_csv_rows_decoding(self):
        stream = io.BytesIO(
            b'"","0912345678","101","from-trunk","""Nguyen, Van A"" <0912345678>"\r\n'
            b"\n"
            b'"","0977000111","102","from-trunk","""L\xea V\xe3n C"" <0977000111>"\n'
            + '"","0988","103","x","""Nguyễn Thị Ánh"" <0988>"\n'.encode()
        )
        rows = list(cdr.iter_csv_rows(stream))
        self.assertEqual([line_no for line_no, _fields in rows], [1, 3, 4])
        self.assertEqual(rows[0][1][4], '"Nguyen, Van A" <0912345678>')
        self.assertEqual(len(rows[0][1]), 5)
        self.assertEqual(rows[1][1][4], '"Lê Văn C" <0977000111>')
        self.assertEqual(rows[2][1][4], '"Nguyễn Thị Ánh" <0988>')

    def test_iter_csv_rows_is_lazy(self):
        def endless():
            line_no = 0
            while True:
                line_no += 1
                yield b'"a","%d"\n' % line_no

        rows = cdr.iter_csv_rows(endless())
        self.assertEqual(next(rows), (1, ["a", "1"]))
        self.assertEqual(next(rows), (2, ["a", "2"]))

    def test_extension_from_channel(self):
        self.assertEqual(cdr.extension_from_channel("SIP/101-0000002a"), "101")
        self.assertEqual(cdr.extension_from_channel("PJSIP/agent102-00000001"), "agent102")
        self.assertEqual(cdr.extension_from_channel("Local/103@from-queue-0000;1"), "103")
        self.assertEqual(cdr.extension_from_channel("IAX2/104-1234"), "104")
        self.assertEqual(cdr.extension_from_channel("SIP/105"), "105")
        self.assertEqual(cdr.extension_from_channel(""), "")

    def test_call_direction(self):
        self.assertEqual(cdr.call_direction("0912345678", "101"), "inbound")
        self.assertEqual(cdr.call_direction("+84912345678", "02873001234"), "inbound")
        self.assertEqual(cdr.call_direction("101", "0912345678"), "outbound")
        self.assertEqual(cdr.call_direction("101", "102"), "internal")
        self.assertEqual(cdr.call_direction("", "s"), "unknown")

    def test_merge_unanswered_legs(self):
        legs = [
            cdr.parse_asterisk_row(
                asterisk_fields(
                    dst="400",
                    dstchannel=f"Local/{agent}@from-queue-0000000{agent[-1]};1",
                    start=start,
                    answer="",
                    end=end,
                    duration=duration,
                    billsec="0",
                    disposition="NO ANSWER",
                )
                + ["1709514005.1", "", "", "1709514005.1", sequence]
            )
            for agent, start, end, duration, sequence in (
                ("101", "2024-03-04 08:00:05", "2024-03-04 08:00:20", "15", "1"),
                ("102", "2024-03-04 08:00:05", "2024-03-04 08:00:35", "30", "2"),
            )
        ]
        call = cdr.merge_legs(legs)
        self.assertEqual(call["disposition"], "no_answer")
        self.assertEqual(call["extension"], "102")
        self.assertEqual((call["duration"], call["ring_duration"], call["billsec"]), (30, 30, 0))
        self.assertEqual(call["legs"], 2)
        self.assertEqual(call["end"], datetime(2024, 3, 4, 8, 0, 35))


@tagged("post_install", "-at_install", "kpi_engine")
class TestMasterCsv(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rows, cls.errors = {}, {}
        with file_open(MASTER_CSV, "rb") as stream:
            for line_no, fields in cdr.iter_csv_rows(stream):
                try:
                    cls.rows[line_no] = cdr.parse_asterisk_row(fields)
                except cdr.CdrError as error:
                    cls.errors[line_no] = str(error)
        with file_open(MASTER_CSV, "rb") as stream:
            cls.results = list(cdr.iter_asterisk_calls(stream))
        cls.calls = {line_no: call for line_no, call, _lines, error in cls.results if not error}

    def test_counts(self):
        self.assertEqual(sorted(self.rows), [1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12])
        self.assertEqual(sorted(self.errors), [9, 13, 14])
        self.assertEqual(sorted(self.calls), [1, 2, 3, 5, 6, 7, 8, 10, 11, 12])
        uids = [call["external_uid"] for _line_no, call in sorted(self.calls.items())]
        self.assertEqual(len(uids), 10)
        self.assertEqual(len(set(uids)), 9)

    def test_errors_with_line_numbers(self):
        self.assertEqual(
            self.errors,
            {
                9: "start: invalid date '2024-13-45 99:00'",
                13: "duration: not an integer 'x125'",
                14: "columns: expected 16 to 21, got 8",
            },
        )
        streamed = {line_no: error for line_no, call, _lines, error in self.results if error}
        self.assertEqual(streamed, self.errors)

    def test_line_1_every_field(self):
        self.assertEqual(
            self.rows[1],
            {
                "accountcode": "",
                "src": "0912345678",
                "dst": "101",
                "dcontext": "from-trunk",
                "clid": '"Nguyen, Van A" <0912345678>',
                "channel": "SIP/viettel-00000001",
                "dstchannel": "SIP/101-00000002",
                "lastapp": "Dial",
                "lastdata": "SIP/101,30,tr",
                "start": datetime(2024, 3, 4, 8, 0, 5),
                "answer": datetime(2024, 3, 4, 8, 0, 12),
                "end": datetime(2024, 3, 4, 8, 3, 12),
                "duration": 187,
                "billsec": 180,
                "disposition": "answered",
                "amaflags": "DOCUMENTATION",
                "uniqueid": "1709514005.1",
                "userfield": "",
                "peeraccount": "",
                "linkedid": "1709514005.1",
                "sequence": 1,
            },
        )

    def test_line_2_outbound(self):
        row = self.rows[2]
        self.assertEqual((row["accountcode"], row["userfield"]), ("sales", "campaign-A"))
        self.assertEqual((row["src"], row["dst"]), ("102", "0987654321"))
        self.assertEqual(cdr.extension_from_channel(row["channel"]), "102")
        self.assertEqual((row["duration"], row["billsec"], row["sequence"]), (140, 120, 3))
        call = self.calls[2]
        self.assertEqual(
            (call["direction"], call["extension"], call["phone"]), ("outbound", "102", "0987654321")
        )
        self.assertEqual(costing.classify_number(call["phone"]), "mobile")

    def test_queue_legs(self):
        leg_a, leg_b = self.rows[3], self.rows[4]
        self.assertIsNone(leg_a["answer"])
        self.assertEqual(
            (leg_a["disposition"], leg_a["duration"], leg_a["sequence"]), ("no_answer", 25, 5)
        )
        self.assertEqual(leg_b["answer"], datetime(2024, 3, 4, 8, 30, 18))
        self.assertEqual(
            (leg_b["disposition"], leg_b["billsec"], leg_b["sequence"]), ("answered", 240, 6)
        )
        self.assertEqual(leg_a["uniqueid"], leg_b["uniqueid"])
        self.assertEqual(leg_a["linkedid"], leg_b["linkedid"])

    def test_merged_queue_call(self):
        line_nos = [lines for line_no, _call, lines, _error in self.results if line_no == 3][0]
        self.assertEqual(line_nos, [3, 4])
        call = self.calls[3]
        self.assertEqual(call["external_uid"], "1709515800.5")
        self.assertEqual(call["legs"], 2)
        self.assertEqual(call["disposition"], "answered")
        self.assertEqual(call["extension"], "103")
        self.assertEqual(call["dstchannel"], "Local/103@from-queue-00000008;1")
        self.assertEqual(call["start"], datetime(2024, 3, 4, 8, 30, 0))
        self.assertEqual(call["answer"], datetime(2024, 3, 4, 8, 30, 18))
        self.assertEqual(call["end"], datetime(2024, 3, 4, 8, 34, 18))
        self.assertEqual((call["duration"], call["billsec"], call["ring_duration"]), (258, 240, 18))
        self.assertEqual((call["direction"], call["phone"]), ("inbound", "02838221234"))
        self.assertEqual(costing.classify_number(call["phone"]), "landline")
        self.assertEqual(iter_calls_count(self.rows), 10)

    def test_unanswered_and_busy(self):
        self.assertIsNone(self.rows[5]["answer"])
        self.assertEqual(self.rows[5]["disposition"], "no_answer")
        self.assertEqual((self.calls[5]["extension"], self.calls[5]["ring_duration"]), ("102", 30))
        self.assertEqual(self.rows[6]["disposition"], "busy")
        self.assertEqual(
            (self.calls[6]["direction"], self.calls[6]["extension"]), ("outbound", "101")
        )

    def test_non_utf8_caller_id(self):
        self.assertEqual(self.rows[7]["clid"], '"Lê Văn C" <0977000111>')
        self.assertEqual(self.rows[7]["src"], "0977000111")

    def test_unknown_extension(self):
        self.assertEqual(self.calls[8]["extension"], "199")
        self.assertEqual(self.calls[8]["disposition"], "answered")

    def test_duplicate_row(self):
        self.assertEqual(self.rows[10], self.rows[1])
        self.assertEqual(self.calls[10]["external_uid"], self.calls[1]["external_uid"])

    def test_congestion_international(self):
        call = self.calls[11]
        self.assertEqual(
            (call["disposition"], call["direction"], call["extension"]),
            ("failed", "outbound", "103"),
        )
        self.assertEqual(call["dstchannel"], "")
        self.assertEqual(costing.normalize_phone(call["phone"]), "+6591234567")
        self.assertEqual(costing.classify_number(call["phone"]), "international")

    def test_internal_call(self):
        call = self.calls[12]
        self.assertEqual(
            (call["direction"], call["extension"], call["phone"]), ("internal", "101", "")
        )


@tagged("post_install", "-at_install", "kpi_engine")
class TestMappedCsv(BaseCase):
    MAPPING = {
        "external_uid": "Call ID",
        "start": "Start",
        "talk_seconds": "Talk",
        "ring_duration": "Ring",
        "direction": "Direction",
        "disposition": "Status",
        "extension": "Agent",
        "phone": "Customer",
        "src": None,
        "dst": False,
    }

    def read_rows(self, content, mapping=None, **kwargs):
        return list(cdr.iter_mapped_rows(io.BytesIO(content), mapping or self.MAPPING, **kwargs))

    def test_rows_and_errors(self):
        rows = self.read_rows(
            b"Call ID,Start,Talk,Ring,Direction,Status,Agent,Customer\n"
            b"c-1,2024-03-04 08:00:05,180,7,Inbound,Answered,101,0912 345 678\n"
            b"c-2,2024-03-04 08:05:00,,30,in,NO ANSWER,102,0909000111\n"
            b"c-3,2024-03-04 25:00:00,0,0,out,busy,101,0243\n"
            b"c-4,2024-03-04 09:00:00,0:01:05,0,sideways,answered,101,0243\n"
            b",2024-03-04 09:00:00,60,0,out,answered,101,0243\n"
            b"c-6,2024-03-04 09:00:00\n"
            b"c-7,2024-03-04 10:00:00,1:05,,outgoing,,103,+6591234567\n"
        )
        self.assertEqual(
            rows[0],
            (
                2,
                {
                    "external_uid": "c-1",
                    "start": datetime(2024, 3, 4, 8, 0, 5),
                    "talk_seconds": 180,
                    "ring_duration": 7,
                    "direction": "inbound",
                    "disposition": "answered",
                    "extension": "101",
                    "phone": "0912 345 678",
                    "src": "",
                    "dst": "",
                },
                None,
            ),
        )
        self.assertEqual(rows[1][1]["talk_seconds"], 0)
        self.assertEqual(rows[1][1]["disposition"], "no_answer")
        self.assertEqual(rows[2], (4, None, "start: invalid date '2024-03-04 25:00:00'"))
        self.assertEqual(rows[3], (5, None, "direction: unknown value 'sideways'"))
        self.assertEqual(rows[4], (6, None, "external_uid: missing value"))
        self.assertEqual(rows[5], (7, None, "columns: expected at least 8, got 2"))
        self.assertEqual(rows[6][0], 8)
        self.assertEqual(
            {
                key: rows[6][1][key]
                for key in ("talk_seconds", "ring_duration", "direction", "disposition")
            },
            {"talk_seconds": 65, "ring_duration": None, "direction": "outbound", "disposition": None},
        )

    def test_indexes_without_header(self):
        rows = self.read_rows(
            b"04/03/2024 08:00;101;00:03:00\n",
            {"start": 0, "extension": 1, "duration": "2"},  # the older name of talk_seconds
            has_header=False,
            delimiter=";",
            date_format="%d/%m/%Y %H:%M",
        )
        self.assertEqual(rows[0][0], 1)
        self.assertEqual(rows[0][1]["start"], datetime(2024, 3, 4, 8, 0))
        self.assertEqual((rows[0][1]["extension"], rows[0][1]["talk_seconds"]), ("101", 180))

    def test_time_zone_converted_to_utc(self):
        rows = self.read_rows(
            b"Start\n2024-03-04T08:00:05+07:00\n",
            {"start": "Start"},
            date_format="%Y-%m-%dT%H:%M:%S%z",
        )
        self.assertEqual(rows[0][1]["start"], datetime(2024, 3, 4, 1, 0, 5))

    def test_bad_mapping(self):
        with self.assertRaisesRegex(cdr.CdrError, "start: no column 'Date' in the header"):
            self.read_rows(b"Start\n2024-03-04 08:00:05\n", {"start": "Date"})
        with self.assertRaisesRegex(cdr.CdrError, "mapping: the 'start' column is required"):
            self.read_rows(b"Start\n2024-03-04 08:00:05\n", {"duration": "Start"})
        with self.assertRaisesRegex(cdr.CdrError, "mapping: unknown key 'agent'"):
            self.read_rows(b"Start\n2024-03-04 08:00:05\n", {"start": "Start", "agent": "Start"})
