"""A hostile plan document: markup, template and MkDocs syntax wherever extraction picks text up.

Every payload either calls `alert` (a dialog in the browser means it ran) or would change the page's
structure if it were interpreted (a link, a heading, an admonition, an attribute, a hidden comment).
"""

from __future__ import annotations

import yaml

PLAN_ID = "hostile-2021-plan"
SOURCE = "hostile_0000000000000000.txt"

TITLE = "规划</title><script>alert('xss-title')</script>{{ 7*7 }}"
REGION = "<img src=x onerror=alert('xss-region')>"

# Section headings: short, not ending in 。；， and not in a table of contents.
SECTIONS = [
    "<script>alert('xss-sec1')</script>",
    "<img src=x onerror=alert('xss-sec2')>",
    "<iframe src=javascript:alert(1)>",
    "{: onclick=\"alert('xss-sec4')\" }",
    '!!! danger "xss-sec5"',
    "<!-- xss-sec6 hidden -->可见",
    '--8<-- "README.md"',
    "{{ 7*7 }}{% if 1 %}x{% endif %}",
    "**粗体** _斜体_ `代码` # 井号 | 竖线",
]

# Indicator rows: (name, baseline cell, target cell); names end in a unit so that % rows reach the chart.
INDICATORS = [
    ("<script>alert('xss-ind1')</script>比率（%）", "50", "≥60"),
    ("<img src=x onerror=alert('xss-ind2')>覆盖率（%）", "40", "55"),
    ("[点我](javascript:alert('xss-ind3'))占比（%）", "30", "35"),
    ("{: onclick=\"alert('xss-ind4')\" }达标率（%）", "20", "25"),
    ("{{ 7*7 }}{% raw %}人数（人）", "<iframe src=javascript:alert('xss-cell1')></iframe>", "{{ 7*7 }}"),
    ("<!-- xss-ind6 -->床位数（张）", "**9** | 9", "!!! note"),
    ('--8<-- "mkdocs.yml"数量（个）', "=1+1", "@SUM(A1)"),
]
DOMAIN = "<s>x-dom</s>"

PROJECT_BOX = "专栏1 <script>alert('xss-box')</script>重点工程"
PROJECTS = [
    "1.<img src=x onerror=alert('xss-prj1')>工程。建设**示范**项目{{ 7*7 }}。",
    "2.[链接](javascript:alert('xss-prj2'))工程。{: onclick=\"alert('xss-prj3')\" }实施改造。",
]
TARGET_SENTENCE = "到2025年，<script>alert('xss-tgt')</script>覆盖率达到95%以上，{{ 7*7 }}人数达到10万人。"

# What must show literally: every string above, as the reader wrote it.
LITERALS = [*SECTIONS, *(n.rsplit("（", 1)[0] for n, _, _ in INDICATORS), *(c for _, b, t in INDICATORS for c in (b, t))]


def _table() -> list[str]:
    lines = ["表1 主要指标", "\t指标", "\t2020年", "\t2025年", "\t指标属性", "", f"\t{DOMAIN}", ""]
    for n, (name, baseline, target) in enumerate(INDICATORS, start=1):
        lines += [f"\t({n}){name}", f"\t{baseline}", f"\t{target}", "\t约束性", ""]
    return lines


def document() -> str:
    """The hostile document's text, shaped like a real plan (headings, an indicator table, a box, targets)."""
    chapters = ["第一章", "第二章", "第三章", "第四章", "第五章", "第六章", "第七章", "第八章", "第九章"]
    lines = [TITLE, "", "前 言", ""]
    for label, heading in zip(chapters, SECTIONS, strict=True):
        lines += [f"{label}  {heading}", "规划正文。", ""]
    lines += _table()
    lines += [PROJECT_BOX, *PROJECTS, "", TARGET_SENTENCE, ""]
    return "\n".join(lines)


def registry_entry() -> str:
    """The hostile plan's entry for datasets/plans.yaml (appended under `plans:`)."""
    entry = {
        "plan_id": PLAN_ID,
        "source": SOURCE,
        "title_zh": TITLE,
        "issuer_zh": "<script>alert('xss-issuer')</script>",
        "region_zh": REGION,
        "region_code": "149900",
        "level": "city",
        "period_start": 2021,
        "period_end": 2025,
    }
    text = yaml.safe_dump([entry], allow_unicode=True, sort_keys=False)
    return "\n" + "".join(f"  {line}\n" for line in text.splitlines())
