"""The record pages of the web UI (web/js/pages/{cooperation,aat,commission,
security-assistance,force-protection,repatriation}.js): each renders its
records for a signed-in user without a console error, with marking banners,
links to the detail pages, and "New ..." buttons only for users who may
create; a server error on a record form shows next to its field.
Screenshots of every page at 1280x800 go to build/ui-screenshots/."""
import json

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import shot
from nodetools import without_provenance
from records_helpers import until

PAGES = {
    # page: (heading, a section id it must show with rows, a "New" type for contributors)
    "cooperation": ("Cooperation", "commitments", "cx-commitment"),
    "aat": ("Advise, assist, train and equip", "activities", "cx-aat-activity"),
    "commission": ("Higher military commission", "assessments", "cx-assessment"),
    "security-assistance": ("Security assistance", "pipeline", "cx-security-assistance-case"),
    "force-protection": ("Force protection", "movements", "cx-movement-request"),
    "repatriation": ("Repatriation", "cases", "cx-repatriation-case"),
}


def wait_records(browser, section):
    """Wait until the page has drawn the section's records (rows, cards)."""
    until(browser, lambda d: d.find_elements(
        By.CSS_SELECTOR, f"#{section} tbody tr, #{section} article, #{section} .rec-empty"))


@pytest.mark.parametrize("page", list(PAGES))
def test_records_page_renders_for_a_contributor(browser, page):
    heading, sec, new_type = PAGES[page]
    user = "usa.caseofficer" if page == "repatriation" else "usa.analyst"
    browser.sign_in(user)
    browser.go(page)
    wait_records(browser, sec)
    assert browser.heading() == heading
    rows = browser.finds(f"#{sec} tbody tr, #{sec} article")
    assert rows, f"{page}: no record shown in #{sec}"
    # Every record row carries its marking banner and links to its detail page.
    assert browser.finds(f"#{sec} .banner"), f"{page}: no marking banner"
    links = [a.get_attribute("href") for a in browser.finds(f"#{sec} a[href*='#/objects/']")]
    assert links, f"{page}: no link to a detail page"
    assert browser.finds(f"button[data-new='{new_type}']"), f"{page}: no New button for {user}"
    assert browser.no_horizontal_scroll(), f"{page} scrolls sideways at 1280x800"
    shot(browser.d, f"records-{page}")
    browser.assert_no_severe()


@pytest.mark.parametrize("page", list(PAGES))
def test_records_page_offers_no_new_button_to_a_reader(browser, page):
    heading, sec, new_type = PAGES[page]
    browser.sign_in("gbr.analyst")        # role reader
    browser.go(page)
    wait_records(browser, sec)
    assert browser.heading() == heading
    assert not browser.finds("button[data-new]"), f"{page}: a reader is offered a New button"
    assert not browser.finds(".rec-actions button"), f"{page}: a reader is offered a workflow step"
    browser.assert_no_severe()


def test_record_pages_are_complete_at_1280x800_for_the_host_nation(browser):
    browser.sign_in("irq.approver")
    for page, (heading, sec, _) in PAGES.items():
        browser.go(page)
        wait_records(browser, sec)
        assert browser.heading() == heading
        assert browser.no_horizontal_scroll(), page
        shot(browser.d, f"records-{page}-irq")
    browser.assert_no_severe()


def test_commitments_tracker_shows_overdue_and_progress_notes(browser):
    browser.sign_in("usa.analyst")
    browser.go("cooperation")
    wait_records(browser, "commitments")
    rows = browser.finds("#commitments tbody tr")
    assert len(rows) >= 1
    # The demo has the JSCD's commitments; the note count column is numeric.
    header = [th.text for th in browser.finds("#commitments thead th")]
    for col in ("Owner", "Due", "Status", "Progress notes"):
        assert col in header
    before = browser.node.get("usa.analyst", "objects", type="note").json()["items"]
    row = rows[0]
    row.find_element(By.XPATH, ".//button[normalize-space()='Add note']").click()
    dlg = browser.visible("dialog.rec-dialog")
    dlg.find_element(By.CSS_SELECTOR, "textarea[name='content']").send_keys("Exercise progress: UI note.")
    dlg.find_element(By.CSS_SELECTOR, "button[type='submit']").click()
    until(browser, lambda d: not d.find_elements(By.CSS_SELECTOR, "dialog.rec-dialog"))
    wait_records(browser, "commitments")
    after = browser.node.get("usa.analyst", "objects", type="note").json()["items"]
    assert len(after) == len(before) + 1
    browser.assert_no_severe()


