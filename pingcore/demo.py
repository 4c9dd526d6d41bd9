"""``pingcore demo`` (what ``make demo`` runs): a Django blog and a Flask blog ping each other.

The blogs are the README's worked examples in ``examples/``. This module finds
them, runs both in this process on threaded loopback servers, publishes a post
on each that links to the other, and prints what each blog stored.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType, ModuleType
from typing import Any

from .client import PingResult
from .loopback import serve

__all__ = ["DemoError", "examples_dir", "run"]

EXAMPLES_ENV = "PINGCORE_EXAMPLES"
# Each example package has a demo.py: start, add_post, ping_links, stored_pings, stop.
EXAMPLE_PACKAGES = ("django_blog", "flask_blog")

Say = Callable[[str], object]


class DemoError(Exception):
    """The demo cannot run here; the message says why, in one line."""


def examples_dir() -> Path:
    """Where the example blogs are: ``$PINGCORE_EXAMPLES``, else ``examples/`` in this clone.

    The examples are not part of the installed package: the demo runs from a
    clone of the repository (``make demo``), whose ``examples/`` sits beside
    the ``pingcore/`` this module was imported from.
    """
    configured = os.environ.get(EXAMPLES_ENV)
    where = (
        Path(configured) if configured else Path(__file__).parent.parent / "examples"
    ).resolve()
    missing = [name for name in EXAMPLE_PACKAGES if not (where / name / "demo.py").is_file()]
    if not missing:
        return where
    if configured:
        raise DemoError(f"{EXAMPLES_ENV} is {configured}, which has no {' or '.join(missing)}")
    raise DemoError(
        f"the demo's example sites are not at {where}: run the demo from a clone of "
        f"pingcore (make demo), or set {EXAMPLES_ENV} to the clone's examples directory"
    )


def check_frameworks() -> None:
    missing = [name for name in ("django", "flask") if importlib.util.find_spec(name) is None]
    if missing:
        raise DemoError(
            f"the demo needs {' and '.join(missing)}: pip install 'pingcore[django,flask]'"
        )


@dataclass(frozen=True)
class Post:
    slug: str
    title: str
    body: str  # HTML; "{other}" stands for the URL of the other blog's first post


@dataclass(frozen=True)
class Blogger:
    """One blog of the story: who writes it, the post it starts with and the reply."""

    package: str
    author: str
    first: Post
    reply: Post


ADA = Blogger(
    "django_blog",
    "Ada Quill",
    Post(
        "slow-web",
        "The slow web",
        "<p>A page should load before the reader's coffee cools. Most of the web's "
        "weight is scripts nobody asked for, and the fix is not a faster network "
        "but less page.</p>",
    ),
    Post(
        "on-owning-your-words",
        "On owning your words",
        '<p>Ben makes the case for <a href="{other}">owning your words</a> on a '
        "domain of your own, and he has won me over: this reply lives here, not on "
        "a silo.</p>",
    ),
)
BEN = Blogger(
    "flask_blog",
    "Ben Harrow",
    Post(
        "owning-your-words",
        "Owning your words",
        "<p>Write on a site you own. Platforms come and go; your domain and your "
        "archive can outlive them.</p>",
    ),
    Post(
        "reading-ada",
        "Reading Ada on the slow web",
        '<p>Ada argues in <a href="{other}">her essay on the slow web</a> that a page '
        "should load before the reader's coffee cools, and I could not agree more.</p>",
    ),
)


@dataclass
class Blog:
    """A running example blog: its demo module, its root URL and its posts' URLs."""

    blogger: Blogger
    site: ModuleType
    root: str = ""
    urls: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return str(self.site.NAME)

    def add(self, post: Post, other: str = "") -> str:
        url = str(
            self.site.add_post(
                self.root,
                slug=post.slug,
                title=post.title,
                author=self.blogger.author,
                body=post.body.format(other=other),
            )
        )
        self.urls[post.slug] = url
        return url

    def ping_links(self, post: Post) -> list[PingResult]:
        results: list[PingResult] = self.site.ping_links(self.root, post.slug)
        return results

    def stored_pings(self) -> list[dict[str, str]]:
        pings: list[dict[str, str]] = self.site.stored_pings(self.root)
        return pings

    def admin(self) -> tuple[str, str, str] | None:
        """The blog's admin (URL, user name, password), if it has one."""
        admin = getattr(self.site, "admin", None)
        if admin is None:
            return None
        url, user, password = admin(self.root)
        return str(url), str(user), str(password)


