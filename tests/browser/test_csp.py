from __future__ import annotations

import pytest
from playwright.sync_api import expect

from newsroom.entities.models import Entity
from newsroom.nlp.resolve import name_key

pytestmark = pytest.mark.browser


def test_pages_and_their_scripts_work_under_the_content_security_policy(
    page, live_server, demo, settings
):
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    settings.ARTICLES_PER_PAGE = 3
    seed = next(r.article for r in demo if r.label == "article-00.txt")
    iraq = Entity.objects.get(kind="LOC", key=name_key("LOC", "العراق"))

    page.goto(live_server.url + seed.get_absolute_url())
    page.locator(".article-body a[data-preview]").first.hover()
    page.locator("#entity-preview").wait_for(state="visible")

    page.goto(live_server.url + iraq.get_absolute_url())
    page.locator("#articles .more a").click()
    expect(page.locator("#articles > li:not(.more)")).to_have_count(6)

    page.goto(live_server.url + "/places/")
    page.fill("#name-filter", "بغداد")
    expect(page.locator("#entity-index")).not_to_contain_text("الكويت")

    page.goto(live_server.url + "/admin/login/")
    assert violations == []
