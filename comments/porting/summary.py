"""What an import was asked to do, and what it reports at the end."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class ImportOptions:
    """What the operator asked for on the command line."""

    site_key: str = "default"
    source: str = ""
    dry_run: bool = False
    keep_pingbacks: bool = False
    actor: str = "cli"


@dataclass
class ImportSummary:
    """The closing report: what was imported, updated, left alone and skipped, and why."""

    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    threads_created: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    notes: Counter[str] = field(default_factory=Counter)
    dry_run: bool = False

    def lines(self) -> list[str]:
        """The summary as lines for a terminal."""
        head = "Dry run, nothing written: " if self.dry_run else ""
        out = [f"{head}imported {self.imported}, updated {self.updated}, "
               f"unchanged {self.unchanged}, skipped {sum(self.skipped.values())}; "
               f"{self.threads_created} new threads"]
        out += [f"  skipped {n}: {reason}" for reason, n in sorted(self.skipped.items())]
        out += [f"  note {n}: {what}" for what, n in sorted(self.notes.items())]
        return out
