from __future__ import annotations

import pytest

from newsroom.entities.models import Entity
from newsroom.nlp.resolve import name_key

pytestmark = pytest.mark.browser


def test_a_reader_clicks_a_place_in_the_seed_article(page, live_server, demo, tmp_path):
    seed = next(r.article for r in demo if r.label == "article-00.txt")
    page.goto(live_server.url + seed.get_absolute_url())
    assert page.locator("html").get_attribute("dir") == "rtl"

    baghdad = Entity.objects.get(kind="LOC", key=name_key("LOC", "بغداد"))
    link = page.locator(f'.article-body a.ent-loc[href="{baghdad.get_absolute_url()}"]').first
    assert link.inner_text() == "بغداد"
    # Highlighted places look different from plain text: a background and a dashed underline.
    style = link.evaluate(
        "e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).borderBottomStyle]"
    )
    assert style[0] != "rgba(0, 0, 0, 0)" and style[1] == "dashed"
    page.screenshot(path=str(tmp_path / "seed-article.png"), full_page=True)

    link.click()
    page.wait_for_url(live_server.url + baghdad.get_absolute_url())
    assert page.locator("h1").inner_text() == "بغداد"
    assert page.locator(f'.mention-list a[href="{seed.get_absolute_url()}"]').count() == 1
