"""Quantitative targets stated in running text: "到2025年，…护理型床位占比不低于55%".

A target is a number with a unit of measure in a clause of a forward-looking paragraph. Not targets: anything in
the review of the last period (sections titled 发展基础/回顾/成就/形势…, sentences about 截至/已经 or the previous
five-year plan), numbers inside quotes (“12345”热线, “1331”工程), ordinals (第27位), ranges (1-2所), durations and
service radii (15分钟, 5—10年), version numbers (计划2.0) and conditions (人口在1万人以上的乡镇).
"""

from __future__ import annotations

import bisect
import hashlib
import re

from ..read import Document, Paragraph
from ..schema import Row, new_row
from .outline import heading
from .text import squash

_UNITS = (
    "万人次", "人次", "万人", "万户", "万套", "万张", "万元", "亿元", "平方米", "公里", "千米", "公顷", "万亩", "亩",
    "‰", "%", "个", "所", "家", "人", "名", "户", "套", "张", "床", "次", "岁", "元", "座", "处", "条", "项", "支",
    "类", "种", "倍", "间", "辆", "台", "部", "米", "吨", "场", "块", "区", "村", "镇", "县", "只", "批", "分",
)  # fmt: skip
_UNIT = "|".join(sorted(_UNITS, key=len, reverse=True))
_CN_DIGIT = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_PRE = {
    "不低于": ">=", "不少于": ">=", "至少": ">=", "大于等于": ">=", "超过": ">", "高于": ">", "大于": ">",
    "不高于": "<=", "不超过": "<=", "控制在": "<=", "低于": "<", "小于": "<",
    "达到": "=", "达": "=", "提高到": "=", "提高至": "=", "提升到": "=", "提升至": "=", "增加到": "=", "增长到": "=",
    "保持在": "=", "稳定在": "=",
}  # fmt: skip
_POST = {"及以上": ">=", "以上": ">=", "左右": "~", "以内": "<=", "以下": "<="}
_PRE_RE = "|".join(sorted(_PRE, key=len, reverse=True))
# `\s{0,2}`, not `\s*`: tried from every position of a long run of spaces, `\s*` rescanned the run each time.
_VALUE = re.compile(
    rf"(?P<pre>{_PRE_RE})?\s{{0,2}}(?P<num>(?<!\d)\d+(?:\.\d+)?|[一两二三四五六七八九十](?=[所个家人名次处]))\s{{0,2}}"
    rf"(?P<unit>{_UNIT})\s{{0,2}}(?P<post>及以上|以上|左右|以内|以下)?"
)
# (?<!\d): a number starts where its digit run starts. A match can never begin inside a run (no unit starts with a
# digit), and without the guard the scan restarted from every digit of a long run: quadratic.
_HAS_NUMBER = re.compile(r"\d|至少|不少于|每")
_CLAUSE = re.compile(r"[^，,。；;：:！？!?]+")
_SENTENCE = re.compile(r"[^。；;！？!?]+[。；;！？!?]?")
_PAST_SECTION = re.compile(r"基础|回顾|成就|现状|形势|发展环境|背景")
_PAST_SENTENCE = re.compile(r"截至|截止|以来|过去|期间")
_PAST_CLAUSE = re.compile(r"已经|已达|已建成|已实现|已有")
_NEAR_PRE = re.compile(rf"({_PRE_RE})[^，,；;。]{{0,12}}$")
_NEAR = 20  # the longest _NEAR_PRE match (4 + 12 characters, or one more before a final newline), with margin
_METRIC_MAX = 40
_AFTER_END = re.compile(r"[和及与、，]|以及")
_LETTER = re.compile(r"[A-Za-z]")
_DIGIT = re.compile(r"\d")
_RANGE_AFTER = re.compile(r"\s*[-—~～至到]\s*\d|\.\d")
_FUTURE_YEAR = re.compile(r"(?:到|至|力争到|力争)\s*(20\d\d)\s*年|(20\d\d)\s*年(?:底|末)?前")
_PERIOD_END = re.compile(r"“十([一二三四五六七八九])五”(?:期末|末)")
_LEADING = re.compile(
    r"^(?:(?:到|至|力争到)\s*20\d\d\s*年(?:底|末)?|力争|确保|保持|保障|推进|推动|实现|使|全面|基本|逐步|努力|"
    r"进一步|持续|每年|全年|其中|同时|并|和|及|且|要|将|可|均|都|使得)+"
)
_ACTION = re.compile(
    r"(新建|改扩建|建成|建设|培育|孵化|引进|创建|打造|改造|提升改造|扩建|新增|招录|培训|开工|完成|实施|支持建设|启动建设)$"
)
_COMPARATOR_WORDS = re.compile(rf"{_PRE_RE}|原则上|重点")
_YEAR_WORDS = re.compile(r"(?:到|至)?\s*20\d\d\s*年(?:底|末)?")
_MEASURES = (
    "率", "比例", "比重", "占比", "数", "量", "面积", "规模", "总量", "人数", "水平", "指数", "寿命", "年限", "标准",
    "增速", "收入", "床位",
)  # fmt: skip
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|《[^》]*》")
_PLAN_NAMES = {2016: "十三", 2021: "十四", 2026: "十五", 2011: "十二"}


