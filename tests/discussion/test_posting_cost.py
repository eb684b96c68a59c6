"""What one post costs the database: a fixed, small number of statements, whatever the thread."""

from __future__ import annotations

# Long enough for the duplicate check (the site's duplicate_min_length) to run.
TEXT = "A comment long enough for the duplicate check to look at it, number {}."


def counted(count_queries, post, **fields) -> tuple[int, list[str]]:
    with count_queries() as counter:
        answer = post(**fields)
    assert answer.status_code == 201, answer.json
    return answer.json["id"], counter.statements


def verbs(statements: list[str]) -> list[str]:
    return [s.split()[0].upper() for s in statements]


def test_a_post_to_a_running_thread_costs_six_statements(client, post, count_queries):
    first, _ = counted(count_queries, post, text=TEXT.format(1))
    _, statements = counted(count_queries, post, text=TEXT.format(2))
    # The site with the thread, the rules, the duplicate check; the comment and the thread's
    # counter and version; the webhook endpoints to tell. Nothing is read before the write.
    expected = ["SELECT", "SELECT", "SELECT", "INSERT", "UPDATE", "SELECT"]
    assert verbs(statements) == expected, statements
    assert "JOIN threads" in statements[0] and statements[0].startswith("SELECT sites.id")


def test_a_reply_reads_the_comment_it_answers_with_the_site_and_thread(client, post,
                                                                       count_queries):
    first, _ = counted(count_queries, post, text=TEXT.format(1))
    _, statements = counted(count_queries, post, text=TEXT.format(2), parent_id=first)
    # Besides a post's six: the parent's subscribers to tell, and the mark that they were.
    assert len(statements) == 8, statements
    assert "JOIN comments" in statements[0]
    assert not any(s.startswith("SELECT comments.id, comments.thread_id") for s in statements)


def test_the_first_post_of_an_article_adds_only_the_new_thread(client, post, count_queries):
    post(uri="/elsewhere/", text=TEXT.format(0))
    _, statements = counted(count_queries, post, uri="/a-new-article/", text=TEXT.format(1))
    # The network's daily allowance of new threads (two), the thread looked for again, created
    # and read (four), then a post's other six.
    assert len(statements) == 12, statements
    assert verbs(statements).count("INSERT") == 3 and verbs(statements).count("UPDATE") == 2
