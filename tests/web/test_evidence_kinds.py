"""An uploaded file's kind is judged from its content and structure, never from its name."""

from __future__ import annotations

import io
import zipfile

import pytest

from demozone.web.evidence.filenames import clean_filename, refuse_path
from demozone.web.evidence.kinds import Kind, Limits, RefusedError, detect

from . import evidence_files as files

LIMITS = Limits(max_entry_bytes=5 * 1024 * 1024, max_total_bytes=10 * 1024 * 1024)


def kind_of(data: bytes, limits: Limits = LIMITS) -> Kind:
    return detect(io.BytesIO(data), len(data), limits)


def refusal(data: bytes, limits: Limits = LIMITS) -> str:
    with pytest.raises(RefusedError) as caught:
        kind_of(data, limits)
    return caught.value.reason


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (files.pdf(), Kind.PDF),
        (files.ofd(), Kind.OFD),
        (files.doc(), Kind.DOC),
        (files.docx(), Kind.DOCX),
        (files.xls(), Kind.XLS),
        (files.xlsx(), Kind.XLSX),
        (files.jpg(), Kind.JPG),
        (files.png(), Kind.PNG),
        (files.zip_of({"a.pdf": files.pdf(), "照片/b.png": files.png()}), Kind.ZIP),
    ],
)
def test_every_accepted_kind_is_recognised_by_its_content(data, kind):
    assert kind_of(data) is kind


def test_an_elf_executable_is_refused_as_a_program():
    assert "可执行程序（ELF）" in refusal(files.elf())


def test_a_windows_executable_is_refused_as_a_program():
    assert "Windows 可执行程序" in refusal(files.exe())


def test_a_script_or_a_web_page_is_refused():
    assert "脚本" in refusal(b"#!/bin/sh\nrm -rf /\n")
    assert "网页" in refusal(b"  <!DOCTYPE html><html><script>alert(1)</script>")


def test_an_empty_file_is_refused():
    assert refusal(b"") == "文件是空的"


def test_a_truncated_pdf_is_refused():
    assert "不完整" in refusal(files.pdf()[:-8])


def test_plain_text_is_refused_naming_the_accepted_kinds():
    assert "PDF、OFD" in refusal("一份说明文字".encode())


def test_a_compound_file_that_is_neither_word_nor_excel_is_refused():
    assert "既不是 Word" in refusal(files.ole("PowerPoint Document"))


def test_a_word_file_with_macros_is_refused():
    assert "宏" in refusal(files.ole("WordDocument", "Macros"))


def test_a_corrupt_compound_file_is_refused():
    assert "损坏" in refusal(files.doc()[:520])


def test_an_office_file_other_than_word_or_excel_is_refused():
    pptx = files.zip_of({"[Content_Types].xml": b"<Types/>", "ppt/presentation.xml": b"<p/>"})
    assert "只接受 Word" in refusal(pptx)


def test_a_zip_bomb_is_refused_by_its_compression_ratio():
    assert "疑似压缩炸弹" in refusal(files.zip_bomb(megabytes=4))


def test_a_zip_expanding_past_the_entry_limit_is_refused():
    reason = refusal(
        files.zip_bomb(megabytes=6), Limits(max_entry_bytes=5 * 1024 * 1024, max_ratio=10**6)
    )
    assert "超过单个文件上限" in reason


def test_a_zip_expanding_past_the_total_limit_is_refused():
    data = files.zip_of({f"{i}.pdf": files.pdf(str(i)) for i in range(5)})
    limits = Limits(max_total_bytes=len(files.pdf()) * 3)
    assert "解压后共" in refusal(data, limits)


def test_a_zip_with_parent_directory_paths_is_refused():
    assert "“..”" in refusal(files.traversal_zip())


def test_a_zip_with_an_absolute_path_is_refused():
    assert "绝对路径" in refusal(files.zip_of({"/etc/passwd.pdf": files.pdf()}))


def test_a_zip_with_a_symlink_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        info = zipfile.ZipInfo("link.pdf")
        info.create_system = 3
        info.external_attr = 0o120777 << 16
        zf.writestr(info, "/etc/passwd")
    assert "符号链接" in refusal(out.getvalue())


def test_a_zip_with_too_many_entries_is_refused():
    data = files.zip_of({f"{i}.png": files.png() for i in range(12)})
    assert "文件过多" in refusal(data, Limits(max_entries=10))


def test_a_zip_hiding_an_executable_is_refused_naming_the_entry():
    data = files.zip_of({"说明.pdf": files.pdf(), "工具/setup.pdf": files.exe()})
    assert refusal(data).startswith("压缩包中的“工具/setup.pdf”：文件内容是 Windows 可执行程序")


def test_a_zip_inside_a_zip_is_refused():
    inner = files.zip_of({"a.pdf": files.pdf()})
    assert "嵌套压缩包" in refusal(files.zip_of({"inner.zip": inner}))


def test_a_word_file_inside_a_zip_is_checked_and_accepted():
    assert kind_of(files.zip_of({"方案.docx": files.docx(), "表.xls": files.xls()})) is Kind.ZIP


def test_an_encrypted_zip_entry_is_refused():
    data = bytearray(files.zip_of({"a.pdf": files.pdf()}, compression=zipfile.ZIP_STORED))
    # Set the "encrypted" flag in the local and the central header.
    for offset in (6, data.rfind(b"PK\x01\x02") + 8):
        data[offset] |= 1
    assert "已加密" in refusal(bytes(data))


def test_a_gbk_named_zip_entry_is_named_in_chinese():
    # Written as Chinese Windows tools do: GBK bytes, without the UTF-8 flag.
    gbk = "工作方案.exe".encode("gbk")
    placeholder = b"X" * (len(gbk) - 4) + b".exe"
    data = files.zip_of({placeholder.decode(): files.exe()}).replace(placeholder, gbk)
    assert "“工作方案.exe”" in refusal(data)


# --- names ------------------------------------------------------------------------------------


def test_a_path_traversal_name_is_refused():
    with pytest.raises(RefusedError, match="不能包含路径"):
        refuse_path("../../etc/passwd.pdf")
    with pytest.raises(RefusedError, match="不能包含路径"):
        refuse_path("..\\..\\windows\\system.ini.pdf")


def test_a_chinese_name_is_kept():
    assert clean_filename("盐城市网络市场监管工作方案（2023）.pdf", Kind.PDF) == (
        "盐城市网络市场监管工作方案（2023）.pdf"
    )


def test_control_and_direction_characters_are_removed():
    # U+202E would show "报告\u202efdp.exe" as "报告exe.pdf".
    assert clean_filename("报告\u202efdp.exe\x00\n.pdf", Kind.PDF) == "报告fdp.exe.pdf"


def test_a_name_whose_extension_disagrees_with_the_content_gets_the_contents():
    assert clean_filename("scan.doc", Kind.PDF) == "scan.doc.pdf"
    assert clean_filename("照片.JPEG", Kind.JPG) == "照片.jpeg"
    assert clean_filename("没有扩展名", Kind.XLSX) == "没有扩展名.xlsx"


def test_reserved_windows_names_and_characters_are_made_safe():
    assert clean_filename("CON.pdf", Kind.PDF) == "_CON.pdf"
    assert clean_filename('a<b>:c"|?*.pdf', Kind.PDF) == "a_b__c____.pdf"
    assert clean_filename(" . .pdf", Kind.PDF) == "未命名文件.pdf"


def test_a_long_name_is_cut_keeping_the_extension():
    name = clean_filename("很" * 300 + ".pdf", Kind.PDF)
    assert len(name) == 100 and name.endswith("很.pdf")