def test_form_error_from_the_server_shows_next_to_its_field(browser):
    """A case id whose implementing-agency code the node does not accept
    (rule unknown-code, only the server knows the configured codes) is
    refused with field `case_id`: the message sits in case_id's field, and
    a line's bad quantity lands next to lines[0].quantity."""
    browser.sign_in("usa.analyst")
    browser.allowed.update({422})
    browser.go("security-assistance")
    wait_records(browser, "pipeline")
    browser.find("button[data-new='cx-security-assistance-case']").click()
    dlg = browser.visible("dialog.rec-dialog")
    until(browser, lambda d: dlg.find_elements(By.CSS_SELECTOR, ".marking-picker"))
    dlg.find_element(By.NAME, "case_id").send_keys("IQ-Z-901")
    dlg.find_element(By.NAME, "name").send_keys("Exercise form error case (fictional)")
    Select(dlg.find_element(By.NAME, "programme")).select_by_value("fms")
    until(browser, lambda d: len(Select(dlg.find_element(By.NAME, "purchaser")).options) > 2)
    Select(dlg.find_element(By.NAME, "purchaser")).select_by_value("IRQ")
    # Release it to the purchaser (the node requires it).
    dlg.find_element(By.CSS_SELECTOR, ".marking-picker input[value='IRQ']").click()
    dlg.find_element(By.NAME, "lines[0].description").send_keys("Exercise item")
    dlg.find_element(By.NAME, "lines[0].quantity").send_keys("3")
    dlg.find_element(By.NAME, "lines[0].unit_cost").send_keys("10")
    dlg.find_element(By.CSS_SELECTOR, "button[type='submit']").click()
    err = browser.visible("dialog.rec-dialog .rec-field-error[data-field='case_id']")
    field = err.find_element(By.XPATH, "./ancestor::div[contains(@class,'rec-field')][1]")
    assert field.find_element(By.NAME, "case_id").get_attribute("aria-invalid") == "true"
    assert "case_id" in err.text or "code" in err.text.lower()
    shot(browser.d, "records-form-error")
    # Now a valid case id and a bad line: the error moves to the line's quantity.
    case_id = dlg.find_element(By.NAME, "case_id")
    case_id.clear()
    case_id.send_keys("IQ-B-UI1")
    qty = dlg.find_element(By.NAME, "lines[0].quantity")
    qty.clear()
    qty.send_keys("-2")
    dlg.find_element(By.CSS_SELECTOR, "button[type='submit']").click()
    err = browser.visible("dialog.rec-dialog .rec-field-error[data-field='lines[0].quantity']")
    assert not browser.finds("dialog.rec-dialog .rec-field-error[data-field='case_id']")
    assert err.find_element(By.XPATH, "./ancestor::div[contains(@class,'rec-field')][1]") \
        .find_element(By.NAME, "lines[0].quantity").get_attribute("aria-invalid") == "true"
    # Escape closes the dialog and nothing was stored.
    dlg.find_element(By.NAME, "lines[0].quantity").send_keys("\ue00c")
    until(browser, lambda d: not d.find_elements(By.CSS_SELECTOR, "dialog.rec-dialog"))
    names = [s.get("name") for s in browser.node.list_all("usa.analyst", type="cx-security-assistance-case")]
    assert "Exercise form error case (fictional)" not in names
    browser.assert_no_severe()


def test_record_dialog_is_keyboard_usable(browser):
    """The form is a modal dialog: focus starts inside, Tab stays inside,
    Escape closes it and focus returns to the button that opened it."""
    browser.sign_in("usa.analyst")
    browser.go("cooperation")
    wait_records(browser, "commitments")
    opener = browser.find("button[data-new='cx-commitment']")
    opener.click()
    dlg = browser.visible("dialog.rec-dialog")
    until(browser, lambda d: dlg.find_elements(By.CSS_SELECTOR, ".marking-picker"))
    assert dlg.get_attribute("aria-labelledby")
    title = browser.find("#" + dlg.get_attribute("aria-labelledby")).text
    assert title == "New commitment"
    inside = "return arguments[0].contains(document.activeElement)"
    assert browser.d.execute_script(inside, dlg)
    # Every field has a label.
    unlabelled = browser.d.execute_script(
        "return [...arguments[0].querySelectorAll('input, select, textarea')]"
        ".filter(e => e.type !== 'hidden' && !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))"
        ".map(e => e.name || e.id)", dlg)
    assert not unlabelled, unlabelled
    active = browser.d.switch_to.active_element
    for _ in range(40):
        active.send_keys("\ue004")          # Tab
        active = browser.d.switch_to.active_element
        assert browser.d.execute_script(inside, dlg), "Tab left the dialog"
    active.send_keys("\ue00c")              # Escape
    until(browser, lambda d: not d.find_elements(By.CSS_SELECTOR, "dialog.rec-dialog"))
    assert browser.d.switch_to.active_element == browser.find("button[data-new='cx-commitment']")
    browser.assert_no_severe()


