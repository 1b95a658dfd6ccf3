"""Quantitative targets stated in running text: "到2025年，…护理型床位占比不低于55%".

A target is a number with a unit of measure in a clause of a forward-looking paragraph, and its metric is the subject
the number measures, in the sentence's own words, readable on its own:

- `X达到/不低于/控制在 N`: X (`护理型床位占比不低于55%` → 护理型床位占比);
- an action and what it makes: `新建12个殡仪馆` → 新建殡仪馆; `新建幼儿园25所、改扩建26所` → 改扩建幼儿园 (the object
  is shared with a sibling);
- a share: `70%的三级医院和50%的县级综合医院开通互联网医疗服务` → 三级医院开通互联网医疗服务的比例, and the same for
  县级综合医院;
- an enumeration: `A、B、C分别下降到x、y、z` → one target per metric (a shared head such as 死亡率 is distributed).

Not targets (each dropped with its reason, see `Dropped`): anything in the review of the last period (sections titled
发展基础/回顾/成就/形势…, sentences about 截至/已经 or the previous five-year plan), lines of tables and page furniture,
numbers inside quotes (“12345”热线, “1331”工程), ordinals (第27位), ranges (1-2所), durations and service radii
(15分钟, 5—10年, 50公里半径), version numbers (计划2.0), conditions (人口在1万人以上的乡镇, 65岁以上, 有30名以上残疾人的
社区), counts of listed items or checks (重点检查14项内容), statements of scope (实施范围包括…26个县), and any number whose
metric would not read on its own: a bare verb, a name starting with a particle, two characters or fewer, or table
header words.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..read import Document, Paragraph
from ..schema import Row, new_row
from .outline import heading
from .rows import SUB_ITEM
from .text import cn_number, squash

_UNITS = (
    "个百分点", "百分点", "平方公里", "平方米", "立方米", "公顷", "公里", "千米", "千克", "千瓦", "万亩", "亩",
    "人次", "‰", "%", "个", "所", "家", "人", "名", "户", "套", "张", "床", "次", "岁", "元", "座", "处", "条", "项",
    "支", "类", "种", "倍", "间", "辆", "台", "部", "米", "吨", "场", "块", "区", "村", "镇", "县", "只", "批", "分",
    "微克/立方米", "毫克/升", "年", "村落", "本", "册", "册件", "件", "位", "班", "艘", "架", "棵", "株",
)  # fmt: skip
# A magnitude before a unit (万人, 亿元, 万平方公里); `/10万` is a rate per 100,000 (30/10万 → unit 1/10万).
_BASE_UNIT = "|".join(sorted(_UNITS, key=len, reverse=True))
_UNIT = rf"(?:[万亿千](?=(?:{_BASE_UNIT})))?(?:{_BASE_UNIT})|万(?![\d.])|亿(?![\d.])"  # 惠及2750万城乡居民: 万 alone
_RATE_UNIT = r"/(?:10万|十万|万)"
_PRE = {
    "不低于": ">=", "不少于": ">=", "至少": ">=", "大于等于": ">=", "超过": ">", "高于": ">", "大于": ">",
    "不高于": "<=", "不超过": "<=", "控制在": "<=", "低于": "<", "小于": "<",
    "降至": "<=?", "下降到": "<=?", "下降至": "<=?", "降低到": "<=?", "降低至": "<=?", "减少到": "<=?", "减少至": "<=?",
    "达到": "=", "达": "=", "提高到": "=", "提高至": "=", "提升到": "=", "提升至": "=", "增加到": "=", "增长到": "=",
    "增至": "=", "保持在": "=", "稳定在": "=",
}  # fmt: skip
_POST = {"及以上": ">=", "以上": ">=", "左右": "~", "以内": "<=", "以下": "<=", "及以下": "<="}
_PRE_RE = "|".join(sorted(_PRE, key=len, reverse=True))
# `\s{0,2}`, not `\s*`: tried from every position of a long run of spaces, `\s*` rescanned the run each time.
# (?<![\d.]): a number starts where its digit run starts; without it the scan restarted from every digit of a run.
_VALUE = re.compile(
    rf"(?P<pre>{_PRE_RE})?\s{{0,2}}(?P<num>(?<![\d.])\d+(?:\.\d+)?|[一两二三四五六七八九十](?=[所个家人名次处座支]))\s{{0,2}}"
    rf"(?P<unit>{_RATE_UNIT}|{_UNIT})?\s{{0,2}}(?P<post>及以上|以上|左右|以内|及以下|以下)?"
)
# A metric for which going down is the aim: 下降到 x is then a ceiling (<=); otherwise it is the value to reach (=).
_LOWER_IS_BETTER = re.compile(
    r"死亡|患病|发病|发生率|损失|事故|失业|贫困|能耗|排放|浓度|黑臭|劣|超采|迟缓|低体重|肥胖|超重|近视|污染|伤残|"
    r"漏损|流失|空置|负债|差距|下降"
)
_HAS_NUMBER = re.compile(r"\d|至少|不少于|每")
_CLAUSE = re.compile(r"[^，,。；;：:！？!?]+")
_CLAUSE_BREAK = re.compile(r"[，,：:]")
_SENTENCE = re.compile(r"[^。；;！？!?]+[。；;！？!?]?")
_PAST_SECTION = re.compile(r"基础|回顾|成就|现状|形势|发展环境|背景")
_PAST_SENTENCE = re.compile(r"截至|截止|以来|过去|期间")
_PAST_CLAUSE = re.compile(r"已经|已达|已建成|已实现|已有")
_SCOPE = re.compile(r"范围包括|实施范围|范围为|共计|总计")
_NEAR_PRE = re.compile(rf"({_PRE_RE})[^，,；;。]{{0,12}}$")
_NEAR = 20  # the longest _NEAR_PRE match (4 + 12 characters, or one more before a final newline), with margin
_METRIC_MAX = 48
# How far the words after a number are read: a longer object makes a metric over _METRIC_MAX, rejected either way.
# Every look before or after a number is a window like this, so that a long line is read in linear time.
_WINDOW = 2 * _METRIC_MAX
# Where the words after a number end: a list separator (和/及/与 only before the next number: `7万家行业协会商会与行政
# 机关脱钩` is one object), never inside parentheses (`县(市、区)`).
_AFTER_END = re.compile(r"[，,]|(?:以及|[和及与、])(?=[^，,、]{0,6}\d)")
_LETTER = re.compile(r"[A-Za-z]")
_RANGE_AFTER = re.compile(r"\s*[-—~～至到]\s*\d|\.\d")
_FUTURE_YEAR = re.compile(r"(?:到|至|力争到|力争)\s*(20\d\d)\s*年|(20\d\d)\s*年(?:底|末)?前")
_PERIOD_END = re.compile(r"“十([一二三四五六七八九])五”(?:期末|末)")
_LEADING = re.compile(
    r"^(?:(?:到|至|力争到)\s*20\d\d\s*年(?:底|末)?(?:前)?|力争|确保|保持|保障|推进|推动|实现|使得|使|全面|"
    r"基本(?=实现|建成|形成|完成|达到|消除|普及|覆盖)|逐步|"
    r"努力|进一步|持续|每年|全年|其中|同时|并|和|及|且|要|将|均|都|这|该|其|以及|、|与|加快|加强|大力|积极|鼓励|"
    r"引导|围绕|严格执行)+"
)
_TRAILING = re.compile(
    rf"(?:、|的|为|是|要|(?<!人)均|都|总体|分别|全部|基本|稳定|并|和|且|将|可|能|逐步|要求|({_PRE_RE})(?:每人)?(?:每年|每月)?)+$"
)
_ACTION = re.compile(
    r"(新建|新改建|新改厕|改扩建|建成|建设|培育|孵化|引进|创建|打造|改造|提升改造|扩建|新增|招录|培训|开工|完成|实施|"
    r"支持建设|启动建设|建立|设立|设置|配备|配齐|配建|安排|组建|评选|认定|培养|救助|资助|开展|举办|新开|新培育|发展|"
    r"建有|有|布局建设|推出|创作|选树|命名|吸纳|帮助|扶持|转移|解决|覆盖|服务)$"
)
# What a share applies to and what it does: `70%的三级医院[和50%的县级综合医院]开通互联网医疗服务`.
_SHARE_VERB = re.compile(
    r"开通|成为|设有|接受|实现|建立|建成|配备|参加|具备|拥有|开展|纳入|使用|享有|达到|通过|获得|完成|参与|覆盖|提供|"
    r"落实|签约|接入|建有|有|为|是"
)
_COMPARATOR_WORDS = re.compile(rf"{_PRE_RE}|原则上|重点")
_YEAR_WORDS = re.compile(r"(?:到|至|比|较)?\s*20\d\d\s*年(?:底|末)?(?:前)?")
_MEASURES = (
    "率", "比例", "比重", "占比", "数", "量", "面积", "规模", "总量", "人数", "水平", "指数", "寿命", "年限", "标准",
    "增速", "收入", "床位", "投资", "系数", "密度", "长度", "里程", "产值", "总额",
)  # fmt: skip
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|《[^》]*》|‘[^’]*’")
_PLAN_NAMES = {2016: "十三", 2021: "十四", 2026: "十五", 2011: "十二"}
# A metric that would not read on its own.
_PARTICLE_START = re.compile(r"^[的和及与等或并而之、]")
_HEADER_WORDS = re.compile(r"指标|单位|属性|序号|预期性|约束性|目标值|基期|基准值|现状值|分类|备注|年份")
_DEBRIS = re.compile(r"约束性|预期性|序号|指标性质|目标值|基期值|[_?？]|[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]")
_BASELINE_BEFORE = re.compile(r"[（(]\s*(?:19|20)\d\d\s*年(?:底|末)?\s*(?:为|是|达|已达|达到)?\s*$")
_RADIUS = re.compile(r"[^，,。]{0,6}(?:半径|范围|圈|服务圈|生活圈|车程|步行)")
_CONDITION_AFTER = re.compile(r"[^，,。；、的]{1,10}的")
_UNBALANCED = re.compile(r"^[^(（]*[)）]")
_LIST_ITEMS = re.compile(r"、|和|及|与|以及")
_SEPARATOR_OR_PARENTHESIS = re.compile(r"[(（)）]|" + _AFTER_END.pattern)
_LIST_END = re.compile(r"(?:、|和|及|与|以及)$")
_LIST_START = re.compile(r"\s*(?:、|和|及|与|以及)")


@dataclass(frozen=True)
class Target:
    """One target found in a clause: offset of its number in the sentence, and what it says."""

    offset: int
    metric: str
    comparator: str
    value: float
    unit: str
    raw: str
    clause: str


@dataclass(frozen=True)
class Dropped:
    """A number with a unit in forward-looking text that is not published as a target, and why. `warn`: it may be a
    target whose metric could not be named (a maintainer can add it with an override), not a plain non-target."""

    line: int
    value: float | None
    raw: str
    reason: str
    clause: str
    warn: bool = False


def log_dropped(dropped: list[dict], source: Path, log: Callable[[str], None], every: bool = False) -> None:
    """Log the dropped numbers (`Dropped`s as stored with the records) that may be targets, or `every` one."""
    for d in dropped:
        if every or d["warn"]:
            kind = "warning " if d["warn"] else "dropped "
            log(f"{kind} {source}:{d['line']}: `{d['raw']}` is not published as a target: {d['reason']} ({d['clause'][:40]})")


@dataclass
class _Hit:
    """A number with its unit and comparator words, at [start, end) of the masked clause."""

    start: int
    end: int
    num: str
    value: float
    unit: str
    pre: str
    post: str

    @property
    def is_share(self) -> bool:
        return self.unit in ("%", "‰")


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


def _number(num: str) -> float:
    if not num[0].isdigit():
        return cn_number(num)
    return float(num) if "." in num else int(num)


def _unit(unit: str) -> str:
    """Units as the tables print them: `/10万` is `1/10万`."""
    return "1/10万" if unit.startswith("/") else unit


def _comparator(hit: _Hit, before: str, metric: str) -> str:
    """From the words: 以上/不低于/至少 → >=, 以下/以内/控制在 → <=, 下降到 → <= for a lower-is-better metric."""
    near = _NEAR_PRE.search(before[-_NEAR:])
    pre = hit.pre or (near[1] if near else "")
    found = _POST.get(hit.post) or _PRE.get(pre, "=")
    if found == "<=?":
        return "<=" if _LOWER_IS_BETTER.search(metric) else "="
    return found


def _last(text: str, end: int) -> int:
    """The position after the last non-space character before `end` (what a `…\\s*$` look-back ends on)."""
    while end > 0 and text[end - 1].isspace():
        end -= 1
    return end


def _ordinal_or_range_end(text: str, k: int) -> bool:
    """Whether a number whose look-back ends at `k` is an ordinal, ends a range or follows a letter: 第27位, 1-2所, A5."""
    last = text[k - 1 : k]
    if last in ("第", "前", "近", ".", "/") or _LETTER.fullmatch(last):
        return True
    if not last or last not in "-—~～至到":
        return False
    j = _last(text, k - 1)
    return bool(re.fullmatch(r"[\d%‰]", text[j - 1 : j]))  # 1-2所, 85%—93%


def _not_a_number_target(text: str, m: re.Match) -> str:
    """Why a number with a unit cannot be a target whatever its words, or '' (ordinal, range, duration, condition…)."""
    num = m.start("num")
    before = text[max(0, num - _NEAR) : num]  # windows, not slices of the whole clause: linear on long lines
    unit, pre, post = m["unit"] or "", m["pre"] or "", m["post"] or ""
    near = pre or _NEAR_PRE.search(before)
    if not m["num"][0].isdigit() and (before.endswith("每") or not re.search(r"(?:至少|不少于|每)[^，,]{0,10}$", before)):
        return "a Chinese numeral outside a commitment (每…至少一所)"
    k = _last(text, num)
    range_after = _RANGE_AFTER.match(text, m.end("num")) or (unit and _RANGE_AFTER.match(text, m.end("unit")))
    if _ordinal_or_range_end(text, k) or range_after:
        return "an ordinal, a range or a code"
    if not unit:
        return "" if near and (post or re.match(r"\s*(?:[，,。；;]|$)", text[m.end() :])) else "no unit"
    if re.fullmatch(r"20\d\d|19\d\d", m["num"]) and unit.endswith("年"):
        return "a year"
    if unit == "年" and not re.search(r"年限|寿命|年龄|期限", before):
        return "a duration"
    if unit == "岁" and post and not near:
        return "a condition (an age group)"
    if unit == "分" and (text[m.end("unit") : m.end("unit") + 1] == "钟" or post not in ("以上", "左右")):
        return "a duration or a score, not a target"
    if unit in ("公里", "千米", "米") and _RADIUS.match(text, m.end()):
        return "a service radius"
    if text[k - 1 : k] == "在" and re.match(r"^(以上|以下)?的", post + text[m.end() : m.end() + 3]):
        return "a condition (在…以上的)"
    if unit not in ("%", "‰") and post in ("以上", "以下", "及以上") and not near and _is_condition(text, m, before):
        return "a condition (…以上的)"
    if _BASELINE_BEFORE.search(before):
        return "a baseline in parentheses, not a target"
    if unit == "项" and not near:
        return "a count of listed items or checks"
    return ""


def _is_condition(text: str, m: re.Match, before: str) -> bool:
    """`有30名以上残疾人的社区`, `人口1万人以上的城市社区`: a threshold that picks out what the sentence is about;
    not `每年接受1次以上的专题法治教育`, where the number counts the object."""
    if _CONDITION_AFTER.match(text, m.end()):
        return True
    return text[m.end() : m.end() + 1] == "的" and bool(re.search(r"(?:人口|面积|规模|人数|户数|年龄|有)\s*$", before))


def _hits(masked: str) -> tuple[list[_Hit], list[tuple[re.Match, str]]]:
    """The numbers with units in a masked clause that could be targets, and the others with the reason."""
    hits, rejected = [], []
    for m in _VALUE.finditer(masked):
        if reason := _not_a_number_target(masked, m):
            if m["unit"] and reason != "a year":
                rejected.append((m, reason))
            continue
        hits.append(
            _Hit(m.start(), m.end(), m["num"], _number(m["num"]), _unit(m["unit"] or ""), m["pre"] or "", m["post"] or "")
        )
    return hits, rejected


def _clean(text: str) -> str:
    """A metric without the words around it: years, leading adverbs and conjunctions, trailing verbs and particles."""
    text = squash(_YEAR_WORDS.sub("", text))
    text = _UNBALANCED.sub("", text)  # the tail of a cut parenthesis: `zāi)直接经济损失`
    if len(text) > _METRIC_MAX and (listed := re.search(r"^[^，,]*、[^，,]*等", text)):
        text = text[listed.end() :]  # 长江、黄河…辽河等七大重点流域水质优良比例 → 七大重点流域水质优良比例
    previous = None
    while previous != text:
        previous = text
        text = _LEADING.sub("", text).strip()
        text = _TRAILING.sub("", text).strip()
        text = re.sub(r"^(?:原则上|重点)", "", text)
    return text


def _until_separator(text: str) -> str:
    """`text` up to the first list separator outside parentheses."""
    depth, text = 0, text[:_WINDOW]
    for m in _SEPARATOR_OR_PARENTHESIS.finditer(text):
        if m[0] in "(（":
            depth += 1
        elif m[0] in ")）":
            depth = max(0, depth - 1)
        elif depth == 0:
            return text[: m.start()]
    return text


def _after_object(clause: str, end: int) -> tuple[str, int]:
    """What follows a number up to the next list separator or number, after its last 的, and where that span ends:
    `1家具有专业水平的儿童类社会组织` → 儿童类社会组织."""
    rest = _until_separator(clause[end : end + _WINDOW])
    rest = rest[: m.start()] if (m := re.search(r"\d", rest)) else rest
    words = rest.lstrip("的 ")
    return words[words.rfind("的") + 1 :][: _METRIC_MAX + 1], end + len(rest)


def _measured_before(before: str) -> bool:
    return before.endswith(_MEASURES)


def _share_metric(clause: str, hits: list[_Hit], i: int, previous_end: int) -> str:
    """`70%的三级医院和50%的县级综合医院开通互联网医疗服务` → 三级医院开通互联网医疗服务的比例 (and 县级综合医院…):
    the last share of the clause holds the predicate that every share before it shares."""
    subject = _share_phrase(clause, hits[i].end)
    last = hits[i]  # the last share of this list: the next shares joined by 和/、 (a few at most)
    for h in hits[i + 1 : i + 6]:
        if not (h.is_share and clause[h.end : h.end + 1] == "的" and h.start - last.end <= _WINDOW):
            break
        last = h
    tail = _share_phrase(clause, last.end) if last is not hits[i] else subject
    verb = _SHARE_VERB.search(tail, 1)
    predicate = tail[verb.start() :] if verb else ""
    if last is hits[i] and verb:
        subject = subject[: verb.start()]
    if predicate:
        return f"{subject}{predicate}的比例"
    before = _clean(clause[previous_end : hits[i].start])
    share = "" if subject.endswith(("比例", "率", "占比", "比重")) else "比例"
    return f"{before}的{subject}{share}" if before and _ACTION.search(before) else f"{subject}{share}"


def _share_phrase(clause: str, end: int) -> str:
    """The words after `N%的` up to the next list separator, and before an alternative (或者…)."""
    return re.split(r"或者|或是", _until_separator(clause[end : end + _WINDOW].lstrip("的")))[0]


@dataclass
class _Named:
    """A number of a clause with its metric; `lead` is what the metric took from before the number (`县级建有`),
    shared by the next numbers of a list (`1个体育场和1个全民健身中心`), and `object` what it took after it."""

    hit: _Hit
    metric: str
    lead: str = ""
    object: str = ""
    object_end: int = 0


def _metric(clause: str, hits: list[_Hit], i: int, previous: _Named | None) -> _Named:
    """What the i-th number of a clause measures, in the clause's own words."""
    hit = hits[i]
    if hit.is_share and clause[hit.end : hit.end + 1] == "的":
        return _Named(hit, _clean(_share_metric(clause, hits, i, previous.hit.end if previous else 0)))
    raw_before = clause[previous.object_end if previous else 0 : hit.start]
    before = _clean(raw_before)
    after, object_end = _after_object(clause, hit.end)
    if hit.is_share and after and _ACTION.search(before or "-"):
        return _Named(hit, _clean(before + clause[hit.end : object_end].split("的")[0] + "比例"))
    if previous and previous.lead and after and _LIST_END.fullmatch(raw_before.strip() or "-"):
        return _Named(hit, _clean(previous.lead + after), previous.lead, after, object_end)
    if previous and _LIST_START.match(raw_before) and not _leading_action(before):
        before = _leading_action(previous.metric) + before  # `新建改扩建幼儿园100所、中小学50所` → 新建改扩建中小学
    if _measured_before(before) or not after:
        return _Named(hit, before or _clean(after), object_end=object_end)
    if _LIST_END.search(raw_before.strip()):  # `建成A项目和13家B项目`: A is a sibling, not the subject
        before = m[0] if (m := re.match(_ACTION.pattern.rstrip("$"), before)) else ""
    elif len(before) > 16:
        action = _ACTION.search(before)
        before = action[1] if action else _after_list(before)
    lead = _clean(_COMPARATOR_WORDS.sub("", before))
    return _Named(hit, _clean(lead + after), lead, after, object_end)


