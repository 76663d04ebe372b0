from __future__ import annotations

import pytest

from newsroom.loadgen import run


def test_it_refuses_targets_off_this_machine():
    with pytest.raises(SystemExit):
        run(["http://192.0.2.1/"], clients=1, requests=1, seconds=1)


@pytest.mark.django_db(transaction=True)
def test_it_counts_requests_latencies_and_errors(live_server, make_article):
    article = make_article(title="خبر", body="زار الوفد بغداد.").article
    good = live_server.url + article.get_absolute_url()
    result = run([good, live_server.url + "/no-such-page/"], clients=1, requests=10, seconds=30)
    assert result["requests"] == 10
    assert result["errors"] == 5
    assert "404" in result["first_errors"][0]
    assert 0 < result["p50_ms"] <= result["p99_ms"]
