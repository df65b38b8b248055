"""Team pools: a KPI measured over a team, its bonus pooled and split among the members.

A plan line of scope ``team`` is measured over all the members of a team (the
employees under one manager, or of one department). :func:`compute` takes the
calculator inputs of every scorecard of one plan and period (as
:func:`.scorecard.compute` takes them) and the team of each card for each team line,
and returns every figure, team lines pooled:

1. each card is computed on its own (:func:`.scorecard.compute`): the member's own
   prorated target, achievement and score of the team line;
2. the team's actual and target (:func:`team_measure`): counts and sums add up; the
   target is the sum of the members' prorated targets, so it follows the team's size
   and absences; averages and ratios are the mean of the members' values weighted by
   their available days (a member without an available day does not count);
3. each card is computed again with the team line's actual and target set to the
   team's: the line's achievement, score and payout are the team's, and its bonus is
   the member's *contribution* (bonus base × weight × payout, gates and thresholds as
   the calculator applies them);
4. the contributions of the team's members add up to the *pool*, split among the
   members who share it (:func:`shares`, :func:`split_amount`): assessed, with an
   available day, a bonus base and no closed gate on their own scorecard ("no work,
   no bonus" applies to the share).

Plain Python, no Odoo import: the models gather the numbers and write the result.
"""

import math

from . import payout as engine_payout
from . import scorecard as engine_scorecard

EPSILON = 1e-9
SPLITS = ("equal", "by_score", "by_days")
SUMMED_AGGREGATIONS = ("count", "sum")


def _identity(amount):
    return amount


def team_measure(members, aggregation):
    """``(team actual, team target)`` of members ``{"actual", "target", "days"}``
    (``target``: the member's prorated target; ``days``: available days).

    Counts and sums add up, actuals and targets:

    >>> members = [{"actual": 299, "target": 230, "days": 23},
    ...            {"actual": 253, "target": 230, "days": 23},
    ...            {"actual": 174, "target": 200, "days": 20}]
    >>> team_measure(members, "count")
    (726.0, 660.0)

    Averages and ratios (a handle time, an answer rate) are weighted by the available
    days: (300 × 20 + 240 × 10) ÷ 30 = 280; a member without any available day does
    not count:

    >>> team_measure([{"actual": 300, "target": 280, "days": 20},
    ...               {"actual": 240, "target": 280, "days": 10},
    ...               {"actual": 0, "target": 280, "days": 0}], "avg")
    (280.0, 280.0)

    No available day at all: the plain mean.

    >>> team_measure([{"actual": 90, "target": 95, "days": 0},
    ...               {"actual": 80, "target": 95, "days": 0}], "ratio")
    (85.0, 95.0)
    >>> team_measure([], "avg")
    (0.0, 0.0)
    """
    members = list(members)
    if aggregation in SUMMED_AGGREGATIONS:
        return (
            math.fsum(float(member["actual"] or 0.0) for member in members),
            math.fsum(float(member["target"] or 0.0) for member in members),
        )
    weighted = [member for member in members if float(member.get("days") or 0.0) > EPSILON]
    if weighted:
        total_days = math.fsum(float(member["days"]) for member in weighted)
        return tuple(
            math.fsum(float(member[key] or 0.0) * float(member["days"]) for member in weighted) / total_days
            for key in ("actual", "target")
        )
    if not members:
        return 0.0, 0.0
    return tuple(
        math.fsum(float(member[key] or 0.0) for member in members) / len(members)
        for key in ("actual", "target")
    )


def shares(members, method):
    """Share of the pool (a fraction, summing to 1) of members ``{"eligible", "score",
    "days"}`` split by ``method``:

    - ``equal``: the same share for every member who shares the pool;
    - ``by_score``: in proportion to the member's individual score on the line (their
      own actual against their own prorated target);
    - ``by_days``: in proportion to their available days.

    A member who does not share the pool (not ``eligible``) gets 0.

    >>> members = [{"eligible": True, "score": 130, "days": 23},
    ...            {"eligible": True, "score": 110, "days": 23},
    ...            {"eligible": True, "score": 87, "days": 20}]
    >>> [round(share, 4) for share in shares(members, "equal")]
    [0.3333, 0.3333, 0.3333]
    >>> [round(share, 4) for share in shares(members, "by_score")]
    [0.3976, 0.3364, 0.2661]
    >>> [round(share, 4) for share in shares(members, "by_days")]
    [0.3485, 0.3485, 0.303]
    >>> shares([dict(members[0], eligible=False), members[1]], "by_days")
    [0.0, 1.0]

    Nobody scored (or no day recorded): the eligible members share equally; nobody
    eligible: no share at all.

    >>> shares([{"eligible": True, "score": 0, "days": 0}] * 2, "by_score")
    [0.5, 0.5]
    >>> shares([{"eligible": False, "score": 5, "days": 5}], "equal")
    [0.0]
    >>> shares(members, "by_age")
    Traceback (most recent call last):
    ...
    ValueError: split must be one of ('equal', 'by_score', 'by_days'), not 'by_age'
    """
    if method not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, not {method!r}")
    members = list(members)
    key = {"by_score": "score", "by_days": "days"}.get(method)
    weights = [
        (max(float(member.get(key) or 0.0), 0.0) if key else 1.0) if member.get("eligible") else 0.0
        for member in members
    ]
    total = math.fsum(weights)
    if total <= EPSILON:
        weights = [1.0 if member.get("eligible") else 0.0 for member in members]
        total = math.fsum(weights)
    if total <= EPSILON:
        return [0.0] * len(members)
    return [weight / total for weight in weights]


