"""The customer path with the keyboard only (Tab, Shift+Tab, Enter, Space, typing): log in, upload, choose the
document, preview, pay and download, against a live server and a real queue, in Debian Chromium."""

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from .photos_support import PASSWORD, make_user
from .test_browser import CHROMIUM_ARGS, PORTRAIT, browser, pytestmark, qcluster, shot  # noqa: F401

MAX_TABS = 120


def tab_to(page, selector, backwards=False):
    """Press Tab until the focused element matches selector; fail if the keyboard never gets there."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} is never reached with {key}")


def open_file_chooser_with_space(page, selector, attempts=3):
    """Space on the focused file input opens the chooser. On a crowded 2-core machine Chromium now and then
    drops that first key press (seen once in a parallel suite run), so it is pressed again, still from
    the keyboard and only while the input keeps the focus."""
    for attempt in range(1, attempts + 1):
        assert page.evaluate("s => document.activeElement.matches(s)", selector), "the file input lost the focus"
        try:
            with page.expect_file_chooser(timeout=10_000) as chooser:
                page.keyboard.press("Space")
            return chooser.value
        except PlaywrightTimeout:
            if attempt == attempts:
                raise


def wait_until_htmx_wired(page, selector):
    """An element htmx swapped in does nothing until htmx has processed it (a moment later, longer on a crowded
    machine): a key pressed before that is lost. A person cannot press that fast; the test can."""
    page.wait_for_function(
        "s => { const el = document.querySelector(s); return !!(el && el['htmx-internal-data']"
        " && el['htmx-internal-data'].initHash); }",
        arg=selector,
    )


def focus_is_visible(page):
    """The focused element (or the label around it) draws an outline or a ring."""
    return page.evaluate(
        """() => {
          const el = document.activeElement;
          const box = el.closest('label') && getComputedStyle(el).opacity === '0' || el.classList.contains('visually-hidden')
            ? el.closest('label') : el;
          const style = getComputedStyle(box);
          return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0 || style.boxShadow !== 'none';
        }"""
    )


@pytest.mark.django_db(transaction=True)
def test_it_goes_from_upload_to_download_with_the_keyboard_only(live_server, qcluster, browser, tmp_path):  # noqa: F811
    from engine import specs

    make_user("kim", credits=30)
    germany = specs.search("germany passport")[0]
    context = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    base = live_server.url

    page.goto(base + "/accounts/login/")
    tab_to(page, "#id_username")
    page.keyboard.type("kim")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/upload/")

    tab_to(page, "#photo-input")
    assert focus_is_visible(page), "the focused 'Choose a photo' button shows no focus ring"
    shot(page, "kb-01-upload-focused")
    open_file_chooser_with_space(page, "#photo-input").set_files(str(PORTRAIT))
    page.wait_for_url("**/u/**", timeout=60_000)

    tab_to(page, "input[name=q]")
    # One input event for the whole query (as a paste or an input method gives): typed key by key on a crowded
    # machine, the search fires for "germ" too, and that late list replaces the focused result under the key.
    page.keyboard.insert_text("germany passport")
    page.wait_for_selector(f"#spec-results .spec-item:has-text('{germany.title}')")
    wait_until_htmx_wired(page, f".spec-item[data-spec='{germany.id}']")
    tab_to(page, f".spec-item[data-spec='{germany.id}']")
    page.keyboard.press("Enter")
    page.wait_for_selector("#spec-card [name=spec_id]", state="attached")
    page.wait_for_selector("section[data-edit=beauty]", state="hidden")

    tab_to(page, "#preview-btn")
    assert focus_is_visible(page)
    page.keyboard.press("Enter")
    page.wait_for_selector("#preview-img", timeout=180_000)
    shot(page, "kb-02-preview")

    tab_to(page, "#buy-btn")
    page.keyboard.press("Enter")
    page.wait_for_selector("#pay-btn")
    wait_until_htmx_wired(page, "#pay-btn")
    tab_to(page, "#pay-btn")
    page.keyboard.press("Enter")
    page.wait_for_url("**/o/**")
    page.wait_for_selector("#download-photo", timeout=180_000)
    shot(page, "kb-03-order")

    tab_to(page, "#download-photo")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    target = tmp_path / "photo.png"
    download.value.save_as(str(target))
    from PIL import Image

    with Image.open(target) as photo:
        assert photo.size == tuple(germany.px)
    assert "24 credits" in page.inner_text(".credits")
    context.close()
