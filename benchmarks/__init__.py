"""Speed and memory figures, printed by ``make bench`` (``python -m benchmarks``).

Each module here has a ``main() -> None`` that runs its measurement and prints its figures;
``python -m benchmarks.NAME`` runs one. Targets are checked here, never as wall-clock limits in
tests.
"""
