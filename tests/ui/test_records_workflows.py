"""Workflows across partners in the browser (doc/RECORDS.md):

- a movement request made by the USA is decided by the host nation's
  approver in a second browser session, and the requester then sees it
  approved, with its movement number, and starts it;
- an assessment is endorsed: the USA's and Iraq's own agreeing opinions,
  then an approver of the owner marks it reviewed and endorsed (offered only
  once every principal partner agrees);
- the PII vault opens for the case officers of the case's coordinating
  partner and home nation after they give a reason, and the node's audit
  records every access with that reason; users without the role see no
  vault panel.
"""
import json
import time
import uuid

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from conftest import Browser, CHROMEDRIVER, _options, shot
from nodetools import run_cx
from records_helpers import until


@pytest.fixture
def second(node):
    """A second browser session (its own driver, so its own cookies)."""
    d = webdriver.Chrome(service=Service(CHROMEDRIVER), options=_options())
    d.set_page_load_timeout(30)
    d.set_script_timeout(30)
    b = Browser(d, node)
    try:
        yield b
        errs = b.severe()
        assert not errs, "the second browser logged errors:\n" + "\n".join(errs)
    finally:
        d.quit()


def set_value(browser, element, value):
    """Set an input's value as the user would (date-time inputs ignore
    typed text in some locales) and tell the page."""
    browser.d.execute_script(
        "arguments[0].value = arguments[1];"
        "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));"
        "arguments[0].dispatchEvent(new Event('change', {bubbles: true}));", element, value)


def dialog(browser):
    dlg = browser.visible("dialog.rec-dialog")
    until(browser, lambda d: dlg.find_elements(By.CSS_SELECTOR, "button[type='submit']"))
    return dlg


def submit_and_close(browser, dlg):
    dlg.find_element(By.CSS_SELECTOR, "button[type='submit']").click()
    until(browser, lambda d: not d.find_elements(By.CSS_SELECTOR, "dialog.rec-dialog"), timeout=20)


def wait_row(browser, section, text, timeout=20):
    """The row (tr or article) of section that contains text."""
    def find(d):
        for r in d.find_elements(By.CSS_SELECTOR, f"#{section} tbody tr, #{section} article"):
            if text in r.text:
                return r
        return False
    return until(browser, find, timeout)


def new_ids(node, user, rtype, before):
    return [s["id"] for s in node.list_all(user, type=rtype) if s["id"] not in before]


def audit(node, action):
    p = run_cx(node.dir, "audit", "show", "--action", action)
    return [json.loads(ln) for ln in p.stdout.decode().splitlines() if ln.strip()]


# --- movement request: USA asks, IRQ decides, USA starts -----------------------------------------

