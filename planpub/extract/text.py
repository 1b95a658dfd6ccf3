"""Small text rules shared by the extractors: CJK ranges, wrap spaces, policy verbs."""

from __future__ import annotations

import re

CJK = "\u3400-\u9fff"
CN_NUM = "一二三四五六七八九十百零〇"
# A single space between two word characters (Han, digit, letter) is a line-wrap artefact in these documents.
_WRAP_SPACE = re.compile(rf"(?<=[{CJK}\w%.])[ \t]+(?=[{CJK}\w])")
# `(?<!\s)`: try a run of spaces from its start only; retried from every space, a long run backtracked quadratically.
_PUNCT_SPACE = re.compile(r"(?<=[、，；：（“])\s+|(?<!\s)\s+(?=[、，；：）”])")

# Verbs that open a policy measure ("实施…工程。", "推进…") rather than name a project.
_VERB_WORDS = (
    "实施 推进 推动 加强 加快 完善 健全 强化 提高 提升 落实 着力 推广 深化 深入 构建 建立 建设 发展 扩大 优化 "
    "促进 创新 全面 持续 积极 大力 开展 打造 支持 鼓励 规范 坚持 做好 增加 培育 实行 组织 保障 确保 继续 启动 "
    "探索 办好 构筑 满足 筑牢 统筹 巩固 改善 加大 引导 丰富 营造 维护 保持 严格 做强 激发 拓展 拓宽 弘扬 传承 "
    "创建 争创 力争 形成 夯实 依托 围绕 聚焦 注重 着眼 发挥"
)
VERBS = tuple(_VERB_WORDS.split())


def squash(text: str) -> str:
    """Remove line-wrap spaces inside a cell or a name; keep spaces after punctuation such as '; '."""
    return _WRAP_SPACE.sub("", text.strip())


def tidy_title(text: str) -> str:
    """A title with wrap spaces next to Chinese punctuation removed (“…、 高品质” → “…、高品质”)."""
    return _PUNCT_SPACE.sub("", text.strip())


def starts_with_verb(text: str) -> bool:
    return text.startswith(VERBS)


def cn_number(text: str) -> int | None:
    """一 → 1, 十二 → 12, 二十 → 20 (small Chinese numerals only)."""
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
    if not text or any(c not in digits and c != "十" for c in text):
        return None
    if "十" not in text:
        return int("".join(str(digits[c]) for c in text))
    tens, _, ones = text.partition("十")
    return (digits[tens] if tens else 1) * 10 + (digits[ones] if ones else 0)


# Web-page furniture around the plan text: pagers, keywords, share buttons, editors, copyright, viewer chrome.
FURNITURE = re.compile(
    r"^\s*[|｜]?\s*(?:本文关键字|关键字[:：]|关键词[:：]|扫码|扫一扫|责任编辑|编辑[:：]|来源[:：]|上一篇|下一篇|上一页|下一页|"
    r"相关阅读|相关推荐|相关文章|相关新闻|热门推荐|版权所有|版权声明|Copyright|©|免责声明|分享到|打印本页|关闭窗口|返回顶部|"
    r"当前位置|首页\s*[>›]|发布时间[:：]|发布于[:：]|文档名称[:：]|文档介绍|下载后只包含|如果您已付费|上传人[:：]|下载文档|"
    r"第\s*\[?\d+\]?[^。，]{0,30}页|共\s*\[?\d+\]?\s*页)"
    r"|转载请注明出处|版权与免责声明"
)


def furniture_lines(numbered: list[tuple[int, str]]) -> set[int]:
    """Raw lines that are web-page furniture, not plan text: no item, section or target comes from them."""
    return {line for line, text in numbered if text.strip() and FURNITURE.search(text) and len(text.strip()) <= 200}
