"""Writing imported threads and comments: one transaction per file, idempotent by source id."""

from __future__ import annotations

import hashlib
import json
import pickle
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from sqlalchemy import insert, select, update

from comments.database.engine import write_transaction
from comments.errors import SiteNotFound
from comments.extensions import db
from comments.models import Comment, CommentStatus, Site
from comments.models.site import SiteSettings
from comments.porting.finishing import import_subscriptions, recount_threads
from comments.porting.readers import identity_columns
from comments.porting.records import SourceComment, SourceSite, SourceThread
from comments.porting.summary import ImportOptions, ImportSummary
from comments.porting.tree import link_replies
from comments.services import audit
from comments.services.discussion.threads import ensure_thread, find_thread
from comments.services.hashing import address_hash, avatar_seed, email_hash
from comments.services.sites import create_site, get_site

BATCH = 500
MAX_TEXT = 100_000  # the most any site may allow (see sites.apply_settings)


class _DryRun(Exception):
    """Raised at the end of a dry run so that the transaction rolls back."""


ERASED = -1  # in place of a fingerprint: the reader had this comment's details erased


def _short(digest: str | None) -> int:
    """64 bits of a fingerprint: plenty to tell "changed" from "same", and small in memory."""
    try:
        return int((digest or "")[:16], 16)
    except ValueError:
        return 0


def run_import(records: Iterable[SourceSite | SourceThread | SourceComment],
               options: ImportOptions) -> ImportSummary:
    """Import `records` into the site in one transaction; nothing is kept if anything fails.

    The file is read to the end first (into a spool on disk, one record at a time) and only
    then is the write transaction opened: a slow or hostile file never holds SQLite's write
    lock, and a file that turns out unreadable has written nothing.
    """
    summary = ImportSummary(dry_run=options.dry_run)
    with _spooled(records) as spooled:
        return _load(spooled, options, summary)


Record = SourceSite | SourceThread | SourceComment


@contextmanager
def _spooled(records: Iterable[Record]) -> Iterator[Iterator[Record]]:
    """The records, read to the end and kept in a temporary file (our own pickles)."""
    with tempfile.TemporaryFile(prefix="comments-import-") as spool:
        count = 0
        for record in records:
            pickle.dump(record, spool, protocol=pickle.HIGHEST_PROTOCOL)
            count += 1
        spool.seek(0)

        def replay() -> Iterator[Record]:
            for _ in range(count):
                yield pickle.load(spool)  # noqa: S301 - written just above by this process

        yield replay()


def _load(records: Iterator[Record], options: ImportOptions,
          summary: ImportSummary) -> ImportSummary:
    first = next(records, None)
    try:
        with write_transaction():
            template = first if isinstance(first, SourceSite) else None
            loader = _Loader(_site_for(options.site_key, template, summary), options, summary)
            if first is not None and template is None:
                loader.take(first)  # type: ignore[arg-type]
            for record in records:
                loader.take(record)  # type: ignore[arg-type]
            loader.finish()
            if options.dry_run:
                raise _DryRun()
    except _DryRun:
        pass
    return summary


def _site_for(key: str, template: SourceSite | None, summary: ImportSummary) -> Site:
    """The site to import into; made from the export's own description if it is missing."""
    try:
        return get_site(key)
    except SiteNotFound:
        if template is None:
            raise
    known = set(SiteSettings().to_dict())
    site = create_site(key, template.base_url, name=template.name, origins=template.origins,
                       mail_from=template.mail_from,
                       settings={k: v for k, v in template.settings.items() if k in known})
    db.session.flush()
    summary.notes[f"created the site {key!r} from the export"] += 1
    return site


def digest_of(record: SourceComment) -> str:
    """A fingerprint of what the source says about a comment, to tell "changed" from "same"."""
    created = record.created_at.isoformat()
    edited = record.edited_at.isoformat() if record.edited_at else None
    fields = [record.author, record.email, record.website, record.text, record.html,
              record.status, created, edited, record.likes, record.dislikes, record.pinned,
              record.notify_replies]
    if record.reader is not None or record.featured:  # identity: digests without it unchanged
        reader = record.reader
        fields += [record.featured, reader.subject if reader else None,
                   ",".join(reader.badges) if reader else None]
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode()).hexdigest()


