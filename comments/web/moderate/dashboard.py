"""The dashboard page: activity per day as inline SVG, the queue's age, the busiest threads."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import render_template, request
from markupsafe import Markup

from comments.models.types import utcnow
from comments.services.moderation import dashboard as figures
from comments.services.moderation.queue import visible_site_ids
from comments.services.sharing.stats import shares_by_article
from comments.web.moderate import bp
from comments.web.moderate.charts import bar_chart
from comments.web.moderate.queue import moderated_sites
from comments.web.moderate.session import me, signed_in


@bp.route("/dashboard")
@signed_in
def dashboard() -> Any:
    """Figures for the sites this moderator looks after (or one of them)."""
    site_key = (request.args.get("site") or "")[:64] or None
    days_arg = request.args.get("days", "30")
    days = int(days_arg) if days_arg.isascii() and days_arg.isdigit() and len(days_arg) < 4 else 30
    site_ids = visible_site_ids(me(), site_key)
    board = figures.build(site_ids, days)
    most_shared = shares_by_article(site_ids, since=utcnow() - timedelta(days=board.days),
                                    limit=10)
    charts: list[tuple[str, Markup, int]] = [
        (series.label, bar_chart(series.days, series.values, series.label), series.total)
        for series in (board.comments, board.held, board.shares)
    ]
    age = utcnow() - board.oldest_pending_at if board.oldest_pending_at else None
    return render_template("moderate/dashboard.html", board=board, charts=charts, age=age,
                           sites=moderated_sites(), site_key=site_key, most_shared=most_shared)
