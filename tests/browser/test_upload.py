from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from newsroom.articles.models import Article, UploadBatch
from newsroom.articles.tasks import process_upload_batch

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "uploads"
SHOTS = Path(
    os.environ.get("SCREENSHOT_DIR", Path(__file__).resolve().parents[2] / "var" / "screenshots")
)


@pytest.fixture
def logged_in(page, live_server, django_user_model):
    """A staff editor logged in through the admin login form, on the upload page."""
    django_user_model.objects.create_user("editor", password="kalimat-sirr-9", is_staff=True)
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.goto(live_server.url + "/admin/login/?next=/admin/upload/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "kalimat-sirr-9")
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/admin/upload/")
    yield page
    assert violations == []


def test_an_editor_uploads_a_windows_1256_file_and_reads_the_report(logged_in, live_server):
    page = logged_in
    page.set_input_files("#id_files", [FIXTURES / "article-cp1256.txt", FIXTURES / "articles.csv"])
    page.click(".submit-row input[type=submit]")
    page.wait_for_url("**/admin/upload/*/")

    report = page.locator("#upload-report")
    expect(report.locator(".upload-summary")).to_have_text("حُفظ 3، مكرر 0، مرفوض 1")
    row = report.locator("tr", has_text="article-cp1256.txt")
    expect(row.locator("td").nth(1)).to_have_text("حُفظ")
    link = row.locator("a")
    expect(link).to_have_text("مهرجان للكتاب في أربيل يستقبل زواره")
    refused = report.locator("tr.result-refused")
    expect(refused.locator("td").first).to_have_text("articles.csv:3")
    expect(refused.locator("td").nth(2)).to_have_text("نص المقال فارغ.")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "upload-report.png"), full_page=True)

    link.click()
    article = Article.objects.get(title="مهرجان للكتاب في أربيل يستقبل زواره")
    page.wait_for_url(live_server.url + article.get_absolute_url())
    expect(page.locator("h1")).to_have_text(article.title)


def test_a_background_upload_shows_progress_then_its_report_without_a_reload(
    logged_in, settings, tmp_path
):
    settings.UPLOAD_INLINE_ITEMS = 2
    feed = tmp_path / "feed.jsonl"
    records = [{"title": f"خبر رقم {n}", "body": f"نص الخبر رقم {n} عن الموصل."} for n in range(5)]
    feed.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), "utf-8")
    page = logged_in
    page.set_input_files("#id_files", feed)
    page.click(".submit-row input[type=submit]")
    page.wait_for_url("**/admin/upload/*/")

    expect(page.locator("#upload-progress")).to_have_attribute("value", "0")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "upload-progress.png"), full_page=True)
    page.evaluate("window.notReloaded = true")

    process_upload_batch.call(UploadBatch.objects.get().pk)  # the worker's part

    summary = page.locator("#upload-report .upload-summary")
    expect(summary).to_have_text("حُفظ 5، مكرر 0، مرفوض 0", timeout=10_000)
    assert page.evaluate("window.notReloaded") is True  # swapped in by htmx polling
    expect(page.locator("#upload-report tbody tr")).to_have_count(5)
