"""Print Threadline's speed figures: `python -m bench` (what `make bench` runs)."""

from __future__ import annotations

import sys

from bench import app, core, team


def main() -> int:
    """Run every benchmark group and print one line per figure."""
    rows = core.run() + team.run()
    if "--core" not in sys.argv:
        rows += app.run()
    width = max(len(name) for name, *_ in rows)
    for name, value, unit, target in rows:
        print(f"{name:<{width}}  {value:10.3f} {unit:<3}  target {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
