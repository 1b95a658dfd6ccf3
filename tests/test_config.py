"""Curated YAML is loaded as plain data, with the line of every value and key kept beside it (for error messages)."""

from __future__ import annotations

import yaml

from planpub.config import Paths, load_yaml_lines
from planpub.registry import load

TEXT = """\
# a comment
plans:
  - plan_id: a
    level: city

  - plan_id: b
    row: {x: 1,
          y: 2}
"""


def test_data_holds_no_bookkeeping_and_lines_name_each_mapping_key_and_item(tmp_path):
    path = tmp_path / "plans.yaml"
    path.write_text(TEXT, encoding="utf-8")
    data, lines = load_yaml_lines(path)
    assert data == yaml.safe_load(TEXT)
    assert lines.of("plans") == 2 and lines["plans"][0].line == 3 and lines["plans"][0].of("level") == 4
    assert lines["plans"][1].of("plan_id") == 6 and lines["plans"][1]["row"].of("y") == 8
    assert lines["plans"][0].of("missing") == 3  # an absent key: the line of its mapping
    assert lines["plans"][1]["plan_id"].line == 6  # a scalar: its own line


def test_the_registry_entries_are_exactly_the_yaml_entries():
    paths = Paths()
    assert load(paths) == yaml.safe_load(paths.registry.read_text(encoding="utf-8"))["plans"]
