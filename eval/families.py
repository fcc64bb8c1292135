"""A quick measurement of chosen transform families and extra preparations,
without the whole evaluation (minutes instead of `make eval`'s twenty).

    python3 eval/families.py small-rotation screenshots --extras deskew,screenshot

Makes the families' copies of every listed photo (and of the innocent photos
for the transforms in `run.INNOCENT_TRANSFORMS`), screens them and the
unedited photos with `check --queries` and every named extra on, and prints,
per family: recall at r8 and r12 (the nearest query to its original's hash,
as the CLI hashed it) as `check`'s defaults would query and with each named
extra added, exhaustive recall at 31 (the oracle's eight turned hashes);
how often each extra fires on unedited photos; the innocent files' nearest
distance to any listed hash; extra queries per file; CPU per unedited file
with and without the extras; and, for the deskew and screenshot families,
the detector's accuracy (`examples/detect.rs`)."""

import argparse
import json
import math
import subprocess
import sys
from pathlib import Path

import cli
import corpus
import oracle
import run
import transforms

HERE = Path(__file__).resolve().parent
WORK = HERE / ".cache" / "families"
DEFAULT_PREPARATIONS = {"as-is", "trimmed", "resampled"}
NAMES = {"deskew": "deskewed", "screenshot": "from-screenshot", "trim": "trimmed", "resample": "resampled"}


def dist(a, b):
    return (int(a, 16) ^ int(b, 16)).bit_count()


def detect(paths):
    """{path: {skew, picture}} from the `detect` example."""
    subprocess.run(["cargo", "build", "-q", "--release", "--example", "detect"], cwd=HERE.parent, check=True)
    binary = HERE.parent / "target" / "release" / "examples" / "detect"
    out = subprocess.run([str(binary), *map(str, paths)], capture_output=True, text=True, check=True).stdout
    return {rec["path"]: rec for rec in map(json.loads, out.splitlines())}


def accuracy(name, master, found):
    """Whether the detector found `name`'s geometry: the angle within 0.25
    degrees, or each side of the picture's rectangle within 0.5% of its size."""
    size = json.loads(Path(master).with_suffix(f".{oracle.VERSION}.json").read_text())["size"]
    if name.startswith("tilt"):
        if found["skew"] is None:
            return False
        return abs(math.degrees(math.atan(found["skew"][0])) - float(name[4:])) <= 0.25
    if found["picture"] is None:
        return False
    left, top, right, bottom, _, _ = transforms.screenshot_box(name.split("-")[0], size)
    got = found["picture"]
    pw, ph = right - left, bottom - top
    tol = (0.005 * pw, 0.005 * ph, 0.005 * pw, 0.005 * ph)
    return all(abs(g - t) <= e for g, t, e in zip(got, (left, top, right, bottom), tol))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("families", nargs="+")
    ap.add_argument("--extras", default="deskew,screenshot")
    ap.add_argument("--jobs", type=int, default=1)
    args = ap.parse_args()
    extras = args.extras.split(",")
    manifest = corpus.build()
    jobs = run.make_copies(manifest, set(args.families), WORK, args.jobs)
    originals = {r["id"]: str(HERE / r["master"]) for w in ("listed", "innocent") for r in manifest[w]}
    listed_ids = {r["id"] for r in manifest["listed"]}
    hashed = cli.hash_files([originals[i] for i in listed_ids])
    listed_hash = {i: hashed[originals[i]][0] for i in listed_ids}
    plist = WORK / "listed.pdq"
    plist.write_text("".join(f"{h}\n" for h in listed_hash.values()))
    fpath = WORK / "r8.psf"
    cli.build(fpath, plist, 8, True, 1e-6, run.salt("families"))
    unedited = sorted(set(originals.values()))
    files = [j[4] for j in jobs] + unedited
    screened = cli.check(fpath, files, ",".join(["trim", "resample", *extras]))

    def nearest(path, preparations, target=None):
        qs = [q[2] for q in screened[path]["queries"] if q[0] in preparations]
        targets = [target] if target else listed_hash.values()
        return min((dist(q, t) for q in qs for t in targets), default=256)

    subsets = [("defaults", DEFAULT_PREPARATIONS)] + [
        (f"+{e}", DEFAULT_PREPARATIONS | {NAMES[e]}) for e in extras] + [
        ("+all", DEFAULT_PREPARATIONS | {NAMES[e] for e in extras})]
    found = detect([j[4] for j in jobs if j[0] == "listed"])
    print(f"{'transform':20} " + " ".join(f"{s:>14}" for s, _ in subsets) + "   exh31  accuracy")
    for name in [n for n, (fam, *_) in transforms.TRANSFORMS.items() if fam in args.families]:
        mine = [j for j in jobs if j[2] == name and j[0] == "listed"]
        row = []
        for _, preps in subsets:
            d = [nearest(j[4], preps, listed_hash[j[1]]) for j in mine]
            row.append(f"{100 * sum(x <= 8 for x in d) / len(d):5.1f}/{100 * sum(x <= 12 for x in d) / len(d):5.1f}")
        exh = []
        for j in mine:
            turned = oracle.hash_turned(oracle.load(j[4]))
            plain = next(r for r in manifest["listed"] if r["id"] == j[1])["variants"][0]
            exh.append(min(oracle.distance(h, int(plain, 16)) for h, _ in turned) <= run.EXHAUSTIVE)
        acc = [accuracy(name, j[3], found[j[4]]) for j in mine]
        print(f"{name:20} " + " ".join(f"{r:>14}" for r in row) +
              f"   {100 * sum(exh) / len(exh):5.1f}  {100 * sum(acc) / len(acc):5.1f}")
    innocent = [j[4] for j in jobs if j[0] == "innocent"] + [originals[r["id"]] for r in manifest["innocent"]]
    all_preps = DEFAULT_PREPARATIONS | {NAMES[e] for e in extras}
    closest = min(nearest(p, all_preps) for p in innocent)
    closest_default = min(nearest(p, DEFAULT_PREPARATIONS) for p in innocent)
    flagged = [p for p in innocent if screened[p]["verdict"] != "allow"]
    print(f"innocent files: {len(innocent)}, flagged {len(flagged)}, nearest listed hash "
          f"{closest} bits (defaults only: {closest_default})")
    for e in extras:
        fires = [p for p in unedited if any(q[0] == NAMES[e] for q in screened[p]["queries"])]
        print(f"{e}: fires on {len(fires)} of {len(unedited)} unedited photos {[Path(p).stem for p in fires]}")
    per_file = sum(len(screened[p]["queries"]) for p in files) / len(files)
    print(f"queries per file over all screened: {per_file:.2f} (as is 8, plus trim/resample/extras when they apply)")
    rounds = unedited * 3
    cpu = {}
    for setting in ("trim,resample", ",".join(["trim", "resample", *extras])):
        before = cli.cpu_seconds()
        cli.check(fpath, rounds, setting)
        cpu[setting] = (cli.cpu_seconds() - before) / len(rounds)
    print("CPU per unedited file: " + ", ".join(f"{k}: {1000 * v:.1f} ms" for k, v in cpu.items()))


if __name__ == "__main__":
    sys.exit(main())
