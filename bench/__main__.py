"""Run the benchmarks: every bench/bench_*.py module with a main(), or those named.

python -m bench            all of them, in name order
python -m bench parse      only bench_parse.py
"""

from __future__ import annotations

import importlib
import sys
import time
import traceback
from pathlib import Path


def discover() -> list[str]:
    here = Path(__file__).resolve().parent
    return sorted(path.stem for path in here.glob("bench_*.py"))


def main(argv: list[str]) -> int:
    names = discover()
    if argv:
        wanted = {name if name.startswith("bench_") else f"bench_{name}" for name in argv}
        unknown = wanted - set(names)
        if unknown:
            print(f"no such benchmark: {', '.join(sorted(unknown))}; have {', '.join(names)}")
            return 2
        names = [name for name in names if name in wanted]
    failed = []
    for name in names:
        print(f"== {name}")
        start = time.perf_counter()
        try:
            run = getattr(importlib.import_module(f"bench.{name}"), "main", None)
            if callable(run):
                run()
            else:
                print("   (no main(); skipped)")
        except Exception:  # one broken benchmark should not hide the others' figures
            traceback.print_exc()
            failed.append(name)
        print(f"   ({name} took {time.perf_counter() - start:.1f} s)\n")
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