def _leading_action(text: str) -> str:
    """The actions a metric starts with: `新建改扩建幼儿园` → 新建改扩建."""
    m = re.match(rf"(?:{_ACTION.pattern.rstrip('$')})+", text)
    return m[0] if m else ""


def _after_list(text: str) -> str:
    """A long subject without its list: `零就业、最低生活保障等困难家庭` → 困难家庭."""
    listed = re.search(r"^.*、[^、]*等", text)
    return text[listed.end() :] if listed else text


def _clause_metrics(clause: str, hits: list[_Hit]) -> list[_Named]:
    """Each number of a clause with its metric; parallel objects share their head (`2个省级、5个市级妇幼保健项目`)."""
    if listed := _enumeration(clause, hits):
        return listed
    named: list[_Named] = []
    for i in range(len(hits)):
        named.append(_metric(clause, hits, i, named[-1] if named else None))
    return named


def _share_heads(named: list[_Named]) -> None:
    """Parallel objects share their head: `2个市级和18个县级全域旅游示范区` → 市级全域旅游示范区."""
    for one, other in zip(named, named[1:], strict=False):
        if one.object and other.object and len(one.object) <= 3 and other.object[: len(one.object)] != one.object:
            shared = _distribute([one.object, other.object])[0]
            if shared != one.object:
                one.metric = _clean(one.lead + shared)


