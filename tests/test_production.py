"""The production recipe runs: collectstatic, gunicorn with DEBUG off, WhiteNoise for static."""

from __future__ import annotations

import urllib.request

import pytest

from tests.processes import collectstatic, gunicorn, production_env


@pytest.mark.django_db(transaction=True)
def test_gunicorn_serves_pages_and_static_files_with_debug_off(tmp_path, make_article):
    article = make_article(title="زيارة إلى بغداد", body="وصل الوفد إلى بغداد.").article
    env = production_env(tmp_path / "static")
    collectstatic(env)
    with gunicorn(env, tmp_path / "gunicorn.log", ready_path=article.get_absolute_url()) as base:
        page = urllib.request.urlopen(base + article.get_absolute_url(), timeout=5)
        html = page.read().decode()
        assert page.status == 200
        assert "زيارة إلى بغداد" in html
        assert "script-src 'self'" in page.headers["Content-Security-Policy"]
        css = next(part.split('"')[1] for part in html.split("href=") if ".css" in part)
        assert ".css" in css and css != "/static/css/newsroom.css"  # hashed name
        static = urllib.request.urlopen(base + css, timeout=5)
        assert static.status == 200
        assert "immutable" in static.headers.get("Cache-Control", "")
