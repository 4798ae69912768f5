"""`demozone validate FILE`: every problem at once, or 「校验通过」."""

from __future__ import annotations


def test_a_valid_file_passes(cli, write, sample_doc):
    path = write(sample_doc)
    result = cli("validate", path)
    assert result.exit_code == 0
    assert result.stdout.startswith(f"校验通过：{path}")
    assert "盐城市（东部）" in result.stdout
    assert "尚有 47 个评分项缺数据或待判定" in result.stdout


def test_a_complete_file_does_not_mention_open_items(cli, write, passing_doc):
    result = cli("validate", write(passing_doc, "完整.json"))
    assert result.exit_code == 0
    assert "校验通过" in result.stdout
    assert "尚有" not in result.stdout


def test_every_problem_is_listed_with_its_path(cli, write, sample_doc):
    sample_doc["countz"] = {"online_operators": 1}
    sample_doc["counts"]["online_operators"] = -5
    sample_doc["counts"]["monitoring_checked_timely"] = 301
    sample_doc["rates"]["region"]["satisfaction"] = 120
    path = write(sample_doc)
    result = cli("validate", path)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert f"{path}：评估数据有误（共 4 处）：" in result.stderr
    for line in (
        "  - countz: 未知字段（可能是拼写错误）",
        "  - counts.online_operators: 应为不小于 0 的数字，实际为 -5",
        "  - counts.monitoring_checked_timely: 不能大于 counts.monitoring_total (301 > 300)",
        "  - rates.region.satisfaction: 百分比应在 0—100 之间，实际为 120",
    ):
        assert line in result.stderr.splitlines()


def test_a_yaml_syntax_error_names_the_file_and_the_line(cli, tmp_path):
    path = tmp_path / "数据.yaml"
    path.write_text("counts:\n  tips_total: [1, 2\n", encoding="utf-8")
    result = cli("validate", path)
    assert result.exit_code == 2
    assert str(path) in result.stderr
    assert "不是有效的 YAML：第" in result.stderr
    assert "Traceback" not in result.output


def test_a_json_syntax_error_names_the_file_and_the_position(cli, tmp_path):
    path = tmp_path / "数据.json"
    path.write_text('{"region": {"name": "盐城市",}}', encoding="utf-8")
    result = cli("validate", path)
    assert result.exit_code == 2
    assert f"{path} 不是有效的 JSON：第 1 行" in result.stderr


def test_a_missing_file_is_reported_in_chinese(cli, tmp_path):
    path = tmp_path / "缺失.yaml"
    result = cli("validate", path)
    assert result.exit_code == 2
    assert result.stderr.strip() == f"无法读取 {path}：文件或目录不存在"


def test_an_empty_file_is_reported_as_empty(cli, tmp_path):
    path = tmp_path / "空.yaml"
    path.write_text("\n", encoding="utf-8")
    result = cli("validate", path)
    assert result.exit_code == 2
    assert f"{path} 是空文件" in result.stderr


def test_a_document_that_is_not_a_mapping_is_invalid(cli, tmp_path):
    path = tmp_path / "list.yaml"
    path.write_text("- 1\n- 2\n", encoding="utf-8")
    result = cli("validate", path)
    assert result.exit_code == 2
    assert "评估数据应为一个映射" in result.stderr


def test_a_directory_is_not_a_file(cli, tmp_path):
    result = cli("validate", tmp_path)
    assert result.exit_code == 2
    assert "这是一个目录，不是文件" in result.stderr
