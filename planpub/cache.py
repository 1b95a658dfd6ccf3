"""Incremental builds: stage outputs cached in .cache/ under content hashes of their inputs and of the code.

Two levels. The build stamp (`.cache/build.json`) records the digest of every input file and of the
outputs of the last successful build: when nothing differs, the build does nothing. Below that, stages
memoise their expensive steps (`memo`): a plan's extraction, a package's validation, a chart's SVG.
Only the standard library is imported here, so the no-op check stays fast.

Every cached step is declared once, as a `Step` in the table at the end of this file: its name (its folder
in .cache/), the planpub modules whose code it runs (with every planpub module they import, found by reading
their imports) and the data files its code reads. Its key is the digest of those files, the pinned
dependencies and the data inputs the caller gives, so a change to any code a step runs redoes it.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .config import ROOT, Paths

# Code and pins whose change invalidates cached outputs.
CODE_FILES = ("planpub", "build.py", "requirements.lock")
# Inputs under datasets/ that are outputs of the build too (compared as outputs, not inputs).
OUTPUTS = ("packages", "CHANGELOG.yaml")
NOTHING_TO_DO = "nothing to do: no input changed since the last build and its outputs are intact (--force rebuilds)"
_SKIP_DIRS = {"__pycache__", ".pytest_cache"}


def digest(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def json_digest(value: Any) -> str:
    return digest(json.dumps(value, sort_keys=True, ensure_ascii=False, default=_plain))


def _plain(value: Any) -> Any:
    """What JSON has no type for: a set as its sorted items (its own order changes between runs), else its text."""
    return sorted(value, key=str) if isinstance(value, set | frozenset) else str(value)


def _files(root: Path, skip: Iterable[str] = ()) -> list[Path]:
    """Every file under `root` (or `root` itself), in a stable order, skipping caches and `skip` (top-level names)."""
    if root.is_file():
        return [root]
    found = []
    for folder, dirs, files in os.walk(root):
        top = Path(folder) == root
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith(".") and not (top and d in skip))
        found += [Path(folder) / f for f in sorted(files) if not (top and f in skip) and not f.endswith(".pyc")]
    return found


def tree_digests(root: Path, skip: Iterable[str] = ()) -> dict[str, str]:
    """Content digest of every file under `root`, keyed by its path relative to `root`."""
    return {str(p.relative_to(root)): digest(p.read_bytes()) for p in _files(root, skip)} if root.exists() else {}


def tree_digest(root: Path, skip: Iterable[str] = ()) -> str:
    return json_digest(tree_digests(root, skip))


def stat_digest(root: Path) -> str:
    """A cheap fingerprint of a build output (names, sizes, modification times), to notice it was touched."""
    if not root.exists():
        return ""
    return json_digest([(str(p.relative_to(root)), p.stat().st_size, p.stat().st_mtime_ns) for p in _files(root)])


@lru_cache
def code_version(names: tuple[str, ...] = CODE_FILES, root: Path = ROOT) -> str:
    """Digest of the code (and pinned dependencies) the cached outputs were made with."""
    return json_digest({name: tree_digest(root / name) for name in names})


def _module_file(module: str, root: Path) -> Path | None:
    base = root.joinpath(*module.split("."))
    return next((p for p in (base.with_suffix(".py"), base / "__init__.py") if p.is_file()), None)


def imported(module: str, root: Path = ROOT) -> set[str]:
    """The planpub modules that `module` imports by name, at the top or inside a function."""
    file = _module_file(module, root)
    package = module if file.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(file.read_bytes())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            parts = package.split(".")
            base = ".".join(parts[: len(parts) - node.level + 1]) if node.level else ""
            base = ".".join(filter(None, (base, node.module)))
            found |= {base} | {f"{base}.{alias.name}" for alias in node.names}
    return {name for name in found - {module} if name.split(".")[0] == "planpub" and _module_file(name, root)}


@lru_cache
def module_files(modules: tuple[str, ...], root: Path = ROOT) -> tuple[str, ...]:
    """The files of `modules` and of every planpub module they import, directly or not (relative to `root`)."""
    seen: dict[str, Path] = {}
    todo = list(modules)
    while todo:
        module = todo.pop()
        if module not in seen and (file := _module_file(module, root)):
            seen[module] = file
            parents = {".".join(module.split(".")[:i]) for i in range(1, module.count(".") + 1)}  # run on import too
            todo += imported(module, root) | parents
    return tuple(sorted(str(file.relative_to(root)) for file in seen.values()))


def inputs(paths: Paths, options: dict) -> dict[str, str]:
    """Every input of a build, each with its digest: the curated datasets, the charts, mkdocs.yml, the code, the options."""
    found = {f"datasets/{name}": value for name, value in tree_digests(paths.datasets, skip=OUTPUTS).items()}
    found |= {f"charts/{name}": value for name, value in tree_digests(paths.charts).items()}
    found["mkdocs.yml"] = tree_digest(paths.root / "mkdocs.yml")
    found["code"] = code_version()
    found["options"] = json_digest(options)
    return found


def outputs(paths: Paths) -> dict[str, str]:
    """What a successful build leaves behind, to notice when it was changed or removed since."""
    return {
        "datasets/packages": tree_digest(paths.packages),
        "datasets/CHANGELOG.yaml": tree_digest(paths.datasets / "CHANGELOG.yaml"),
        "site": stat_digest(paths.site),
    }


def changed(old: dict[str, str], new: dict[str, str]) -> list[str]:
    """Names whose digest differs (added, removed or changed), sorted."""
    return sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))


def up_to_date(paths: Paths, options: dict) -> bool:
    """True when no input changed since the last successful build and its outputs were not touched."""
    stamp = Cache(paths.cache).read_stamp()
    return bool(stamp) and stamp.get("inputs") == inputs(paths, options) and stamp.get("outputs") == outputs(paths)


def link_tree(source: Path, target: Path) -> None:
    """`source`'s files into `target` as hard links (a copy where the filesystem has none): no bytes copied."""
    shutil.copytree(source, target, copy_function=_link_or_copy, dirs_exist_ok=True)