def _borrowed(metric: str, siblings: list[str], context: Callable[[], str]) -> str:
    """A bare action (`改扩建`) takes the object of a sibling (`新建幼儿园` → 改扩建幼儿园), else the subject that
    `context` (the clause before, or the sentence's label before `：`) gives."""
    if _CHANGE.fullmatch(metric) or (not _is_bare_verb(metric) and len(metric) <= 2):
        return context() + metric  # `…收入增长与经济增长基本同步，年均增长6.5%左右` → 居民人均可支配收入年均增长
    if not _is_bare_verb(metric):
        return metric
    for other in siblings:
        action = re.match(_ACTION.pattern.rstrip("$"), other)
        if action and len(other) > action.end():
            return metric + other[action.end() :]
    return context() + metric


def _subject_before(sentence: str, clause_start: int) -> str:
    """What a clause that starts with a verb is about: the object of the clause before (`发行全国统一的社会保障卡,
    力争实现覆盖…` → 社会保障卡), or the label the sentence starts with (`棚户区改造目标：…` → 棚户区改造)."""
    head = sentence[max(0, clause_start - _METRIC_MAX) : clause_start].rstrip("，,；; ")  # a window: linear
    clause = re.split(r"[，,；;：:]", head)[-1] if head else ""
    if clause and (_LEADING.match(clause) or re.match(r"(?:发行|建立|健全|完善|推行|实施|建设)", clause)):
        noun = _clean(clause[clause.rfind("的") + 1 :])
        if 2 < len(noun) <= 12 and not _ACTION.fullmatch(noun):
            return noun
    if measured := re.match(rf"(?:{_LEADING.pattern[1:]})?(.{{2,24}}?(?:{'|'.join(_MEASURES)}))", clause):
        return measured[1]  # `居民人均可支配收入增长与经济增长基本同步` → 居民人均可支配收入
    label = re.match(r"^[^，,；;：:。]{3,40}?[：:]", sentence.strip())
    pieces = [p for p in re.split(r"目标|任务|[：:]", label[0]) if p] if label else []
    return _clean(pieces[-1]) if pieces and 2 < len(pieces[-1]) <= 16 else ""


