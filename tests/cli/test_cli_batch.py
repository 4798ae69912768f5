"""`demozone score --jsonl PATH|-` and the plain batch function `make bench` times."""

from __future__ import annotations

import io
import json

from cli_support import to_json

from demozone.batch import BatchResult, score_lines
from demozone.core.inputs import parse_input
from demozone.core.scoring import score


def _lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines()]


def test_score_lines_writes_one_compact_scorecard_per_line_in_order(
    framework, sample_doc, passing_doc
):
    out = io.StringIO()
    result = score_lines([to_json(sample_doc), to_json(passing_doc)], out, framework)
    assert result == BatchResult(scored=2, failed=0)
    assert result.ok
    text = out.getvalue()
    assert ", " not in text.splitlines()[0][:200]  # compact separators
    assert "盐城市" in text  # ensure_ascii=False
    expected = [
        score(framework, parse_input(d, framework)).to_dict() for d in (sample_doc, passing_doc)
    ]
    assert _lines(text) == expected


def test_score_lines_accepts_utf8_bytes_and_counts_blank_lines(framework, sample_doc):
    out = io.StringIO()
    lines = [b"\n", to_json(sample_doc).encode() + b"\n", b"   \n", b'{"region": "\xc3\x28"}\n']
    result = score_lines(lines, out, framework)
    assert result == BatchResult(scored=1, failed=1)
    first, second = _lines(out.getvalue())
    assert first["region"] == "盐城市"
    assert second == {"line": 4, "errors": [{"path": "", "message": "不是 UTF-8 编码的文本"}]}


def test_bad_lines_are_reported_in_place_and_the_run_goes_on(cli, tmp_path, sample_doc, framework):
    invalid = dict(
        sample_doc, counts=dict(sample_doc["counts"], online_operators=-1, tips_total=800)
    )
    path = tmp_path / "批量.jsonl"
    path.write_text(
        "\n".join(
            [
                to_json(sample_doc),
                "",
                '{"region": ',
                to_json(invalid),
                "[1, 2]",
                to_json(sample_doc),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    result = cli("score", "--jsonl", path)
    assert result.exit_code == 2
    rows = _lines(result.stdout)
    assert len(rows) == 5
    expected = score(framework, parse_input(sample_doc, framework)).to_dict()
    assert rows[0] == expected and rows[4] == expected
    assert rows[1]["line"] == 3
    assert rows[1]["errors"][0]["path"] == ""
    assert rows[1]["errors"][0]["message"] == "不是有效的 JSON：第 11 列，此处应为一个值"
    assert rows[2] == {
        "line": 4,
        "errors": [
            {"path": "counts.online_operators", "message": "应为不小于 0 的数字，实际为 -1"},
            {
                "path": "counts.tips_verified_on_time",
                "message": "不能大于 counts.tips_total (880 > 800)",
            },
        ],
    }
    assert rows[3]["line"] == 5
    assert "评估数据应为一个映射" in rows[3]["errors"][0]["message"]
    assert "2 行已评分，3 行数据有误" in result.stderr


def test_a_batch_with_only_good_lines_exits_0(cli, tmp_path, sample_doc, passing_doc):
    path = tmp_path / "good.jsonl"
    path.write_text(to_json(sample_doc) + "\n" + to_json(passing_doc) + "\n", encoding="utf-8")
    result = cli("score", "--jsonl", path)
    assert result.exit_code == 0
    assert [row["passed"] for row in _lines(result.stdout)] == [False, True]
    assert result.stderr == ""


def test_a_dash_reads_the_lines_from_stdin(cli, sample_doc, passing_doc):
    stdin = "\n".join([to_json(passing_doc), "not json", to_json(sample_doc)]) + "\n"
    result = cli("score", "--jsonl", "-", input=stdin.encode())
    assert result.exit_code == 2
    rows = _lines(result.stdout)
    assert [row.get("region") for row in rows] == ["盐城市", None, "盐城市"]
    assert rows[0]["passed"] is True
    assert rows[1]["line"] == 2


def test_a_missing_jsonl_file_exits_2(cli, tmp_path):
    result = cli("score", "--jsonl", tmp_path / "无.jsonl")
    assert result.exit_code == 2
    assert "无.jsonl：文件或目录不存在" in result.stderr


def test_jsonl_and_input_files_cannot_be_mixed(cli, write, sample_doc, tmp_path):
    result = cli("score", "--jsonl", tmp_path / "x.jsonl", write(sample_doc))
    assert result.exit_code == 2
    assert "--jsonl 不能与评估数据文件同时使用" in result.stderr
