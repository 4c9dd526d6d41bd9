"""What a source page says about its link to a target: the link, its context, author, title.

A receiver calls :func:`parse_source` on the page it fetched to check that the page
links to the target and to show the ping: an excerpt around the link, who wrote it.
"""

from .reader import SourceInfo, parse_source

__all__ = ["SourceInfo", "parse_source"]
