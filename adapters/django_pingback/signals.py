"""The signals a site connects to: a ping was received, a Webmention was deleted.

Both are sent with ``signal.send`` (not ``send_robust``), so a receiver's
exception reaches the core, which turns it into the answer the pinger gets.
"""

from __future__ import annotations

from django.dispatch import Signal

__all__ = ["deleted", "received"]

# A verified ping or Webmention, ready to store. Arguments:
#   sender       the HttpRequest that carried the ping (None when a Webmention
#                is verified in a task, with PINGBACK_WEBMENTION_ASYNC)
#   source_url   the page that links to this site
#   target_url   the page of this site it links to
#   view         the view target_url resolves to
#   args         the view's positional arguments (a tuple)
#   kwargs       the view's keyword arguments (a dict)
#   author       the author's name as the source page gives it, or the source's
#                host name when the page names no one (always a string)
#   excerpt      the text around the link in the source page
#   title        the source page's title ("" when it has none)
#   remote_addr  the pinging client's address (REMOTE_ADDR), or None
#   protocol     "pingback" or "webmention"
# A receiver raises UnpingableTarget (fault 33), DuplicatePing (48),
# AccessDenied (49) or TargetNotFound / Http404 (32) to refuse the ping; any
# other exception is logged and answered with a generic fault 0. A repeated
# Webmention is an update: it arrives here again, and DuplicatePing answers 200.
received = Signal()

# A Webmention whose source answers 410 Gone or no longer links to the target.
# Arguments: sender (as for received), source_url, target_url, view, args,
# kwargs, protocol ("webmention").
deleted = Signal()
