# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A tiny SVG line chart: enough for the benchmark plots, without plotting libraries in the toolchain."""

from __future__ import annotations

import math
from xml.sax.saxutils import escape

FONT = 'font-family="sans-serif" font-size="12"'


def nice_ticks(top, count=5):
    """Round tick values from 0 to at least `top`."""
    if top <= 0:
        return [0, 1]
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    ticks = [0.0]
    while ticks[-1] < top:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def _label(value):
    return ("%d" % value) if float(value).is_integer() else ("%g" % value)


class Panel:
    """One chart area: axes from 0, series of (x, y) points drawn as lines with markers."""

    def __init__(self, left, top, width, height, title, xlabel, ylabel):
        self.box = (left, top, width, height)
        self.title, self.xlabel, self.ylabel = title, xlabel, ylabel
        self.series = []

    def add(self, label, points, color, dashed=False, markers=True):
        self.series.append((label, sorted(points), color, dashed, markers))

    def svg(self):
        left, top, width, height = self.box
        points_of_all = [point for series in self.series for point in series[1]]
        xs = [x for x, _y in points_of_all]
        ys = [y for _x, y in points_of_all]
        xticks, yticks = nice_ticks(max(xs or [1])), nice_ticks(max(ys or [1]))
        xmax, ymax = xticks[-1], yticks[-1]

        def px(x):
            return left + width * x / xmax

        def py(y):
            return top + height - height * y / ymax

        out = ['<text x="%.1f" y="%.1f" %s font-weight="bold">%s</text>' % (left, top - 12, FONT, escape(self.title))]
        for y in yticks:
            out.append(
                '<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ddd"/>' % (left, py(y), left + width, py(y))
            )
            out.append(
                '<text x="%.1f" y="%.1f" %s text-anchor="end">%s</text>' % (left - 6, py(y) + 4, FONT, _label(y))
            )
        for x in xticks:
            out.append(
                '<text x="%.1f" y="%.1f" %s text-anchor="middle">%s</text>'
                % (px(x), top + height + 16, FONT, _label(x))
            )
        out.append(
            '<path d="M%.1f %.1f V%.1f H%.1f" fill="none" stroke="#333"/>' % (left, top, top + height, left + width)
        )
        out.append(
            '<text x="%.1f" y="%.1f" %s text-anchor="middle">%s</text>'
            % (left + width / 2, top + height + 34, FONT, escape(self.xlabel))
        )
        out.append(
            '<text transform="translate(%.1f %.1f) rotate(-90)" %s text-anchor="middle">%s</text>'
            % (left - 44, top + height / 2, FONT, escape(self.ylabel))
        )
        for index, (label, points, color, dashed, markers) in enumerate(self.series):
            path = " ".join(("M" if i == 0 else "L") + "%.1f %.1f" % (px(x), py(y)) for i, (x, y) in enumerate(points))
            dash = ' stroke-dasharray="6 4"' if dashed else ""
            out.append('<path d="%s" fill="none" stroke="%s" stroke-width="2"%s/>' % (path, color, dash))
            if markers:
                out.extend('<circle cx="%.1f" cy="%.1f" r="3.5" fill="%s"/>' % (px(x), py(y), color) for x, y in points)
            legend_y = top + 8 + 16 * index
            out.append(
                '<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="2"%s/>'
                % (left + 10, legend_y, left + 30, legend_y, color, dash)
            )
            out.append('<text x="%.1f" y="%.1f" %s>%s</text>' % (left + 36, legend_y + 4, FONT, escape(label)))
        return "\n".join(out)


def document(width, height, panels, caption=""):
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d">'
        % (width, height, width, height),
        '<rect width="100%" height="100%" fill="white"/>',
    ]
    parts.extend(panel.svg() for panel in panels)
    if caption:
        parts.append('<text x="10" y="%d" %s fill="#555">%s</text>' % (height - 8, FONT, escape(caption)))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
