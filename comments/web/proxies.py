"""The client address, read through exactly the configured number of trusted proxies."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def init_app(app: Flask) -> None:
    """Trust `TRUSTED_PROXIES` hops of X-Forwarded-For/-Proto, and no more."""
    hops = app.config["TRUSTED_PROXIES"]
    if hops > 0:
        # ProxyFix takes the address `hops` entries from the right: what the client itself
        # wrote into X-Forwarded-For lies further left and is never used.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=0, x_port=0, x_prefix=0
        )