_SIBLINGS = 6  # how far (in numbers) a bare action looks for a sibling's object
_CHANGE = re.compile(r"(?:年均|累计|平均|同比|分别)?(?:增长|提高|下降|降低|增加|减少|提升)")


def _sub_items(named: list[_Named]) -> None:
    """Sub-items (the table reader's: 城市, 农村, 省级…) given one value each in a sentence:
    `社区养老服务设施覆盖率城市达到100%、农村达到70%` → 社区养老服务设施覆盖率（城市）, 社区养老服务设施覆盖率（农村）."""
    for one, other in zip(named, named[1:], strict=False):
        if not SUB_ITEM.fullmatch(other.metric):
            continue
        item = next((one.metric[-k:] for k in (2, 3) if SUB_ITEM.fullmatch(one.metric[-k:])), "")
        base = one.metric[: -len(item)] if item else ""
        if len(base) > 2:
            one.metric, other.metric = f"{base}（{item}）", f"{base}（{other.metric}）"


def _is_bare_verb(metric: str) -> bool:
    verb = re.sub(r"^(?:计划|预计|力争|累计|每年|年均)", "", metric)
    return bool(_ACTION.fullmatch(verb) or _SHARE_VERB.fullmatch(verb) or _PRE.get(verb))


def unreadable(metric: str) -> str:
    """Why a metric name does not read on its own, or '' (the rules of issue #14, also checked on published rows)."""
    if len(metric) <= 2:
        return "the metric is two characters or fewer"
    if _PARTICLE_START.match(metric) and len(_segment()(metric[:4])[0]) == 1:
        return "the metric starts with a particle"
    if _is_bare_verb(metric):
        return "the metric is a bare verb"
    if _DEBRIS.search(metric) or len(set(_HEADER_WORDS.findall(metric))) >= 2:
        return "the metric holds table header words or garbled text (debris)"
    if re.search(r"\d$", metric):
        return "the metric ends with a number (debris)"
    if len(metric) > _METRIC_MAX:
        return f"the metric is longer than {_METRIC_MAX} characters"
    return ""


