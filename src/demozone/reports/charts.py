"""The report's two charts, drawn with Pillow in a CJK font so that no label is a box.

Pillow opens the exact face of a .ttc collection (Noto Sans CJK *SC*, not the Japanese face that
comes first in the file), costs one small dependency, and draws both charts in a few tens of
milliseconds. Shapes are drawn at twice the final size and scaled down, which smooths their edges.
"""

from __future__ import annotations

import io
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from PIL import Image, ImageDraw, ImageFont

from demozone.core.errors import Problem
from demozone.reports.context import ReportError
from demozone.reports.fonts import FontFile, chart_font

SCALE = 2
INK = (38, 38, 38)
GRID = (200, 200, 200)
BAR = (47, 85, 151)
BAR_LOW = (192, 0, 0)
THRESHOLD = (192, 0, 0)
AREA = (47, 85, 151, 70)
NO_FONT = "未找到覆盖简体中文的字体（请以 root 运行 scripts/system-deps.sh 安装 fonts-noto-cjk）"


@dataclass(frozen=True, slots=True)
class Rate:
    name: str
    rate: Decimal  # 0..1


def _font(font: FontFile, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font.path), size * SCALE, index=font.index)


def _png(image: Image.Image) -> bytes:
    small = image.resize((image.width // SCALE, image.height // SCALE), Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    small.convert("RGB").save(buf, format="PNG", dpi=(200, 200))
    return buf.getvalue()


def _dashed(
    draw: ImageDraw.ImageDraw,
    points: Sequence[tuple[float, float]],
    fill: tuple[int, ...],
    width: int,
    dash: int = 14,
) -> None:
    """A dashed polyline (Pillow has none)."""
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        length = math.hypot(x1 - x0, y1 - y0)
        steps = max(1, int(length // (dash * SCALE)))
        for i in range(0, steps, 2):
            a, b = i / steps, min(1.0, (i + 1) / steps)
            draw.line(
                [
                    (x0 + (x1 - x0) * a, y0 + (y1 - y0) * a),
                    (x0 + (x1 - x0) * b, y0 + (y1 - y0) * b),
                ],
                fill=fill,
                width=width,
            )


def _pct(rate: Decimal) -> str:
    return f"{rate * 100:.2f}%"


def _legend(
    draw: ImageDraw.ImageDraw,
    x: float,
    y: float,
    threshold: Decimal,
    font: ImageFont.FreeTypeFont,
    *,
    bar: bool,
) -> None:
    """Two keys side by side: the score rates, and the dashed threshold."""
    gap = 300 * SCALE
    if bar:
        draw.rectangle([x, y + 4 * SCALE, x + 80 * SCALE, y + 28 * SCALE], fill=BAR)
    else:
        draw.line(
            [(x, y + 16 * SCALE), (x + 80 * SCALE, y + 16 * SCALE)], fill=BAR, width=4 * SCALE
        )
    draw.text((x + 95 * SCALE, y + 16 * SCALE), "自评得分率", font=font, fill=INK, anchor="lm")
    _dashed(
        draw,
        [(x + gap, y + 16 * SCALE), (x + gap + 80 * SCALE, y + 16 * SCALE)],
        THRESHOLD,
        3 * SCALE,
        dash=10,
    )
    draw.text(
        (x + gap + 95 * SCALE, y + 16 * SCALE),
        f"认定标准 {_pct(threshold)}",
        font=font,
        fill=THRESHOLD,
        anchor="lm",
    )


def bar_chart(rates: Sequence[Rate], threshold: Decimal, font: FontFile | None = None) -> bytes:
    """Each first-level indicator's score rate as a bar, against the threshold line."""
    face = font or _require_font()
    w, h = 1500 * SCALE, 860 * SCALE
    image = Image.new("RGB", (w, h), "white")
    draw = ImageDraw.Draw(image)
    label, small = _font(face, 30), _font(face, 26)
    left, right, top, bottom = 130 * SCALE, 60 * SCALE, 130 * SCALE, 110 * SCALE
    plot_h = h - top - bottom

    def y_of(rate: float) -> float:
        return top + plot_h * (1 - rate)

    for tick in range(0, 101, 20):
        y = y_of(tick / 100)
        draw.line([(left, y), (w - right, y)], fill=GRID, width=SCALE)
        draw.text((left - 16 * SCALE, y), f"{tick}%", font=small, fill=INK, anchor="rm")
    draw.line([(left, top), (left, h - bottom)], fill=INK, width=2 * SCALE)
    draw.line([(left, h - bottom), (w - right, h - bottom)], fill=INK, width=2 * SCALE)

    slot = (w - left - right) / max(1, len(rates))
    bar_w = slot * 0.5
    for i, item in enumerate(rates):
        cx = left + slot * (i + 0.5)
        value = float(item.rate)
        colour = BAR if item.rate >= threshold else BAR_LOW
        draw.rectangle([cx - bar_w / 2, y_of(value), cx + bar_w / 2, h - bottom], fill=colour)
        draw.text(
            (cx, y_of(value) - 10 * SCALE), _pct(item.rate), font=small, fill=INK, anchor="md"
        )
        draw.text((cx, h - bottom + 18 * SCALE), item.name, font=label, fill=INK, anchor="ma")

    ty = y_of(float(threshold))
    _dashed(draw, [(left, ty), (w - right, ty)], THRESHOLD, 3 * SCALE)
    _legend(draw, w / 2 - 300 * SCALE, 24 * SCALE, threshold, small, bar=True)
    return _png(image)


def radar_chart(rates: Sequence[Rate], threshold: Decimal, font: FontFile | None = None) -> bytes:
    """The score rates on a radar, with the threshold as a dashed ring."""
    face = font or _require_font()
    w, h = 1300 * SCALE, 1020 * SCALE
    image = Image.new("RGBA", (w, h), "white")
    draw = ImageDraw.Draw(image)
    label, small = _font(face, 30), _font(face, 24)
    cx, cy, radius = w / 2, h / 2 + 30 * SCALE, 380 * SCALE
    n = max(3, len(rates))

    def point(index: int, rate: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * index / n
        return cx + radius * rate * math.cos(angle), cy + radius * rate * math.sin(angle)

    for ring in (0.2, 0.4, 0.6, 0.8, 1.0):
        pts = [point(i, ring) for i in range(n)]
        draw.polygon(pts, outline=GRID, width=SCALE)
        draw.text(
            (cx + 6 * SCALE, point(0, ring)[1]),
            f"{round(ring * 100)}%",
            font=small,
            fill=(120, 120, 120),
            anchor="lm",
        )
    for i in range(n):
        draw.line([(cx, cy), point(i, 1.0)], fill=GRID, width=SCALE)

    bound = [point(i, float(threshold)) for i in range(n)]
    _dashed(draw, [*bound, bound[0]], THRESHOLD, 3 * SCALE, dash=10)

    overlay = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    area = [point(i, float(item.rate)) for i, item in enumerate(rates)]
    if len(area) >= 3:
        ImageDraw.Draw(overlay).polygon(area, fill=AREA)
        image.alpha_composite(overlay)
        draw = ImageDraw.Draw(image)
        draw.polygon(area, outline=BAR, width=4 * SCALE)
    for x, y in area:
        draw.ellipse([x - 8 * SCALE, y - 8 * SCALE, x + 8 * SCALE, y + 8 * SCALE], fill=BAR)

    for i, item in enumerate(rates):
        x, y = point(i, 1.16)
        anchor = "mm" if abs(x - cx) < 40 * SCALE else ("lm" if x > cx else "rm")
        colour = INK if item.rate >= threshold else BAR_LOW
        draw.multiline_text(
            (x, y),
            f"{item.name}\n{_pct(item.rate)}",
            font=label,
            fill=colour,
            anchor=anchor,
            align="center",
            spacing=6 * SCALE,
        )
    _legend(draw, 60 * SCALE, 24 * SCALE, threshold, small, bar=False)
    return _png(image)


def _require_font() -> FontFile:
    found = chart_font()
    if found is None:
        raise ReportError([Problem("图表", NO_FONT)])
    return found
