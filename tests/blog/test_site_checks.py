"""axe-core and the Nu HTML checker on every public page (installed by ``make checks-deps``, which
``make test`` runs first). Lighthouse is slower: ``make site-checks`` runs it with these two."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from checks import site

pytestmark = pytest.mark.skipif(
    bool(site.installed()), reason=f"site checkers not installed (make checks-deps): {site.installed()}"
)


@pytest.fixture(scope="module")
def pages(local_stack: object) -> Iterator[dict[str, str]]:
    with site.served_blog(own_stack=False) as served:
        yield served


def test_axe_finds_no_violation_at_desktop_and_phone_widths(pages: dict[str, str]) -> None:
    report = site.Report()
    site.axe_check(pages, report, passes=((1280, "light"), (390, "light"), (390, "dark")))
    assert len(report.axe) == 3 * len(pages)
    assert {key: found for key, found in report.axe.items() if found} == {}


def test_the_nu_html_checker_finds_no_error(pages: dict[str, str], tmp_path: Path) -> None:
    report = site.Report()
    site.nu_check(pages, report, workdir=tmp_path)
    assert set(report.nu) == set(pages)
    assert {name: errors for name, errors in report.nu.items() if errors} == {}
