"""Operations: Prometheus /metrics (guarded), request ids, JSON logs, readiness."""

from __future__ import annotations

import json
import logging

import pytest

from tests.support.app import sql


def _metric(text: str, name: str, **labels: str) -> float | None:
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        head, _, value = line.rpartition(" ")
        if head.split("{")[0] != name:
            continue
        if all(f'{key}="{val}"' in head for key, val in labels.items()):
            return float(value)
    return None


def test_metrics_count_requests_by_route_and_read_figures_from_the_database(client, post, app):
    post(uri="/a/", text="Published.")
    held = post(uri="/a/", text="Hold me.").json["id"]
    sql(app, "UPDATE comments SET status = 'pending', created_at = :when WHERE id = :id",
        when="2020-01-01 00:00:00", id=held)
    client.get("/api/v1/comments?uri=/a/")
    client.get("/api/v1/comments?uri=/b/")

    text = client.get("/metrics").get_data(as_text=True)

    assert _metric(text, "comments_http_requests_total", endpoint="/api/v1/comments",
                   method="GET", status="200") >= 2
    assert _metric(text, "comments_http_request_duration_seconds_count",
                   endpoint="/api/v1/comments", method="POST") >= 2
    assert "/b/" not in text  # labels are routes, never raw paths
    assert _metric(text, "comments_comments", status="approved") == 1
    assert _metric(text, "comments_comments", status="pending") == 1
    assert _metric(text, "comments_oldest_pending_comment_age_seconds") > 3600 * 24 * 365
    assert _metric(text, "comments_outbox_messages", status="pending") == 0
    assert _metric(text, "comments_mail_failures") == 0


def test_outbox_depth_age_and_failures_are_reported(client, app):
    for status, attempts in (("pending", 0), ("pending", 2), ("failed", 5), ("sent", 1)):
        sql(app, "INSERT INTO outbox (kind, recipient, message_id, template, context, "
                 "language, status, attempts, next_attempt_at, created_at) VALUES ('reply', "
                 "'a@example.org', :mid, 'reply', '{}', 'en', :status, :attempts, "
                 "'2020-01-01 00:00:00', '2020-01-01 00:00:00')",
            mid=f"<{status}{attempts}@x>", status=status, attempts=attempts)

    text = client.get("/metrics").get_data(as_text=True)

    assert _metric(text, "comments_outbox_messages", status="pending") == 2
    assert _metric(text, "comments_outbox_messages", status="sent") == 1
    assert _metric(text, "comments_mail_failures") == 1
    assert _metric(text, "comments_mail_retrying") == 1
    assert _metric(text, "comments_outbox_oldest_pending_age_seconds") > 3600


def test_metrics_refuse_other_networks_unless_they_bring_the_token(app, client):
    app.config["METRICS_ALLOW"] = "10.0.0.0/8"
    app.config["METRICS_TOKEN"] = "scrape-secret"

    assert client.get("/metrics").status_code == 403
    wrong = client.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 403
    right = client.get("/metrics", headers={"Authorization": "Bearer scrape-secret"})
    assert right.status_code == 200
    assert right.mimetype == "text/plain"
    inside = client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert inside.status_code == 200


def test_a_spoofed_forwarded_for_does_not_open_metrics(app, client):
    app.config["METRICS_ALLOW"] = "10.0.0.0/8"
    response = client.get("/metrics", headers={"X-Forwarded-For": "10.0.0.1"},
                          environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert response.status_code == 403


def test_request_ids_pass_through_or_are_made(client):
    given = client.get("/healthz", headers={"X-Request-ID": "lb-1234-abcd"})
    assert given.headers["X-Request-ID"] == "lb-1234-abcd"
    made = client.get("/healthz").headers["X-Request-ID"]
    assert len(made) == 32 and made != client.get("/healthz").headers["X-Request-ID"]
    hostile = client.get("/healthz", headers={"X-Request-ID": "x\" {injected} " + "y" * 200})
    assert len(hostile.headers["X-Request-ID"]) == 32


@pytest.fixture
def root_logging():
    """Put the root logger back as it was after a test that turns JSON logs on."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers, root.level = handlers, level


class TestJsonLogs:
    @pytest.fixture
    def config(self, config, root_logging):
        return {**config, "JSON_LOGS": True}

    def test_each_request_logs_one_json_line_with_its_id(self, client, capsys):
        client.get("/api/v1/comments?uri=/json/", headers={"X-Request-ID": "trace-77"})

        err = capsys.readouterr().err
        lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
        access = [line for line in lines if line["logger"] == "comments.access"]
        assert len(access) == 1, err
        assert access[0]["request_id"] == "trace-77"
        assert access[0]["http"]["status"] == 200
        assert access[0]["http"]["path"] == "/api/v1/comments"


def test_invented_methods_add_no_metric_series(client):
    """A stranger picks the method: it must not mint a Prometheus series per request."""
    for number in range(30):
        client.open("/api/v1/comments", method=f"BREW{number}")
    text = client.get("/metrics").get_data(as_text=True)
    assert "BREW" not in text
    assert 'method="OTHER"' in text