def test_new_version_sends_only_the_changed_fields(browser):
    browser.sign_in("usa.analyst")
    browser.go("security-assistance")
    wait_records(browser, "pipeline")
    row = browser.find("#pipeline tbody tr")
    case_id = row.get_attribute("data-id")
    old = browser.node.get("usa.analyst", "objects/" + case_id).json()["object"]
    # Record what the page sends.
    browser.d.execute_script(
        "window.__cxSent = []; const f = window.fetch;"
        "window.fetch = (u, o) => { if (o && o.body) window.__cxSent.push([String(u), o.body]); return f(u, o); };")
    row.find_element(By.XPATH, ".//button[normalize-space()='Edit']").click()
    dlg = browser.visible("dialog.rec-dialog")
    name = dlg.find_element(By.NAME, "name")
    name.clear()
    name.send_keys(old["name"].replace("(fictional)", "rev. 2 (fictional)"))
    if old.get("lines"):
        assert dlg.find_element(By.NAME, "lines[0].description").get_attribute("value") == old["lines"][0]["description"]
    dlg.find_element(By.CSS_SELECTOR, "button[type='submit']").click()
    until(browser, lambda d: not d.find_elements(By.CSS_SELECTOR, "dialog.rec-dialog"))
    sent = [json.loads(b) for u, b in browser.d.execute_script("return window.__cxSent")
            if u.endswith(f"objects/{case_id}/versions")]
    assert sent == [{"name": old["name"].replace("(fictional)", "rev. 2 (fictional)")}]
    new = browser.node.get("usa.analyst", "objects/" + case_id).json()["object"]
    # Each version the node originates carries its own signature.
    new, old = without_provenance(new), without_provenance(old)
    assert {k: v for k, v in new.items() if k not in ("name", "modified")} == \
        {k: v for k, v in old.items() if k not in ("name", "modified")}
    browser.assert_no_severe()


def test_workflow_refusal_shows_next_to_the_button(browser):
    """A step that is no longer allowed (the record moved on in another
    session) is refused with 409 and the allowed states, shown by the button."""
    node = browser.node
    browser.sign_in("usa.analyst")
    browser.allowed.add(409)
    browser.go("cooperation")
    wait_records(browser, "commitments")
    row = next(r for r in browser.finds("#commitments tbody tr")
               if r.find_elements(By.CSS_SELECTOR, "button[data-to='in-progress']"))
    cid = row.get_attribute("data-id")
    r = node.post("usa.analyst", f"objects/{cid}/versions", {"status": "dropped"})
    assert r.status_code == 201, r.text
    row.find_element(By.CSS_SELECTOR, "button[data-to='in-progress']").click()
    err = browser.visible(f"#commitments tr[data-id='{cid}'] .rec-workflow-error")
    assert "allowed: none" in err.text, err.text
    browser.assert_no_severe()


def test_incident_report_moves_to_final(browser):
    browser.sign_in("usa.analyst")
    browser.go("force-protection")
    wait_records(browser, "incidents")
    row = next(r for r in browser.finds("#incidents tbody tr")
               if r.find_elements(By.CSS_SELECTOR, "button[data-to='final']"))
    iid = row.get_attribute("data-id")
    row.find_element(By.CSS_SELECTOR, "button[data-to='final']").click()
    until(browser, lambda d: d.find_element(By.CSS_SELECTOR, f"#incidents tr[data-id='{iid}'] .rec-state")
                 .get_attribute("data-state") == "final")
    obj = browser.node.get("usa.analyst", "objects/" + iid).json()["object"]
    ext = obj["extensions"]["extension-definition--24c5a9d5-5359-55d0-9ac5-d79afd75ff12"]
    assert ext["report_stage"] == "final" and ext["extension_type"] == "property-extension"
    browser.assert_no_severe()
