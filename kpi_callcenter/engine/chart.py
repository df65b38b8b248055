"""Geometry of the small progress charts drawn as inline SVG (portal page, PDF statement).

Plain Python, no Odoo import: the QWeb templates only place the rectangles and labels
computed here, so the chart renders the same in a browser and in wkhtmltopdf, with no
JavaScript and no external library.
"""

import math

DEFAULT_WIDTH = 240
DEFAULT_HEIGHT = 90
LABEL_HEIGHT = 14


def scale_max(values, floor=120.0, step=30.0):
    """Top of the vertical axis: at least ``floor``, rounded up to a multiple of ``step``.

    >>> scale_max([80.0, 95.0])
    120.0
    >>> scale_max([80.0, 131.0])
    150.0
    >>> scale_max([])
    120.0
    >>> scale_max([None, 200.0])
    210.0
    """
    top = max([floor, *(float(v) for v in values if v is not None)])
    return math.ceil(top / step) * step


def bar_chart(values, width=DEFAULT_WIDTH, height=DEFAULT_HEIGHT, reference=100.0, slots=6):
    """Bars for up to ``slots`` values (oldest first), plus the y of a reference line.

    ``values`` are achievements in %; each bar is a dict with ``x``, ``y``, ``width``,
    ``height`` and ``label_x`` (centre of the bar, for its period label) in SVG user
    units; the plotting area is ``height - LABEL_HEIGHT`` high, the bottom strip holds
    the labels. Missing periods (fewer values than slots) leave room on the left, so
    the current period is always the rightmost bar. A value ``None`` (the KPI was not
    measured that period) keeps its slot with an empty bar flagged ``missing``.

    >>> chart = bar_chart([50.0, 100.0], width=120, height=74, slots=2)
    >>> chart["top"], chart["reference_y"], chart["plot_height"]
    (120.0, 10.0, 60)
    >>> [(b["x"], b["y"], b["width"], b["height"], b["label_x"]) for b in chart["bars"]]
    [(6.0, 35.0, 48.0, 25.0, 30.0), (66.0, 10.0, 48.0, 50.0, 90.0)]
    >>> len(bar_chart([10.0] * 8)["bars"])
    6
    >>> [(b["height"], b["missing"]) for b in bar_chart([None, 60.0], height=74, slots=2)["bars"]]
    [(0.0, True), (30.0, False)]
    """
    values = [None if v is None else float(v) for v in values][-slots:]
    plot_height = height - LABEL_HEIGHT
    top = scale_max(values)
    slot_width = width / slots
    bar_width = round(slot_width * 0.8, 2)
    offset = slots - len(values)
    bars = []
    for index, value in enumerate(values):
        slot_x = (offset + index) * slot_width
        missing = value is None
        bar_height = 0.0 if missing else round(min(max(value, 0.0), top) / top * plot_height, 2)
        bars.append(
            {
                "x": round(slot_x + (slot_width - bar_width) / 2, 2),
                "y": round(plot_height - bar_height, 2),
                "width": bar_width,
                "height": bar_height,
                "label_x": round(slot_x + slot_width / 2, 2),
                "value": value,
                "missing": missing,
            }
        )
    return {
        "bars": bars,
        "top": top,
        "plot_height": plot_height,
        "reference_y": round(plot_height - reference / top * plot_height, 2),
        "width": width,
        "height": height,
    }
