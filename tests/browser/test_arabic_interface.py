"""What only a browser shows of the Arabic interface, at phone and desktop widths: no failed
request (the favicon included), search filters whose labels stay with their controls, the
timeline's date axis and named bars, the upload form's Arabic file button and date hint."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from newsroom.entities.models import Entity
from newsroom.nlp import entity_key

pytestmark = pytest.mark.browser

SHOTS = Path(
    os.environ.get("SCREENSHOT_DIR", Path(__file__).resolve().parents[2] / "var" / "screenshots")
)
WIDTHS = [(390, 844), (1280, 900)]


@pytest.fixture(params=WIDTHS, ids=lambda w: f"{w[0]}px")
def sized(request, browser):
    width, height = request.param
    context = browser.new_context(viewport={"width": width, "height": height}, locale="ar")
    page = context.new_page()
    failures: list[str] = []
    page.on("console", lambda m: failures.append(m.text) if m.type == "error" else None)
    page.on(
        "response", lambda r: failures.append(f"{r.status} {r.url}") if r.status >= 400 else None
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    yield page, width, failures
    context.close()


def test_pages_load_every_resource_and_their_icon(sized, live_server, demo):
    page, width, failures = sized
    page.goto(live_server.url + "/")
    icon = page.locator('link[rel="icon"]').get_attribute("href")
    assert page.request.get(live_server.url + icon).status == 200
    seed = next(r.article for r in demo if r.label == "article-00.txt")
    page.goto(live_server.url + seed.get_absolute_url())
    assert failures == []


def test_search_filter_labels_stay_with_their_controls(sized, live_server, demo):
    page, width, failures = sized
    page.goto(live_server.url + "/search/?q=بغداد")
    page.screenshot(path=str(SHOTS / f"search-filters-{width}.png"))
    for control in ("q", "source", "from", "to"):
        label = page.locator(f'label[for="{control}"]').bounding_box()
        field = page.locator(f"#{control}").bounding_box()
        # same row: their vertical middles within a few pixels
        middle = lambda box: box["y"] + box["height"] / 2  # noqa: E731
        assert abs(middle(label) - middle(field)) < 8, control
        # right to left: the label on the right of its control
        assert label["x"] >= field["x"] + field["width"] - 1, control
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")


def test_the_timeline_has_dates_on_its_axis_and_named_bars(sized, live_server, demo):
    page, width, failures = sized
    iraq = Entity.objects.get(kind="LOC", key=entity_key("العراق"))
    page.goto(live_server.url + iraq.get_absolute_url())
    page.locator("figure.timeline").screenshot(path=str(SHOTS / f"timeline-{width}.png"))
    labels = page.locator(".timeline-axis li:visible")
    texts = labels.all_inner_texts()
    assert len(texts) == (2 if width < 600 else 5), texts
    assert all(re.fullmatch(r"\d{1,2} \S+ (2019|2020)", text) for text in texts), texts
    # oldest on the right (the start of a right-to-left page), newest on the left
    first, last = labels.first.bounding_box(), labels.last.bounding_box()
    assert first["x"] > last["x"]
    bar = page.locator(".timeline rect").first
    name = bar.get_attribute("aria-label")
    assert name == bar.locator("title").text_content()
    assert re.fullmatch(r"أسبوع \d{1,2} \S+ \d{4}: (مقال واحد|مقالان|\d+ مقالات)", name), name


def test_the_upload_form_speaks_arabic_whatever_the_browser(sized, live_server, django_user_model):
    page, width, failures = sized
    django_user_model.objects.create_user("editor", password="kalimat-sirr-9", is_staff=True)
    page.goto(live_server.url + "/admin/login/?next=/admin/upload/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "kalimat-sirr-9")
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/admin/upload/")
    page.screenshot(path=str(SHOTS / f"upload-{width}.png"), full_page=True)
    picker = page.locator(".file-picker")
    assert "enhanced" in picker.get_attribute("class")
    assert picker.locator(".file-button").inner_text() == "اختر ملفات…"
    assert picker.locator(".file-names").inner_text() == "لم يُختر ملف"
    page.set_input_files(
        "#id_files", [{"name": "خبر.txt", "mimeType": "text/plain", "buffer": b"x"}]
    )
    assert picker.locator(".file-names").inner_text() == "خبر.txt"
    # The code names are kept whole on a phone: each fits on one line.
    for code in page.locator(".upload-form .code").all():
        box = code.bounding_box()
        assert box["height"] < 30, code.inner_text()
    assert page.locator("#id_published_at").get_attribute("placeholder") == "2026-11-30 14:30"
    assert failures == []
