"""The report's wording, shared by every format."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest

from demozone.core.loader import load_bundled
from demozone.reports.context import EvidenceRef, ReportContext, ReportError, context_from_document
from demozone.reports.model import (
    cn_ordinal,
    date_text,
    describe_path,
    figure_views,
    shortfall_summary,
    shortfall_views,
)
from demozone.reports.render import default_filename, render, write_file


def test_chinese_ordinals_for_headings() -> None:
    assert [cn_ordinal(n) for n in (1, 5, 10, 11, 20, 23)] == [
        "一",
        "五",
        "十",
        "十一",
        "二十",
        "二十三",
    ]


def test_date_is_written_in_arabic_numerals_without_leading_zeros() -> None:
    assert date_text(dt.date(2024, 6, 8)) == "2024年6月8日"


def test_input_paths_are_described_in_chinese() -> None:
    fw = load_bundled()
    assert describe_path(fw, "counts.tips_total") == "涉网违法案件线索举报数"
    assert describe_path(fw, "statistics.national.express_volume.2022") == "全国2022年快递业务量"
    assert (
        describe_path(fw, "judgments.36.2") == "36.2「成立示范区创建工作领导机构并运行有效」的判定"
    )
    assert describe_path(fw, "judgments.16") == "第16项的判定"


def test_shortfalls_are_exactly_the_indicators_below_their_points(ctx: ReportContext) -> None:
    views = shortfall_views(ctx)
    assert [v.number for v in views] == [
        i.number for i in ctx.scorecard.indicators if i.score < i.max
    ]
    by = {v.number: v for v in views}
    assert by[16].gaps == ("判定得 2.5 分（满分 3 分）（少 0.5 分）",)
    assert by[6].measures == ("对照打分标准，推动「网络市场消费贡献度」提升",)
    assert by[12].departments == "未提供"


def test_a_missing_judgment_names_the_sub_item_and_asks_for_a_decision(sample_input: dict) -> None:
    data = {
        **sample_input,
        "judgments": {k: v for k, v in sample_input["judgments"].items() if k != "36.2"},
    }
    view = next(v for v in shortfall_views(context_from_document(data)) if v.number == 36)
    assert view.gaps == (
        "36.2 缺少36.2「成立示范区创建工作领导机构并运行有效」的判定，暂不得分（少 1 分）",
    )
    assert view.measures == ("36.2 整理佐证材料，提请专家或牵头单位作出判定",)


def test_missing_data_asks_for_the_figure(sample_input: dict) -> None:
    counts = {k: v for k, v in sample_input["counts"].items() if k != "total_tax"}
    view = next(
        v
        for v in shortfall_views(context_from_document({**sample_input, "counts": counts}))
        if v.number == 8
    )
    assert view.measures == ("补报地区总税收额后重新评分",)


def test_shortfall_summary_names_the_level_below_its_rate(ctx: ReportContext) -> None:
    assert (
        shortfall_summary(ctx.scorecard)
        == "总分已达到 85 分的认定标准；「促进发展」得分率 60.00%，距 75.00% 尚差 3 分。"
    )


def test_figures_cover_the_input_and_nothing_national_that_it_did_not_give(
    ctx: ReportContext,
) -> None:
    paths = [f.path for f in figure_views(ctx)]
    assert "statistics.national.online_retail_growth.2022" in paths
    assert not any(p.startswith("statistics.national.online_retail_sales") for p in paths)
    assert len(paths) == len(set(paths))


def test_evidence_belongs_to_the_indicators_of_its_items() -> None:
    assert EvidenceRef("36-1", "t", ("36.2", "37.1"), "0" * 64, "f").indicators == (36, 37)
    assert EvidenceRef("1-1", "t", ("1.2022",), "0" * 64, "f").indicators == (1,)
    assert EvidenceRef("12-3", "t", (), "0" * 64, "f").indicators == (12,)


def test_issuer_defaults_to_the_leading_group_office(ctx: ReportContext) -> None:
    assert ctx.issuer_name == "盐城市创建全国网络市场监管与服务示范区工作领导小组办公室"


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_render_dispatches_by_format(ctx: ReportContext, fmt: str) -> None:
    names = zipfile.ZipFile(io.BytesIO(render(ctx, fmt))).namelist()
    assert ("word/document.xml" if fmt == "docx" else "xl/workbook.xml") in names
    assert (
        default_filename(ctx, fmt)
        == f"盐城市{'自评评分表' if fmt == 'xlsx' else '自评报告'}-20240628.{fmt}"
    )


def test_an_unknown_format_is_refused(ctx: ReportContext) -> None:
    with pytest.raises(ReportError) as err:
        render(ctx, "odt")
    assert err.value.problems[0].path == "format"
    assert "应为 docx、xlsx、pdf 之一" in err.value.problems[0].message


def test_write_file_writes_whole_or_not_at_all(tmp_path) -> None:
    target = tmp_path / "报告.docx"
    write_file(target, b"complete")
    assert target.read_bytes() == b"complete"
    with pytest.raises(ReportError):
        write_file(tmp_path / "no-such-dir" / "报告.docx", b"x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["报告.docx"]


def test_scores_are_decimals_end_to_end(ctx: ReportContext) -> None:
    assert ctx.scorecard.total == Decimal("87.5")
