# Copyright 2026 KPI Call Center
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Colour bands of a KPI line: red below the threshold, amber below the target, green
from the target (achievement in %)."""

EPSILON = 1e-9


def band(achievement, red_below, green_from=100.0):
    """``"red"``, ``"amber"`` or ``"green"`` for ``achievement`` % and the band limits.

    >>> band(79.9, 80.0)
    'red'
    >>> band(80.0, 80.0)
    'amber'
    >>> band(100.0, 80.0)
    'green'
    >>> band(95.0, 0.0, 95.0)
    'green'
    """
    if achievement < red_below - EPSILON:
        return "red"
    if achievement < green_from - EPSILON:
        return "amber"
    return "green"