@cache
def _segment():
    import jieba

    jieba.setLogLevel(60)
    return jieba.lcut


def _distribute(items: list[str]) -> list[str]:
    """`婴儿和5岁以下儿童死亡率` → 婴儿死亡率, 5岁以下儿童死亡率; `城市和农村社区…覆盖率` → 城市社区…覆盖率, 农村社区…覆盖率."""
    last = items[-1]
    words = _segment()(last)
    if len(words) < 2:
        return items
    parallel = _parallel(items[0], last, words)
    shared = last[len(words[0]) :] if parallel else words[-1]
    return [item if item.endswith(_MEASURES) else item + shared for item in items[:-1]] + [last]


def _parallel(first: str, last: str, words: list[str]) -> bool:
    """Whether `first` stands for the start of `last` (城市/农村社区…, 城镇/农村居民…), not for its head (婴儿/孕产妇…)."""
    n = len(first)
    if n > 4 or any(c.isdigit() for c in last[:n]) or first.endswith(_MEASURES):
        return False
    ends = {sum(map(len, words[: k + 1])) for k in range(len(words))}
    if n in ends:
        return True
    vocabulary = _vocabulary()
    rest = words[0][n:]
    return words[0].startswith(last[:n]) and last[:n] in vocabulary and len(rest) >= 2 and rest in vocabulary