def _in_review(marks: list[tuple[int, bool]], line: int) -> bool:
    """Whether the last heading at or before `line` is a review section."""
    k = bisect.bisect_right(marks, (line, True))
    return marks[k - 1][1] if k else False


def _year(sentence: str) -> int | None:
    if m := _FUTURE_YEAR.search(sentence):
        return int(m[1] or m[2])
    if m := _PERIOD_END.search(sentence):
        return _period_end(m[1])
    return None


def _period_end(cn: str) -> int:
    """十三五 → 2020, 十四五 → 2025 (the N-th five-year plan ends in 1955 + 5N)."""
    return 1955 + 5 * (10 + "一二三四五六七八九".index(cn) + 1)


def _metric(before: str, after: str) -> str:
    """What is measured: a rate named before the number, else the thing counted after it (with its verb)."""
    before = _YEAR_WORDS.sub("", _LEADING.sub("", before.strip())).strip()
    before = re.sub(r"(?:的|为|是|要)$", "", before)
    if before.endswith(_MEASURES) or not after:
        return squash(before or after)
    action = _ACTION.search(before)
    if len(before) > 12:
        before = action[1] if action else ""
    return squash(_COMPARATOR_WORDS.sub("", before) + after)


def _targets_in(sentence: str, previous_plan: str) -> list[tuple[int, str, str, float, str, str]]:
    """(offset, metric, comparator, value, unit, clause) for each target in one sentence."""
    if (
        not _HAS_NUMBER.search(sentence)
        or _PAST_SENTENCE.search(sentence)
        or (previous_plan and f"“{previous_plan}五”" in sentence)
    ):
        return []
    masked = _QUOTED.sub(lambda m: "□" * len(m[0]), sentence)
    found = []
    for clause in _CLAUSE.finditer(masked):
        text, start = clause[0], clause.start()
        original = sentence[start : clause.end()]
        if _PAST_CLAUSE.search(text):
            continue
        previous_end, after_of = 0, _AfterWords(original)
        for m in _VALUE.finditer(text):
            if not _plausible(text, m):
                continue
            num = m["num"]
            value = _CN_DIGIT[num] if num in _CN_DIGIT else (float(num) if "." in num else int(num))
            near = _NEAR_PRE.search(text[max(0, m.start() - _NEAR) : m.start()])
            pre = m["pre"] or (near and near[1]) or ""
            comparator = _POST.get(m["post"] or "") or _PRE.get(pre, "=")
            after = after_of(m.end())
            before = re.sub(r"^(?:和|及|以及|、|与)", "", original[previous_end : m.start()].strip())
            previous_end = m.end()
            metric = _metric(before, after)
            if metric and len(metric) <= _METRIC_MAX:
                found.append((start + m.start(), metric, comparator, value, m["unit"], original.strip()))
    return found


