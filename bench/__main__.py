"""Print Threadline's speed figures: `python -m bench` (what `make bench` runs)."""

from __future__ import annotations

import re
import sys

from bench import app, core, feel, peers, report, team

_TARGET = re.compile(r"(<=|<)\s*([\d.,]+)\s*(\S*)")


def verdict(value: float, unit: str, target: str) -> str:
    """PASS or MISS for a target such as '< 300 ms' or '<= 1.5' (in the row's unit); '' for none."""
    match = _TARGET.fullmatch(target.strip())
    if not match or match.group(3) not in ("", unit):
        return ""
    limit = float(match.group(2).replace(",", ""))
    return "PASS" if (value <= limit if match.group(1) == "<=" else value < limit) else "MISS"


def main() -> int:
    """Run every benchmark group and print one line per figure."""
    rows = core.run() + team.run() + peers.run()
    if "--core" not in sys.argv:
        rows += report.run() + app.run() + feel.run()  # the browser figures
    width = max(len(name) for name, *_ in rows)
    target_width = max(len(target) for *_, target in rows)
    for name, value, unit, target in rows:
        line = f"{name:<{width}}  {value:10.3f} {unit:<3}  target {target:<{target_width}}"
        print(f"{line}  {verdict(value, unit, target)}".rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
