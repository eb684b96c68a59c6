"""The Flask extensions, created unbound so that nothing needs the app at import time."""

from __future__ import annotations

from flask_limiter import Limiter
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, inspect
from sqlalchemy.orm import DeclarativeBase

from comments.api import Api

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base of every model; its metadata names constraints the same way everywhere.

    Models subclass Base itself rather than `db.Model`: flask-sqlalchemy builds `db.Model` at
    run time, so a type checker cannot see it as a class. Given Base as its model_class,
    flask-sqlalchemy shares Base's registry and metadata, so `db.metadata` (what Alembic
    compares) and `db.session` see exactly these tables. Every model names its table.
    """

    metadata = MetaData(naming_convention=NAMING_CONVENTION)

    def __repr__(self) -> str:
        """`<Comment 12>`, as flask-sqlalchemy's `db.Model` writes it, for logs and debuggers."""
        state = inspect(self)
        if state.transient:
            key = f"(transient {id(self)})"
        elif state.pending:
            key = f"(pending {id(self)})"
        else:
            key = ", ".join(map(str, state.identity or ()))
        return f"<{type(self).__name__} {key}>"


db = SQLAlchemy(model_class=Base)
migrate = Migrate()


def _client_network() -> str:
    """The default limit key: the client's network key (the address is already resolved
    through the trusted proxies by ProxyFix; an IPv6 client counts as its /64)."""
    from flask import request

    from comments.services.client import network_key

    return network_key(request.remote_addr)


limiter = Limiter(key_func=_client_network)
api = Api()
