from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from newsroom.entities.models import Entity
from newsroom.nlp.resolve import name_key

pytestmark = pytest.mark.browser

# Screenshots land here for people to look at (git-ignored); SCREENSHOT_DIR overrides.
SHOTS = Path(
    os.environ.get("SCREENSHOT_DIR", Path(__file__).resolve().parents[2] / "var" / "screenshots")
)


def _seed(demo):
    return next(r.article for r in demo if r.label == "article-00.txt")


def test_hovering_and_focusing_a_highlight_shows_a_preview_card(page, live_server, demo):
    page.goto(live_server.url + _seed(demo).get_absolute_url())
    kuwait = Entity.objects.get(kind="LOC", key=name_key("LOC", "الكويت"))
    link = page.locator(f'.article-body a[href="{kuwait.get_absolute_url()}"]').first
    card = page.locator("#entity-preview")

    link.hover()
    card.wait_for(state="visible")
    assert "الكويت" in card.inner_text()
    assert "مقالات" in card.inner_text()
    box, anchor = card.bounding_box(), link.bounding_box()
    assert box["y"] >= anchor["y"] + anchor["height"] - 1  # below the highlight, not over it

    page.mouse.move(5, 5)
    card.wait_for(state="hidden")

    # Keyboard: focus opens the card, Escape closes it and focus stays on the highlight.
    link.focus()
    card.wait_for(state="visible")
    page.keyboard.press("Escape")
    card.wait_for(state="hidden")
    assert page.evaluate("document.activeElement.getAttribute('href')") == kuwait.get_absolute_url()


def test_more_articles_on_an_entity_page_load_in_place(page, live_server, demo, settings):
    settings.ARTICLES_PER_PAGE = 4
    iraq = Entity.objects.get(kind="LOC", key=name_key("LOC", "العراق"))
    page.goto(live_server.url + iraq.get_absolute_url())
    items = page.locator("#articles > li:not(.more)")
    assert items.count() == 4
    page.evaluate("window.marker = 'still here'")
    page.locator("#articles .more a").click()
    expect(items).to_have_count(8)
    assert page.evaluate("window.marker") == "still here"  # no full page load
    assert page.url == live_server.url + iraq.get_absolute_url()


def test_a_search_with_an_attached_clitic_finds_the_bare_word(page, live_server, demo):
    page.goto(live_server.url + "/")
    page.fill("#site-search", "والكويت")
    page.press("#site-search", "Enter")
    page.wait_for_url("**/search/?q=*")
    marks = page.locator(".search-results mark").all_inner_texts()
    assert marks and all("كويت" in m for m in marks)
    assert "الكويت" in marks
    assert page.locator(".suggestions a.ent-loc").first.inner_text() == "الكويت"


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1280, 900)])
def test_the_layout_holds_at_phone_and_desktop_widths(browser, live_server, demo, width, height):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="ar")
    page = context.new_page()
    SHOTS.mkdir(parents=True, exist_ok=True)
    seed = _seed(demo)
    iraq = Entity.objects.get(kind="LOC", key=name_key("LOC", "العراق"))
    for name, path in [
        ("article", seed.get_absolute_url()),
        ("entity", iraq.get_absolute_url()),
        ("places", "/places/"),
        ("search", "/search/?q=بغداد"),
    ]:
        page.goto(live_server.url + path)
        assert page.evaluate("document.documentElement.dir") == "rtl"
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} scrolls sideways at {width}px"
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=False)
    page.goto(live_server.url + seed.get_absolute_url())
    article = page.locator("article.article").bounding_box()
    aside = page.locator("aside.article-aside").bounding_box()
    if width >= 1000:
        # Right to left: the article on the right, its entities beside it on the left.
        assert aside["x"] + aside["width"] <= article["x"] + 1
    else:
        assert aside["y"] >= article["y"] + article["height"] - 1
    # Keyboard focus is visible.
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    context.close()
