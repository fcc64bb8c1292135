"""`make eval` / `make eval-smoke`: the whole evaluation, end to end.

    python3 eval/run.py full    # writes docs/EVALUATION.md and docs/eval/*.png
    python3 eval/run.py smoke   # 5 photos, 7 families; asserts structure only

The `prescreen` release binary is what is measured (hash, build, check,
query); the C++ PDQ oracle (eval/oracle.py) hashes every file independently."""

import argparse
import hashlib
import json
import os
import pickle
import shutil
import sys
import time
from multiprocessing import Pool
from os import getloadavg
from pathlib import Path

import numpy as np

import cli
import corpus
import measure
import oracle
import report
import transforms

HERE = Path(__file__).resolve().parent
RADII = (0, 4, 8, 12, 16)
EXHAUSTIVE = 31
TARGET_RATE = 1e-6
SEED = 20261128

# Transforms applied to innocent photos too (their copies must not match
# either): the ones that move a hash most (resizing, framing, turning), where
# an innocent copy could drift towards a listed hash if any could.
INNOCENT_TRANSFORMS = ("identical", "jpeg70", "thumb256", "mirror", "letterbox",
                       "band-top12", "band-bottom15", "band-side20", "band-top12+jpeg85", "frame-blur-square",
                       "frame-blur-9x16", "frame-noise6", "frame-noise12", "frame-gradient8",
                       "tilt7", "phone-screenshot", "desktop-screenshot")

# `check --extra-variants` for the measured runs: every extra, so that one run
# per filter gives the verdict of every subset (each query says whether it matched).
ALL_EXTRAS = "trim,resample,band,frame,deskew,screenshot,turned"
# What `check` does without `--extra-variants` (Policy::default()); the run
# without the flag must agree with it (checked in finish()).
DEFAULT_EXTRAS = ("band", "deskew", "frame", "resample", "screenshot", "trim")
# The filter every file is screened against with `check` and every extra on,
# and the filters `check` runs against with its defaults (to check the emulation).
MEASURED = "r8-dih"
DEFAULT_RUNS = ("r8-plain", "r8-dih")

CONFIGS = {
    "full": {"listed": None, "innocent": None, "families": None, "random": 10_000_000, "packages": None,
             "timing_rounds": 3, "out": HERE.parent / "docs", "work": HERE / ".cache" / "work"},
    "smoke": {"listed": 5, "innocent": 5,
              "families": ("identity", "re-encoding", "rotation", "bands", "frames", "small-rotation", "screenshots"),
              "packages": ["lomiri-wallpapers-20.04"], "timing_rounds": 1,
              "random": 20_000, "out": HERE / ".cache" / "smoke-out", "work": HERE / ".cache" / "smoke-work"},
}


def log(msg):
    print(f"eval: {msg}", file=sys.stderr, flush=True)


def _make_copy(job):
    name, master, out, ident = job
    if not Path(out).exists():
        tmp = f"{out}.tmp.{transforms.extension(name)}"
        transforms.apply(name, master, tmp, ident)
        os.replace(tmp, out)
    return out


def _measure(job):
    path, cache_dir = job
    digest = hashlib.sha256(Path(path).read_bytes() + oracle.VERSION.encode()).hexdigest()
    cached = Path(cache_dir) / f"{digest}.json"
    if cached.exists():
        result = json.loads(cached.read_text())
    else:
        result = measure.measure_file(path)
        tmp = cached.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(json.dumps(result))
        os.replace(tmp, cached)
    return path, result


def plan_copies(manifest, families, work):
    """[(set, photo id, transform, master path, copy path)] in a fixed order."""
    jobs = []
    for which in ("listed", "innocent"):
        for rec in manifest[which]:
            stem = Path(rec["master"]).stem
            names = [n for n, (fam, *_) in transforms.TRANSFORMS.items()
                     if (families is None or fam in families)
                     and (which == "listed" or n in INNOCENT_TRANSFORMS)]
            for n in names:
                out = work / which / stem / f"{n}.{transforms.extension(n)}"
                jobs.append((which, rec["id"], n, str(HERE / rec["master"]), str(out)))
    return jobs


def make_copies(manifest, families, work, processes):
    """Every copy `plan_copies` lists (made in `processes` processes, or
    kept from an earlier run); returns the plan."""
    jobs = plan_copies(manifest, families, work)
    for j in jobs:
        Path(j[4]).parent.mkdir(parents=True, exist_ok=True)
    # One pool per phase: a pool's CPU time is counted when its workers exit.
    with Pool(processes) as pool:
        pool.map(_make_copy, [(n, m, o, i) for _, i, n, m, o in jobs], chunksize=4)
    return jobs


