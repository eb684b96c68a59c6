"""Transparency figures (DSA Art. 15, 24) read from the audit log, never from separate counters."""

from __future__ import annotations

import csv
import io
import statistics
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from comments.extensions import db
from comments.models import ModerationEvent, Site

ACTIONS = ("notice_filed", "notice_decided", "statement_issued", "appeal_filed",
           "appeal_decided", "appeal_reversal")


@dataclass
class Figures:
    """One site's figures for one period [start, end)."""

    site: str
    start: datetime
    end: datetime
    notices_received: int = 0
    notices_from_trusted_flaggers: int = 0
    # "ground/outcome" -> notices, e.g. "illegal/delete", "none/keep"
    notices_by_ground_and_outcome: dict[str, int] = field(default_factory=dict)
    median_hours_to_decision: float | None = None
    decisions_automated: int = 0
    decisions_human: int = 0
    actions_without_notice: int = 0
    appeals_received: int = 0
    appeals_decided: int = 0
    reversals: int = 0

    def as_dict(self) -> dict[str, Any]:
        """The figures as JSON-ready data."""
        return {"site": self.site, "from": self.start.isoformat(), "to": self.end.isoformat(),
                "notices_received": self.notices_received,
                "notices_from_trusted_flaggers": self.notices_from_trusted_flaggers,
                "notices_by_ground_and_outcome": dict(sorted(
                    self.notices_by_ground_and_outcome.items())),
                "median_hours_to_decision": self.median_hours_to_decision,
                "decisions_automated": self.decisions_automated,
                "decisions_human": self.decisions_human,
                "actions_without_notice": self.actions_without_notice,
                "appeals_received": self.appeals_received,
                "appeals_decided": self.appeals_decided, "reversals": self.reversals}

    def as_csv(self) -> str:
        """The figures as `figure,value` rows (one row per ground and outcome)."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["figure", "value"])
        for key, value in self.as_dict().items():
            if isinstance(value, dict):
                for part, count in value.items():
                    writer.writerow([f"{key}:{part}", count])
            else:
                writer.writerow([key, "" if value is None else value])
        return out.getvalue()


def figures(site: Site, start: datetime, end: datetime) -> Figures:
    """Count what the audit log says happened on `site` between `start` and `end`."""
    result = Figures(site.key, start, end)
    events = db.session.execute(
        select(ModerationEvent.action, ModerationEvent.after, ModerationEvent.created_at)
        .where(ModerationEvent.site_id == site.id, ModerationEvent.action.in_(ACTIONS),
               ModerationEvent.created_at >= start, ModerationEvent.created_at < end)
        .order_by(ModerationEvent.id)).all()
    wanted: dict[str, datetime] = {}  # reference -> when its decision came
    for action, after, moment in events:
        after = after or {}
        if action == "notice_filed":
            result.notices_received += 1
            result.notices_from_trusted_flaggers += bool(after.get("trusted"))
        elif action in ("notice_decided", "statement_issued"):
            if after.get("automated"):
                result.decisions_automated += 1
            else:
                result.decisions_human += 1
            if action == "statement_issued":
                result.actions_without_notice += 1
            key = f"{after.get('ground') or 'none'}/{after.get('outcome')}"
            for reference in after.get("references") or []:
                result.notices_by_ground_and_outcome[key] = (
                    result.notices_by_ground_and_outcome.get(key, 0) + 1)
                wanted[str(reference)] = moment
        elif action == "appeal_filed":
            result.appeals_received += 1
        elif action == "appeal_decided":
            result.appeals_decided += 1
            result.reversals += bool(after.get("reversed"))
    result.median_hours_to_decision = _median_hours(site, wanted, end)
    return result


def _median_hours(site: Site, decided: dict[str, datetime], end: datetime) -> float | None:
    """The median time from a notice's filing to its decision, both read from the log."""
    if not decided:
        return None
    filed: dict[str, datetime] = {}
    for after, moment in db.session.execute(
            select(ModerationEvent.after, ModerationEvent.created_at)
            .where(ModerationEvent.site_id == site.id,
                   ModerationEvent.action == "notice_filed", ModerationEvent.created_at < end)):
        reference = (after or {}).get("reference")
        if reference in decided:
            filed[str(reference)] = moment
    hours = [(decided[ref] - filed[ref]).total_seconds() / 3600 for ref in decided if ref in filed]
    return round(statistics.median(hours), 3) if hours else None
