"""Events other parts of the service subscribe to; receivers run inside the write transaction."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: sender: the Comment, just added (it has an id); kwargs: thread, site, new (the NewComment
#: the reader sent), client
comment_posted = _signals.signal("comment-posted")
#: sender: the Comment; kwargs: thread, site, before (old status), after (new status), actor
comment_status_changed = _signals.signal("comment-status-changed")
#: sender: the Comment; kwargs: thread, site, before_text
comment_edited = _signals.signal("comment-edited")

#: sender: the Notice, just filed (it has an id and a reference); kwargs: site, comment
notice_filed = _signals.signal("notice-filed")
#: sender: the Comment; kwargs: thread, site, reason, flag_count (a reader's new flag)
comment_flagged = _signals.signal("comment-flagged")
#: sender: the Share, just recorded; kwargs: site, thread
article_shared = _signals.signal("article-shared")
