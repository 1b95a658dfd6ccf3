"""The pages that list every plan (Projects, Downloads) are split into pages of a fixed number of plans, so no page
grows with the catalogue: built here with 2 plans a page, every project and every download file is on exactly one
page, each page links to the others, and the shared sections (data dictionary, licence) are on the first."""

from __future__ import annotations

import re

import pytest

from planpub import page
from planpub.pipeline import build

from .conftest import built_copy


@pytest.fixture(scope="module")
def paged_site(built, tmp_path_factory):
    paths = built_copy(built, tmp_path_factory.mktemp("paged"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(page, "PLANS_PER_PAGE", 2)
        build(paths, force=True, log=lambda _: None)  # forced: a change of code the build stamp cannot see
    return paths


def pages(site, name: str, lang: str) -> list[str]:
    folder = site if lang == "zh" else site / "en"
    found = [folder / f"{name}.html", *(folder / f"{name}-{n}.html" for n in (2, 3))]
    assert all(p.exists() for p in found) and not (folder / f"{name}-4.html").exists()  # 5 plans, 2 a page
    return [p.read_text(encoding="utf-8") for p in found]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_projects_are_split_by_plan_each_on_exactly_one_page_with_a_pager(paged_site, built, lang):
    split = pages(paged_site.site, "projects", lang)
    whole = (built.site / ("projects.html" if lang == "zh" else "en/projects.html")).read_text(encoding="utf-8")
    rows = re.findall(r'href="[^"]*sources/[^"]+#L\d+"', whole)
    assert rows and sorted(r for html in split for r in re.findall(r'href="[^"]*sources/[^"]+#L\d+"', html)) == sorted(rows)
    for number, html in enumerate(split, start=1):
        assert 'id="project-filter"' in html
        links = re.findall(r'<nav class="pager">(.*?)</nav>', html, re.S)
        assert len(links) == 2  # above and below the list
        assert f"<strong>{number}</strong>" in links[0]
        targets = re.findall(r'href="([^"]+)"', links[0])
        assert [t.rsplit("/", 1)[-1] for t in targets] == [
            p for n, p in enumerate(["projects.html", "projects-2.html", "projects-3.html"], 1) if n != number
        ]


def test_every_download_file_is_listed_on_exactly_one_page_and_the_dictionary_on_the_first(paged_site):
    split = pages(paged_site.site, "downloads", "zh")
    listed = [re.findall(r'href="downloads/([^"]+)"', html) for html in split]
    expected = [
        f"{folder.name}/{line.split('  ', 1)[1]}"
        for folder in (paged_site.site / "downloads").iterdir()
        for line in (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    ]
    assert sorted(name for names in listed for name in names if not name.endswith("SHA256SUMS")) == sorted(
        name for name in expected if not name.endswith("SHA256SUMS")
    )
    assert any(name.startswith("all/") for name in listed[0]) and not any(n.startswith("all/") for n in listed[1] + listed[2])
    assert "<code>plan_id</code>" in split[0] and "<code>plan_id</code>" not in split[1]