def test_movement_request_approved_by_host_nation_then_started(browser, second):
    node = browser.node
    convoy = f"Exercise Convoy UI {uuid.uuid4().hex[:6].upper()} (fictional)"

    # The USA analyst asks Iraq for a movement.
    browser.sign_in("usa.analyst")
    browser.go("force-protection")
    wait_row(browser, "movements", "Exercise Convoy")
    browser.find("button[data-new='cx-movement-request']").click()
    dlg = dialog(browser)
    until(browser, lambda d: dlg.find_elements(By.CSS_SELECTOR, ".marking-picker input[value='IRQ']"))
    dlg.find_element(By.NAME, "convoy_name").send_keys(convoy)
    until(browser, lambda d: len(Select(dlg.find_element(By.NAME, "host_nation")).options) > 2)
    Select(dlg.find_element(By.NAME, "host_nation")).select_by_value("IRQ")
    set_value(browser, dlg.find_element(By.NAME, "window_start"), "2027-01-10T08:00")
    set_value(browser, dlg.find_element(By.NAME, "window_end"), "2027-01-10T15:30")
    dlg.find_element(By.NAME, "start_point").send_keys("Exercise SP West (fictional)")
    dlg.find_element(By.NAME, "release_point").send_keys("Exercise RP East (fictional)")
    dlg.find_element(By.NAME, "vehicle_count").send_keys("6")
    dlg.find_element(By.NAME, "personnel_count").send_keys("24")
    assert dlg.find_element(By.NAME, "status").get_attribute("value") == "submitted"
    # Need to know: released to the requester and the host nation only.
    Select(dlg.find_element(By.CSS_SELECTOR, ".marking-picker select[name='tlp']")).select_by_visible_text("TLP:AMBER")
    Select(dlg.find_element(By.CSS_SELECTOR, ".marking-picker select[name='classification']")).select_by_value("C")
    dlg.find_element(By.CSS_SELECTOR, ".marking-picker input[value='IRQ']").click()
    until(browser, lambda d: "IRQ" in dlg.find_element(By.CSS_SELECTOR, ".visible-to").text)
    shot(browser.d, "records-movement-request-form")
    submit_and_close(browser, dlg)
    row = wait_row(browser, "movements", convoy)
    assert row.find_element(By.CSS_SELECTOR, ".rec-state").get_attribute("data-state") == "submitted"
    assert "Awaiting the host nation" in row.text
    # The requester cannot start it yet, and cannot decide for Iraq.
    assert not row.find_elements(By.CSS_SELECTOR, "button[data-to='in-progress']")
    assert not row.find_elements(By.CSS_SELECTOR, "button.rec-decide")
    req = [s for s in node.list_all("usa.analyst", type="cx-movement-request")
           if node.get("usa.analyst", "objects/" + s["id"]).json()["object"]["convoy_name"] == convoy]
    assert len(req) == 1
    req_id = req[0]["id"]
    assert req[0]["banner"].endswith("REL TO USA, IRQ"), req[0]["banner"]

    # Iraq's approver decides, in another session.
    second.sign_in("irq.approver")
    second.go("force-protection")
    row = wait_row(second, "movements", convoy)
    row.find_element(By.CSS_SELECTOR, "button.rec-decide").click()
    dlg = dialog(second)
    assert dlg.find_element(By.NAME, "request_ref").get_attribute("value") == req_id
    assert not dlg.find_element(By.NAME, "request_ref").is_enabled()
    assert Select(dlg.find_element(By.NAME, "decision")).first_selected_option.get_attribute("value") == "approved"
    # The markings start as the request's: Iraq and the USA only.
    until(second, lambda d: "USA" in dlg.find_element(By.CSS_SELECTOR, ".visible-to").text)
    assert "IRQ" in dlg.find_element(By.CSS_SELECTOR, ".visible-to").text
    dlg.find_element(By.NAME, "movement_number").send_keys("EX-MOV-UI1")
    dlg.find_element(By.NAME, "conditions").send_keys("Exercise condition: escort joins at SP (fictional).")
    shot(second.d, "records-movement-decision-form")
    submit_and_close(second, dlg)
    row = wait_row(second, "movements", convoy)
    until(second, lambda d: wait_row(second, "movements", convoy)
                .find_element(By.CSS_SELECTOR, ".rec-state").get_attribute("data-state") == "approved")
    assert "EX-MOV-UI1" in wait_row(second, "movements", convoy).text
    # Starting is the requester's, not the host nation's.
    assert not wait_row(second, "movements", convoy).find_elements(By.CSS_SELECTOR, "button[data-to='in-progress']")

    # Back to the USA: approved, with the movement number; start it.
    browser.go("dashboard")
    browser.go("force-protection")
    row = wait_row(browser, "movements", convoy)
    assert row.find_element(By.CSS_SELECTOR, ".rec-state").get_attribute("data-state") == "approved"
    assert "EX-MOV-UI1" in row.find_element(By.CSS_SELECTOR, ".rec-movement-number").text
    shot(browser.d, "records-movement-approved")
    row.find_element(By.CSS_SELECTOR, "button[data-to='in-progress']").click()
    until(browser, lambda d: wait_row(browser, "movements", convoy)
                 .find_element(By.CSS_SELECTOR, ".rec-state").get_attribute("data-state") == "in-progress")
    detail = node.get("usa.analyst", "objects/" + req_id).json()
    assert detail["object"]["status"] == "in-progress"
    assert detail["workflow"]["decision"]["movement_number"] == "EX-MOV-UI1"
    row = wait_row(browser, "movements", convoy)
    assert {b.get_attribute("data-to") for b in row.find_elements(By.CSS_SELECTOR, ".rec-actions button[data-to]")} \
        == {"completed", "aborted"}
    browser.assert_no_severe()


# --- assessment endorsement ---------------------------------------------------------------------------

