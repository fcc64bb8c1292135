"""`make eval` / `make eval-smoke`: the whole evaluation, end to end.

    python3 eval/run.py full    # writes docs/EVALUATION.md and docs/eval/*.png
    python3 eval/run.py smoke   # 5 photos, 3 families; asserts structure only

The `prescreen` release binary is what is measured (hash, build, check,
query). Without it (`--oracle`), filter verdicts are emulated by exhaustive
matching over oracle hashes, and the report says so."""

import argparse
import hashlib
import json
import os
import pickle
import shutil
import sys
import time
from multiprocessing import Pool
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

# Transforms applied to innocent photos too (their copies must not match either).
INNOCENT_TRANSFORMS = ("identical", "jpeg70", "resize0.5", "thumb256", "crop5", "mirror",
                       "greyscale", "caption", "letterbox", "jpeg70+resize0.5")

CONFIGS = {
    "full": {"listed": None, "innocent": None, "families": None, "random": 10_000_000, "packages": None,
             "out": HERE.parent / "docs", "work": HERE / ".cache" / "work"},
    "smoke": {"listed": 5, "innocent": 5, "families": ("identity", "re-encoding", "rotation"),
              "packages": ["lomiri-wallpapers-20.04"],
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
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=sorted(CONFIGS))
    ap.add_argument("--oracle", action="store_true", help="emulate the filter (no CLI needed)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--out", type=Path, help="output folder (default per mode)")
    ap.add_argument("--fresh", action="store_true", help="regenerate every copy and re-measure it")
    ap.add_argument("--report-only", action="store_true",
                    help="rewrite the report from the last run's saved measurements")
    args = ap.parse_args()
    cfg = CONFIGS[args.mode]
    out = args.out or cfg["out"]
    work = cfg["work"]
    if args.fresh:
        for d in (work, HERE / ".cache" / "measured"):
            if d.exists():
                shutil.rmtree(d)
    started = time.time()

    saved = work / "measurements.pickle"
    if args.report_only:
        finish(pickle.loads(saved.read_bytes()), out, args.mode, started)
        return

    use_cli = not args.oracle
    if use_cli and not cli.available():
        sys.exit("eval: target/release/prescreen is missing or lacks hash/build/check/query; "
                 "run `cargo build --release` (or pass --oracle)")

    manifest = corpus.build(cfg["listed"], cfg["innocent"], cfg["packages"])
    log(f"{len(manifest['listed'])} listed, {len(manifest['innocent'])} innocent photos")
    jobs = plan_copies(manifest, cfg["families"], work)
    for j in jobs:
        Path(j[4]).parent.mkdir(parents=True, exist_ok=True)
    originals = {r["id"]: str(HERE / r["master"]) for w in ("listed", "innocent") for r in manifest[w]}
    with Pool(args.jobs) as pool:
        pool.map(_make_copy, [(n, m, o, i) for _, i, n, m, o in jobs], chunksize=4)
        log(f"{len(jobs)} copies ready ({time.time() - started:.0f} s)")
        files = sorted(set(originals.values()) | {j[4] for j in jobs})
        cache_dir = HERE / ".cache" / "measured"  # keyed by file content: a changed copy is re-measured
        cache_dir.mkdir(parents=True, exist_ok=True)
        measured = dict(pool.imap_unordered(_measure, [(f, str(cache_dir)) for f in files], chunksize=4))
    log(f"oracle hashes of {len(files)} files ({time.time() - started:.0f} s)")

    data = {"manifest": manifest, "jobs": jobs, "originals": originals, "oracle": measured,
            "radii": RADII, "exhaustive": EXHAUSTIVE, "target_rate": TARGET_RATE,
            "engine": "cli" if use_cli else "oracle", "mode": args.mode}

    if use_cli:
        run_cli(data, work, cfg["random"], args.jobs)
        log(f"CLI runs done ({time.time() - started:.0f} s)")
    data["elapsed_s"] = time.time() - started
    data["innocent_transforms"] = INNOCENT_TRANSFORMS
    saved.write_bytes(pickle.dumps(data))
    finish(data, out, args.mode, started)


def finish(data, out, mode, started):
    """Writes the report and applies the checks (smoke: structure; always: no false negatives)."""
    results = report.write(data, out)
    problems = report.structural_problems(results)
    if mode == "smoke" and problems:
        sys.exit("eval-smoke: " + "; ".join(problems))
    if results["false_negatives"]:
        log(f"FALSE NEGATIVES: {len(results['false_negatives'])} (see report)")
        sys.exit(1)
    log(f"done in {time.time() - started:.0f} s -> {out}")


def run_cli(data, work, n_random, jobs):
    """Hash every file, build one filter per (radius, dihedral), check every file, query random hashes."""
    files = sorted(set(data["originals"].values()) | {j[4] for j in data["jobs"]})
    with Pool(jobs) as pool:
        parts = pool.map(cli.hash_files, [files[i::jobs] for i in range(jobs)])
    hashed = {k: v for p in parts for k, v in p.items()}
    data["cli_hash"] = hashed
    listed_paths = [data["originals"][r["id"]] for r in data["manifest"]["listed"]]
    fdir = work / "filters"
    fdir.mkdir(parents=True, exist_ok=True)
    plist = fdir / "listed.pdq"
    plist.write_text("".join(f"{hashed[p][0]}\n" for p in listed_paths if hashed[p][0]))
    checks, builds = {}, {}
    for dihedral in (False, True):
        for r in data["radii"]:
            key = f"r{r}-{'dih' if dihedral else 'plain'}"
            fpath = fdir / f"{key}.psf"
            builds[key] = cli.build(fpath, plist, r, dihedral, data["target_rate"], salt(key))
            with Pool(jobs) as pool:
                parts = pool.starmap(cli.check, [(fpath, files[i::jobs]) for i in range(jobs)])
            checks[key] = {k: v for p in parts for k, v in p.items()}
            log(f"checked {len(files)} files at {key}")
    data["cli_check"] = checks
    data["cli_build"] = builds
    data["random"] = random_queries(fdir, plist, n_random)


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
