"""The ``pingcore`` command: the client, endpoint discovery and the server's reading, in a shell.

Each subcommand is one function from parsed arguments to an exit status;
``main`` turns every failure a user can cause into one line on stderr.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlsplit

from ._version import __version__
from .addresses import blocked_reason
from .cli_output import (
    Progress,
    outcome_line,
    printable,
    progress_display,
    result_json,
    results_table,
)
from .client import PingResult, ping, ping_deleted, ping_external_urls, result_for_error
from .discovery import PROTOCOLS, discover_endpoint
from .errors import (
    BlockedURL,
    FetchError,
    FetchTimeout,
    NoEndpoint,
    PingbackError,
    ResponseTooLarge,
    SourceHasNoLink,
    SourceNotFound,
    reword_hint,
)
from .fetch import Fetcher, FetchPolicy, system_resolver
from .history import SQLiteSendHistory
from .htmltree import decode_html
from .links import external_urls
from .results import Outcome
from .server import SOURCE_UNAVAILABLE, check_ping_params
from .source import parse_source
from .urls import is_http_url, site_root

__all__ = ["main"]

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it

DEBUG_ENV = "PINGCORE_DEBUG"
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"
# A root no URL of a page can lie under: the reserved .invalid name never
# resolves, and external_urls does no I/O. With it, every absolute link of a
# file counts and its relative links (the site's own pages) do not.
NO_ROOT = "http://no-root.invalid/"
# Names that are loopback by definition (RFC 6761), looked up nowhere.
LOCAL_NAMES = ("localhost", ".localhost")


class UsageError(Exception):
    """The command line is wrong: exit status 2."""


class CommandError(Exception):
    """The command could not do what was asked: exit status 1, the message on stderr."""


class Interrupted(Exception):
    """Ctrl-C: exit status 130, the message (what was done, what was dropped) on stderr."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # argparse prints the usage and exits; one line and an exception let main() decide.
        raise UsageError(f"{message} (see '{self.prog} --help')")


# -- argument types --------------------------------------------------------------


def http_url(value: str) -> str:
    if not is_http_url(value):
        raise argparse.ArgumentTypeError(f"{value!r} is not an absolute http(s) URL")
    return value


def timeout_seconds(value: str) -> float:
    try:
        return FetchPolicy().with_timeout(float(value)).timeout
    except ValueError:  # float()'s, or the policy's refusal of nan, inf and <= 0
        raise argparse.ArgumentTypeError(f"{value!r} is not a positive number of seconds") from None


