"""A quick measurement of the families a picture moves in (bands, frames,
small rotations, screenshots), without the whole `make eval`: the listed and
innocent masters, their copies in those families, filters at r8 and r12
(dihedral), one `check --queries` run with every default preparation, and
what the band, frame, deskew and screenshot preparations add.

    python3 eval/families.py bands frames          # all 61 + 40 masters
    python3 eval/families.py screenshots --listed 10   # fewer, for a first look

Prints eval/detector_tables.py's tables (recall per transform with and
without each preparation, detector accuracy, how often each fires on
unedited photos, false matches on innocent files) and CPU per typical
upload; writes the numbers to eval/.cache/families/results.json."""

import argparse
import json
import sys
import time
from multiprocessing import Pool
from pathlib import Path

import cli
import corpus
import detector_tables as tables
import run
import transforms

HERE = Path(__file__).resolve().parent
WORK = HERE / ".cache" / "families"
DEFAULTS = ",".join(run.DEFAULT_EXTRAS)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("families", nargs="+", choices=tables.DETECTORS)
    ap.add_argument("--listed", type=int)
    ap.add_argument("--innocent", type=int)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=2, help="timing rounds over the originals")
    args = ap.parse_args()
    if not cli.available():
        sys.exit("families: build target/release/prescreen first")
    manifest = corpus.build(args.listed, args.innocent, None)
    jobs = run.make_copies(manifest, set(args.families), WORK, args.jobs)
    originals = {r["id"]: str(HERE / r["master"]) for w in ("listed", "innocent") for r in manifest[w]}
    files = sorted(set(originals.values()) | {j[4] for j in jobs})
    cache_dir = HERE / ".cache" / "measured"
    cache_dir.mkdir(parents=True, exist_ok=True)
    with Pool(args.jobs) as pool:
        oracle = dict(pool.imap_unordered(run._measure, [(f, str(cache_dir)) for f in files], chunksize=4))

    listed_paths = [originals[r["id"]] for r in manifest["listed"]]
    hashed = cli.hash_files(listed_paths)
    fdir = WORK / "filters"
    fdir.mkdir(parents=True, exist_ok=True)
    plist = fdir / "listed.pdq"
    plist.write_text("".join(f"{hashed[p][0]}\n" for p in listed_paths if hashed[p][0]))
    for r in (8, 12):
        cli.build(fdir / f"r{r}-dih.psf", plist, r, True, run.TARGET_RATE, run.salt(f"r{r}-dih"))
    screened = cli.check(fdir / "r8-dih.psf", files, DEFAULTS)
    asked = sorted({q[2] for rec in screened.values() for q in rec["queries"]})
    r12 = dict(zip(asked, cli.query_pdq(fdir / "r12-dih.psf", asked)))
    skew = cli.skew_degrees([j[4] for j in jobs if j[0] == "listed" and j[2] in transforms.TILT])

    sample = sorted(originals.values()) * args.rounds
    cpu = {}
    for extra in ("none", "trim,resample", DEFAULTS):
        before = cli.cpu_seconds()
        t = time.time()
        cli.check(fdir / "r8-dih.psf", sample, extra)
        cpu[extra] = {"files": len(sample), "cpu_ms": 1000 * (cli.cpu_seconds() - before) / len(sample),
                      "wall_s": time.time() - t}

    listed_hex = {r["id"]: hashed[originals[r["id"]]][0] for r in manifest["listed"]}
    results = tables.measure(manifest, jobs, originals, oracle, screened, r12, listed_hex, skew)
    results["cpu"] = cpu
    WORK.mkdir(parents=True, exist_ok=True)
    (WORK / "results.json").write_text(json.dumps(results, indent=1))
    print(tables.markdown(results))


if __name__ == "__main__":
    main()