@cache
def _vocabulary() -> dict[str, int]:
    _segment()
    import jieba

    jieba.initialize()
    return jieba.dt.FREQ


_RESPECTIVELY = re.compile(rf"分别(?:({_PRE_RE}))?")


def _enumeration(clause: str, hits: list[_Hit]) -> list[_Named] | None:
    """`A、B、C分别达到x、y、z`: one (hit, metric) per listed metric, or None when the clause is not one."""
    m = _RESPECTIVELY.search(clause)
    if not m:
        return None
    values = [h for h in hits if h.start >= m.start() + 2]
    head = _clean(clause[: m.start()])
    items = [s for s in (_clean(p) for p in _LIST_ITEMS.split(head)) if s]
    if len(items) == 1 and len(values) == 2 and items[0].startswith("城乡"):  # 城乡低保标准分别达到800元、600元
        return [_Named(hit, f"{items[0]}（{part}）") for hit, part in zip(values, ("城镇", "农村"), strict=True)]
    if len(values) < 2 or len(items) != len(values):
        return None
    return [_Named(hit, metric) for hit, metric in zip(values, _distribute(items), strict=True)]


def _raw(clause: str, hit: _Hit) -> str:
    return clause[hit.start : hit.end].strip()


def _sentence_findings(
    sentence: str, previous_plan: str, title: str = ""
) -> tuple[list[Target], list[tuple[int, str, float | None, str, str]]]:
    """Targets in one sentence, and the numbers dropped as (offset, raw, value, reason, clause); `title` is what the
    paragraph is about when it starts with a short title sentence (建设农田节水体系。…投资450亿元)."""
    if not _HAS_NUMBER.search(sentence):
        return [], []
    past = _PAST_SENTENCE.search(sentence) or (previous_plan and f"“{previous_plan}五”" in sentence)
    scope = _SCOPE.search(sentence)
    masked_sentence = _QUOTED.sub(lambda m: "□" * len(m[0]), sentence)
    named: list[tuple[int, str, _Named]] = []  # (clause start, clause, number with metric)
    dropped = []
    for span in _CLAUSE.finditer(masked_sentence):
        start = span.start()
        masked, clause = span[0], sentence[start : span.end()]
        hits, rejected = _hits(masked)
        dropped += [(start + m.start(), m[0].strip(), None, why, clause.strip()) for m, why in rejected]
        for n in _clause_metrics(clause, hits) if hits else []:
            if past or _in_the_past(masked, n.hit):
                dropped.append((start + n.hit.start, _raw(clause, n.hit), n.hit.value, "the past, not a target", clause.strip()))
            else:
                named.append((start, clause, n))
    _share_heads([n for _, _, n in named])
    _sub_items([n for _, _, n in named])
    metrics = [n.metric for _, _, n in named]
    targets = []
    for k, (start, clause, n) in enumerate(named):
        context = lambda start=start: _subject_before(sentence, start) or title  # noqa: E731 (only when needed)
        siblings = metrics[max(0, k - _SIBLINGS) : k][::-1] + metrics[k + 1 : k + 1 + _SIBLINGS]
        metric = _borrowed(n.metric, siblings, context)
        hit, raw = n.hit, _raw(clause, n.hit)
        reason = unreadable(metric)
        if scope and not (hit.pre or hit.post) and not _ACTION.search(clause[max(0, hit.start - _WINDOW) : hit.start]):
            reason = "a statement of scope (范围包括/共计…), not a target"
        if reason:
            dropped.append((start + hit.start, raw, hit.value, reason, clause.strip()))
            continue
        comparator = _comparator(hit, masked_sentence[max(start, start + hit.start - _NEAR) : start + hit.start], metric)
        targets.append(Target(start + hit.start, metric, comparator, hit.value, hit.unit, raw, _quoted(clause, hit)))
    return targets, dropped