def non_negative_float(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not 0 <= number < float("inf"):
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds (0 or more)")
    return number


def positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a positive whole number")
    return number


def port_number(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        port = 0
    if not 0 < port < 65536:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number (1-65535)")
    return port


# -- fetching ---------------------------------------------------------------------


def add_fetch_options(parser: argparse.ArgumentParser, *, defaults: bool) -> None:
    """The options that feed FetchPolicy, on the main parser and on each subcommand.

    A subcommand's copies default to SUPPRESS, so that an option given before
    the subcommand is not overwritten by the subcommand's default.
    """
    group = parser.add_argument_group("fetching (every request goes through the safe fetcher)")

    def default(value: object) -> object:
        return value if defaults else argparse.SUPPRESS

    group.add_argument(
        "--allow-private",
        action="store_true",
        default=default(False),
        help="reach loopback and private addresses, for local testing (any port on them)",
    )
    group.add_argument(
        "--timeout",
        type=timeout_seconds,
        metavar="SECONDS",
        default=default(None),
        help="deadline for each request, redirects included (default 10)",
    )
    group.add_argument(
        "--max-bytes",
        type=positive_int,
        metavar="N",
        default=default(None),
        help="the most bytes read of a page (default 1048576)",
    )
    group.add_argument(
        "--allow-port",
        type=port_number,
        action="append",
        metavar="PORT",
        default=default(None),
        help="allow this port on public addresses too (default 80, 443, 8080, 8443); repeatable",
    )


def fetch_policy(args: argparse.Namespace) -> FetchPolicy:
    policy = FetchPolicy(allow_private_addresses=args.allow_private)
    if args.timeout is not None:
        policy = policy.with_timeout(args.timeout, name="--timeout")
    if args.max_bytes is not None:
        policy = policy.replace(max_bytes=args.max_bytes)
    if args.allow_port and policy.allowed_ports is not None:
        policy = policy.replace(allowed_ports=policy.allowed_ports | set(args.allow_port))
    return policy


def is_local(url: str | None) -> bool:
    """True when ``url``'s host is loopback or private, where --allow-private lifts every rule."""
    parts = urlsplit(url or "")
    host = (parts.hostname or "").lower().rstrip(".")
    if not host:
        return False
    if host == LOCAL_NAMES[0] or host.endswith(LOCAL_NAMES[1]):
        return True
    try:
        # Only after a refusal, to name the right fix: the fetcher judged the
        # port before looking the name up.
        addresses = system_resolver(host, parts.port or 80)
    except (OSError, UnicodeError, ValueError):
        return False
    return any(blocked_reason(address) is not None for address in addresses)


def fetch_failure(exc: FetchError) -> str:
    """The fetcher's reason, with the one option that would change the answer."""
    if isinstance(exc, BlockedURL) and exc.setting == "allowed_ports" and is_local(exc.url):
        # A local address under --allow-private has no port rule at all, and
        # --allow-port alone would only meet the address rule next.
        message = reword_hint(str(exc), "cli", setting="allow_private_addresses")
    else:
        message = exc.message_for("cli")
    if isinstance(exc, ResponseTooLarge):
        message += " (--max-bytes raises the limit)"
    elif isinstance(exc, FetchTimeout):
        message += " (--timeout gives it longer)"
    return message


def fetch_page(url: str, policy: FetchPolicy) -> tuple[str, str]:
    """The final URL (after redirects) and the decoded HTML of the page at ``url``."""
    with Fetcher(policy) as fetcher:
        response = fetcher.get(url, headers={"Accept": PAGE_ACCEPT})
    response.raise_for_status()
    return response.url, decode_html(response.content, response.charset)


def read_file(name: str) -> str:
    """The HTML in a file, or on standard input for ``-``."""
    try:
        data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
    except OSError as exc:
        raise CommandError(f"cannot read {name}: {exc.strerror or exc}") from None
    return decode_html(data)


# -- the subcommands --------------------------------------------------------------


def print_json(value: object) -> None:
    # ASCII only: whatever survived printable() reaches the terminal as \u escapes.
    print(json.dumps(value, indent=2, ensure_ascii=True))


def links_command(args: argparse.Namespace) -> int:
    if is_http_url(args.page):
        base_url, html = fetch_page(args.page, fetch_policy(args))
        root = args.root or site_root(base_url)
    else:
        base_url, html = None, read_file(args.page)
        root = args.root or NO_ROOT
    urls = [printable(url) for url in external_urls(html, root, base_url=base_url)]
    if args.json:
        print_json(urls)
    else:
        for url in urls:
            print(url)
    return EXIT_OK


def discover_command(args: argparse.Namespace) -> int:
    endpoint = discover_endpoint(args.url, policy=fetch_policy(args), protocol=args.protocol)
    if args.json:
        found = None if endpoint is None else printable(endpoint.url)
        protocol = None if endpoint is None else endpoint.protocol
        print_json({"url": args.url, "protocol": protocol, "endpoint": found})
        return EXIT_OK if endpoint is not None else EXIT_FAILURE
    if endpoint is None:
        raise NoEndpoint(args.url)
    print(f"{endpoint.protocol} {printable(endpoint.url)}")
    return EXIT_OK


def ping_once(args: argparse.Namespace) -> PingResult:
    """The ping as a result, whatever came of it: the same shape as ping-all's rows."""
    policy = fetch_policy(args)
    try:
        return ping(args.source, args.target, policy=policy, protocol=args.protocol)
    except (PingbackError, FetchError, NoEndpoint) as exc:
        result = result_for_error(args.source, args.target, exc)
        if isinstance(exc, FetchError):
            return dataclasses.replace(result, message=fetch_failure(exc))
        return result


def ping_command(args: argparse.Namespace) -> int:
    result = ping_once(args)
    if args.json:
        # The one ping asked for did not reach the target unless it is ok, as without --json.
        print_json(result_json(result))
        return EXIT_OK if result.ok else EXIT_FAILURE
    if result.outcome is Outcome.REFUSED:
        fault = f"fault {result.fault_code}: " if result.fault_code else ""
        raise CommandError(f"the ping was refused: {fault}{printable(result.message)}")
    if result.failed or result.outcome is Outcome.NO_ENDPOINT:
        # The fetcher's or the discovery's reason, as every other command gives it.
        raise CommandError(result.message)
    # Not a failure when the target had the ping already: it knows of the link.
    print(outcome_line(result))
    return EXIT_OK


def send_history(args: argparse.Namespace) -> SQLiteSendHistory | None:
    """The ``--history FILE`` to remember pings in, or None."""
    if args.history is None:
        return None
    try:
        return SQLiteSendHistory(args.history)
    except (sqlite3.Error, OSError) as exc:
        raise CommandError(f"cannot use {args.history} as a send history: {exc}") from None


def ping_all_command(args: argparse.Namespace) -> int:
    policy = fetch_policy(args)
    history = send_history(args)
    if args.html is not None:
        html = read_file(args.html)
    else:
        _, html = fetch_page(args.source_url, policy)
    root = args.root or site_root(args.source_url)
    targets = external_urls(html, root, base_url=args.source_url)
    remembered = {"history": history, "force": args.force, "max_wait": args.max_wait}
    if args.json:
        with counted_pings(len(targets)) as count:
            results = ping_external_urls(
                args.source_url,
                html,
                root,
                policy=policy,
                protocol=args.protocol,
                progress=count,
                **remembered,
            )
        print_json([result_json(result) for result in results])
    elif not targets and history is None:
        print(f"No external links in {args.source_url}: nothing to ping.")
        return EXIT_OK
    else:
        with (
            progress_display(len(targets), sys.stderr) as progress,
            counted_pings(len(targets), progress) as count,
        ):
            results = ping_external_urls(
                args.source_url,
                html,
                root,
                policy=policy,
                protocol=args.protocol,
                progress=count,
                **remembered,
            )
        results_table(results, sys.stdout)
    return EXIT_FAILURE if any(result.failed for result in results) else EXIT_OK


def ping_deleted_command(args: argparse.Namespace) -> int:
    history = send_history(args)
    assert history is not None  # --history is required
    policy = fetch_policy(args)
    total = len(history.sent_from(args.source_url))
    if args.json:
        with counted_pings(total) as count:
            results = ping_deleted(
                args.source_url,
                history=history,
                policy=policy,
                max_wait=args.max_wait,
                progress=count,
            )
        print_json([result_json(result) for result in results])
    else:
        with (
            progress_display(total, sys.stderr) as progress,
            counted_pings(total, progress) as count,
        ):
            results = ping_deleted(
                args.source_url,
                history=history,
                policy=policy,
                max_wait=args.max_wait,
                progress=count,
            )
        results_table(results, sys.stdout)
    return EXIT_FAILURE if any(result.failed for result in results) else EXIT_OK


@contextmanager
def counted_pings(total: int, then: Progress | None = None) -> Iterator[Progress]:
    """A progress callback that counts finished pings, so that Ctrl-C can say how many."""
    done = 0

    def count(finished: int, total: int, result: PingResult) -> None:
        nonlocal done
        done = finished
        if then is not None:
            then(finished, total, result)

    try:
        yield count
    except KeyboardInterrupt:
        pings = "ping" if total == 1 else "pings"
        raise Interrupted(
            f"Interrupted: {done} of {total} {pings} sent, {total - done} dropped."
        ) from None


class ServerFault(CommandError):
    """The fault a receiving server would answer, and why."""

    def __init__(self, fault_code: int, message: str, why: str = "") -> None:
        reason = f"{message} ({why})" if why and why != message else message
        super().__init__(f"a receiving server would answer fault {fault_code}: {reason}")


def inspect_command(args: argparse.Namespace) -> int:
    source, target = args.source, args.target
    try:
        check_ping_params(source, target)
    except PingbackError as exc:
        raise ServerFault(exc.fault_code, exc.message) from None
    policy = fetch_policy(args)
    # The server's own steps (pingcore.server): the safe fetch, anything but a
    # success is fault 16, and a page that does not link (or cannot be read) is 17.
    try:
        with Fetcher(policy) as fetcher:
            fetched = fetcher.get(source, max_bytes=policy.max_bytes)
    except FetchError as exc:
        raise ServerFault(
            SourceNotFound.fault_code, SOURCE_UNAVAILABLE, fetch_failure(exc)
        ) from None
    if fetched.status_code >= 300:
        why = f"{fetched.url} answered {fetched.status_code}"
        raise ServerFault(SourceNotFound.fault_code, SOURCE_UNAVAILABLE, why)
    try:
        info = parse_source(fetched.content, source, target, encoding=fetched.charset)
    except SourceHasNoLink as exc:
        raise ServerFault(exc.fault_code, exc.message) from None
    except ValueError as exc:
        raise ServerFault(
            SourceHasNoLink.fault_code, SourceHasNoLink.default_message, str(exc)
        ) from None
    if args.json:
        print_json(
            {
                "source": source,
                "target": target,
                **{
                    name: None if value is None else printable(value)
                    for name, value in (
                        ("title", info.title),
                        ("author", info.author),
                        ("excerpt", info.excerpt),
                        ("link", info.link_text),
                    )
                },
            }
        )
        return EXIT_OK
    host = urlsplit(source).hostname
    author = info.author or f"(none named: a pingcore server gives the host, {host})"
    for label, value in (
        ("title", info.title or "(none)"),
        ("author", author),
        ("excerpt", info.excerpt),
        ("link", info.link_text or "(no text)"),
    ):
        print(f"{label:<8} {printable(value)}")
    return EXIT_OK


def demo_command(args: argparse.Namespace) -> int:
    from .demo import DemoError, run

    try:
        return run(serve_forever=args.serve)
    except DemoError as exc:
        raise CommandError(str(exc)) from None


# -- the parser and main ------------------------------------------------------------

Command = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="pingcore",
        description="Pingback and Webmention from the command line: find a page's "
        "external links and endpoints, send pings, see what a receiving server would see.",
        epilog="Exit status: 0 done, 1 failed (one line on stderr says why), 2 bad usage, "
        "130 interrupted.",
    )
    parser.add_argument("--version", action="version", version=f"pingcore {__version__}")
    add_fetch_options(parser, defaults=True)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, handler: Command, purpose: str, *, fetches: bool = True) -> _Parser:
        sub: _Parser = commands.add_parser(name, help=purpose, description=purpose)
        sub.set_defaults(handler=handler)
        if fetches:
            add_fetch_options(sub, defaults=False)
        return sub

    def json_option(sub: argparse.ArgumentParser, what: str) -> None:
        sub.add_argument("--json", action="store_true", help=f"print {what} as JSON")

    def protocol_option(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--protocol", choices=PROTOCOLS, help="only this protocol (default: Webmention first)"
        )

    def history_options(sub: argparse.ArgumentParser, *, required: bool) -> None:
        sub.add_argument(
            "--history",
            metavar="FILE",
            required=required,
            help="a SQLite file remembering what was sent: updates reach removed links, "
            "registered Pingbacks are not sent again, deferred pings can be retried",
        )
        sub.add_argument(
            "--max-wait",
            type=non_negative_float,
            metavar="SECONDS",
            help="wait at most this long for busy receivers to take retries (default 60)",
        )

    links = command("links", links_command, "the external links a ping would go to")
    links.add_argument(
        "page", metavar="FILE|URL", help="a page's URL, an HTML file, or - for stdin"
    )
    links.add_argument(
        "--root",
        type=http_url,
        metavar="URL",
        help="links under this URL are the site's own (default: the page's site root; "
        "for a file, relative links)",
    )
    json_option(links, "the links as a list")

    discover = command("discover", discover_command, "the endpoint and protocol a page advertises")
    discover.add_argument("url", metavar="URL", type=http_url)
    protocol_option(discover)
    json_option(discover, "the protocol and endpoint (null when there is none)")

    one = command("ping", ping_command, "send one ping and show the server's answer")
    one.add_argument("source", metavar="SOURCE", type=http_url, help="the page that links")
    one.add_argument("target", metavar="TARGET", type=http_url, help="the page it links to")
    protocol_option(one)
    json_option(one, "the result, failed or not, as ping-all does")

    every = command("ping-all", ping_all_command, "ping every external link of a published page")
    every.add_argument("source_url", metavar="SOURCE_URL", type=http_url, help="the page's URL")
    every.add_argument(
        "--html", metavar="FILE", help="read the page's HTML from FILE (- for stdin), not the URL"
    )
    every.add_argument(
        "--root",
        type=http_url,
        metavar="URL",
        help="links under this URL are the site's own (default: SOURCE_URL's site root)",
    )
    every.add_argument(
        "--json", action="store_true", help="print the results as a JSON list, no progress"
    )
    protocol_option(every)
    history_options(every, required=False)
    every.add_argument(
        "--force",
        action="store_true",
        help="with --history, ping Pingback targets registered before too",
    )

    deleted = command(
        "ping-deleted",
        ping_deleted_command,
        "tell every target a deleted page ever mentioned (the page should answer 410 Gone)",
    )
    deleted.add_argument("source_url", metavar="SOURCE_URL", type=http_url, help="the page's URL")
    deleted.add_argument(
        "--json", action="store_true", help="print the results as a JSON list, no progress"
    )
    history_options(deleted, required=True)

    inspect = command(
        "inspect", inspect_command, "what a receiving server would see of SOURCE's link to TARGET"
    )
    inspect.add_argument("source", metavar="SOURCE", type=http_url, help="the page that links")
    inspect.add_argument("target", metavar="TARGET", type=http_url, help="the page it links to")
    json_option(inspect, "what the server would store")

    demo = command(
        "demo", demo_command, "two blogs on loopback ping each other (make demo)", fetches=False
    )
    demo.add_argument("--serve", action="store_true", help="then keep both blogs up until Ctrl-C")
    return parser


