"""Static files from a CDN (docs/deploy.md, "Static files from a CDN").

With an absolute STATIC_URL, pages link their stylesheet, script and font at the CDN under their
hashed names, the Content-Security-Policy admits the CDN for exactly those kinds of resource
(and no other origin), and the application still serves the files under STATIC_URL's path for
the CDN to pull. STATIC_URL is read when the settings load, so the production case runs
gunicorn with it in the environment.
"""

from __future__ import annotations

import json
import re
import urllib.request
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import override_settings

from newsroom.security import content_security_policy
from tests.processes import collectstatic, gunicorn, production_env

CDN = "https://cdn.example.net/newsroom/static/"
KINDS = ["script-src", "style-src", "font-src", "img-src"]
OTHERS = [
    "https://evil.example.com/newsroom/static/js/reader.js",
    "https://cdn.example.net.evil.example.com/newsroom/static/js/reader.js",
    "http://cdn.example.net/newsroom/static/js/reader.js",  # the CDN, but not over TLS
    "https://cdn.example.net/someone-else/reader.js",  # the CDN's host, outside STATIC_URL
]


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


def admits(policy: str, directive: str, url: str, page: str) -> bool:
    """Whether `policy` lets a page at `page` load `url` under `directive` (CSP 3 source
    matching, for the kinds of source a policy of ours can hold)."""
    found = directives(policy)
    sources = found.get(directive, found.get("default-src", []))
    target, here = urlsplit(url), urlsplit(page)
    for source in sources:
        if source == "'self'":
            if (target.scheme, target.netloc) == (here.scheme, here.netloc):
                return True
        elif source == "*":
            return True
        elif source.startswith("'"):
            continue  # 'none', nonces, hashes: admit no URL
        elif re.fullmatch(r"[a-z][a-z0-9+.-]*:", source):
            if target.scheme == source[:-1]:  # a scheme source such as https: or data:
                return True
        else:
            scheme, _, rest = source.rpartition("://")
            if scheme and scheme != target.scheme:
                continue
            if not scheme and target.scheme not in (here.scheme, "https"):
                continue
            hostport, slash, path = rest.partition("/")
            host, _, port = hostport.partition(":")
            if host.startswith("*."):
                if not (target.hostname or "").endswith(host[1:]):
                    continue
            elif host.lower() != (target.hostname or ""):
                continue
            if port and port != "*" and int(port) != (target.port or 443):
                continue
            path = slash + path
            if path in ("", "/") or (
                target.path.startswith(path) if path.endswith("/") else target.path == path
            ):
                return True
    return False


def test_the_policy_admits_an_absolute_static_url_for_static_resources_only():
    page = "https://news.example.org/articles/1/"
    with override_settings(STATIC_URL=CDN):
        policy = content_security_policy()
    for kind in KINDS:
        assert admits(policy, kind, CDN + "css/newsroom.0123abcd.css", page), kind
        assert admits(policy, kind, page, page), kind  # and the site itself
        for other in OTHERS:
            assert not admits(policy, kind, other, page), (kind, other)
    for kind in ["connect-src", "frame-src", "object-src", "base-uri", "form-action"]:
        assert not admits(policy, kind, CDN + "js/reader.js", page), kind
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_a_relative_static_url_adds_no_origin_to_the_policy():
    page = "https://news.example.org/articles/1/"
    with override_settings(STATIC_URL="/static/"):
        policy = content_security_policy()
    for kind in KINDS:
        assert admits(policy, kind, "https://news.example.org/static/js/reader.js", page)
        assert not admits(policy, kind, CDN + "js/reader.js", page), kind


class Resources(HTMLParser):
    """The URLs of a page's stylesheets, preloaded fonts and scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, list[str]] = {"style": [], "font": [], "script": []}

    @classmethod
    def parse(cls, html: str) -> dict[str, list[str]]:
        parser = cls()
        parser.feed(html)
        return parser.found

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "link" and a.get("rel") == "stylesheet":
            self.found["style"].append(a["href"])
        elif tag == "link" and a.get("rel") == "preload" and a.get("as") == "font":
            self.found["font"].append(a["href"])
        elif tag == "script" and a.get("src"):
            self.found["script"].append(a["src"])


@pytest.mark.django_db(transaction=True)
def test_with_debug_off_pages_take_hashed_static_files_from_the_cdn(tmp_path, make_article):
    article = make_article(title="زيارة إلى بغداد", body="وصل الوفد إلى بغداد.").article
    static_root = tmp_path / "static"
    env = production_env(static_root, STATIC_URL=CDN)
    collectstatic(env)
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    hashed = set(manifest.values())
    with gunicorn(env, tmp_path / "gunicorn.log", ready_path=article.get_absolute_url()) as base:
        page_url = base + article.get_absolute_url()
        page = urllib.request.urlopen(page_url, timeout=10)
        assert page.status == 200
        found = Resources.parse(page.read().decode())
        assert found["style"] == [CDN + manifest["css/newsroom.css"]]
        assert found["font"] == [CDN + manifest["fonts/noto-naskh-arabic-arabic-400-normal.woff2"]]
        assert CDN + manifest["js/reader.js"] in found["script"]
        for url in [url for urls in found.values() for url in urls]:
            assert url.startswith(CDN), url
            assert url.removeprefix(CDN) in hashed, url  # a hashed name from the manifest

        policy = page.headers["Content-Security-Policy"]
        for kind, urls in [("style-src", "style"), ("font-src", "font"), ("script-src", "script")]:
            for url in found[urls]:
                assert admits(policy, kind, url, page_url), (kind, url)
            for other in OTHERS:
                assert not admits(policy, kind, other, page_url), (kind, other)

        # The stylesheet's fonts resolve to hashed files on the CDN too, which the policy admits.
        css = urllib.request.urlopen(base + urlsplit(found["style"][0]).path, timeout=10)
        fonts = re.findall(r'url\("?([^")]+\.woff2)"?\)', css.read().decode())
        assert fonts
        for font in fonts:
            url = urljoin(found["style"][0], font)
            assert url.removeprefix(CDN) in hashed, url
            assert admits(policy, "font-src", url, page_url), url

        # The CDN pulls from the application under STATIC_URL's path: long-lived, and fonts
        # (fetched cross-origin from the page's point of view) open to CORS.
        for url in found["style"] + found["font"]:
            pulled = urllib.request.urlopen(base + urlsplit(url).path, timeout=10)
            assert pulled.status == 200
            assert "immutable" in pulled.headers.get("Cache-Control", "")
        font = urllib.request.urlopen(base + urlsplit(found["font"][0]).path, timeout=10)
        assert font.headers.get("Access-Control-Allow-Origin") == "*"

        # The admin's stylesheets draw icons from static files: images admit the CDN as well.
        login = urllib.request.urlopen(base + "/admin/login/", timeout=10)
        admin_css = Resources.parse(login.read().decode())["style"]
        assert admin_css and all(u.startswith(CDN) for u in admin_css)
        icon = CDN + manifest["admin/img/icon-yes.svg"]
        assert admits(login.headers["Content-Security-Policy"], "img-src", icon, base + "/")