def test_assessment_endorsed_by_both_principals_then_marked_by_an_approver(browser, second):
    node = browser.node
    before = {s["id"] for s in node.list_all("usa.analyst", type="cx-assessment")}

    browser.sign_in("usa.analyst")
    browser.go("commission")
    wait_row(browser, "assessments", "Assessment")
    browser.find("button[data-new='cx-assessment']").click()
    dlg = dialog(browser)
    # The framework and its factors are preset: one rating row per factor.
    factors = dlg.find_elements(By.CSS_SELECTOR, "input[name$='.factor']")
    assert len(factors) == 4, [f.get_attribute("name") for f in factors]
    for i, f in enumerate(factors):
        assert f.get_attribute("name") == f"ratings[{i}].factor"
        dlg.find_element(By.NAME, f"ratings[{i}].rating").send_keys(["0.5", "0.6", "0.7", "0.8"][i])
    set_value(browser, dlg.find_element(By.NAME, "period_start"), "2026-10-01T00:00")
    set_value(browser, dlg.find_element(By.NAME, "period_end"), "2026-12-31T00:00")
    Select(dlg.find_element(By.NAME, "recommendation")).select_by_value("transition")
    assert dlg.find_element(By.NAME, "status").get_attribute("value") == "draft"
    until(browser, lambda d: dlg.find_elements(By.CSS_SELECTOR, ".marking-picker select[name='tlp']"))
    Select(dlg.find_element(By.CSS_SELECTOR, ".marking-picker select[name='tlp']")).select_by_visible_text("TLP:GREEN")
    until(browser, lambda d: "IRQ" in dlg.find_element(By.CSS_SELECTOR, ".visible-to").text
                 or "every" in dlg.find_element(By.CSS_SELECTOR, ".visible-to").text)
    submit_and_close(browser, dlg)
    created = new_ids(node, "usa.analyst", "cx-assessment", before)
    assert len(created) == 1
    aid = created[0]
    card_css = f"article.rec-assessment[data-id='{aid}']"
    card = browser.visible(card_css)
    # Score = Σ weight × rating with the framework's weights (0.3, 0.2, 0.2, 0.3).
    assert abs(float(card.find_element(By.CSS_SELECTOR, ".rec-score").get_attribute("data-score")) - 0.65) < 1e-9
    assert len(card.find_elements(By.CSS_SELECTOR, ".rec-inputs tbody tr")) == 4
    assert card.find_element(By.CSS_SELECTOR, ".rec-awaiting").get_attribute("data-awaiting") == "USA,IRQ"
    # Reviewing is the approver's step: not offered to an analyst.
    assert not card.find_elements(By.CSS_SELECTOR, "button[data-to='reviewed']")

    # The USA agrees.
    card.find_element(By.CSS_SELECTOR, "button.rec-endorse-btn").click()
    dlg = dialog(browser)
    assert Select(dlg.find_element(By.NAME, "opinion")).first_selected_option.get_attribute("value") == "agree"
    until(browser, lambda d: dlg.find_elements(By.CSS_SELECTOR, ".marking-picker"))
    submit_and_close(browser, dlg)
    card = browser.visible(card_css)
    until(browser, lambda d: d.find_element(By.CSS_SELECTOR, card_css + " .rec-awaiting").get_attribute("data-awaiting") == "IRQ")
    assert not browser.finds(card_css + " button.rec-endorse-btn")

    # Iraq agrees, in its own session.
    second.sign_in("irq.analyst")
    second.go("commission")
    card2 = second.visible(card_css)
    card2.find_element(By.CSS_SELECTOR, "button.rec-endorse-btn").click()
    dlg = dialog(second)
    Select(dlg.find_element(By.NAME, "opinion")).select_by_value("strongly-agree")
    until(second, lambda d: dlg.find_elements(By.CSS_SELECTOR, ".marking-picker"))
    submit_and_close(second, dlg)
    until(second, lambda d: d.find_element(By.CSS_SELECTOR, card_css + " .rec-awaiting").get_attribute("data-awaiting") == "")
    # Iraq may not move the USA's record.
    assert not second.finds(card_css + " .rec-actions button[data-to]")

    # A USA approver marks it reviewed, then endorsed.
    browser.sign_in("usa.approver")
    browser.go("commission")
    card = browser.visible(card_css)
    endorsements = {li.get_attribute("data-partner"): li.get_attribute("data-opinion")
                    for li in card.find_elements(By.CSS_SELECTOR, ".rec-endorse li[data-partner]")}
    assert endorsements == {"USA": "agree", "IRQ": "strongly-agree"}
    assert not card.find_elements(By.CSS_SELECTOR, "button[data-to='endorsed']")  # draft → reviewed first
    card.find_element(By.CSS_SELECTOR, "button[data-to='reviewed']").click()
    until(browser, lambda d: d.find_element(By.CSS_SELECTOR, card_css).get_attribute("data-state") == "reviewed")
    card = browser.visible(card_css)
    shot(browser.d, "records-assessment-reviewed")
    card.find_element(By.CSS_SELECTOR, "button[data-to='endorsed']").click()
    until(browser, lambda d: d.find_element(By.CSS_SELECTOR, card_css).get_attribute("data-state") == "endorsed")
    assert node.get("usa.approver", "objects/" + aid).json()["object"]["status"] == "endorsed"
    browser.assert_no_severe()


