"""The HTTP edge: blueprints that parse, call one service function, and answer."""
