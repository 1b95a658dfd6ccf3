"""Every mistake a maintainer can make is one message naming file and line, exit status 1, no traceback,
and the previous site/ stays byte-identical."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from planpub.config import Paths

from .conftest import built_copy, edit, fails_cleanly, line_number, run_build, snapshot


@pytest.fixture
def project(built, tmp_path) -> Paths:
    return built_copy(built, tmp_path)


def test_malformed_registry_yaml_names_the_line_of_the_problem(project):
    edit(project.registry, "    level: city\n", "    level: [city\n")
    fails_cleanly(project, project.registry, line_number(project.registry, "level: [city") + 1, "malformed YAML")


def test_unknown_field_in_a_plan_entry_names_its_line(project):
    edit(project.registry, '    region_code: "140900"\n', '    region_code: "140900"\n    regoin_zh: 忻州\n')
    fails_cleanly(project, project.registry, line_number(project.registry, "regoin_zh"), "unknown field `regoin_zh`")


def test_duplicate_plan_id_names_the_second_entry(project):
    edit(project.registry, "plan_id: xinzhou-2021-public-services", "plan_id: shanxi-2021-public-services")
    line = line_number(project.registry, "plan_id: shanxi-2021-public-services", occurrence=2)
    fails_cleanly(project, project.registry, line, "duplicate plan_id")


def test_missing_source_file_names_the_entry(project):
    (project.sources / "001_c8d80dd4753e0ae7.txt").unlink()
    line = line_number(project.registry, "source: 001_c8d80dd4753e0ae7.txt")
    fails_cleanly(project, project.registry, line, "not found")


def test_a_source_name_escaping_datasets_is_refused(project):
    edit(project.registry, "source: 001_c8d80dd4753e0ae7.txt", "source: ../../etc/passwd")
    fails_cleanly(project, project.registry, line_number(project.registry, "../../etc/passwd"), "not a plain file name")


def test_a_value_of_the_wrong_type_in_the_registry_names_its_line(project):
    edit(project.registry, "    level: city\n", "    level: town\n")
    fails_cleanly(project, project.registry, line_number(project.registry, "level: town"), "must be one of")


def test_undecodable_document_names_file_and_line(project):
    source = project.sources / "001_c8d80dd4753e0ae7.txt"
    source.write_bytes(b"first line\n" + "第二行".encode() + b"\xff\xff\n")
    fails_cleanly(project, source, 2, "neither UTF-8, GB18030 nor Big5")


def test_stale_override_names_its_line(project):
    overrides = project.overrides / "xinzhou-2021-public-services.yaml"
    overrides.parent.mkdir(exist_ok=True)
    overrides.write_text(
        "corrections:\n  - resource: indicators\n    id: i999\n    field: target_value\n    value: 1\n    reason: typo\n",
        encoding="utf-8",
    )
    fails_cleanly(project, overrides, 3, "no longer exists")


def test_unknown_field_in_an_override_names_its_line(project):
    overrides = project.overrides / "xinzhou-2021-public-services.yaml"
    overrides.parent.mkdir(exist_ok=True)
    overrides.write_text("drops:\n  - resource: indicators\n    id: i001\n    reasn: duplicate row\n", encoding="utf-8")
    fails_cleanly(project, overrides, 4, "unknown field `reasn`")


def test_missing_translation_in_strict_mode_names_the_document_line_of_the_text(project):
    (project.i18n / "indicators.yaml").unlink()  # the indicator names lose their English
    before = snapshot(project.site)
    run = run_build(project, "--strict")
    assert run.returncode == 1 and "Traceback" not in run.stderr
    found = re.search(r"error: (\S+):(\d+): no English for '([^']+)'", run.stderr)
    assert found, run.stderr
    line = Path(found[1]).read_text(encoding="utf-8").splitlines()[int(found[2]) - 1]
    assert found[3][:4] in line  # the untranslated text is on the line named
    assert snapshot(project.site) == before
