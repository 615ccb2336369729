"""Run every benchmark module in this package, one after another."""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time

import benchmarks


def main() -> None:
    wanted = set(sys.argv[1:])
    for info in sorted(pkgutil.iter_modules(benchmarks.__path__), key=lambda m: m.name):
        if info.name.startswith("_") or (wanted and info.name not in wanted):
            continue
        module = importlib.import_module(f"benchmarks.{info.name}")
        if not hasattr(module, "main"):
            continue
        print(f"\n=== benchmarks.{info.name} ===", flush=True)
        started = time.perf_counter()
        module.main()
        print(f"(benchmarks.{info.name} took {time.perf_counter() - started:.1f} s)", flush=True)


if __name__ == "__main__":
    main()