def split_amount(pool, fractions, round_amount=None):
    """The amounts of ``pool`` for the shares ``fractions``, rounded by ``round_amount``
    and summing to the pool: the rounding difference goes to the largest share (the
    first of equal ones).

    >>> split_amount(3300000, [130 / 327, 110 / 327, 87 / 327], round)
    [1311926, 1110092, 877982]
    >>> split_amount(100, [1 / 3] * 3, round)
    [34, 33, 33]
    >>> split_amount(0, [0.5, 0.5], round), split_amount(100, [0.0, 0.0], round)
    ([0, 0], [0.0, 0.0])
    """
    round_amount = round_amount or _identity
    fractions = list(fractions)
    if not fractions or math.fsum(fractions) <= EPSILON:
        return [0.0] * len(fractions)
    amounts = [round_amount(pool * fraction) for fraction in fractions]
    difference = round_amount(pool - math.fsum(amounts))
    if difference:
        largest = max(range(len(fractions)), key=lambda index: (fractions[index], -index))
        amounts[largest] = round_amount(amounts[largest] + difference)
    return amounts


def compute(cards, teams, round_amount=None):
    """Every figure of the scorecards of one plan and period, team lines pooled.

    :param cards: ``{card key: {"lines": {line key: line dict}, "factor", "base",
        "days"}}``: each card's calculator lines (see :mod:`.scorecard`), proration
        factor, bonus base (0 when not assessed) and available days
    :param teams: ``{line key: {"split": method, "members": {card key: team key}}}``,
        one entry per team line: the team of each card holding the line
    :param round_amount: the currency's rounding
    :return: ``{card key: {"lines": {line key: figures}, "score", "bonus"}}``; the
        figures are :func:`.scorecard.compute`'s, a team line's with the team's
        achievement, score and payout, the member's share as ``bonus`` and
        ``team_actual``, ``team_target``, ``team_size``, ``individual_target`` (the
        member's own prorated target), ``individual_achievement``,
        ``individual_score``, ``pool_base`` (the pool at a payout of 100 %),
        ``pool_amount``, ``pool_contribution`` and ``pool_share`` (%)

    The issue's example: three agents under one manager, a team line (sales, a count,
    weight 100, target 230 a month, no scale), a bonus base of 1,000,000 each; agent 3
    is on leave 3 of 23 working days (factor 20 ÷ 23: target 200). They sell 299, 253
    and 174: the team sold 726 of 230 + 230 + 200 = 660, 110 %. Each member
    contributes 1,000,000 × 100 % × 110 % = 1,100,000: a pool of 3,300,000.

    A team of one is the individual line:

    >>> result = compute(
    ...     {"a1": {"lines": {"sales": {"target": 230, "actual": 299, "weight": 100}},
    ...             "factor": 1.0, "base": 1000000.0, "days": 23}},
    ...     {"sales": {"split": "equal", "members": {"a1": "m"}}}, round)
    >>> figures = result["a1"]["lines"]["sales"]
    >>> [figures[key] for key in ("team_actual", "team_target", "team_size", "achievement")]
    [299.0, 230.0, 1, 130.0]
    >>> [figures[key] for key in ("pool_base", "pool_amount", "pool_share", "bonus")]
    [1000000, 1300000, 100.0, 1300000]

    >>> def team(split, **changes):
    ...     line = {"target": 230, "aggregation": "count", "weight": 100, "cap": 150}
    ...     cards = {
    ...         name: {"lines": {"sales": dict(line, actual=actual)}, "factor": factor,
    ...                "base": 1000000.0, "days": days}
    ...         for name, actual, factor, days in (
    ...             ("a1", 299, 1.0, 23), ("a2", 253, 1.0, 23), ("a3", 174, 20 / 23, 20))
    ...     }
    ...     for name, card_changes in changes.items():
    ...         cards[name].update(card_changes)
    ...     teams = {"sales": {"split": split, "members": dict.fromkeys(cards, "m")}}
    ...     result = compute(cards, teams, round)
    ...     return [result[name]["lines"]["sales"]["bonus"] for name in cards]

    Equal: 3,300,000 ÷ 3 = 1,100,000 each.

    >>> team("equal")
    [1100000, 1100000, 1100000]

    By score: their own achievements are 299 ÷ 230 = 130 %, 253 ÷ 230 = 110 % and
    174 ÷ 200 = 87 %: shares 130, 110 and 87 of 327; 3,300,000 × 130 ÷ 327 =
    1,311,926.6 → 1,311,927, × 110 ÷ 327 = 1,110,091.7 → 1,110,092, × 87 ÷ 327 =
    877,981.7 → 877,982: one too many, taken from the largest share.

    >>> team("by_score")
    [1311926, 1110092, 877982]

    By days: 23, 23 and 20 of 66 available days: 3,300,000 × 23 ÷ 66 = 1,150,000 and
    × 20 ÷ 66 = 1,000,000.

    >>> team("by_days")
    [1150000, 1150000, 1000000]

    Agent 3 not assessed (bonus base 0: no work, no bonus): no contribution, no share;
    the pool is 2,200,000 for the two others.

    >>> team("by_days", a3={"base": 0.0})
    [1100000, 1100000, 0]
    """
    round_amount = round_amount or _identity
    individual = {
        key: engine_scorecard.compute(card["lines"].values(), card["factor"], card["base"], round_amount)
        for key, card in cards.items()
    }
    individual_lines = {
        key: dict(zip(card["lines"], individual[key]["lines"], strict=True)) for key, card in cards.items()
    }
    # the team figures of each team line and team
    team_figures = {}
    for line_key, team in teams.items():
        by_team = {}
        for card_key, team_key in team["members"].items():
            if line_key in cards.get(card_key, {}).get("lines", {}):
                by_team.setdefault(team_key, []).append(card_key)
        for team_key, members in by_team.items():
            aggregation = cards[members[0]]["lines"][line_key].get("aggregation") or "count"
            actual, target = team_measure(
                (
                    {
                        "actual": cards[card_key]["lines"][line_key].get("actual"),
                        "target": individual_lines[card_key][line_key]["target"],
                        "days": cards[card_key].get("days"),
                    }
                    for card_key in members
                ),
                aggregation,
            )
            team_figures[(line_key, team_key)] = {"actual": actual, "target": target, "members": members}
    # each card again, its team lines measured on the team
    pooled = {}
    for key, card in cards.items():
        lines = {}
        for line_key, line in card["lines"].items():
            team_key = teams.get(line_key, {}).get("members", {}).get(key)
            figures = team_figures.get((line_key, team_key)) if line_key in teams else None
            if figures and float(card["factor"]) > EPSILON:
                line = dict(line, actual=figures["actual"], adjusted_target=figures["target"])
            lines[line_key] = line
        result = engine_scorecard.compute(lines.values(), card["factor"], card["base"], round_amount)
        pooled[key] = {
            "lines": dict(zip(lines, result["lines"], strict=True)),
            "inputs": lines,
            "score": result["score"],
        }
    # the pools and the shares
    for (line_key, _team_key), figures in team_figures.items():
        members = figures["members"]
        eligible = {card_key: _shares_pool(cards[card_key], pooled[card_key]) for card_key in members}
        fractions = shares(
            (
                {
                    "eligible": eligible[card_key],
                    "score": individual_lines[card_key][line_key]["score"],
                    "days": cards[card_key].get("days"),
                }
                for card_key in members
            ),
            teams[line_key]["split"],
        )
        pool = round_amount(math.fsum(pooled[card_key]["lines"][line_key]["bonus"] for card_key in members))
        pool_base = math.fsum(
            float(cards[card_key]["base"] or 0.0) * float(cards[card_key]["lines"][line_key].get("weight") or 0.0) / 100.0
            for card_key in members
            if eligible[card_key]
        )
        amounts = split_amount(pool, fractions, round_amount)
        for card_key, fraction, amount in zip(members, fractions, amounts, strict=True):
            line_figures = pooled[card_key]["lines"][line_key]
            own = individual_lines[card_key][line_key]
            line_figures.update(
                team_actual=figures["actual"],
                team_target=figures["target"],
                team_size=len(members),
                individual_target=own["target"],
                individual_achievement=own["achievement"],
                individual_score=own["score"],
                pool_base=round_amount(pool_base),
                pool_amount=pool,
                pool_contribution=line_figures["bonus"],
                pool_share=fraction * 100.0,
                bonus=amount,
            )
    return {
        key: {
            "lines": card["lines"],
            "score": card["score"],
            "bonus": round_amount(math.fsum(figures["bonus"] for figures in card["lines"].values())),
        }
        for key, card in pooled.items()
    }


def _shares_pool(card, result):
    """Whether a member shares the pool: a bonus base (assessed), an available day and
    no closed gate on their own scorecard."""
    if float(card["base"] or 0.0) <= EPSILON or float(card["factor"]) <= EPSILON:
        return False
    gate_lines = [
        {"is_gate": figures["is_gate"], "achievement": figures["achievement"],
         "threshold": result["inputs"][line_key].get("threshold")}
        for line_key, figures in result["lines"].items()
    ]
    return not engine_payout.gate_closed(gate_lines)
