"""The two charts: PNG images whose every label is drawn from a font that has the glyph."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from docx import Document
from fontTools.ttLib import TTCollection, TTFont
from PIL import Image

from conftest import require_system_deps
from demozone.reports import charts
from demozone.reports.charts import Rate, bar_chart, radar_chart
from demozone.reports.context import ReportError
from demozone.reports.docx import render_report
from demozone.reports.fonts import chart_font, match_font

RATES = [
    Rate("促进发展", Decimal("0.6")),
    Rate("规范监管", Decimal("0.94")),
    Rate("优化服务", Decimal("0.95")),
    Rate("探索创新", Decimal("0.9")),
    Rate("综合保障", Decimal(1)),
]
LABELS = "".join(r.name for r in RATES) + "自评得分率认定标准0123456789.%"


def _font_or_skip():
    found = chart_font()
    if found is None:
        require_system_deps()
        pytest.fail("fontconfig is installed but finds no Simplified-Chinese font")
    return found


def test_chart_font_covers_every_label_character() -> None:
    found = _font_or_skip()
    if found.path.suffix.lower() == ".ttc":
        font = TTCollection(str(found.path)).fonts[found.index]
    else:
        font = TTFont(str(found.path))
    cmap = font.getBestCmap()
    assert [c for c in LABELS if ord(c) not in cmap] == []
    assert found.family in (
        "Noto Sans CJK SC",
        "WenQuanYi Zen Hei",
        "Noto Serif CJK SC",
        "AR PL UKai CN",
    )


@pytest.mark.parametrize("draw", [bar_chart, radar_chart])
def test_charts_are_png_images_with_ink(draw) -> None:
    _font_or_skip()
    image = Image.open(io.BytesIO(draw(RATES, Decimal("0.75"))))
    assert image.format == "PNG"
    assert image.width >= 1200
    histogram = image.convert("L").histogram()
    assert sum(histogram[:100]) > 2000  # bars, lines and labels, not an empty canvas


def test_a_rate_below_the_threshold_is_drawn_in_red() -> None:
    _font_or_skip()
    image = Image.open(io.BytesIO(bar_chart(RATES, Decimal("0.75")))).convert("RGB")
    colours = {c for _, c in image.getcolors(maxcolors=1 << 20)}
    assert charts.BAR_LOW in colours
    above = Image.open(io.BytesIO(bar_chart(RATES[1:], Decimal("0.75")))).convert("RGB")
    # Only the dashed threshold line is red when every level passes; no red bar area.
    red = sum(n for n, c in above.getcolors(maxcolors=1 << 20) if c == charts.BAR_LOW)
    assert red < sum(n for n, c in image.getcolors(maxcolors=1 << 20) if c == charts.BAR_LOW) / 3


def test_gb_font_names_resolve_through_the_project_fontconfig() -> None:
    _font_or_skip()
    assert match_font("仿宋_GB2312").family == "Noto Serif CJK SC"
    assert match_font("黑体").family == "Noto Sans CJK SC"
    assert match_font("楷体_GB2312").family == "AR PL UKai CN"
    assert match_font("方正小标宋简体").path.name == "NotoSerifCJK-Bold.ttc"


def test_without_a_chinese_font_the_chart_is_refused_not_drawn_in_boxes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(charts, "chart_font", lambda: None)
    with pytest.raises(ReportError) as err:
        bar_chart(RATES, Decimal("0.75"))
    assert "未找到覆盖简体中文的字体" in err.value.problems[0].message


def test_report_without_a_chinese_font_says_why_the_charts_are_missing(
    monkeypatch: pytest.MonkeyPatch, ctx
) -> None:
    monkeypatch.setattr(charts, "chart_font", lambda: None)
    doc = Document(io.BytesIO(render_report(ctx)))
    assert len(doc.inline_shapes) == 0
    assert any(p.text.startswith("（图表从略：未找到覆盖简体中文的字体") for p in doc.paragraphs)
