"""The maps in a real browser: drawn under the CSP, reached by keyboard, readable at 390 px."""

from __future__ import annotations

import pytest

from newsroom.geo import services

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1280, 390])
def test_the_news_map_is_drawn_and_its_points_are_keyboard_links(page, live_server, demo, width):
    services.link_new_entities()
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + "/map/")
    svg = page.locator("svg.geo-map-svg")
    box = svg.bounding_box()
    assert box["width"] <= width and box["height"] > 100
    # The page does not scroll sideways at 390 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # Names drawn on the map are the ones of the layer for this width.
    visible = "labels-narrow" if width < 600 else "labels-wide"
    assert page.locator(f"svg .{visible} text").first.is_visible()
    points = svg.locator("a")
    assert points.count() >= 5
    first = points.first
    first.focus()
    focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused and ":" in focused
    href = first.get_attribute("href")
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + href)
    assert violations == []
