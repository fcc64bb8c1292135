"""Are two evaluation runs the same? Compares two output folders (the `--out`
of `eval/run.py`, or docs/): EVALUATION.md up to its Timings section, the
full docs/eval/results.json (it holds no timings) and every plot byte for byte.

    python3 eval/compare.py RUN_A RUN_B      # exit 0 when identical"""

import hashlib
import sys
from pathlib import Path

TIMINGS = "\n## Timings"


def tables(md):
    """EVALUATION.md without the one section that varies (timings)."""
    return md.split(TIMINGS)[0]


def main():
    a, b = (Path(p) for p in sys.argv[1:3])
    differences = []
    if tables((a / "EVALUATION.md").read_text()) != tables((b / "EVALUATION.md").read_text()):
        differences.append("EVALUATION.md (before Timings)")
    names = sorted({p.name for p in (a / "eval").iterdir()} | {p.name for p in (b / "eval").iterdir()})
    for name in names:
        fa, fb = a / "eval" / name, b / "eval" / name
        if not (fa.exists() and fb.exists()) or fa.read_bytes() != fb.read_bytes():
            differences.append(f"eval/{name}")
    for name in ["EVALUATION.md"] + [f"eval/{n}" for n in names]:
        for run in (a, b):
            f = run / name
            if f.exists():
                print(f"{hashlib.sha256(f.read_bytes()).hexdigest()[:16]}  {f}")
    if differences:
        print("DIFFERENT: " + ", ".join(differences))
        sys.exit(1)
    print(f"identical: EVALUATION.md before Timings, {len(names)} files in eval/")


if __name__ == "__main__":
    main()
