"""The ``pingcore`` command: ``pingcore demo`` for now; the other subcommands follow."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pingcore", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("demo", help="two blogs on loopback ping each other, end to end")
    args = parser.parse_args(argv)
    if args.command == "demo":
        from .demo import run

        return run()
    parser.error(f"unknown command {args.command}")
    return 2


if __name__ == "__main__":
    sys.exit(main())