_CLAUSE_MAX = 300  # longer than any clause of a real plan: only a pathological line is cut around its number


def _quoted(clause: str, hit: _Hit) -> str:
    """The clause that states a target, as quoted beside it: whole, or (if absurdly long) the window around it."""
    if len(clause) <= _CLAUSE_MAX:
        return clause.strip()
    return clause[max(0, hit.start - _WINDOW) : hit.end + _WINDOW].strip()


def _in_the_past(clause: str, hit: _Hit) -> bool:
    """`已建成15个`: an achievement. Not `改扩建2个已达危房标准的殡仪馆` (after the number) nor `更新已达到报废年限的
    火化炉1个` (a relative clause, closed by 的)."""
    before = clause[: hit.start]
    before = before[-_WINDOW:]
    found = list(_PAST_CLAUSE.finditer(before))
    return bool(found) and "的" not in before[found[-1].end() :]


def _sentences(para: Paragraph) -> list[tuple[int, str]]:
    return [(m.start(), m[0]) for m in _SENTENCE.finditer(para.text)]


@dataclass
class Found:
    """The targets of a document, and the numbers in its forward-looking text that were not published, with why."""

    rows: list[Row]
    dropped: list[Dropped]


def extract_targets(doc: Document, plan_id: str, skip: set[int], sections: list[Row], period_start: int | None = None) -> Found:
    """Targets outside tables and furniture (`skip`) and outside review sections of the outline."""
    marks = [(s["source_line"], bool(_PAST_SECTION.search(s["title_zh"]))) for s in sections]
    previous_plan = _PLAN_NAMES.get(period_start - 5) if period_start else ""
    found = Found([], [])
    taken: dict[str, int] = {}
    for para in doc.paragraphs(skip):
        if heading(para.text) or _in_review(marks, para.source_line):
            continue
        _paragraph_targets(para, plan_id, previous_plan or "", taken, found)
    return found


