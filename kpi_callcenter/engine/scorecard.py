"""The scorecard calculator: every figure of a scorecard from its lines.

One function, :func:`compute`, turns the lines of one employee's period (target,
actual, weight, direction, cap, threshold, payout scale, gate), the proration factor,
the bonus base and the currency rounding into every line's prorated target,
achievement, score, payout and bonus, and the scorecard's totals. The scorecard
computation, the pay-impact simulation and the audited adjustments all call it; the
building blocks are :mod:`.proration`, :mod:`.achievement` and :mod:`.payout`.

Plain Python, no Odoo import: the models gather the numbers and write the result.

A line is a dict with:

- ``target``: the full-period target; ``aggregation`` (``count``, ``sum``, ``avg``,
  ``ratio``) says whether it is prorated (totals are, averages and ratios are not);
- ``adjusted_target`` (optional): a target set by an audited adjustment, used as the
  prorated target as it is;
- ``actual``, ``weight`` (% of the score and of the bonus), ``direction``
  (``higher`` or ``lower``), ``cap`` and ``threshold`` (achievement %);
- ``scale``: ``(tiers, mode)`` of a payout scale, or ``None`` (the payout is the
  achievement); ``is_gate``: below its threshold the line zeroes the whole bonus;
  ``below_min_count`` (optional): a rating KPI with too few ratings pays nothing.

A line with nothing to achieve scores 0 and pays 0: its prorated target is 0, or no
working day of the period was available (factor 0, e.g. sick the whole month) and no
adjustment set its target. An employee absent all month does not read as 100 %.
"""

import math

from . import achievement as engine_achievement
from . import payout as engine_payout
from . import proration as engine_proration

EPSILON = 1e-9


def _identity(amount):
    return amount


def line_figures(line, factor=1.0):
    """Prorated target, achievement, score and payout of one ``line`` (no bonus yet).

    >>> volume = {"target": 200, "aggregation": "count", "actual": 165, "weight": 70,
    ...           "direction": "higher", "cap": 150, "threshold": 80}
    >>> figures = line_figures(volume, 0.75)
    >>> figures["target"], figures["prorated"], figures["below_threshold"]
    (150.0, True, False)
    >>> [round(figures[key], 2) for key in ("achievement", "score", "payout")]
    [110.0, 77.0, 110.0]

    A prorated target of 0 (the whole period on leave) scores 0 and pays 0, where the
    achievement rule alone would read 0 of 0 as 100 %:

    >>> figures = line_figures(dict(volume, actual=0), 0.0)
    >>> figures["target"], figures["achievement"], figures["score"], figures["payout"]
    (0.0, 0.0, 0.0, 0.0)

    A target set by an adjustment is taken as it is (not prorated again):

    >>> line_figures(dict(volume, adjusted_target=110), 0.75)["achievement"]
    150.0
    >>> round(line_figures(dict(volume, adjusted_target=110), 0.0)["achievement"], 2)
    150.0

    A customer rating KPI with fewer ratings than its minimum (``below_min_count``)
    keeps its achievement and score but pays nothing:

    >>> figures = line_figures(dict(volume, below_min_count=True), 0.75)
    >>> round(figures["achievement"], 2), round(figures["score"], 2), figures["payout"]
    (110.0, 77.0, 0.0)
    """
    factor = float(factor)
    aggregation = line.get("aggregation") or "count"
    adjusted = line.get("adjusted_target")
    if adjusted is not None:
        target = float(adjusted)
    else:
        target = engine_proration.prorate_target(line.get("target"), factor, aggregation)
    prorated = aggregation in engine_proration.PRORATED_AGGREGATIONS and factor != 1.0
    # nothing to achieve: a prorated target of 0, or no day available (unless an
    # adjustment set a target)
    void = target <= EPSILON or (factor <= EPSILON and adjusted is None)
    if void:
        achievement = 0.0
        payout = 0.0
    else:
        achievement = engine_achievement.achievement(
            line.get("actual"), target, line.get("direction") or "higher", line.get("cap")
        )
        tiers, mode = line.get("scale") or ((), False)
        payout = engine_payout.scale_payout(achievement, tiers, mode)
    if line.get("below_min_count"):
        # a rating KPI with fewer ratings than its minimum: it scores, it pays nothing
        payout = 0.0
    threshold = float(line.get("threshold") or 0.0)
    return {
        "target": target,
        "prorated": prorated,
        "achievement": achievement,
        "score": engine_achievement.line_score(achievement, line.get("weight")),
        "payout": payout,
        "below_threshold": achievement < threshold - EPSILON,
        "is_gate": bool(line.get("is_gate")),
    }


