"""The data packages of record: the contract in every datapackage.json, real frictionless validation, reproducibility."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
import yaml

from planpub.background import Background
from planpub.config import ROOT, load_yaml
from planpub.errors import PlanError
from planpub.package import validate_catalog, validate_package, validated, write_packages
from planpub.pipeline import build, extract_plan, load_registry
from planpub.schema import RESOURCES

from .conftest import built_copy, copy_project, snapshot

COMMITTED = ROOT / "datasets" / "packages"
ENUMS = {
    ("plans", "level"): ["nation", "province", "city", "county"],
    ("indicators", "attribute"): ["binding", "expected", "advocated"],
    ("indicators", "target_comparator"): ["=", ">=", ">", "<=", "<", "~"],
    ("targets", "comparator"): ["=", ">=", ">", "<=", "<", "~"],
}


def files(folder) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def descriptors(folder) -> dict[str, dict]:
    return {p.name: json.loads((p / "datapackage.json").read_text(encoding="utf-8")) for p in folder.iterdir()}


def test_committed_packages_are_byte_equal_to_what_the_pipeline_produces_from_the_sources(built):
    produced, committed = files(built.packages), files(COMMITTED)
    assert sorted(produced) == sorted(committed), "run `python build.py` and commit datasets/packages/"
    changed = [name for name in produced if produced[name] != committed[name]]
    assert not changed, f"stale committed packages {changed}: run `python build.py` and commit datasets/packages/"


def test_there_is_one_package_per_registered_plan_and_the_catalog(built):
    registry = [entry["plan_id"] for entry in load_yaml(built.registry)["plans"]]
    assert sorted(p.name for p in built.packages.iterdir()) == sorted([*registry, "all"])


def test_validating_the_catalog_once_reports_what_validating_every_package_does(built):
    plans = sorted(p / "datapackage.json" for p in built.packages.iterdir() if p.name != "all")
    catalog = built.packages / "all" / "datapackage.json"
    found = validate_catalog(catalog, plans)
    assert [found["plans"][str(p)] for p in plans] + [found["catalog"]] == [validate_package(p) for p in plans + [catalog]]


def test_a_catalog_whose_rows_break_the_contract_is_reported_at_the_plan_that_has_them(built, tmp_path):
    packages = tmp_path / "packages"
    shutil.copytree(built.packages, packages)
    for folder in ("xinzhou-2021-public-services", "all"):  # the same bad row in the plan and in the catalog
        table = packages / folder / "targets.csv"
        lines = table.read_text(encoding="utf-8").split("\n")
        k = next(i for i, line in enumerate(lines) if line.startswith("xinzhou-2021-public-services,") and ",>=," in line)
        lines[k] = lines[k].replace(",>=,", ",maybe,", 1)
        table.write_text("\n".join(lines), encoding="utf-8")
    plans = sorted(p / "datapackage.json" for p in packages.iterdir() if p.name != "all")
    with pytest.raises(PlanError) as failure:
        validate_catalog(packages / "all" / "datapackage.json", plans)
    assert failure.value.file.endswith("xinzhou-2021-public-services/datapackage.json"), failure.value.file
    assert "comparator" in failure.value.message


def test_frictionless_command_line_reports_every_package_valid(built):
    for folder in sorted(built.packages.iterdir()):
        run = subprocess.run(
            [sys.executable, "-m", "frictionless", "validate", "--json", str(folder / "datapackage.json")],
            capture_output=True,
            text=True,
        )
        assert run.returncode == 0, run.stdout[-2000:] + run.stderr
        report = json.loads(run.stdout)
        assert report["valid"] and len(report["tasks"]) == len(RESOURCES)


def test_every_resource_declares_types_keys_foreign_keys_enums_and_bilingual_field_docs(built):
    for package, meta in descriptors(built.packages).items():
        assert [r["name"] for r in meta["resources"]] == list(RESOURCES), package
        for resource in meta["resources"]:
            name, schema = resource["name"], resource["schema"]
            assert resource["title"] and resource["title_zh"] and resource["description"] and resource["description_zh"]
            assert schema["primaryKey"][0] == "plan_id" and set(schema["primaryKey"]) <= {f["name"] for f in schema["fields"]}
            if name != "plans":
                assert schema["foreignKeys"] == [
                    {"fields": ["plan_id"], "reference": {"resource": "plans", "fields": ["plan_id"]}}
                ]
            for field in schema["fields"]:
                assert field["type"] in {"string", "integer", "number", "date", "boolean"}, (name, field)
                for key in ("title", "title_zh", "description", "description_zh"):
                    assert str(field.get(key) or "").strip(), f"{package}/{name}.{field['name']} has no {key}"
                if field["name"] == "source_line":
                    assert field["constraints"] == {"required": True, "minimum": 1}
            for (enum_resource, enum_field), values in ENUMS.items():
                if enum_resource == name:
                    field = next(f for f in schema["fields"] if f["name"] == enum_field)
                    assert field["constraints"]["enum"] == values


def test_package_metadata_names_title_licence_sources_contributors_and_the_release_date(built):
    catalog = load_yaml(built.datasets / "catalog.yaml")
    for package, meta in descriptors(built.packages).items():
        assert meta["name"] == (catalog["name"] if package == "all" else package)
        for key in ("title", "title_zh", "description", "description_zh"):
            assert meta[key].strip(), (package, key)
        assert meta["version"] == str(catalog["version"])
        assert meta["created"] == f"{catalog['released']}T00:00:00Z", "created must come from catalog.yaml, not the clock"
        assert meta["licenses"][0]["name"] == "CC-BY-4.0" and meta["licenses"][0]["path"].startswith("https://")
        assert meta["contributors"] and all(c["title"] and c["role"] for c in meta["contributors"])
        for source in meta["sources"]:
            assert source["title"] and source["issuer"] and len(source["sha256"]) == 64
            assert (ROOT / source["file"]).is_file()
    assert len(descriptors(built.packages)["all"]["sources"]) == len(load_yaml(built.registry)["plans"])


def test_the_plan_source_is_the_government_publication_with_its_document_number(built):
    meta = json.loads((built.packages / "shanxi-2021-public-services" / "datapackage.json").read_text(encoding="utf-8"))
    (source,) = meta["sources"]
    assert {key: value for key, value in source.items() if key != "sha256"} == {
        "title": "山西省“十四五”公共服务和社会保障事业规划",
        "title_en": "Shanxi Province 14th Five-Year Plan for Public Services and Social Security Programmes",
        "issuer": "山西省人民政府",
        "issuer_en": "Shanxi Provincial People's Government",
        "doc_number": "晋政发〔2021〕35号",
        "issue_date": "2021-10-08",
        "file": "datasets/sources/000_72d2194c0461514b.txt",
    }
    assert "path" not in source, "no URL is recorded for this document, so none may be invented"


def test_a_row_pointing_at_an_unknown_plan_fails_validation_with_the_foreign_key_message(built, tmp_path):
    folder = tmp_path / "pkg"
    shutil.copytree(built.packages / "xinzhou-2021-public-services", folder)
    csv = folder / "indicators.csv"
    lines = csv.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].replace("xinzhou-2021-public-services,", "no-such-plan,", 1)
    csv.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(PlanError) as failure:
        validate_package(folder / "datapackage.json")
    assert "foreign key" in failure.value.message and "no-such-plan" in failure.value.message
    assert "indicators, row 2" in failure.value.message and failure.value.file == str(folder / "datapackage.json")


def test_a_duplicate_primary_key_fails_validation(built, tmp_path):
    folder = tmp_path / "pkg"
    shutil.copytree(built.packages / "xinzhou-2021-public-services", folder)
    csv = folder / "sections.csv"
    lines = csv.read_text(encoding="utf-8").splitlines(keepends=True)
    csv.write_text("".join([*lines, lines[1]]), encoding="utf-8")
    with pytest.raises(PlanError) as failure:
        validate_package(folder / "datapackage.json")
    assert "primary key" in failure.value.message.lower()


def test_an_override_breaking_an_enum_stops_the_build_before_anything_is_published(built, tmp_path):
    paths = built_copy(built, tmp_path)
    before = snapshot(paths.packages)
    override = {
        "corrections": [{"resource": "indicators", "id": "i001", "field": "attribute", "value": "maybe", "reason": "test"}]
    }
    paths.overrides.mkdir(exist_ok=True)
    (paths.overrides / "xinzhou-2021-public-services.yaml").write_text(yaml.safe_dump(override), encoding="utf-8")
    with pytest.raises(PlanError) as failure:
        build(paths, log=lambda _: None)
    message = failure.value.format()
    assert "attribute" in message and "maybe" in message  # caught at the override (file and line), before validation
    assert "xinzhou-2021-public-services" in failure.value.file and failure.value.line
    assert snapshot(paths.packages) == before, "no package may be published from a failed build"


def test_the_package_stage_of_a_build_refuses_rows_that_break_a_foreign_key_with_the_validators_message(tmp_path):
    """Validated in the build's worker process, as a build does: the error comes back whole (file, message, hint)."""
    paths = copy_project(tmp_path)
    entry = next(e for e in load_registry(paths) if e["plan_id"] == "xinzhou-2021-public-services")
    records = extract_plan(paths, entry)
    records["projects"][0]["plan_id"] = "no-such-plan"
    written = write_packages(tmp_path / "packages", load_yaml(paths.datasets / "catalog.yaml"), {entry["plan_id"]: records})
    with pytest.raises(PlanError) as failure, Background() as background:
        validated(written, background.submit)()
    assert "data package is invalid" in failure.value.message and failure.value.hint
    assert failure.value.file == str(tmp_path / "packages" / entry["plan_id"] / "datapackage.json")
    assert "projects, row 2" in failure.value.message and "foreign key" in failure.value.message
