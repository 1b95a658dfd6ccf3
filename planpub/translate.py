"""Stage 4, translate: fill every `*_en` column from the curated translations in datasets/i18n/.

Every YAML file there maps Chinese text (the key, exactly as extracted) to its English, grouped
under any headings the translators find useful (groups are flattened). An entry is either the
English text, or a mapping `{en: ..., except: {term: reason}}` recording why a glossary term is
rendered differently in this one entry. An empty value is a blank still to fill in (as printed
by `build.py i18n --missing`) and counts as missing. The same Chinese key given two different
English renderings, in one file or across files, is an error: one Chinese text, one English.

glossary.yaml holds the recurring vocabulary. Its `terms` section is the consistency contract
(not itself a lookup table): every translation whose Chinese contains a term must contain that
term's English (a list gives the grammatical forms of one rendering, canonical first), unless
the entry records a reason.
The build never guesses: text without Chinese characters (e.g. `%`) is kept as it is.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import PlanError
from .schema import Records, contract

GLOSSARY = "glossary.yaml"
TERMS = "terms"
# Han ideographs, CJK punctuation (、。「」〔〕…) and full-width forms (（）：，％…): none may remain in English.
CJK = re.compile(r"[\u2e80-\u2fff\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]")


def _sources(spec: dict) -> dict[str, str]:
    """English column → the Chinese column it translates (`translates:` in the schema, else X_en ← X_zh)."""
    return {f["name"]: f.get("translates", f["name"][:-3] + "_zh") for f in spec["fields"] if f["name"].endswith("_en")}


# Which Chinese column each English column translates, per resource (from datasets/schema.yaml).
EN_SOURCES = {resource: _sources(spec) for resource, spec in contract().items()}
# Long texts (descriptions, sentences, notes) are reported when untranslated; every other English column is required.
REPORTED = {
    (resource, f["name"]) for resource, spec in contract().items() for f in spec["fields"] if f.get("coverage") == "reported"
}


def has_chinese(text: str) -> bool:
    return bool(CJK.search(text))


@dataclass(frozen=True)
class Entry:
    """One curated translation and where it is written."""

    en: str
    forms: tuple[str, ...]
    file: Path
    line: int
    exceptions: dict[str, str] = field(default_factory=dict)


@dataclass
class Translations:
    """Every zh → en entry of datasets/i18n/, and the glossary terms that must be rendered consistently."""

    entries: dict[str, Entry] = field(default_factory=dict)
    terms: dict[str, Entry] = field(default_factory=dict)

    def get(self, zh: str) -> str | None:
        if zh in self.entries:
            return self.entries[zh].en
        return None if has_chinese(zh) else zh

    def forms(self, zh: str) -> tuple[str, ...]:
        """The grammatical forms of an entry, canonical first (a unit: plural, then singular); () if none."""
        return self.entries[zh].forms if zh in self.entries else ()

    def add(self, zh: str, entry: Entry, is_term: bool) -> None:
        """Record an entry; a glossary term only sets the rendering that other entries must use."""
        known = (self.terms if is_term else self.entries).get(zh)
        if known and known.forms != entry.forms:
            raise PlanError(
                f"{zh!r} is translated twice: {entry.en!r} here and {known.en!r} at {known.file.name}:{known.line}",
                entry.file,
                entry.line,
                hint="keep one English rendering (the glossary's), or change the other entry",
            )
        (self.terms if is_term else self.entries).setdefault(zh, entry)


def _text(node: yaml.Node, path: Path) -> str:
    if not isinstance(node, yaml.ScalarNode):
        raise PlanError("expected text here", path, node.start_mark.line + 1, hint="write the English as a quoted string")
    return str(node.value).strip()


def _entry(node: yaml.Node, path: Path) -> Entry | None:
    """The entry a value node holds; None for a blank still to fill in."""
    line = node.start_mark.line + 1
    if isinstance(node, yaml.ScalarNode):
        text = _text(node, path)
        return Entry(text, (text,), path, line) if text and node.tag != "tag:yaml.org,2002:null" else None
    if isinstance(node, yaml.SequenceNode):
        forms = tuple(_text(item, path) for item in node.value)
        return Entry(forms[0], forms, path, line) if forms and forms[0] else None
    fields = {_text(k, path): v for k, v in node.value}
    en = _text(fields["en"], path)
    reasons = {_text(k, path): _text(v, path) for k, v in getattr(fields.get("except"), "value", [])}
    blank = [term for term, reason in reasons.items() if not reason]
    if blank:
        raise PlanError(f"exception for {blank[0]!r} has no reason", path, line, hint="say why the glossary does not apply")
    return Entry(en, (en,), path, line, reasons) if en else None


def _is_entry(node: yaml.Node) -> bool:
    return not isinstance(node, yaml.MappingNode) or any(_text_or_none(k) == "en" for k, _ in node.value)


def _text_or_none(node: yaml.Node) -> str | None:
    return node.value if isinstance(node, yaml.ScalarNode) else None


def _walk(node: yaml.Node, path: Path, table: Translations, in_terms: bool) -> None:
    if not isinstance(node, yaml.MappingNode):
        raise PlanError("expected a mapping of Chinese → English", path, node.start_mark.line + 1)
    for key_node, value in node.value:
        key = _text(key_node, path)
        if _is_entry(value):
            entry = _entry(value, path)
            if entry is not None:
                table.add(key, entry, in_terms)
        else:
            _walk(value, path, table, in_terms or (path.name == GLOSSARY and key == TERMS))


def load_translations(folder: Path) -> Translations:
    """All entries of every YAML file in the folder; a malformed file or a conflicting entry names file and line."""
    table = Translations()
    for path in sorted(folder.glob("*.yaml")):
        try:
            root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise PlanError(
                f"malformed YAML: {getattr(exc, 'problem', exc)}",
                path,
                mark.line + 1 if mark else None,
                hint="fix the YAML syntax on that line",
            ) from None
        except UnicodeDecodeError:
            raise PlanError("not UTF-8", path, hint="save the file as UTF-8") from None
        if root is not None:
            _walk(root, path, table, False)
    return table


def _terms_in(zh: str, terms: dict[str, Entry]) -> list[str]:
    """The glossary terms a text contains, except those occurring only inside a longer term it contains (that one rules)."""
    found = {t: [m.start() for m in re.finditer(re.escape(t), zh)] for t in terms if t in zh}
    spans = [(start, start + len(t)) for t, starts in found.items() for start in starts]

    def covered(t: str, start: int) -> bool:
        return any(a <= start and start + len(t) <= b and b - a > len(t) for a, b in spans)

    return [t for t, starts in found.items() if not all(covered(t, start) for start in starts)]


def inconsistencies(table: Translations) -> list[str]:
    """Entries whose Chinese contains a glossary term but whose English lacks its rendering (and gives no reason)."""
    problems = []
    for zh, entry in table.entries.items():
        for term in _terms_in(zh, table.terms):
            forms = table.terms[term].forms
            if term not in entry.exceptions and not any(form.lower() in entry.en.lower() for form in forms):
                problems.append(
                    f"{entry.file.name}:{entry.line}: {zh!r} → {entry.en!r} does not render glossary term "
                    f"{term!r} as {' / '.join(forms)!r} (record a reason under `except:` if intended)"
                )
    return problems


@dataclass
class Coverage:
    """Translated and missing counts per (plan, resource, field), plus where each missing string occurs."""

    done: Counter = field(default_factory=Counter)
    missing: Counter = field(default_factory=Counter)
    missing_text: dict[tuple[str, str], dict[str, list[tuple[str, int]]]] = field(default_factory=dict)

    def rows(self) -> list[dict]:
        keys = sorted(set(self.done) | set(self.missing))
        return [
            {
                "plan_id": p,
                "resource": r,
                "field": f,
                "required": (r, f) not in REPORTED,
                "translated": self.done[(p, r, f)],
                "missing": self.missing[(p, r, f)],
                "percent": _percent(self.done[(p, r, f)], self.missing[(p, r, f)]),
            }
            for p, r, f in keys
        ]

    def missing_count(self, *, required: bool) -> int:
        return sum(n for (_, r, f), n in self.missing.items() if ((r, f) not in REPORTED) == required)

    def summary(self) -> list[str]:
        """One line per plan and field, for the build log."""
        return [
            f"  {r['plan_id']:<45} {r['resource'] + '.' + r['field']:<32} {r['translated']:>4}/"
            f"{r['translated'] + r['missing']:<4} {r['percent']:>6.1f}%{'' if r['required'] else '  (reported only)'}"
            for r in self.rows()
        ]


def _percent(done: int, missing: int) -> float:
    return 100.0 if not done + missing else round(100 * done / (done + missing), 1)


def translate(records: Records, table: Translations, coverage: Coverage) -> None:
    """Fill the English columns in place and count what is missing."""
    for resource, pairs in EN_SOURCES.items():
        for row in records[resource]:
            for en, zh in pairs.items():
                text = row.get(zh)
                if not text:
                    continue
                key = (row["plan_id"], resource, en)
                english = table.get(text)
                if english is not None:
                    row[en] = english
                    coverage.done[key] += 1
                else:
                    coverage.missing[key] += 1
                    where = coverage.missing_text.setdefault((resource, en), {}).setdefault(text, [])
                    where.append((row["plan_id"], row.get("source_line") or 0))


def _quoted(text: str) -> str:
    return yaml.safe_dump(text, allow_unicode=True, default_style='"', width=10**9).strip()


def _by_plan(where: list[tuple[str, int]]) -> list[tuple[str, list[int]]]:
    plans: dict[str, list[int]] = {}
    for plan, line in where:
        plans.setdefault(plan, []).append(line)
    return [(plan, sorted(set(lines))) for plan, lines in plans.items()]


def skeleton(coverage: Coverage) -> str:
    """The missing strings as YAML ready to fill in: grouped by resource and field, each with where it occurs."""
    if not coverage.missing_text:
        return "# Every string has its English translation.\n"
    lines = [
        "# Untranslated strings. Write the English after each colon and save this as a file in datasets/i18n/",
        "# (or move the entries into the file of their kind). Blank entries count as missing.",
    ]
    resources = sorted({resource for resource, _ in coverage.missing_text})
    for resource in resources:
        lines += ["", f"{resource}:"]
        for (group, en), texts in sorted(coverage.missing_text.items()):
            if group != resource:
                continue
            lines.append(f"  {en}:")
            for text, where in texts.items():
                places = "; ".join(
                    f"{plan} line{'s' if len(ls) > 1 else ''} {', '.join(map(str, ls))}" for plan, ls in _by_plan(where)
                )
                lines += [f"    # {places}", f'    {_quoted(text)}: ""']
    return "\n".join(lines) + "\n"


def check_coverage(coverage: Coverage, table: Translations, log) -> list[str]:
    """Print the coverage per plan and field and any glossary inconsistency; returns the inconsistencies."""
    required, reported = coverage.missing_count(required=True), coverage.missing_count(required=False)
    log(f"translate: {required} names/titles/units/domains and {reported} longer texts have no English yet")
    for line in coverage.summary():
        log(line)
    problems = inconsistencies(table)
    for problem in problems:
        log(f"translate: {problem}")
    return problems
