"""Showing a page's approved mentions in Jinja: the ``mentions(target_url)`` template global.

``register_mentions(app, store)`` adds the global and the overridable
``flask_pingback/mentions.html`` template (whose ``render_mentions`` macro it renders).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from flask import Blueprint, Flask, current_app, render_template
from markupsafe import Markup

from pingcore.display import MentionsDisplay, ShownMention, display_mentions

__all__ = ["TEMPLATE", "mentions_display", "register_mentions"]

TEMPLATE = "flask_pingback/mentions.html"
_BLUEPRINT = "pingback_mentions"
_EXTENSION_KEY = "pingback_mentions"


def _rendered(shown: ShownMention) -> ShownMention:
    # content_html was sanitized by display_mentions a moment ago: the one raw value.
    return dataclasses.replace(shown, content_html=Markup(shown.content_html))


def mentions_display(store_or_engine: Any, target_url: str) -> MentionsDisplay:
    """The approved mentions of ``target_url`` from a SQLAlchemy store, engine or db, grouped."""
    from .storage import approved_mentions

    shown = display_mentions(approved_mentions(store_or_engine, target_url))
    return MentionsDisplay(
        comments=tuple(_rendered(m) for m in shown.comments),
        facepiles=tuple(
            dataclasses.replace(pile, mentions=tuple(_rendered(m) for m in pile.mentions))
            for pile in shown.facepiles
        ),
    )


def _store_of(app: Flask) -> Any:
    store = app.extensions.get(_EXTENSION_KEY)
    if store is None:
        # Flask-SQLAlchemy registers its db here; it is read when a page renders.
        store = app.extensions.get("sqlalchemy")
    if store is None:
        raise RuntimeError(
            "mentions() reads flask_pingback.storage's table: pass a store, an Engine or "
            "Flask-SQLAlchemy's db to register_mentions(app, store), or set up Flask-SQLAlchemy."
        )
    return store


def _mentions(target_url: str) -> Markup:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    shown = mentions_display(_store_of(app), target_url)
    return Markup(render_template(TEMPLATE, mentions_shown=shown))


def register_mentions(app: Flask, store: Any = None) -> None:
    """Add the ``mentions(target_url)`` template global and the mentions template to ``app``.

    ``store``: a ``SQLAlchemyMentionStore``, an ``Engine`` or Flask-SQLAlchemy's
    ``db``; None means the app's Flask-SQLAlchemy ``db``. A template of the app
    named ``flask_pingback/mentions.html`` takes precedence over the packaged one.
    """
    if store is not None:
        app.extensions[_EXTENSION_KEY] = store
    if _BLUEPRINT not in app.blueprints:
        app.register_blueprint(Blueprint(_BLUEPRINT, __name__, template_folder="templates"))
    app.add_template_global(_mentions, "mentions")
