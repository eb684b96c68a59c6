"""Small SQL building blocks that must behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, literal, or_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.elements import ClauseElement, ColumnElement

from comments.extensions import db


def insert_ignoring_conflicts(model: Any, values: dict[str, Any], keys: list[str]) -> bool:
    """Insert a row unless one with the same `keys` exists; True when this call inserted it."""
    dialect = db.session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    statement = (
        module.insert(model.__table__)
        .values(**values)
        .on_conflict_do_nothing(index_elements=keys)
        .returning(model.__table__.c.id)
    )
    # Core, not ORM, execution: RETURNING tells reliably whether a row went in.
    return db.session.connection().execute(statement).first() is not None


def keyset_after(columns: list[tuple[ColumnElement[Any], bool]], values: list[Any]) -> Any:
    """Rows strictly after `values` in the order of `columns` (each ascending unless True)."""
    alternatives = []
    for index, (column, descending) in enumerate(columns):
        equal = [col == value for (col, _), value in zip(columns[:index], values[:index], strict=True)]
        # A bound literal, because SQLAlchemy refuses `<` against a bare True/False/None
        # (the `pinned` column leads every order).
        value = values[index]
        bound = value if isinstance(value, ClauseElement) else literal(value, column.type)
        beyond = column < bound if descending else column > bound
        alternatives.append(and_(*equal, beyond))
    return or_(*alternatives)
