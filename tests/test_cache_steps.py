"""Every cached step is declared once (planpub/cache.py `STEPS`): its key covers the code it runs, found by
reading imports, so a change to any module it imports, its data files or the pinned dependencies redoes it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from planpub import cache
from planpub.config import ROOT


def code_copy(dest: Path) -> Path:
    """The code, the pins and the schema, copied so that a test may change them."""
    shutil.copytree(ROOT / "planpub", dest / "planpub", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "datasets", dest / "datasets", ignore=shutil.ignore_patterns("packages", ".*"))
    for name in ("requirements.lock", "build.py", "mkdocs.yml"):
        shutil.copy(ROOT / name, dest / name)
    return dest


def touch(file: Path) -> None:
    """Change a file's content without changing what it means (a trailing comment, or a new file in a folder)."""
    if file.is_dir():
        (file / "touched.txt").write_text("touched\n", encoding="utf-8")
    else:
        file.write_bytes(file.read_bytes() + b"\n# touched\n")


def test_the_extract_step_depends_on_package_config_and_the_pins():
    code = cache.EXTRACT.code()
    assert {"planpub/package.py", "planpub/config.py", "requirements.lock", "planpub/curate.py"} <= set(code)
    assert {"planpub/read.py", "planpub/extract/metadata.py", "datasets/schema.yaml"} <= set(code)


def test_a_steps_code_follows_imports_inside_functions_and_from_packages():
    assert "planpub/extract/values.py" in cache.EXTRACT.code()  # planpub.extract → from . import indicators → values
    assert "planpub/font.py" in cache.FONT.code() and cache.JS.code() == ("requirements.lock",)


@pytest.mark.parametrize("step", cache.STEPS, ids=lambda step: step.name)
def test_touching_any_file_a_step_depends_on_changes_its_key_and_others_do_not(tmp_path, step):
    root = code_copy(tmp_path)
    code = step.code(root)
    assert code == step.code()  # the same files in the copy as in the project
    for name in code:
        before = step.code_version(root)
        touch(root / name)
        cache.code_version.cache_clear()
        assert step.code_version(root) != before, f"{step.name} ignores a change to {name}"
    unrelated = root / "planpub" / "progress.py"  # the terminal progress bar: no cached step runs it
    assert "planpub/progress.py" not in code
    before = step.code_version(root)
    touch(unrelated)
    cache.code_version.cache_clear()
    assert step.code_version(root) == before


def extraction_counts(root: Path) -> str:
    """Run the extraction of every registered plan in the project at `root` with its cache; the cache summary."""
    script = (
        "from planpub import cache, pipeline\n"
        "from planpub.config import Paths\n"
        "from planpub.registry import load\n"
        "store = cache.Cache(Paths().cache)\n"
        "cache.use(store)\n"
        "pipeline.extract_all(Paths(), load(Paths()), {}, lambda _: None)\n"
        "print(store.summary())\n"
    )
    run = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return run.stdout.strip()


@pytest.mark.slow
def test_a_change_to_package_config_or_the_pins_redoes_every_extraction(tmp_path):
    root = code_copy(tmp_path)
    registry = root / "datasets" / "plans.yaml"
    first = registry.read_text(encoding="utf-8").split("\n\n  - plan_id:")[0]  # one plan is enough
    registry.write_text(first + "\n", encoding="utf-8")
    assert extraction_counts(root) == "extract 0 reused 1 computed"
    assert extraction_counts(root) == "extract 1 reused 0 computed"
    for name in ("planpub/package.py", "planpub/config.py", "requirements.lock"):
        touch(root / name)
        assert extraction_counts(root) == "extract 0 reused 1 computed", name
