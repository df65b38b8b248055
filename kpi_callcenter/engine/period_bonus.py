"""Quarterly and yearly bonuses: monthly advances, their settlement, the Tết bonus.

A quarterly (or yearly) plan's line target is the target of the whole period. While the
period runs, each of its months is a share of it: ``1 / months`` of the target and of the
bonus base. The *provisional bonus* of a month is what the scorecard calculator pays for
that month alone on those shares; a plan may pay an *advance* of a percentage of it in
the month's payslip. At the period's end the scorecard is computed over the whole period
and the payslip pays the bonus minus the advances paid: the *settlement*. When the
advances exceed the bonus the remainder is an amount to recover, never a negative pay.

The yearly (Tết / 13th-month) bonus of a plan "by coefficient" is the bonus base × the
coefficient of the average of the employee's monthly scores × months worked ÷ 12.

Plain Python, no Odoo import: the models gather the numbers and write the result.
"""

import calendar
from datetime import date


def _identity(amount):
    return amount


def months_of(date_from, date_to):
    """The calendar months ``(first day, last day)`` from the month of ``date_from`` to
    the month of ``date_to``.

    >>> months_of(date(2027, 1, 1), date(2027, 3, 31))  # doctest: +NORMALIZE_WHITESPACE
    [(datetime.date(2027, 1, 1), datetime.date(2027, 1, 31)),
     (datetime.date(2027, 2, 1), datetime.date(2027, 2, 28)),
     (datetime.date(2027, 3, 1), datetime.date(2027, 3, 31))]
    >>> len(months_of(date(2027, 1, 1), date(2027, 12, 31)))
    12
    """
    months = []
    year, month = date_from.year, date_from.month
    while (year, month) <= (date_to.year, date_to.month):
        months.append((date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def month_share_line(line, months):
    """A calculator line (``engine/scorecard.py``) of a period of ``months`` months cut to
    one month: its target is ``1 / months`` of the period's target. An adjusted target
    is left as it is.

    >>> month_share_line({"target": 300, "weight": 100}, 3)["target"]
    100.0
    >>> month_share_line({"target": 1200, "weight": 100}, 12)["target"]
    100.0
    """
    return dict(line, target=float(line.get("target") or 0.0) / months)


def advance_amount(provisional_bonus, percent, rounding=_identity):
    """The advance of a month: ``percent`` % of its provisional bonus, rounded; never
    negative.

    >>> advance_amount(800000, 50)
    400000.0
    >>> advance_amount(1000000, 0)
    0.0
    >>> advance_amount(333333, 50, round)
    166666
    >>> advance_amount(-5, 50)
    0.0
    """
    amount = max(float(provisional_bonus), 0.0) * float(percent or 0.0) / 100.0
    return rounding(amount)


def settle(bonus, advances_paid, rounding=_identity):
    """``(payable, to_recover)`` at the period's end: the bonus minus the advances paid,
    never negative; what the advances paid beyond the bonus is to be recovered.

    A quarter bonus of 2,900,000 ₫ after advances of 400,000 + 500,000 ₫:

    >>> settle(2900000, 400000 + 500000)
    (2000000.0, 0.0)

    A quarter that fell below its threshold after two good months:

    >>> settle(0, 1000000)
    (0.0, 1000000.0)
    """
    remainder = float(bonus) - float(advances_paid)
    return rounding(max(remainder, 0.0)), rounding(max(-remainder, 0.0))


def months_worked(date_from, date_to):
    """Months of the year worked between ``date_from`` and ``date_to`` (the days in the
    plan): whole calendar months count 1, a started month counts 1 when the employee was
    in the plan on at least half of its days, else 0.

    Hired on April 1st, still there on December 31st: 9 months.

    >>> months_worked(date(2027, 4, 1), date(2027, 12, 31))
    9
    >>> months_worked(date(2027, 4, 16), date(2027, 12, 31))  # 15 of 30 April days
    9
    >>> months_worked(date(2027, 4, 17), date(2027, 12, 31))  # 14 of 30 April days
    8
    >>> months_worked(date(2027, 1, 1), date(2027, 12, 31))
    12
    >>> months_worked(None, None)
    0
    """
    if not date_from or not date_to or date_to < date_from:
        return 0
    count = 0
    for first, last in months_of(date_from, date_to):
        days_in = (min(last, date_to) - max(first, date_from)).days + 1
        if 2 * days_in >= last.day:
            count += 1
    return count


def average_score(scores):
    """The average of the monthly scores (0 without any month).

    >>> average_score([90, 90, 90, 110, 110, 110, 115, 115, 115])
    105.0
    >>> average_score([])
    0.0
    """
    scores = list(scores)
    return float(sum(scores)) / len(scores) if scores else 0.0


def year_bonus(base, coefficient, months, rounding=_identity):
    """The Tết (13th-month) bonus: base × coefficient × months worked ÷ 12.

    An agent hired in April (9 months), an average score of 105 giving a coefficient of
    1.2, a base of 12,000,000 ₫: 12,000,000 × 1.2 × 9 ÷ 12 = 10,800,000 ₫.

    >>> year_bonus(12000000, 1.2, 9)
    10800000.0
    >>> year_bonus(12000000, 1.0, 12, round)
    12000000
    >>> year_bonus(12000000, 1.2, 0)
    0.0
    """
    months = min(max(int(months), 0), 12)
    return rounding(float(base) * float(coefficient) * months / 12.0)
