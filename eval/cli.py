"""The `prescreen` binary as the thing measured: hash, build, check, query."""

import json
import math
import resource
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BINARY = ROOT / "target" / "release" / "prescreen"


def available():
    """Whether the release binary exists and has what the evaluation needs."""
    if not BINARY.exists():
        return False
    out = subprocess.run([str(BINARY), "check", "--help"], capture_output=True, text=True)
    return "--extra-variants" in out.stdout and "--queries" in out.stdout


def cpu_seconds():
    """User + system CPU time of every child process that has finished so far."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _json_lines(args, stdin=None):
    return _json_lines_of([str(BINARY), *args], stdin)


def _json_lines_of(command, stdin=None):
    proc = subprocess.run(command, input=stdin, capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(command[:3])}...: exit {proc.returncode}: {proc.stderr.strip()}")
    return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]


def _chunks(items, n):
    for i in range(0, len(items), n):
        yield items[i:i + n]


def hash_files(paths):
    """{path: (pdq hex or None, quality)} from `prescreen hash --json`."""
    out = {}
    for chunk in _chunks([str(p) for p in paths], 400):
        for rec in _json_lines(["hash", "--json", *chunk]):
            out[rec["path"]] = (rec.get("pdq"), rec.get("quality"))
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
    return json.loads(proc.stdout)


def check(filter_path, paths, extra=None):
    """{path: {verdict, pdq, quality, queries: [[preparation, turn, hex, matched]],
    regions: [[left, top, width, height] or None per query]}}
    from `prescreen check --json --queries`; `extra` is the `--extra-variants`
    value (None: the CLI's default)."""
    args = ["check", "--json", "--queries"] + (["--extra-variants", extra] if extra else []) + [str(filter_path)]
    out = {}
    for chunk in _chunks([str(p) for p in paths], 400):
        for rec in _json_lines(args + chunk):
            out[rec["path"]] = {
                "verdict": rec["verdict"], "pdq": rec.get("hashes", {}).get("pdq"), "quality": rec.get("hashes", {}).get("quality"),
                "queries": [[q["preparation"], q["turn"], q["pdq"], q["matched"]] for q in rec.get("queries", [])],
                "regions": [q.get("region") for q in rec.get("queries", [])]}
    return out


def query_pdq(filter_path, hexes):
    """Whether the filter matches each of `hexes` (PDQ, as is), in order, through `query --json` on stdin."""
    stdin = "".join(f"pdq {h}\n" for h in hexes)
    return [rec["match"] for rec in _json_lines(["query", "--json", str(filter_path)], stdin=stdin)]


def query_random(filter_path, hexes):
    """How many of `hexes` (PDQ) the filter matches, through `query --json` on stdin."""
    stdin = "".join(f"pdq {h}\n" for h in hexes)
    return sum(1 for rec in _json_lines(["query", "--json", str(filter_path)], stdin=stdin) if rec["match"])


def skew_degrees(paths):
    """{path: the angle the deskew detector finds, degrees counter-clockwise,
    or None} from the `detect` example (built here: the CLI has no command for it)."""
    subprocess.run(["cargo", "build", "-q", "--release", "--example", "detect"], cwd=ROOT, check=True)
    binary = ROOT / "target" / "release" / "examples" / "detect"
    out = {}
    for chunk in _chunks([str(p) for p in paths], 400):
        for rec in _json_lines_of([str(binary), *chunk]):
            out[rec["path"]] = math.degrees(math.atan(rec["skew"][0])) if rec["skew"] else None
    return out
