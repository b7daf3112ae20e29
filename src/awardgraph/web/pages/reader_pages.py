"""The pages made for people rather than for linked-data clients (search, the query cookbook, the query editor,
pictures, a graph's statements, a source's quotes, disagreements between sources), registered in one place so that
the app factory needs one line for them. They add HTML and JSON pages and change no answer a linked-data client
gets."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Add the reader pages' blueprints to ``app``."""
    from awardgraph.web.documents import disputes, factpages
    from awardgraph.web.endpoint import editor
    from awardgraph.web.pages import cookbook, pictures, search

    for blueprint in (search.bp, cookbook.bp, editor.bp, pictures.bp, factpages.bp, disputes.bp):
        app.register_blueprint(blueprint)