class _Loader:
    """Takes records in file order; parents, deleted placeholders and counts wait for the end."""

    def __init__(self, site: Site, options: ImportOptions, summary: ImportSummary):
        self.site = site
        self.options = options
        self.summary = summary
        self.threads: dict[str, SourceThread] = {}
        self.thread_ids: dict[str, int] = {}
        self.known: dict[int, dict[str, tuple[int, int]]] = {}  # thread → key → (id, digest)
        self.ids: dict[int, dict[str, int]] = defaultdict(dict)  # thread → key → comment id
        self.tree: list[tuple[int, str, str, str | None]] = []  # thread id, thread key, key, parent
        self.written: dict[int, set[str]] = defaultdict(set)  # keys met in this file
        self.waiting: list[SourceComment] = []
        self.deleted: dict[tuple[str, str], SourceComment] = {}
        self.rows: list[dict[str, Any]] = []
        self.readers: dict[str, int] = {}  # subject → reader id, made as the file names them
        self.updates: list[dict[str, Any]] = []
        self.subscriptions: list[tuple[int, str, list[dict[str, Any]]]] = []
        self.touched: set[int] = set()
        self.current: dict[int, tuple[int | None, int | None, int]] = {}  # stored tree fields
        # Readers comment many times; their hashes are worth computing once.
        self.email_hash = lru_cache(maxsize=16_384)(email_hash)
        self.address_hash = lru_cache(maxsize=16_384)(address_hash)
        self.avatar_seed = lru_cache(maxsize=16_384)(avatar_seed)

    def take(self, record: SourceThread | SourceComment) -> None:
        """Accept the next thread or comment of the file."""
        if isinstance(record, SourceThread):
            self.threads.setdefault(record.key, record)
            return
        if record.problem:
            self.summary.skipped[record.problem] += 1
        elif len(record.text) > MAX_TEXT:
            self.summary.skipped[f"longer than {MAX_TEXT} characters"] += 1
        elif record.kind != "comment" and not self.options.keep_pingbacks:
            self.summary.skipped["pingback or trackback (use --keep-pingbacks)"] += 1
        elif record.thread_key not in self.threads:
            self.waiting.append(record)  # its thread may come later in the file
        else:
            self._place(record)

    def _place(self, record: SourceComment) -> None:
        meta = self.threads[record.thread_key]
        if meta.uri is None:
            self.summary.skipped["article link is not a path on the site (see --map)"] += 1
        elif record.status == CommentStatus.DELETED:
            # Kept only as a placeholder for replies, so its content goes now.
            record.text = record.html = record.author = ""
            record.email = record.website = record.ip = None
            record.likes = record.dislikes = 0
            self.deleted[(record.thread_key, record.key)] = record
        else:
            self._write(record)

    def _write(self, record: SourceComment) -> None:
        meta = self.threads[record.thread_key]
        thread_id = self._thread_id(meta)
        if record.key in self.written[thread_id]:
            self.summary.skipped["the same id twice in one thread"] += 1
            return
        self.written[thread_id].add(record.key)
        known = self.known[thread_id].get(record.key)
        digest = digest_of(record)
        if known is not None and known[1] == ERASED:
            self.summary.skipped["erased at the reader's request"] += 1
            return
        self.tree.append((thread_id, record.thread_key, record.key, record.parent_key))
        if record.subscriptions:
            self.subscriptions.append((thread_id, record.key, record.subscriptions))
        if known is None:
            self.rows.append(self._columns(record, thread_id, digest, {}))
            self.summary.imported += 1
        elif known[1] == _short(digest):
            self.summary.unchanged += 1
            return
        else:
            extra = db.session.execute(select(Comment.extra).where(Comment.id == known[0]))
            values = self._columns(record, thread_id, digest, extra.scalar_one() or {})
            for name in ("thread_id", "import_key", "parent_id", "root_id", "depth",
                         "flag_count", "version"):
                values.pop(name)
            self.updates.append({"id": known[0], **values})
            self.summary.updated += 1
        self.touched.add(thread_id)
        if len(self.rows) + len(self.updates) >= BATCH:
            self._flush()

    def _columns(self, record: SourceComment, thread_id: int, digest: str,
                 extra: dict[str, Any]) -> dict[str, Any]:
        return {
            "thread_id": thread_id, "parent_id": None, "root_id": None, "depth": 0,
            "author": record.author, "email": record.email, "website": record.website,
            "text": record.text, "html": record.html, "status": record.status,
            "reasons": record.reasons, "pinned": record.pinned, "likes": record.likes,
            "dislikes": record.dislikes, "flag_count": 0, "version": 1,
            "ip_hash": self.address_hash(record.ip) if record.ip else None,
            "email_hash": self.email_hash(record.email) if record.email else None,
            "avatar_seed": self.avatar_seed(thread_id, record.author, record.ip)
            if record.status != CommentStatus.DELETED else "",
            "notify_replies": record.notify_replies, "import_key": record.key,
            "extra": {**extra, "import_digest": digest}, "created_at": record.created_at,
            "edited_at": record.edited_at, "status_changed_at": record.created_at,
            **identity_columns(self.site, record, self.readers),
        }

    def _thread_id(self, meta: SourceThread) -> int:
        if meta.key in self.thread_ids:
            return self.thread_ids[meta.key]
        assert meta.uri is not None
        thread = find_thread(self.site, meta.uri)
        if thread is None:
            thread = ensure_thread(self.site, meta.uri, meta.title)
            thread.closed = meta.closed
            self.summary.threads_created += 1
        elif meta.title and not thread.title:
            thread.title, thread.title_source = meta.title, "import"  # imports keep their titles
        self.thread_ids[meta.key] = thread.id
        if thread.id not in self.known:
            self.known[thread.id] = self._prefetch(thread.id)
        return thread.id

    def _prefetch(self, thread_id: int) -> dict[str, tuple[int, int]]:
        known: dict[str, tuple[int, int]] = {}
        rows = db.session.execute(
            select(Comment.id, Comment.import_key, Comment.extra["import_digest"].as_string(),
                   Comment.extra["erased"].as_boolean(), Comment.parent_id, Comment.root_id,
                   Comment.depth)
            .where(Comment.thread_id == thread_id, Comment.import_key.is_not(None))
        )
        for comment_id, key, digest, erased, parent_id, root_id, depth in rows:
            self.current[comment_id] = (parent_id, root_id, depth)
            known[key] = (comment_id, ERASED if erased else _short(digest))
            self.ids[thread_id][key] = comment_id
        return known

    def _flush(self) -> None:
        if self.rows:
            # The key strings we hold are the ones kept, not copies read from the database.
            held = {(row["thread_id"], row["import_key"]): row["import_key"] for row in self.rows}
            for comment_id, thread_id, key in self._insert(self.rows):
                if (thread_id, key) in held:
                    self.ids[thread_id][held[(thread_id, key)]] = comment_id
            self.rows = []
        if self.updates:
            db.session.execute(update(Comment), self.updates)
            self.updates = []

    def _insert(self, rows: list[dict[str, Any]]) -> Any:
        """Insert a batch; (id, thread id, import key) of each row, in no particular order."""
        returned = (Comment.id, Comment.thread_id, Comment.import_key)
        if db.session.get_bind().dialect.name == "sqlite":
            return db.session.execute(insert(Comment).returning(*returned), rows)
        # On PostgreSQL a plain executemany (one short prepared statement) and a read-back
        # beat a many-row INSERT ... RETURNING, whose huge text the driver parses per batch.
        db.session.execute(insert(Comment), rows)
        return db.session.execute(select(*returned).where(
            Comment.thread_id.in_({row["thread_id"] for row in rows}),
            Comment.import_key.in_([row["import_key"] for row in rows])))

    def finish(self) -> None:
        """Place late comments and needed placeholders, link replies, then fix the counts."""
        for record in self.waiting:
            if record.thread_key in self.threads:
                self._place(record)
            else:
                self.summary.skipped["its thread is not in the file"] += 1
        self.waiting = []
        self._keep_placeholders()
        self._flush()
        changed = link_replies(self.tree, self.ids, self.current, self.summary.notes)
        if changed:
            self.touched.update(row.pop("thread_id") for row in changed)
            for start in range(0, len(changed), BATCH):
                db.session.execute(update(Comment), changed[start:start + BATCH])
        for thread_id, key, items in self.subscriptions:
            import_subscriptions(self.site.id, thread_id, self.ids[thread_id][key], items)
        recount_threads(sorted(self.touched))
        if not self.options.dry_run and (self.summary.imported or self.summary.updated):
            audit.record("import", actor=self.options.actor, site_id=self.site.id,
                         note=f"{self.options.source}: " + self.summary.lines()[0])

    def _keep_placeholders(self) -> None:
        """Deleted comments stay only as placeholders above replies (or if imported before)."""
        frontier = [(thread_key, parent) for _tid, thread_key, _key, parent in self.tree if parent]
        kept: set[tuple[str, str]] = set()
        while frontier:
            ref = frontier.pop()
            if ref in kept or ref not in self.deleted:
                continue
            kept.add(ref)
            parent = self.deleted[ref].parent_key
            if parent:
                frontier.append((ref[0], parent))
        for ref, record in self.deleted.items():
            if ref in kept or self._imported_before(record):
                self._write(record)
            else:
                self.summary.skipped["deleted in the source, without replies"] += 1
        self.deleted = {}

    def _imported_before(self, record: SourceComment) -> bool:
        meta = self.threads[record.thread_key]
        thread = find_thread(self.site, meta.uri or "")
        if thread is None:
            return False
        if thread.id not in self.known:
            self.thread_ids[meta.key] = thread.id
            self.known[thread.id] = self._prefetch(thread.id)
        return record.key in self.known[thread.id]
