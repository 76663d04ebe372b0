"""The JSON examples of docs/api.md, produced by calling the API on the demo.

docs/api.md marks each example with ``<!-- example NAME -->`` … ``<!-- /example -->``; what is
between is generated here: the request and the response, shortened where it says so. A test
loads the demo and checks the committed file against a fresh rendering, and
``manage.py api_examples`` rewrites it, so the examples always match what ``make run`` serves.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"
# The address `make run` serves on: the examples' absolute URLs use it.
HOST = "127.0.0.1:8000"

Get = Callable[[str], tuple[int, dict[str, Any]]]
_BLOCK = re.compile(r"(<!-- example (?P<name>[\w-]+) -->\n).*?(<!-- /example -->)", re.S)


def _first(page: dict[str, Any]) -> dict[str, Any]:
    return {**page, "results": page["results"][:1]}


def _short(text: str, chars: int = 40) -> str:
    return text if len(text) <= chars else text[:chars] + "…"


def examples(get: Get) -> dict[str, tuple[str, int, Any]]:
    """name -> (request path, status, response as shown)."""
    out: dict[str, tuple[str, int, Any]] = {}

    def call(name: str, path: str, shorten: Callable[[Any], Any] = lambda d: d) -> Any:
        status, data = get(path)
        out[name] = (path, status, shorten(data))
        return data

    articles = call("articles", "/api/articles/?page_size=2", _first)
    newest = articles["results"][0]["id"]
    call(
        "article",
        f"/api/articles/{newest}/",
        lambda d: {**d, "body": _short(d["body"]), "mentions": d["mentions"][:1]},
    )
    people = call("entities", "/api/entities/?kind=PERS&page_size=2", _first)
    top = people["results"][0]["id"]
    call(
        "entity",
        f"/api/entities/{top}/?page_size=2",
        lambda d: {**d, "articles": _first(d["articles"])},
    )
    call("missing", "/api/articles/999/")
    return out


def render(text: str, get: Get) -> str:
    """``text`` (docs/api.md) with every example block generated anew."""
    found = examples(get)

    def block(match: re.Match[str]) -> str:
        path, status, data = found[match["name"]]
        body = json.dumps(data, ensure_ascii=False, indent=2)
        return (
            f"{match[1]}```http\nGET {path}\n```\n\n"
            f"Status {status}:\n\n```json\n{body}\n```\n{match[3]}"
        )

    return _BLOCK.sub(block, text)


def client_getter(client) -> Get:
    """A Get over Django's test client, as if served at HOST."""

    def get(path: str) -> tuple[int, dict[str, Any]]:
        response = client.get(path, HTTP_HOST=HOST)
        return response.status_code, json.loads(response.content)

    return get