class _AfterWords:
    """What follows a number up to the next 和/及/与/、/， (after its last 的), in time linear in the clause.

    The separator, the last 的 and the non-space positions are found once per stretch between separators and
    shared by every number in it. The words are cut after _METRIC_MAX + 1 non-space characters: a longer tail
    makes a metric longer than _METRIC_MAX (`squash` only removes spaces), rejected either way.
    """

    def __init__(self, text: str) -> None:
        self.text, self.stop, self.last_de, self.solid = text, -1, -1, [0]

    def __call__(self, end: int) -> str:
        text, begin = self.text, end
        while begin < len(text) and text[begin] in "的 ":
            begin += 1
        if self.stop < begin:
            sep = _AFTER_END.search(text, begin)
            self.stop = sep.start() if sep else len(text)
            self.last_de = text.rfind("的", begin, self.stop)
            self.solid = [i for i in range(begin, self.stop) if not text[i].isspace()]
        start = max(begin, self.last_de + 1)
        k = bisect.bisect_left(self.solid, start) + _METRIC_MAX
        return text[start : self.solid[k] + 1 if k < len(self.solid) else self.stop]


def _last(text: str, end: int) -> int:
    """The position after the last non-space character before `end` (what a `…\\s*$` look-back ends on)."""
    while end > 0 and text[end - 1].isspace():
        end -= 1
    return end


def _ordinal_or_range_end(text: str, k: int) -> bool:
    """Whether a number whose look-back ends at `k` is an ordinal, ends a range or follows a letter: 第27位, 1-2所, A5."""
    last = text[k - 1 : k]
    if last in ("第", "前", "近") or _LETTER.fullmatch(last):
        return True
    if not last or last not in "-—~～至到":
        return False
    j = _last(text, k - 1)
    return bool(_DIGIT.fullmatch(text[j - 1 : j]))


def _plausible(text: str, m: re.Match) -> bool:
    """Not an ordinal, a range, a duration, a condition or a version number."""
    num = m.start("num")
    before = text[max(0, num - _NEAR) : num]  # windows, not slices of the whole clause: linear on long lines
    if m["num"] in _CN_DIGIT and (before.endswith("每") or not re.search(r"(?:至少|不少于|每)[^，,]{0,10}$", before)):
        return False
    if m["unit"] == "岁" and m["post"] and not m["pre"] and not _NEAR_PRE.search(before):
        return False  # a condition: 70岁以上的老年人, 3岁以下婴幼儿
    k = _last(text, num)
    if _ordinal_or_range_end(text, k) or _RANGE_AFTER.match(text, m.end("num")):
        return False
    if text[k - 1 : k] == "在" and re.match(r"^(以上|以下)?的", (m["post"] or "") + text[m.end() : m.end() + 3]):
        return False
    return m["unit"] not in ("分",) or bool(re.match(r"^(以上|左右)", m["post"] or ""))


def extract_targets(
    doc: Document, plan_id: str, skip: set[int], sections: list[Row], period_start: int | None = None
) -> list[Row]:
    """Targets outside indicator tables (`skip`) and outside review sections of the outline."""
    marks = [(s["source_line"], bool(_PAST_SECTION.search(s["title_zh"]))) for s in sections]
    previous_plan = _PLAN_NAMES.get(period_start - 5) if period_start else ""
    rows: list[Row] = []
    taken: dict[str, int] = {}
    for para in doc.paragraphs():
        if para.source_line in skip or heading(para.text) or _in_review(marks, para.source_line):
            continue
        rows += _paragraph_targets(para, plan_id, previous_plan or "", taken)
    return rows


def _target_id(content: str, taken: dict[str, int]) -> str:
    """A short hash of what the target says: stable when text elsewhere in the document changes."""
    base = "t" + hashlib.sha1(content.encode("utf-8")).hexdigest()[:8]
    taken[base] = taken.get(base, 0) + 1
    return base if taken[base] == 1 else f"{base}-{taken[base]}"


def _paragraph_targets(para: Paragraph, plan_id: str, previous_plan: str, taken: dict[str, int]) -> list[Row]:
    rows = []
    for sentence in _SENTENCE.finditer(para.text):
        text = sentence[0]
        year = _year(text)
        for offset, metric, comparator, value, unit, clause in _targets_in(text, previous_plan):
            line = para.line_at(sentence.start() + offset)
            rows.append(
                new_row(
                    "targets",
                    plan_id=plan_id,
                    target_id=_target_id(f"{metric}|{value}|{unit}|{clause}", taken),
                    metric_zh=metric,
                    comparator=comparator,
                    value=value,
                    unit_zh=unit,
                    year=year,
                    sentence_zh=clause,
                    source_line=line,
                )
            )
    return rows
