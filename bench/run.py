"""`make bench`: run every bench/bench_*.py in its own process, one after another."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEPARATE = {"bench_scale"}  # `make bench-scale`: its own command, about 12 minutes


def main() -> int:
    failed = []
    for script in sorted(HERE.glob("bench_*.py")):
        if script.stem in SEPARATE:
            continue
        print(f"\n== {script.stem} ==", flush=True)
        if subprocess.run([sys.executable, str(script)], cwd=HERE.parent).returncode:
            failed.append(script.stem)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
