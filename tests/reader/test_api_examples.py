"""docs/api.md shows what the API answers on the demo that `make run` loads."""

from __future__ import annotations

import pytest

from newsroom.articles.management.commands.load_demo import load_demo
from newsroom.reader import api_examples


# A fresh database, as `make run` starts from: the ids in the examples depend on it.
@pytest.mark.django_db(transaction=True, reset_sequences=True)
def test_the_api_examples_are_those_of_the_demo(client):
    list(load_demo())
    committed = api_examples.DOC.read_text(encoding="utf-8")
    fresh = api_examples.render(committed, api_examples.client_getter(client))
    assert fresh == committed, "docs/api.md is stale: run manage.py api_examples on the demo"
    # every marked example was filled in, with a real response
    assert committed.count("<!-- example ") == committed.count("```json") == 5
    assert '"count": 15' in committed and '"status": 404' in committed