def test_mark_endorsed_is_not_offered_while_a_principal_is_awaited(browser):
    """The demo's reviewed assessment has no opinion: an approver sees
    "Back to draft" but not "Mark endorsed"."""
    browser.sign_in("usa.approver")
    browser.go("commission")
    card = wait_row(browser, "assessments", "Reviewed")
    assert card.find_element(By.CSS_SELECTOR, ".rec-awaiting").get_attribute("data-awaiting") == "USA,IRQ"
    assert card.find_elements(By.CSS_SELECTOR, "button[data-to='draft']")
    assert not card.find_elements(By.CSS_SELECTOR, "button[data-to='endorsed']")
    browser.assert_no_severe()


# --- the PII vault ------------------------------------------------------------------------------------

def give_reason(browser, reason):
    area = browser.visible(".modal textarea[name='reason']")
    area.send_keys(reason)
    browser.find(".modal button[type='submit']").click()
    until(browser, lambda d: not d.find_elements(By.CSS_SELECTOR, ".modal textarea[name='reason']"))


def irq_case_row(browser):
    """A row of a case whose home nation is Iraq and which has the Persons button."""
    def find(d):
        for r in d.find_elements(By.CSS_SELECTOR, "#cases tbody tr"):
            cells = r.find_elements(By.CSS_SELECTOR, "td")
            if len(cells) > 4 and cells[4].text == "IRQ" and r.find_elements(By.CSS_SELECTOR, "button.rec-persons"):
                return r
        return False
    return until(browser, find)


def test_vault_opens_with_a_reason_for_both_case_officers_and_is_audited(browser, second):
    node = browser.node
    reason_irq = "Exercise UI test: verify the household before transfer"
    reason_usa = "Exercise UI test: coordinating partner review of the case"
    browser.sign_in("irq.caseofficer")
    browser.allowed.update({422})
    browser.go("repatriation")
    row = irq_case_row(browser)
    case_id = row.get_attribute("data-id")
    assert case_id.startswith("cx-repatriation-case--")
    row.find_element(By.CSS_SELECTOR, "button.rec-persons").click()
    give_reason(browser, reason_irq)
    panel = browser.visible("#vault-panel")
    assert reason_irq in panel.text

    # Add a person; a date of birth before 1900 is refused next to its field.
    panel.find_element(By.CSS_SELECTOR, "button.rec-add-person").click()
    dlg = dialog(browser)
    dlg.find_element(By.NAME, "names").send_keys("Exercise Person Alpha (fictional)\nAlpha Exercise")
    dlg.find_element(By.NAME, "date_of_birth").send_keys("1899-12-31")
    dlg.find_element(By.XPATH, ".//button[normalize-space()='Add document']").click()
    Select(dlg.find_element(By.NAME, "documents[0].kind")).select_by_value("civil-registry")
    dlg.find_element(By.NAME, "documents[0].number").send_keys("EX-000123")
    dlg.find_element(By.NAME, "documents[0].issuer").send_keys("Exercise registry (fictional)")
    dlg.find_element(By.NAME, "special_needs").send_keys("Exercise: none recorded.")
    dlg.find_element(By.CSS_SELECTOR, "button[type='submit']").click()
    err = browser.visible("dialog.rec-dialog .rec-field-error[data-field='date_of_birth']")
    assert err.find_element(By.XPATH, "./ancestor::div[contains(@class,'rec-field')][1]") \
        .find_element(By.NAME, "date_of_birth").get_attribute("aria-invalid") == "true"
    dob = dlg.find_element(By.NAME, "date_of_birth")
    dob.clear()
    dob.send_keys("1990-05")
    submit_and_close(browser, dlg)
    row = wait_row(browser, "vault-panel", "Exercise Person Alpha")
    assert "1990-05" in row.text and "EX-000123" in row.text
    shot(browser.d, "records-vault-panel")

    # Open the record: read on its own (audited), shown in the form; Esc closes.
    row.find_element(By.CSS_SELECTOR, "button.rec-open-person").click()
    dlg = dialog(browser)
    assert dlg.find_element(By.NAME, "names").get_attribute("value").startswith("Exercise Person Alpha")
    dlg.find_element(By.NAME, "date_of_birth").send_keys(Keys.ESCAPE)
    until(browser, lambda d: not d.find_elements(By.CSS_SELECTOR, "dialog.rec-dialog"))

    # Nothing of it in the browser's storage or the URL.
    leaked = browser.d.execute_script(
        "return JSON.stringify(localStorage) + JSON.stringify(sessionStorage) + location.href")
    assert "Alpha" not in leaked and "EX-000123" not in leaked and reason_irq not in leaked

    # The coordinating partner's case officer sees it too, with their own reason.
    second.sign_in("usa.caseofficer")
    second.go("repatriation")
    second.find("#f-home-nation")  # filters are there
    Select(second.find("#f-home-nation")).select_by_value("IRQ")
    row2 = until(second, lambda d: next((r for r in d.find_elements(By.CSS_SELECTOR, "#cases tbody tr")
                                       if r.get_attribute("data-id") == case_id), False))
    row2.find_element(By.CSS_SELECTOR, "button.rec-persons").click()
    give_reason(second, reason_usa)
    prow = wait_row(second, "vault-panel", "Exercise Person Alpha")
    prow.find_element(By.CSS_SELECTOR, "button.rec-open-person").click()
    dlg = dialog(second)
    dlg.find_element(By.CSS_SELECTOR, ".rec-close").click()
    until(second, lambda d: not d.find_elements(By.CSS_SELECTOR, "dialog.rec-dialog"))

    # The audit names each access, the case and the reason given.
    def entries(action, actor, reason):
        return [e for e in audit(node, action) if e["actor"] == actor
                and e["detail"].get("case") == case_id and e["detail"].get("reason") == reason]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not entries("vault.read", "usa.caseofficer", reason_usa):
        time.sleep(0.2)
    assert entries("vault.list", "irq.caseofficer", reason_irq)
    assert entries("vault.create", "irq.caseofficer", reason_irq)
    assert entries("vault.read", "irq.caseofficer", reason_irq)
    assert entries("vault.list", "usa.caseofficer", reason_usa)
    assert entries("vault.read", "usa.caseofficer", reason_usa)
    refused = entries("vault.refused", "irq.caseofficer", reason_irq)
    assert refused and refused[-1]["detail"]["outcome"] == "invalid"
    # The audit never holds a record's contents.
    assert "Alpha" not in json.dumps(audit(node, "vault.create"))
    browser.assert_no_severe()