class Clock:
    """Wall and CPU time (this process and its children) per phase, and the load average."""

    def __init__(self):
        self.start_wall, self.start_cpu = time.time(), self._cpu()
        self.last_wall, self.last_cpu = self.start_wall, self.start_cpu
        self.phases = []
        self.load_start = getloadavg()

    @staticmethod
    def _cpu():
        t = os.times()
        return t.user + t.system + t.children_user + t.children_system

    def lap(self, name):
        now, cpu = time.time(), self._cpu()
        self.phases.append({"phase": name, "wall_s": now - self.last_wall, "cpu_s": cpu - self.last_cpu,
                            "load1": getloadavg()[0]})
        log(f"{name}: {now - self.last_wall:.0f} s wall, {cpu - self.last_cpu:.0f} s CPU "
            f"(total {now - self.start_wall:.0f} s, load {getloadavg()[0]:.1f})")
        self.last_wall, self.last_cpu = now, cpu

    def summary(self):
        return {"wall_s": time.time() - self.start_wall, "cpu_s": self._cpu() - self.start_cpu,
                "load_start": self.load_start, "load_end": getloadavg(), "phases": self.phases}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=sorted(CONFIGS))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--out", type=Path, help="output folder (default per mode)")
    ap.add_argument("--fresh", action="store_true",
                    help="re-make every master, copy and measurement (downloads are kept)")
    ap.add_argument("--report-only", action="store_true",
                    help="rewrite the report from the last run's saved measurements")
    args = ap.parse_args()
    cfg = CONFIGS[args.mode]
    out = args.out or cfg["out"]
    work = cfg["work"]
    if args.fresh:
        for d in (work, HERE / ".cache" / "measured", HERE / ".cache" / "masters", HERE / ".cache" / "x"):
            if d.exists():
                shutil.rmtree(d)
    clock = Clock()

    saved = work / "measurements.pickle"
    if args.report_only:
        finish(pickle.loads(saved.read_bytes()), out, args.mode, clock)
        return
    if not cli.available():
        sys.exit("eval: target/release/prescreen is missing or lacks `check --extra-variants/--queries`; "
                 "run `cargo build --release`")

    manifest = corpus.build(cfg["listed"], cfg["innocent"], cfg["packages"])
    log(f"{len(manifest['listed'])} listed, {len(manifest['innocent'])} innocent photos")
    clock.lap("corpus")
    jobs = make_copies(manifest, cfg["families"], work, args.jobs)
    originals = {r["id"]: str(HERE / r["master"]) for w in ("listed", "innocent") for r in manifest[w]}
    files = sorted(set(originals.values()) | {j[4] for j in jobs})
    clock.lap(f"{len(jobs)} copies")
    cache_dir = HERE / ".cache" / "measured"  # keyed by file content and oracle version
    cache_dir.mkdir(parents=True, exist_ok=True)
    with Pool(args.jobs) as pool:
        measured = dict(pool.imap_unordered(_measure, [(f, str(cache_dir)) for f in files], chunksize=4))
    clock.lap(f"oracle hashes of {len(files)} files")

    data = {"manifest": manifest, "jobs": jobs, "originals": originals, "oracle": measured, "files": files,
            "radii": RADII, "exhaustive": EXHAUSTIVE, "target_rate": TARGET_RATE, "mode": args.mode,
            "default_extras": DEFAULT_EXTRAS, "innocent_transforms": INNOCENT_TRANSFORMS}
    run_cli(data, work, cfg, clock)
    data["clock"] = clock.summary()
    saved.write_bytes(pickle.dumps(data))
    finish(data, out, args.mode, clock)


def finish(data, out, mode, clock):
    """Writes the report and applies the checks (smoke: structure; always: no false negatives)."""
    results = report.write(data, out)
    problems = report.structural_problems(results)
    if mode == "smoke" and problems:
        sys.exit("eval-smoke: " + "; ".join(problems))
    if results["false_negatives"] or results["default_mismatches"]:
        log(f"FALSE NEGATIVES: {len(results['false_negatives'])}, default-run mismatches: "
            f"{len(results['default_mismatches'])} (see {out / 'eval' / 'results.json'})")
        sys.exit(1)
    log(f"done in {time.time() - clock.start_wall:.0f} s -> {out}")


def filter_key(radius, dihedral):
    return f"r{radius}-{'dih' if dihedral else 'plain'}"


