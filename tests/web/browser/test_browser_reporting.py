"""The reporting workflow in real Chromium, as an agency's people go through it: a reporter signs in,
downloads the agency's XLSX template, fills it (openpyxl, as a spreadsheet program would) and uploads it; the
approver returns one value with a reason; the reporter sees it returned, fixes it in the form; the approver
approves both; the public sees the values on the indicator pages, and never before."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from browser_app import served
from demo_store import demo_template
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from natije.domain.access import Principal
from natije.services.demo import DEMO_AGENCY, demo_accounts
from natije.store import Store

pytestmark = pytest.mark.browser

USERS = "AI2023.RURAL_INTERNET_USERS"
COVERAGE = "AI2023.POPULATION_COVERAGE"
NATION = "000000000"
USERS_VALUE, WRONG, FIXED = "81.7", "9.3", "93.2"  # one decimal: as the pages write a share


@pytest.fixture(scope="module")
def workflow(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """The demo served on a store of its own (this test publishes values), with the demo's accounts."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NATIJE_PASSWORD_HASHING", "test")
        with demo_template("sqlite", tmp_path_factory.mktemp("reporting")) as url:
            store = Store.open(url)
            try:
                accounts = demo_accounts(store, by=Principal("admin", name="cli:tester"))
            finally:
                store.close()
            with served(url) as base:
                yield base, {a.login: a.password for a in accounts}


def sign_in(page: Page, base: str, login: str, password: str) -> None:
    page.goto(f"{base}/en/login")
    page.fill("#login", login)
    page.fill("#password", password)
    page.click("form.login button[type=submit]")
    page.wait_for_selector(".account .who")


def filled(template: bytes) -> bytes:
    """The template with two of its pre-filled rows given a value, as a reporter would type them."""
    book = load_workbook(io.BytesIO(template))
    sheet = book["values"]
    header = [cell.value for cell in sheet[1]]
    columns = {name: header.index(name) for name in header if name}
    wanted = {(USERS, "2024"): float(USERS_VALUE), (COVERAGE, "2024"): float(WRONG)}
    found = 0
    for row in sheet.iter_rows(min_row=2):
        indicator = str(row[0].value or "").split(" ")[0]
        period = str(row[2].value or "")
        territory = str(row[1].value or "").split(" ")[0]
        if (indicator, period) in wanted and territory == NATION:
            row[3].value = wanted[(indicator, period)]
            found += 1
    assert found == 2, f"the template lacks a pre-filled row for {sorted(wanted)} ({columns})"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def public_text(open_page: Callable[..., Page], base: str, indicator: str) -> str:
    page = open_page(locale="en-US")
    page.goto(f"{base}/en/indicators/{indicator}")
    text = page.inner_text("main")
    page.context.close()
    return text


def test_a_filled_template_a_returned_value_fixed_and_approved_reaches_the_public_page(
    open_page: Callable[..., Page],
    workflow: tuple[str, dict[str, str]],
    shoot: Callable[[Page, str], Path],
    tmp_path: Path,
) -> None:
    base, passwords = workflow
    assert USERS_VALUE not in public_text(open_page, base, USERS)
    assert FIXED not in public_text(open_page, base, COVERAGE)

    reporter = open_page(locale="en-US", accept_downloads=True)
    sign_in(reporter, base, "reporter", passwords["reporter"])
    reporter.goto(f"{base}/en/reporting")
    assert DEMO_AGENCY in reporter.inner_text("main")
    with reporter.expect_download() as download:
        reporter.click("a[href$='/reporting/template.xlsx']")
    template = Path(download.value.path()).read_bytes()
    upload = tmp_path / download.value.suggested_filename
    upload.write_bytes(filled(template))
    reporter.set_input_files("#file", str(upload))
    reporter.click("#spreadsheet button[type=submit]")
    reporter.wait_for_selector("p.success")
    assert "2" in reporter.inner_text("p.success")
    shoot(reporter, "reporting-uploaded")
    assert USERS_VALUE not in public_text(open_page, base, USERS)  # pending: not published

    approver = open_page(locale="en-US")
    sign_in(approver, base, "approver", passwords["approver"])
    approver.goto(f"{base}/en/approvals")
    wrong = approver.locator("tr", has_text=COVERAGE)
    wrong.locator("input[type=checkbox]").check()
    approver.fill("#reason", "Coverage is 93.2 %, not 9.3 %: a digit was dropped")
    approver.click("button[value=return]")
    approver.wait_for_selector("[role=status]")

    reporter.goto(f"{base}/en/reporting")
    returned = reporter.locator("section.returned tr", has_text=COVERAGE)
    assert "a digit was dropped" in returned.inner_text()
    assert "T" not in returned.locator("td").nth(5).inner_text()  # who and on which day, not a time stamp
    shoot(reporter, "reporting-returned")
    returned.locator("a").click()
    expect(reporter.locator("#value")).to_have_value(WRONG)  # the form pre-filled with the returned value
    reporter.fill("#value", FIXED)
    reporter.click("#enter button[type=submit]")
    reporter.wait_for_selector("p.success")

    approver.goto(f"{base}/en/approvals")
    rows = approver.locator("tbody input[type=checkbox]")
    assert rows.count() == 2
    for k in range(rows.count()):
        rows.nth(k).check()
    approver.click("button[value=approve]")
    approver.wait_for_selector("[role=status]")
    shoot(approver, "approvals-done")
    assert approver.locator("tbody input[type=checkbox]").count() == 0

    assert USERS_VALUE in public_text(open_page, base, USERS)
    assert FIXED in public_text(open_page, base, COVERAGE)
