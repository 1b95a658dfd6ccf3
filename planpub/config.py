"""Where things live, and loading the curated YAML files with errors that name file and line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import PlanError

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Paths:
    """The project's folders; tests point `root` at a copy to build in isolation."""

    root: Path = ROOT

    @property
    def datasets(self) -> Path:
        return self.root / "datasets"

    @property
    def sources(self) -> Path:
        return self.datasets / "sources"

    @property
    def packages(self) -> Path:
        return self.datasets / "packages"

    @property
    def overrides(self) -> Path:
        return self.datasets / "overrides"

    @property
    def i18n(self) -> Path:
        return self.datasets / "i18n"

    @property
    def registry(self) -> Path:
        return self.datasets / "plans.yaml"

    @property
    def changelog(self) -> Path:
        return self.datasets / "CHANGELOG.yaml"

    @property
    def site(self) -> Path:
        return self.root / "site"

    @property
    def cache(self) -> Path:
        return self.root / ".cache"


class _LineLoader(yaml.CSafeLoader):
    """A YAML loader (libyaml: ~8× faster) recording the line of every mapping as `__line__` and of each key in `__lines__`."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    mapping["__lines__"] = {key.value: key.start_mark.line + 1 for key, _ in node.value if isinstance(key, yaml.ScalarNode)}
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(path: Path, *, with_lines: bool = False) -> Any:
    """Parse a YAML file; a syntax error becomes a PlanError naming its line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PlanError("file not found", path, hint="create it, or fix the path that names it") from None
    except UnicodeDecodeError as exc:
        raise PlanError(f"not UTF-8 ({exc.reason} at byte {exc.start})", path, hint="save the file as UTF-8") from None
    try:
        return yaml.load(text, Loader=_LineLoader if with_lines else yaml.CSafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise PlanError(f"malformed YAML: {problem}", path, line, hint="fix the YAML syntax on that line") from None


LINE_KEYS = ("__line__", "__lines__")


def line_of(mapping: dict, key: str) -> int | None:
    """The line of `key` in a mapping loaded with lines (the mapping's own line if the key is absent)."""
    return mapping.get("__lines__", {}).get(key) or mapping.get("__line__")


def strip_lines(value: Any) -> Any:
    """Drop the `__line__`/`__lines__` bookkeeping keys from a structure loaded with lines."""
    if isinstance(value, dict):
        return {k: strip_lines(v) for k, v in value.items() if k not in LINE_KEYS}
    if isinstance(value, list):
        return [strip_lines(v) for v in value]
    return value