def compute(lines, factor=1.0, bonus_base=0.0, round_amount=None):
    """Every figure of a scorecard.

    :param lines: the line dicts (see the module's documentation)
    :param factor: the proration factor, see :func:`.proration.prorate_factor`
    :param bonus_base: the variable pay of the period at 100 % payout
    :param round_amount: the currency's rounding (``currency.round``); none by default
    :return: ``{"lines": [figures], "score": points, "bonus": amount}`` where each
        line's figures are those of :func:`line_figures` plus its rounded ``bonus``;
        the scorecard's bonus is the sum of the rounded line bonuses, rounded

    The seed's tailor example (as in :func:`.payout.scorecard_bonus`): a tailor's
    monthly bonus base is 1,000. Volume (pieces sewn, target 200, higher is better)
    weighs 70, has no scale and a threshold of 80 %; defect rate (target 2 %, lower is
    better, a ratio: not prorated) weighs 30, pays on a step scale and is a gate at
    50 % (more than 4 % defects: no bonus at all).

    >>> defect_scale = ([(80, 50), (100, 100), (120, 130)], "step")
    >>> def tailor(pieces, defects, factor=1.0):
    ...     lines = [
    ...         {"target": 200, "aggregation": "count", "actual": pieces, "weight": 70,
    ...          "direction": "higher", "cap": 150, "threshold": 80, "scale": None},
    ...         {"target": 2.0, "aggregation": "ratio", "actual": defects, "weight": 30,
    ...          "direction": "lower", "cap": 150, "threshold": 50, "scale": defect_scale,
    ...          "is_gate": True},
    ...     ]
    ...     result = compute(lines, factor, 1000.0, round_amount=round)
    ...     return (
    ...         [(line["target"], round(line["achievement"], 2), round(line["payout"], 2),
    ...           line["bonus"])
    ...          for line in result["lines"]],
    ...         round(result["score"], 2),
    ...         result["bonus"],
    ...     )

    220 pieces (110 %) and 2.0 % defects (100 %): 1000 × 70 % × 110 % = 770 and
    1000 × 30 % × 100 % = 300; score 110 × 0.7 + 100 × 0.3 = 107 points.

    >>> tailor(220, 2.0)
    ([(200.0, 110.0, 110.0, 770), (2.0, 100.0, 100.0, 300)], 107.0, 1070)

    150 pieces (75 %, under the volume threshold: the line pays nothing) and 2.5 %
    defects (80 %, first step: 1000 × 30 % × 50 % = 150):

    >>> tailor(150, 2.5)
    ([(200.0, 75.0, 75.0, 0), (2.0, 80.0, 50.0, 150)], 76.5, 150)

    260 pieces (130 %) and 1.6 % defects (125 %, top step, 130 %): 910 + 390.

    >>> tailor(260, 1.6)
    ([(200.0, 130.0, 130.0, 910), (2.0, 125.0, 130.0, 390)], 128.5, 1300)

    200 pieces (100 %) but 5 % defects (40 %): the quality gate is closed; the score
    still counts (100 × 0.7 + 40 × 0.3 = 82 points).

    >>> tailor(200, 5.0)
    ([(200.0, 100.0, 100.0, 0), (2.0, 40.0, 0.0, 0)], 82.0, 0)

    Sick 5 of 20 working days (factor 0.75): the volume target becomes 150 pieces,
    165 pieces are 110 %; the defect rate is not prorated.

    >>> tailor(165, 2.0, factor=0.75)
    ([(150.0, 110.0, 110.0, 770), (2.0, 100.0, 100.0, 300)], 107.0, 1070)

    Sick the whole month (factor 0): nothing to achieve, nothing scored, nothing paid
    (the gate line at 0 % closes the gate too).

    >>> tailor(0, 0.0, factor=0.0)
    ([(0.0, 0.0, 0.0, 0), (2.0, 0.0, 0.0, 0)], 0.0, 0)

    Amounts are rounded line by line, and the total is the sum of the rounded lines:

    >>> result = compute(
    ...     [{"target": 3, "actual": 1, "weight": 50}, {"target": 3, "actual": 1, "weight": 50}],
    ...     bonus_base=1000.0, round_amount=round,
    ... )
    >>> [line["bonus"] for line in result["lines"]], result["bonus"]
    ([167, 167], 334)

    No line, no score and no bonus:

    >>> compute([], bonus_base=1000.0)
    {'lines': [], 'score': 0.0, 'bonus': 0.0}
    """
    round_amount = round_amount or _identity
    lines = list(lines)
    figures = [line_figures(line, factor) for line in lines]
    payout_inputs = [
        {
            "weight": line.get("weight"),
            "achievement": figure["achievement"],
            "threshold": line.get("threshold"),
            "payout": figure["payout"],
            "is_gate": figure["is_gate"],
        }
        for line, figure in zip(lines, figures, strict=True)
    ]
    _total, bonuses = engine_payout.scorecard_bonus(payout_inputs, bonus_base)
    for figure, bonus in zip(figures, bonuses, strict=True):
        figure["bonus"] = round_amount(bonus)
    return {
        "lines": figures,
        "score": engine_achievement.total_score(figure["score"] for figure in figures),
        "bonus": round_amount(math.fsum(figure["bonus"] for figure in figures)),
    }