def say(text: str = "") -> None:
    # Flushed line by line: `--serve` is read through a pipe while it runs.
    print(text, flush=True)


def run(*, serve_forever: bool = False, out: Say = say) -> int:
    """Run the demo; 0 when each blog stored the other's ping.

    With ``serve_forever`` the blogs stay up until Ctrl-C (or SIGTERM).
    """
    examples = examples_dir()
    check_frameworks()
    with (
        tempfile.TemporaryDirectory(prefix="pingcore-demo-", ignore_cleanup_errors=True) as data,
        ExitStack() as stack,
    ):
        sys.path.insert(0, str(examples))
        stack.callback(sys.path.remove, str(examples))
        django, flask = (Blog(b, importlib.import_module(f"{b.package}.demo")) for b in (ADA, BEN))
        for blog in (django, flask):
            app = blog.site.start(Path(data))
            stack.callback(blog.site.stop)
            blog.root = stack.enter_context(serve(app)) + "/"
        stored = tell_story(django, flask, examples, out)
        if serve_forever:
            keep_serving(django, flask, out)
    return 0 if stored else 1


def tell_story(django: Blog, flask: Blog, examples: Path, out: Say) -> bool:
    """Publish, ping both ways, read back what each blog stored; True when both did."""
    out("pingcore demo: two blogs on loopback ping each other.")
    out("")
    for blog in (django, flask):
        where = examples.name + "/" + blog.blogger.package
        out(f"  {blog.name:<12} {blog.root}  ({where}: {blog.site.WIRING})")
    for blog in (django, flask):
        blog.add(blog.blogger.first)
    for blog, other in ((django, flask), (flask, django)):
        reply = blog.blogger.reply
        url = blog.add(reply, other=other.urls[other.blogger.first.slug])
        out("")
        out(f'{blog.blogger.author} publishes "{reply.title}" on the {blog.name}:')
        out(f"  {url}")
        for result in blog.ping_links(reply):
            out(f"  pinged {result.target_url}")
            how = f" over {result.protocol}" if result.protocol else ""
            out(f"    {result.outcome.value}{how}: {result.message}")
    missing: list[str] = []
    for blog, other in ((flask, django), (django, flask)):
        out("")
        out(f"The {blog.name} stored (read back from its SQLite database):")
        pings = blog.stored_pings()
        for ping in pings:
            out(f"  a {ping['protocol']} to {ping['target_url']}")
            for key in ("source_url", "author", "title", "excerpt"):
                out(f"    {key.removesuffix('_url'):<8} {ping[key]}")
        if not pings:
            out("  nothing")
        source = other.urls[other.blogger.reply.slug]
        target = blog.urls[blog.blogger.first.slug]
        if not any(p["source_url"] == source and p["target_url"] == target for p in pings):
            missing.append(f"the {blog.name} stored no ping from {source} to {target}")
    out("")
    if missing:
        out("The demo FAILED: " + "; ".join(missing) + ".")
        return False
    out("Both pings were verified and stored.")
    return True


def admin_lines(blogs: tuple[Blog, ...]) -> Iterator[str]:
    """Where each blog's admin is and how to log in: said once, while the blogs are up."""
    for blog in blogs:
        admin = blog.admin()
        if admin is not None:
            url, user, password = admin
            yield f"The {blog.name}'s admin, where pings await approval: {url}"
            yield f"  user {user}, password {password} (made for this run only)"


def keep_serving(django: Blog, flask: Blog, out: Say) -> None:
    """Keep both blogs up, their pages listing the pings, until Ctrl-C or SIGTERM."""
    out("")
    out("Serving the two blogs until Ctrl-C; the pinged posts:")
    for blog in (django, flask):
        out(f"  {blog.name:<12} {blog.urls[blog.blogger.first.slug]}")
    for line in admin_lines((django, flask)):
        out(line)
    out("Open them in a browser, or ask any Pingback client: they advertise their endpoints.")
    with interrupted_by_sigterm():
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            out("Stopped.")


def _interrupt(signum: int, frame: FrameType | None) -> Any:
    raise KeyboardInterrupt


@contextmanager
def interrupted_by_sigterm() -> Iterator[None]:
    """SIGTERM stops the servers as Ctrl-C does, so that the temporary files go too."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
