"""Prometheus metrics: requests and latencies by endpoint, and database figures at scrape time.

Under gunicorn every worker is its own process, so request counters live in
prometheus_client's multiprocess files when PROMETHEUS_MULTIPROC_DIR is set (`comments serve`
sets it up) and /metrics merges them; database figures are read once per scrape instead.
/metrics answers only to the networks in COMMENTS_METRICS_ALLOW or to a bearer token equal to
COMMENTS_METRICS_TOKEN.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import time
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from comments.errors import Forbidden
from comments.services.figures import read_figures

bp = Blueprint("metrics", __name__)

REQUESTS = Counter(
    "comments_http_requests", "HTTP requests answered, by endpoint, method and status.",
    ["endpoint", "method", "status"],
)
LATENCY = Histogram(
    "comments_http_request_duration_seconds", "Time to answer, by endpoint and method.",
    ["endpoint", "method"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)


def init_app(app: Flask) -> None:
    """Time every request and count it under its route (never its raw path: bounded labels)."""
    app.before_request(_start_timer)
    app.after_request(_observe)


def _start_timer() -> None:
    g.metrics_started = time.perf_counter()


def _observe(response: Response) -> Response:
    started = g.pop("metrics_started", None)
    if started is None:
        return response
    rule = request.url_rule
    observe(rule.rule if rule is not None else "unmatched", request.method,
            response.status_code, started)
    return response


def observe(endpoint: str, method: str, status: int, started: float) -> None:
    """Count one answered request and its time under its route (never its raw path) and its
    method (one a client invents counts as OTHER: labels stay bounded)."""
    latency, requests = _series(endpoint, method if method in METHODS else "OTHER", status)
    latency.observe(time.perf_counter() - started)
    requests.inc()


METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


@lru_cache(maxsize=1024)
def _series(endpoint: str, method: str, status: int) -> tuple[Histogram, Counter]:
    # labels() takes a lock and builds the key on every call: half the cost of observing.
    # The children it returns live as long as their metric, so each is looked up once.
    return LATENCY.labels(endpoint, method), REQUESTS.labels(endpoint, method, str(status))


class DatabaseFigures(Collector):
    """Gauges read from the database when Prometheus scrapes, identical in every process."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        figures = read_figures()
        comments = GaugeMetricFamily("comments_comments", "Comments by moderation status.",
                                     labels=["status"])
        for status, count in figures.comments_by_status.items():
            comments.add_metric([status], count)
        yield comments
        yield GaugeMetricFamily(
            "comments_oldest_pending_comment_age_seconds",
            "Age of the oldest comment waiting for a moderator (0 when none).",
            value=figures.oldest_pending_comment_seconds,
        )
        outbox = GaugeMetricFamily("comments_outbox_messages", "Outbox messages by status.",
                                   labels=["status"])
        for status, count in figures.outbox_by_status.items():
            outbox.add_metric([status], count)
        yield outbox
        yield GaugeMetricFamily(
            "comments_outbox_oldest_pending_age_seconds",
            "Age of the oldest mail not yet sent (0 when none).",
            value=figures.oldest_pending_mail_seconds,
        )
        yield GaugeMetricFamily(
            "comments_mail_failures",
            "Mail that failed for good (the outbox's failed rows).",
            value=figures.outbox_by_status.get("failed", 0),
        )
        yield GaugeMetricFamily(
            "comments_mail_retrying", "Mail waiting for a retry after a temporary failure.",
            value=figures.mail_retrying,
        )


def _allowed() -> bool:
    token = str(current_app.config.get("METRICS_TOKEN") or "")
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    try:
        address = ipaddress.ip_address((request.remote_addr or "").split("%")[0])
    except ValueError:
        return False
    return any(address in network for network in _networks(current_app.config["METRICS_ALLOW"]))


def _networks(setting: Any) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    items = setting.split(",") if isinstance(setting, str) else list(setting or [])
    networks = []
    for item in items:
        if str(item).strip():
            networks.append(ipaddress.ip_network(str(item).strip(), strict=False))
    return networks


@bp.get("/metrics")
def metrics() -> Response:
    """Prometheus text exposition: this service's requests (all processes) and its figures."""
    if not _allowed():
        raise Forbidden("Metrics are open to the configured networks or token only.")
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        requests = CollectorRegistry()
        multiprocess.MultiProcessCollector(requests)
    else:
        requests = REGISTRY  # one process: its own counters, as they are
    figures = CollectorRegistry(auto_describe=False)
    figures.register(DatabaseFigures())
    # Two expositions one after the other are one valid exposition: no name is in both.
    body = generate_latest(requests) + generate_latest(figures)
    return Response(body, mimetype=CONTENT_TYPE_LATEST)
