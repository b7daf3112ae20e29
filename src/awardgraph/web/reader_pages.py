"""The pages made for people rather than for linked-data clients (search, the query cookbook), registered in one
place so the app factory only needs one line for them. They add HTML and JSON pages and change no existing
answer."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Add the reader pages' blueprints to ``app``."""
    from awardgraph.web import cookbook, search

    for blueprint in (search.bp, cookbook.bp):
        app.register_blueprint(blueprint)