def abandon_pings_in_flight() -> None:
    """Exit now, as Ctrl-C asked, rather than wait for the pings still in flight.

    Their threads would otherwise hold the process until each one's deadline
    (10 seconds by default), and a second Ctrl-C during that wait would end in
    a traceback from the interpreter's shutdown. Nothing else is left to clean
    up: ping-all writes no files.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(EXIT_INTERRUPTED)


def error(message: str) -> None:
    sys.stderr.write(f"pingcore: error: {printable(message)}\n")
    sys.stderr.flush()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; return its exit status. Nothing a user can cause ends in a traceback."""
    try:
        args = build_parser().parse_args(argv)
        handler: Command = args.handler
        return handler(args)
    except UsageError as exc:
        error(str(exc))
        return EXIT_USAGE
    except Interrupted as exc:
        sys.stderr.write(f"pingcore: {exc}\n")
        abandon_pings_in_flight()
        return EXIT_INTERRUPTED
    except KeyboardInterrupt:
        sys.stderr.write("pingcore: Interrupted.\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`pingcore links ... | head`): nothing more to say,
        # and nothing must be flushed to the closed pipe at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FAILURE
    except (CommandError, NoEndpoint, PingbackError) as exc:
        error(str(exc))
        return EXIT_FAILURE
    except FetchError as exc:
        error(fetch_failure(exc))
        return EXIT_FAILURE
    except Exception as exc:
        if os.environ.get(DEBUG_ENV):
            raise
        error(f"unexpected error: {type(exc).__name__}: {exc} ({DEBUG_ENV}=1 shows the traceback)")
        return EXIT_FAILURE


if __name__ == "__main__":
    sys.exit(main())