def _target_id(content: str, taken: dict[str, int]) -> str:
    """A short hash of what the target says: stable when text elsewhere in the document changes."""
    base = "t" + hashlib.sha1(content.encode("utf-8")).hexdigest()[:8]
    taken[base] = taken.get(base, 0) + 1
    return base if taken[base] == 1 else f"{base}-{taken[base]}"


def _paragraph_targets(para: Paragraph, plan_id: str, previous_plan: str, taken: dict[str, int], found: Found) -> None:
    sentences = _sentences(para)
    first = sentences[0][1].rstrip("。；;！？!? ") if sentences else ""
    title = first if 2 < len(first) <= 16 and not _HAS_NUMBER.search(first) and not _CLAUSE_BREAK.search(first) else ""
    for start, text in sentences:
        year = _year(text)
        targets, dropped = _sentence_findings(text, previous_plan, title)
        for t in targets:
            found.rows.append(
                new_row(
                    "targets",
                    plan_id=plan_id,
                    target_id=_target_id(f"{t.metric}|{t.value}|{t.unit}|{t.clause}", taken),
                    metric_zh=t.metric,
                    comparator=t.comparator,
                    value=t.value,
                    value_raw=t.raw,
                    unit_zh=t.unit,
                    year=year,
                    sentence_zh=t.clause,
                    source_line=para.line_at(start + t.offset),
                )
            )
        for offset, raw, value, reason, clause in dropped:
            warn = reason.startswith("the metric")
            found.dropped.append(Dropped(para.line_at(start + offset), value, raw, reason, clause, warn))
