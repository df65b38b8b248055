"""How a payslip pays the open corrections of paid scorecards (``kpi.scorecard.correction``).

Rules (Vietnam's labour code, art. 102, for deductions from wages):

- a positive correction (the employee was paid too little) is paid in full;
- a negative correction (a clawback) first offsets the KPI amounts of the same payslip
  (its KPI bonus and its positive corrections);
- what remains is taken from wages only when the employee acknowledged the correction,
  and never more than ``wage_cap`` per payslip (the company's share of the net wage);
- what is not taken stays open for the next payslip.

Corrections are taken oldest first. Amounts are in the currency's units: the caller
rounds ``wage_cap``; every other amount is a sum or a difference of given amounts.
"""

import math


def allocate(kpi_amount, corrections, wage_cap=0.0):
    """What one payslip pays of each open correction.

    :param kpi_amount: the payslip's KPI bonus (its scorecards), 0 or more
    :param corrections: ``[{"id", "residual", "acknowledged"}]``, oldest first;
        ``residual`` is what is still open (negative: a clawback)
    :param wage_cap: the most this payslip may take from wages (0 or more)
    :return: ``{id: {"amount", "from_kpi", "from_wage"}}``: ``amount`` (signed) is what
        the payslip pays of the correction; of a clawback, ``from_kpi`` (offset against KPI
        amounts) and ``from_wage`` (taken from wages) are its two parts, both 0 or more

    A +1,200,000 correction and a -800,000 clawback, no KPI bonus: the clawback is offset
    against the correction, nothing is taken from wages:

    >>> result = allocate(0.0, [
    ...     {"id": 1, "residual": 1_200_000.0, "acknowledged": False},
    ...     {"id": 2, "residual": -800_000.0, "acknowledged": False},
    ... ])
    >>> result[1]["amount"], result[2]["amount"], result[2]["from_kpi"], result[2]["from_wage"]
    (1200000.0, -800000.0, 800000.0, 0.0)

    A -800,000 clawback against a KPI bonus of 200,000: 200,000 is offset; without the
    acknowledgement the rest stays open, with it the cap (537,000) limits the wage part:

    >>> allocate(200_000.0, [{"id": 2, "residual": -800_000.0, "acknowledged": False}], 537_000.0)[2]
    {'amount': -200000.0, 'from_kpi': 200000.0, 'from_wage': 0.0}
    >>> allocate(200_000.0, [{"id": 2, "residual": -800_000.0, "acknowledged": True}], 537_000.0)[2]
    {'amount': -737000.0, 'from_kpi': 200000.0, 'from_wage': 537000.0}

    Two acknowledged clawbacks share one cap, oldest first:

    >>> result = allocate(0.0, [
    ...     {"id": 1, "residual": -300_000.0, "acknowledged": True},
    ...     {"id": 2, "residual": -300_000.0, "acknowledged": True},
    ... ], 400_000.0)
    >>> result[1]["amount"], result[2]["amount"]
    (-300000.0, -100000.0)
    """
    positive = math.fsum(max(item["residual"], 0.0) for item in corrections)
    pool = max(kpi_amount, 0.0) + positive
    cap_left = max(wage_cap, 0.0)
    result = {}
    for item in corrections:
        residual = item["residual"]
        if residual >= 0:
            result[item["id"]] = {"amount": residual, "from_kpi": 0.0, "from_wage": 0.0}
            continue
        owed = -residual
        from_kpi = min(owed, pool)
        pool -= from_kpi
        from_wage = min(owed - from_kpi, cap_left) if item.get("acknowledged") else 0.0
        cap_left -= from_wage
        result[item["id"]] = {
            "amount": -(from_kpi + from_wage),
            "from_kpi": from_kpi,
            "from_wage": from_wage,
        }
    return result


def wage_cap(net, share, round_amount=round):
    """The most a payslip may take from wages: ``share`` % of its ``net`` (never below 0).

    >>> wage_cap(1_790_000, 30)
    537000
    >>> wage_cap(-5, 30)
    0
    """
    return round_amount(max(net, 0.0) * share / 100.0) if net > 0 else 0
