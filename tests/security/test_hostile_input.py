"""Untrusted text (titles, bodies, sources, entity names) must never become markup."""

from __future__ import annotations

import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse

from newsroom.articles.ingest import ArticleDraft, Outcome, ingest_article
from newsroom.entities.models import Entity
from newsroom.nlp import Span, annotate, entity_key

ROOT = Path(__file__).resolve().parents[2]

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(1)>",
    "javascript:alert(1)",
    "'-alert(1)-'",
    "<a href='javascript:alert(1)'>بغداد</a>",
    "</title><script>alert('عنوان')</script>",
    "<iframe srcdoc='<script>alert(1)</script>'>",
    "{{ 7|add:7 }} {% now 'Y' %}",
    "<scr<script>ipt>alert('العراق')</script>",
]


def _payload_annotator(payload: str):
    """A recogniser that marks the payload itself as a person's name, plus the real spans."""

    def annotate_with_payload(text: str) -> list[Span]:
        spans = [s for s in annotate(text) if payload not in text[s.start : s.end]]
        start = text.find(payload)
        if start >= 0:
            spans = [s for s in spans if s.end <= start or s.start >= start + len(payload)]
            spans.append(Span(start, start + len(payload), "PERS", payload, entity_key(payload)))
        return sorted(spans, key=lambda s: s.start)

    return annotate_with_payload


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def _assert_inert(html: str, payload: str) -> None:
    if any(char in payload for char in "<>\"'"):
        assert payload not in html, "the payload reached the page unescaped"
    parser = _Elements()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag not in {"img", "iframe", "object", "embed"}, f"<{tag}> element on the page"
        if tag == "script":
            assert dict(attrs).get("src", "").startswith("/static/"), "inline or foreign script"
        for name, value in attrs:
            assert not name.startswith("on"), f"event handler {name} on <{tag}>"
            if name in {"href", "src", "action", "formaction", "xlink:href"}:
                assert not (value or "").strip().lower().startswith("javascript:"), (
                    f"{name} <{tag}>"
                )


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_in_every_field_and_in_entity_names_stay_text(client, payload):
    result = ingest_article(
        ArticleDraft(
            title=f"{payload} في بغداد",
            body=f"قال مسؤول في بغداد إن {payload} وصل إلى الكويت.\nوأضاف {payload} عربي",
            source=payload,
        ),
        annotator=_payload_annotator(payload),
    )
    assert result.outcome is Outcome.STORED
    article = result.article
    hostile = Entity.objects.get(name=payload)
    pages = [
        article.get_absolute_url(),
        hostile.get_absolute_url(),
        reverse("reader:entity_preview", args=[hostile.pk]),
        reverse("reader:article_list"),
        reverse("reader:actors") + "?q=" + payload,
        reverse("reader:search") + "?q=" + payload,
        reverse("reader:search") + "?q=بغداد",
    ]
    baghdad = Entity.objects.filter(name="بغداد").first()
    if baghdad:
        pages.append(reverse("reader:pair", args=[hostile.pk, baghdad.pk]))
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_inert(response.content.decode(), payload)


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get(reverse("reader:article_list"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert "<script>" not in response.content.decode()  # no inline script on our pages


def test_check_deploy_is_clean_with_production_settings():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "0",
        "SECRET_KEY": "a-production-like-secret-key-" + "x" * 40,
        "ALLOWED_HOSTS": "news.example.org",
    }
    run = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "no issues" in run.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env["DEBUG"] = "0"
    run = subprocess.run(
        [sys.executable, "-c", "import newsroom.settings"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode != 0
    assert "SECRET_KEY must be set" in run.stderr