def link_file(source: Path, target: Path) -> None:
    """`source` at `target` (replacing it) as a hard link, a copy where the filesystem has none."""
    temporary = target.with_name(target.name + ".tmp")
    target.parent.mkdir(parents=True, exist_ok=True)
    _link_or_copy(str(source), str(temporary))
    temporary.replace(target)


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:  # another filesystem, or one without hard links
        shutil.copy2(source, target)


class Cache:
    """Memoised stage outputs as JSON files: .cache/<stage>/<key>.json. Entries unused by a build are pruned, except
    those that a reused entry made of them hands to `keep`."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        self.used: dict[str, set[str]] = {}
        self.counts: dict[str, list[int]] = {}  # stage → [reused, computed]
        self._recording: dict[str, set[str]] | None = None  # the entries used meanwhile (`recorded`)

    def _path(self, stage: str, key: str) -> Path:
        return self.folder / stage / f"{key}.json"

    def memo(self, stage: str, key: str, compute: Callable[[], Any]) -> Any:
        """The cached value for (stage, key), computed and stored on a miss."""
        if self.folder is None:
            return compute()
        self.used.setdefault(stage, set()).add(key)
        if self._recording is not None:
            self._recording.setdefault(stage, set()).add(key)
        path = self._path(stage, key)
        counts = self.counts.setdefault(stage, [0, 0])
        if path.exists():
            counts[0] += 1
            return json.loads(path.read_text(encoding="utf-8"))
        counts[1] += 1
        value = compute()
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
        return value

    def memo_tree(self, stage: str, key: str, out: Path, compute: Callable[[], Any]) -> Any:
        """Like `memo` for a step that writes files into `out`: on a hit the files come back from the cache.

        The files are hard links, not copies, both ways (`link_tree`): a cached entry is never written again, and
        the files in `out` end up in site/, which is output, so nothing writes into them either.
        """
        if self.folder is None:
            return compute()
        files = self.folder / stage / key
        if self._path(stage, key).exists() and files.is_dir():
            link_tree(files, out)
        value = self.memo(stage, key, compute)
        if not files.is_dir():
            link_tree(out, files.with_suffix(".tmp"))
            files.with_suffix(".tmp").rename(files)
        return value

    def summary(self) -> str:
        """What this build reused and what it computed, per stage: `extract 4 reused 1 computed, …`."""
        return ", ".join(
            f"{stage} {reused} reused {computed} computed" for stage, (reused, computed) in sorted(self.counts.items())
        )

    def has(self, stage: str, key: str) -> bool:
        return self.folder is not None and self._path(stage, key).exists()

    @contextmanager
    def recorded(self) -> Iterator[dict[str, set[str]]]:
        """The entries (stage → keys) used inside the block: a step that keeps its output whole (the pages of one
        plan) hands them to `keep` when it is reused, so the finer entries it was made of are not pruned. Not nested."""
        self._recording = recording = {}
        try:
            yield recording
        finally:
            self._recording = None

    def keep(self, entries: dict[str, list[str]]) -> None:
        """Count these entries (stage → keys) as used by this build, unread: pruning leaves them."""
        for stage, keys in entries.items():
            self.used.setdefault(stage, set()).update(keys)

    def prune(self) -> None:
        """Delete the entries of the stages this build used that it did not use itself."""
        for stage, keys in self.used.items():
            for path in (self.folder / stage).iterdir():
                if path.name.split(".")[0] not in keys:
                    shutil.rmtree(path) if path.is_dir() else path.unlink()

    def read_stamp(self) -> dict:
        path = self.folder / "build.json" if self.folder else None
        if not path or not path.exists():
            return {}
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            return {}

    def write_stamp(self, stamp: dict) -> None:
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "build.json").write_text(json.dumps(stamp, indent=1, sort_keys=True), encoding="utf-8")


# The cache of the build in progress; stages reach it through `memo` (a plain computation when unset).
_active = Cache(None)


def recorded() -> AbstractContextManager[dict[str, set[str]]]:
    return _active.recorded()


def keep(entries: dict[str, list[str]]) -> None:
    _active.keep(entries)


def use(cache: Cache) -> None:
    global _active
    _active = cache


@dataclass(frozen=True)
class Step:
    """A cached step: its .cache/ folder, the planpub modules it runs, and the data files its code reads."""

    name: str
    modules: tuple[str, ...] = ()
    files: tuple[str, ...] = ()

    def code(self, root: Path = ROOT) -> tuple[str, ...]:
        """Every file whose change redoes the step: its modules and what they import, its files, the pins."""
        return tuple(sorted({*module_files(self.modules, root), *self.files, *PINS}))

    def code_version(self, root: Path = ROOT) -> str:
        return code_version(self.code(root), root)

    def key(self, *inputs: Any) -> str:
        """The cache key of one run of the step on `inputs` (JSON-serialisable data, or digests of it)."""
        return json_digest([self.name, self.code_version(), inputs])

    def memo(self, key: str, compute: Callable[[], Any]) -> Any:
        return _active.memo(self.name, key, compute)

    def memo_tree(self, key: str, out: Path, compute: Callable[[], Any]) -> Any:
        return _active.memo_tree(self.name, key, out, compute)

    def has(self, key: str) -> bool:
        return _active.has(self.name, key)

    def beside(self, key: str, suffix: str) -> Path | None:
        """Where a file kept with the entry of `key` lies (pruned with it); None when nothing is cached."""
        return _active.folder / self.name / f"{key}{suffix}" if _active.folder else None

    def kept(self, key: str, suffix: str) -> Path | None:
        """The file (or folder) kept with the entry of `key`, when both are in the cache; else None."""
        path = self.beside(key, suffix)
        return path if path and self.has(key) and path.exists() else None


PINS = ("requirements.lock",)  # the pinned dependencies (OpenCC's tables, frictionless, MkDocs, vl-convert…)

# Every cached step of the build, in one table.
EXTRACT = Step("extract", ("planpub.read", "planpub.extract", "planpub.curate"), ("datasets/schema.yaml",))
PACKAGE = Step("package", ("planpub.package",), ("datasets/schema.yaml",))  # keyed by a plan's rows and descriptor
VALIDATE = Step("validate", ("planpub.package",), ("datasets/schema.yaml",))
DOWNLOADS = Step("downloads", ("planpub.downloads",), ("planpub/templates",))
PAGE = Step("page", ("planpub.page",), ("planpub/templates",))  # keyed by the page's context (its rows) too
PLAN_PAGES = Step("plan-pages", ("planpub.page",), ("planpub/templates",))  # keyed by its plans' rows, declared inputs
CHART_SPEC = Step("chart-spec", ("planpub.chart",))  # keyed by the chart's file (charts/*.yaml) and rows too
SVG = Step("svg", ("planpub.chart",))
JS = Step("js")  # vl-convert's JavaScript bundle: only its version (in the pins) matters
FONT = Step("font", ("planpub.font",))
MKDOCS_PAGE = Step("mkdocs-page", ("planpub.sitecache",))
MKDOCS_SEARCH = Step("mkdocs-search", ("planpub.sitecache",))
MKDOCS_OUTPUT = Step("mkdocs-output", ("planpub.sitecache", "planpub.mkdocs_hooks"), ("planpub/theme",))
STEPS = (
    EXTRACT,
    PACKAGE,
    VALIDATE,
    DOWNLOADS,
    PAGE,
    PLAN_PAGES,
    CHART_SPEC,
    SVG,
    JS,
    FONT,
    MKDOCS_PAGE,
    MKDOCS_SEARCH,
    MKDOCS_OUTPUT,
)
