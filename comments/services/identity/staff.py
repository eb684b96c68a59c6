"""Staff replies: a moderator answers a reader from /moderate/, posting as a signed-in reader
whose address is the moderator's, so the reply shows the "staff" badge like any staff comment."""

from __future__ import annotations

from comments.database.engine import write_transaction
from comments.models import Moderator
from comments.services.client import Client
from comments.services.discussion import posting
from comments.services.discussion.new_comment import NewComment
from comments.services.email_address import normalized_email
from comments.services.identity import sessions
from comments.services.identity.readers import reader_by_email
from comments.services.moderation.actions import load_comment


def reply_as_staff(comment_id: int, text: str, moderator: Moderator, client: Client) -> int:
    """Post `text` as a reply to the comment, as the moderator; the reply's id.

    The reply goes through the same pipeline as any other (bans, words, the thread's state).
    """
    with write_transaction():
        comment, thread, site = load_comment(comment_id, moderator)
        reader = reader_by_email(site, normalized_email(moderator.email))
        if moderator.name:
            reader.name = moderator.name[:100]
        token = sessions.reader_token(reader)
        uri, site_key = thread.uri, site.key
    new = NewComment(uri=uri, text=text, site=site_key, parent_id=comment_id, reader_token=token)
    _status, body = posting.post_comment(new, client)
    return int(body["id"])
