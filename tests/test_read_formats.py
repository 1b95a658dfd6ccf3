"""Plans as governments publish them: text in UTF-8, GB18030 or Big5, and HTML pages whose tables are read as tables."""

from __future__ import annotations

import pytest

from planpub.errors import PlanError
from planpub.extract import extract
from planpub.read import read_document

TABLE_PAGE = """<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>规划</title>
<script>var x = "<td>不是表格</td>";</script></head>
<body><p>晋城市“十四五”公共服务规划</p>
<table>
<tr><th>领域</th><th>指标</th><th>单位</th><th>2020年</th><th>2025年</th><th>属性</th></tr>
<tr><td rowspan="2">幼有所育</td><td>每千人口拥有3岁以下婴幼儿托位数</td><td>个</td><td>1.8</td><td>4.5</td><td>预期性</td></tr>
<tr><td>普惠性幼儿园覆盖率</td><td>%</td><td colspan="2">&mdash;</td><td>约束性</td></tr>
<tr><td>病有所医</td><td>城乡低保平均保障标准年度增速</td><td>%</td><td>城市6.2<br>农村8.2</td><td>&ge;6</td><td>预期性</td></tr>
</table>
<p>二、重点任务</p></body></html>
"""


def read(tmp_path, data: bytes, name: str = "plan.txt"):
    path = tmp_path / name
    path.write_bytes(data)
    return read_document(path)


def test_text_in_gb18030_or_big5_is_decoded_and_its_encoding_recorded(tmp_path):
    gb = read(tmp_path, "到2025年，养老机构护理型床位占比达到55%。\n".encode("gb18030"))
    assert (gb.encoding, gb.lines[0]) == ("gb18030", "到2025年，养老机构护理型床位占比达到55%。")
    big5 = read(tmp_path, "到2025年，養老機構護理型床位佔比達到55%，全面實現規劃目標。\n".encode("big5"), "big5.txt")
    assert (big5.encoding, big5.script) == ("big5", "traditional")
    assert big5.lines[0].startswith("到2025年，养老机构护理型床位")
    plan = extract(gb, {"plan_id": "t"})["plans"][0]
    assert plan["source_encoding"] == "gb18030"


def test_an_html_page_in_its_declared_charset_gives_its_table_rows_with_spans_expanded(tmp_path):
    doc = read(tmp_path, TABLE_PAGE.encode("gb18030"), "page.txt")  # an HTML page, whatever its file is called
    assert (doc.format, doc.encoding) == ("html", "gb18030")
    assert "不是表格" not in "\n".join(doc.lines)
    rows = extract(doc, {"plan_id": "t"})["indicators"]
    got = [
        (r["domain_zh"], r["name_zh"], r["unit_zh"], r["baseline_raw"], r["target_raw"], r["attribute"], r["source_line"])
        for r in rows
    ]
    assert got == [
        ("幼有所育", "每千人口拥有3岁以下婴幼儿托位数", "个", "1.8", "4.5", "expected", 7),
        ("幼有所育", "普惠性幼儿园覆盖率", "%", "—", "", "binding", 8),
        ("病有所医", "城乡低保平均保障标准年度增速", "%", "城市6.2 / 农村8.2", "≥6", "expected", 9),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("规划".encode() + b"\xff\xff\n", "neither UTF-8, GB18030 nor Big5 (byte 0xff at offset 6)"),
        (
            b'<html><meta charset="utf-8"><p>' + "规划".encode("gb18030") + b"</p></html>",
            "not valid utf-8 (declared charset utf-8) (byte 0xb9 at offset",
        ),
    ],
)
def test_bytes_that_do_not_decode_are_an_error_naming_the_offset_never_replaced(tmp_path, data, message):
    with pytest.raises(PlanError) as error:
        read(tmp_path, data)
    assert message in error.value.message
