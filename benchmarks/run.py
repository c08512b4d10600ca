"""`make bench`: run every benchmarks/bench_*.py and print its figures as ratios.

Each module defines `run(workdir: Path) -> list[dict]`; a dict is one figure:
{"name": ..., "value": ..., "unit": ..., "baseline": ..., "ratio": ..., "note": ...}.
Results go to benchmarks/results/latest.json with the hardware they were measured on.
"""

from __future__ import annotations

import importlib
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def hardware() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem_gib, 1),
        "python": platform.python_version(),
        "machine": platform.machine(),
    }


def main(selected: list[str]) -> None:
    sys.path.insert(0, str(HERE))
    modules = sorted(p.stem for p in HERE.glob("bench_*.py"))
    if selected:
        modules = [m for m in modules if any(s in m for s in selected)]
    results = {"hardware": hardware(), "started": time.strftime("%Y-%m-%d %H:%M:%S"), "benchmarks": {}}
    print(f"hardware: {results['hardware']}")
    for name in modules:
        print(f"\n== {name}", flush=True)
        with tempfile.TemporaryDirectory(prefix=f"kzunrest-{name}-") as workdir:
            figures = importlib.import_module(name).run(Path(workdir))
        results["benchmarks"][name] = figures
        for f in figures:
            ratio = f" = {f['ratio']:.3g}x {f.get('baseline_name', 'baseline')}" if f.get("ratio") else ""
            print(f"  {f['name']}: {f['value']:.4g} {f.get('unit', '')}{ratio}  {f.get('note', '')}")
    out = HERE / "results" / "latest.json"
    if selected and out.exists():  # a partial run updates its own benchmarks, keeps the others'
        previous = json.loads(out.read_text())
        results["benchmarks"] = {**previous.get("benchmarks", {}), **results["benchmarks"]}
    out.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(f"\nresults: {out}")


if __name__ == "__main__":
    main(sys.argv[1:])
