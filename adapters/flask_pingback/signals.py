"""The blinker signals of flask_pingback, sent with the Flask app as sender.

Connect a function to ``received`` to store pings; to ``deleted`` to drop them.
"""

from __future__ import annotations

from blinker import Namespace

__all__ = ["deleted", "pingback_signals", "received"]

pingback_signals = Namespace()

# A verified ping (Pingback or Webmention) for a page of the app.
# sender: the Flask app. Keyword arguments, as django_pingback's signal:
#   source_url   the page that links to the target
#   target_url   the page of this app it links to, as the source spells it
#   view         the view function the target's URL matches (GET)
#   args         always (): Flask passes URL values by keyword
#   kwargs       the view's keyword arguments (the rule's view_args)
#   author       who wrote the source (the source's host name when it names no one)
#   excerpt      the text around the link in the source
#   title        the source's title
#   remote_addr  the address of the client that sent the ping (request.remote_addr)
#   protocol     "pingback" or "webmention"
# A receiver may raise UnpingableTarget (fault 33), DuplicatePing (48) or
# AccessDenied (49); any other exception is logged and answered with fault 0.
received = pingback_signals.signal("received")

# A Webmention whose source now answers 410 Gone or no longer links to the target.
# sender: the Flask app. Keyword arguments:
#   source_url, target_url, view, args, kwargs   as for ``received``
#   protocol     "webmention"
deleted = pingback_signals.signal("deleted")
