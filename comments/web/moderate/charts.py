"""Bar charts drawn on the server as inline SVG: no scripts, no third parties."""

from __future__ import annotations

from datetime import date

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 160
MARGIN_LEFT, MARGIN_BOTTOM, MARGIN_TOP = 36, 22, 8


def _nice_max(value: int) -> int:
    """A round top for the axis at or above `value`."""
    if value <= 5:
        return 5
    magnitude: int = 10 ** (len(str(value)) - 1)  # int ** int is typed Any (it may be a float)
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return value


def bar_chart(days: list[date], values: list[int], label: str) -> Markup:
    """One bar per day, with a title per bar for exact figures and an accessible summary."""
    top = _nice_max(max(values, default=0))
    plot_w = WIDTH - MARGIN_LEFT
    plot_h = HEIGHT - MARGIN_BOTTOM - MARGIN_TOP
    slot = plot_w / max(len(values), 1)
    bar_w = max(slot * 0.75, 1.0)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(label)}: {sum(values)} in {len(values)} days" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(label)}</title>",
    ]
    for fraction in (0, 0.5, 1):
        y = MARGIN_TOP + plot_h * (1 - fraction)
        parts.append(f'<line class="grid" x1="{MARGIN_LEFT}" x2="{WIDTH}" y1="{y:.1f}" '
                     f'y2="{y:.1f}" stroke="#d0d4da" stroke-width="1"/>')
        parts.append(f'<text x="{MARGIN_LEFT - 4}" y="{y + 4:.1f}" text-anchor="end" '
                     f'font-size="11" fill="#555">{top * fraction:g}</text>')
    for index, (day, value) in enumerate(zip(days, values, strict=True)):
        height = plot_h * value / top if top else 0
        x = MARGIN_LEFT + index * slot + (slot - bar_w) / 2
        y = MARGIN_TOP + plot_h - height
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" '
            f'height="{height:.1f}" fill="#2f6fb0"><title>{day.isoformat()}: {value}</title></rect>'
        )
    for index in (0, len(days) - 1):
        if 0 <= index < len(days):
            x = MARGIN_LEFT + index * slot + slot / 2
            anchor = "start" if index == 0 else "end"
            parts.append(f'<text x="{x:.1f}" y="{HEIGHT - 6}" text-anchor="{anchor}" '
                         f'font-size="11" fill="#555">{days[index].strftime("%d %b")}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - built from numbers and escaped text only