@pytest.mark.parametrize("user", ["irq.analyst", "irq.approver", "gbr.analyst", "usa.admin"])
def test_no_vault_panel_without_the_case_officer_role(browser, user):
    browser.sign_in(user)
    browser.go("repatriation")
    until(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#cases tbody tr, #cases .rec-empty"))
    assert not browser.finds("button.rec-persons")
    assert not browser.finds("#vault-panel")
    browser.assert_no_severe()


def test_home_nation_approver_decides_a_requested_case(browser):
    """Iraq's approver decides a case waiting on Iraq; the coordinating
    partner's case officer may then record what Iraq decided, and only that."""
    node = browser.node
    browser.sign_in("irq.approver")
    browser.go("repatriation?status=home-nation-requested")
    row = until(browser, lambda d: next((r for r in d.find_elements(By.CSS_SELECTOR, "#cases tbody tr")
                                       if r.find_elements(By.CSS_SELECTOR, "button.rec-decide")), False))
    case_id = row.get_attribute("data-id")
    row.find_element(By.CSS_SELECTOR, "button.rec-decide").click()
    dlg = dialog(browser)
    assert dlg.find_element(By.NAME, "case_ref").get_attribute("value") == case_id
    Select(dlg.find_element(By.NAME, "decision")).select_by_value("deferred")
    dlg.find_element(By.NAME, "authority").send_keys("Exercise Ministry of Migration (fictional)")
    until(browser, lambda d: "USA" in dlg.find_element(By.CSS_SELECTOR, ".visible-to").text)
    submit_and_close(browser, dlg)
    detail = node.get("irq.approver", "objects/" + case_id).json()
    assert detail["workflow"]["decision"]["decision"] == "deferred"

    browser.sign_in("usa.caseofficer")
    browser.go("repatriation?status=home-nation-requested")
    row = until(browser, lambda d: next((r for r in d.find_elements(By.CSS_SELECTOR, "#cases tbody tr")
                                       if r.get_attribute("data-id") == case_id), False))
    steps = {b.get_attribute("data-to") for b in row.find_elements(By.CSS_SELECTOR, ".rec-actions button[data-to]")}
    assert steps == {"deferred"}
    browser.assert_no_severe()
