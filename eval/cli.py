"""The `prescreen` binary as the thing measured: hash, build, check, query."""

import json
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BINARY = ROOT / "target" / "release" / "prescreen"


def available():
    """Whether the release binary exists and has the subcommands the evaluation needs."""
    if not BINARY.exists():
        return False
    out = subprocess.run([str(BINARY), "--help"], capture_output=True, text=True)
    return all(cmd in out.stdout for cmd in ("hash", "build", "check", "query"))


def _json_lines(args, stdin=None):
    proc = subprocess.run([str(BINARY), *args], input=stdin, capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"prescreen {' '.join(args[:2])}...: exit {proc.returncode}: {proc.stderr.strip()}")
    return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]


def _chunks(items, n):
    for i in range(0, len(items), n):
        yield items[i:i + n]


def hash_files(paths):
    """{path: (pdq hex or None, quality, error code or None)} from `prescreen hash --json`."""
    out = {}
    for chunk in _chunks([str(p) for p in paths], 200):
        for rec in _json_lines(["hash", "--json", *chunk]):
            err = rec.get("error")
            code = err.get("code") if isinstance(err, dict) else err
            out[rec["path"]] = (rec.get("pdq"), rec.get("quality"), code)
    return out


def build(filter_path, pdq_list_path, radius, dihedral, rate, salt):
    """Builds a filter with a fixed salt and creation time (reproducible); returns
    the summary object `build --json` prints."""
    args = ["build", "-o", str(filter_path), "--pdq", str(pdq_list_path), "--radius", str(radius),
            "--false-positive-rate", repr(rate), "--salt", salt, "--created", "0", "--json"]
    if not dihedral:
        args.append("--no-dihedral")
    proc = subprocess.run([str(BINARY), *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"prescreen build: exit {proc.returncode}: {proc.stderr.strip()}")
    try:
        return json.loads(proc.stdout)
    except ValueError:
        return {"summary": proc.stdout.strip()}


def check(filter_path, paths):
    """{path: (verdict, [matched variant names])} from `prescreen check --json`."""
    out = {}
    for chunk in _chunks([str(p) for p in paths], 200):
        for rec in _json_lines(["check", "--json", str(filter_path), *chunk]):
            variants = []
            for r in rec.get("reasons", []):
                if isinstance(r, dict) and r.get("kind", r.get("type")) in ("pdq", "perceptual"):
                    variants.append(r.get("variant", r.get("dihedral", "?")))
            out[rec["path"]] = (rec["verdict"], variants)
    return out


def query_random(filter_path, hexes):
    """How many of `hexes` (PDQ) the filter matches, through `query --json` on stdin."""
    matched = 0
    for chunk in _chunks(hexes, 1_000_000):
        stdin = "".join(f"pdq {h}\n" for h in chunk)
        for rec in _json_lines(["query", "--json", str(filter_path)], stdin=stdin):
            if rec.get("match") or rec.get("matched") or rec.get("verdict") in ("block", "flag"):
                matched += 1
    return matched
