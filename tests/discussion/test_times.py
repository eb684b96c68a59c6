"""Times in public JSON (web/discussion/present.iso): ISO 8601 to the second with a Z."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from comments.web.discussion.present import iso


def _spelt_out(moment: datetime) -> str:
    """The format written the long way: the wall time to the second, then Z."""
    return moment.replace(microsecond=0, tzinfo=None).isoformat() + "Z"


@given(st.datetimes() | st.datetimes(timezones=st.timezones()))
def test_a_time_is_its_wall_time_to_the_second_with_a_z(moment: datetime) -> None:
    assert iso(moment) == _spelt_out(moment)


def test_examples() -> None:
    assert iso(datetime(2024, 2, 29, 23, 59, 59, 999_999, tzinfo=UTC)) == "2024-02-29T23:59:59Z"
    assert iso(datetime(1, 1, 1)) == "0001-01-01T00:00:00Z"
    assert iso(None) is None
