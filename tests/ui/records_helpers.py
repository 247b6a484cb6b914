"""What the record-page tests share (tests/ui/test_records_*.py)."""
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.support.ui import WebDriverWait


def until(browser, cond, timeout=20):
    """Wait for cond(driver), through the page re-drawing itself (a record
    list is drawn again after each change, so its elements go stale)."""
    return WebDriverWait(browser.d, timeout, ignored_exceptions=(
        NoSuchElementException, StaleElementReferenceException)).until(cond)