def run_cli(data, work, cfg, clock):
    """Builds one filter per (radius, dihedral) from the CLI's hashes of the
    listed originals. Screens every file once with `check --queries` and every
    extra variant on (r8, dihedral), which prints each PDQ query it made; asks
    every other filter about exactly those hashes with `query` (a filter
    answers a hash the same whichever command asks); then runs `check` with its
    defaults at r8 with and without dihedral, to hold the verdicts emulated
    from those answers to real ones. Also times each extra-variant setting and
    queries random hashes."""
    files = data["files"]
    listed_paths = [data["originals"][r["id"]] for r in data["manifest"]["listed"]]
    hashed = cli.hash_files(listed_paths)
    fdir = work / "filters"
    fdir.mkdir(parents=True, exist_ok=True)
    plist = fdir / "listed.pdq"
    plist.write_text("".join(f"{hashed[p][0]}\n" for p in listed_paths if hashed[p][0]))
    data["listed_cli"] = [hashed[p][0] for p in listed_paths]
    builds = {}
    for dihedral in (False, True):
        for r in data["radii"]:
            key = filter_key(r, dihedral)
            builds[key] = cli.build(fdir / f"{key}.psf", plist, r, dihedral, data["target_rate"], salt(key))
    data["cli_build"] = builds
    screened = cli.check(fdir / f"{MEASURED}.psf", files, ALL_EXTRAS)
    clock.lap(f"check {len(files)} files at {MEASURED}, extras {ALL_EXTRAS}")

    checks = {MEASURED: screened}
    for key in builds:
        if key == MEASURED:
            continue
        dihedral = key.endswith("-dih")
        asked = sorted({q[2] for rec in screened.values() for q in rec["queries"] if dihedral or q[1] == "original"})
        answers = dict(zip(asked, cli.query_pdq(fdir / f"{key}.psf", asked)))
        checks[key] = {path: {"verdict": None, "pdq": rec["pdq"], "quality": rec["quality"],
                              "queries": [[p, t, h, answers[h]] for p, t, h, _ in rec["queries"]
                                          if dihedral or t == "original"]}
                       for path, rec in screened.items()}
    data["cli_check"] = checks
    clock.lap(f"query the other {len(builds) - 1} filters")
    tilted = [path for which, _i, name, _m, path in data["jobs"] if which == "listed" and name in transforms.TILT]
    data["skew"] = cli.skew_degrees(tilted)
    clock.lap(f"deskew detector on {len(tilted)} copies")
    data["cli_default"] = {key: cli.check(fdir / f"{key}.psf", files) for key in DEFAULT_RUNS}
    clock.lap(f"check {len(files)} files with the CLI's defaults at {', '.join(DEFAULT_RUNS)}")

    # CPU time per file of each extra-variant setting, on the originals (typical
    # uploads, not the edited copies), each screened `timing_rounds` times.
    sample = sorted(data["originals"].values()) * cfg["timing_rounds"]
    data["variant_cpu"] = {}
    for extra in ("none", "trim", "resample", "trim,resample", "trim,resample,band,frame,deskew,screenshot",
                  "trim,resample,turned"):
        before = cli.cpu_seconds()
        cli.check(fdir / "r8-dih.psf", sample, extra)
        data["variant_cpu"][extra] = {"files": len(sample), "cpu_s": cli.cpu_seconds() - before}
    clock.lap(f"timing runs ({len(sample)} screenings x 6 settings)")
    data["random"] = random_queries(fdir, plist, cfg["random"])
    clock.lap("random queries")


# Random-hash false-match test: (radius, target per-query rate, number of hashes).
# Filters built with --no-dihedral, so one query hash is one screened file.
# The counts are fixed (not timed) so the tables are reproducible; the big one is
# at the radius where a query is cheapest.
RANDOM_PLAN = ((0, 1e-5, 1.0), (8, 1e-3, 0.01), (16, 1e-2, 0.0001))


def salt(label):
    """A fixed filter salt per filter, so every run builds the same filters."""
    return hashlib.sha256(f"prescreen-eval/{SEED}/{label}".encode()).hexdigest()[:32]


def random_queries(fdir, plist, n_random):
    """Random PDQ hashes (fixed seed) through `prescreen query` on stdin."""
    out = {}
    for rad, target, share in RANDOM_PLAN:
        n = max(100, int(n_random * share))
        rng = np.random.default_rng(SEED + rad)
        fpath = fdir / f"random-r{rad}.psf"
        cli.build(fpath, plist, rad, False, target, salt(f"random-r{rad}"))
        t = time.time()
        matched = 0
        for start in range(0, n, 1_000_000):  # a million at a time keeps memory small
            raw = rng.integers(0, 256, size=(min(1_000_000, n - start), 32), dtype=np.uint8)
            matched += cli.query_random(fpath, [bytes(row).hex() for row in raw])
        out[f"r{rad}"] = {"radius": rad, "target": target, "n": n, "matched": matched,
                          "seconds": time.time() - t}
        log(f"random r{rad}: {matched} of {n} ({time.time() - t:.0f} s)")
    return out

if __name__ == "__main__":
    main()
