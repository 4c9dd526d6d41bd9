"""``@pingback_headers``: a view whose pages advertise the endpoints in their response headers."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from asgiref.sync import iscoroutinefunction
from django.http import HttpRequest, HttpResponseBase

from .endpoints import add_endpoint_headers

__all__ = ["pingback_headers"]

View = TypeVar("View", bound=Callable[..., Any])


def pingback_headers(view: View) -> View:
    """Add ``X-Pingback`` (and Webmention's ``Link``) to the view's responses.

    Works on sync and async views; for a class-based view, use
    ``method_decorator(pingback_headers, name="dispatch")``.
    """
    if iscoroutinefunction(view):

        @wraps(view)
        async def async_wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            response: HttpResponseBase = await view(request, *args, **kwargs)
            add_endpoint_headers(request, response)
            return response

        return async_wrapper  # type: ignore[return-value]

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        response: HttpResponseBase = view(request, *args, **kwargs)
        add_endpoint_headers(request, response)
        return response

    return wrapper  # type: ignore[return-value]
