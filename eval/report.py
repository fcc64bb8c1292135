"""Tables, checks and plots from the measurements; writes EVALUATION.md."""

import json
from itertools import combinations
from pathlib import Path

import numpy as np

import corpus
import transforms

MIN_QUALITY = 50
VARIANT_NAMES = ("original", "rot90", "rot180", "rot270", "flipx", "flipy", "flip+1", "flip-1")


def _int(h):
    return int(h, 16) if h else None


def _dist(a, b):
    return (a ^ b).bit_count()


def _nearest(hashes, listed):
    """Smallest distance from any of `hashes` to any listed hash."""
    return min(_dist(h, l) for h in hashes if h is not None for l in listed)


def _pct(x):
    return f"{100 * x:.1f}%"


def _stats(values):
    a = np.asarray(values)
    return {"median": float(np.median(a)), "p95": int(np.percentile(a, 95, method="lower")),
            "max": int(a.max()), "min": int(a.min())}


def collect(data):
    """One record per file screened: hashes used by the CLI and by the oracle."""
    use_cli = data["engine"] == "cli"
    orc = data["oracle"]
    cli_hash = data.get("cli_hash", {})
    recs = []

    def record(which, ident, name, path):
        o = orc[path]
        if use_cli:
            pdq, quality, err = cli_hash[path]
        else:
            pdq, quality, err = o["plain"], o["quality"], None
        plain = _int(pdq)
        oplain = _int(o["plain"])
        exact = plain == oplain  # same pixels decoded: the oracle's turned variants are the CLI's
        turned = [plain] + [_int(h) for h in o["turned"][1:]]
        fam = "original" if name == "original" else transforms.TRANSFORMS[name][0]
        recs.append({"which": which, "id": ident, "transform": name, "family": fam, "path": path,
                     "plain": plain, "quality": quality or 0, "error": err, "exact": exact,
                     "turned": turned, "o_plain": oplain, "o_turned": [_int(h) for h in o["turned"]],
                     "o_derived": [_int(h) for h in o["derived"]], "o_trim": _int(o["trim"]),
                     "o_resample": _int(o["resample"]), "ms": o["ms"], "size": o["size"]})

    for which in ("listed", "innocent"):
        for r in data["manifest"][which]:
            record(which, r["id"], "original", data["originals"][r["id"]])
    for which, ident, name, _master, path in data["jobs"]:
        record(which, ident, name, path)
    return recs


def write(data, out):
    out = Path(out)
    figs = out / "eval"
    figs.mkdir(parents=True, exist_ok=True)
    recs = collect(data)
    by_id = {(r["which"], r["id"], r["transform"]): r for r in recs}
    listed_ids = [r["id"] for r in data["manifest"]["listed"]]
    listed = [by_id[("listed", i, "original")]["plain"] for i in listed_ids]
    listed_oracle = [by_id[("listed", i, "original")]["o_plain"] for i in listed_ids]
    own = {i: by_id[("listed", i, "original")] for i in listed_ids}
    radii = list(data["radii"])
    use_cli = data["engine"] == "cli"

    # Distances and nearest-listed distances of every file.
    for r in recs:
        r["near_plain"] = _nearest([r["plain"]], listed) if r["plain"] is not None else 999
        r["near_dih"] = _nearest(r["turned"], listed) if r["plain"] is not None else 999
        if r["which"] == "listed":
            o = own[r["id"]]
            r["own_plain"] = _dist(r["plain"], o["plain"]) if r["plain"] is not None else 256
            r["own_dih"] = min(_dist(h, o["plain"]) for h in r["turned"]) if r["plain"] is not None else 256
        r["ok_quality"] = r["quality"] >= MIN_QUALITY and r["plain"] is not None

    # Verdicts: the CLI's, or exhaustive emulation over oracle hashes.
    caught = {}
    for dih in (False, True):
        for rad in radii:
            key = f"r{rad}-{'dih' if dih else 'plain'}"
            if use_cli:
                chk = data["cli_check"][key]
                caught[key] = {r["path"]: chk[r["path"]][0] in ("flag", "block") for r in recs}
            else:
                caught[key] = {r["path"]: r["ok_quality"] and r["near_dih" if dih else "near_plain"] <= rad
                               for r in recs}

    # No false negatives: every file within the radius (variant by variant) must be caught.
    false_negatives, extra_matches, unasserted = [], [], 0
    for r in recs:
        for dih in (False, True):
            for rad in radii:
                key = f"r{rad}-{'dih' if dih else 'plain'}"
                if not r["ok_quality"]:
                    continue
                if dih and not r["exact"]:
                    d = r["near_plain"]  # decoders differ: only the plain hash is the CLI's own
                    if r["near_dih"] <= rad < d:
                        unasserted += 1
                else:
                    d = r["near_dih"] if dih else r["near_plain"]
                if d <= rad and not caught[key][r["path"]]:
                    false_negatives.append({"file": r["path"], "photo": r["id"], "transform": r["transform"],
                                            "config": key, "distance": d, "quality": r["quality"],
                                            "pdq": f"{r['plain']:064x}",
                                            "variants": [f"{h:064x}" for h in r["turned"]] if dih else None})
                if caught[key][r["path"]] and r["near_dih" if dih else "near_plain"] > rad:
                    extra_matches.append({"file": r["path"], "config": key,
                                          "distance": r["near_dih" if dih else "near_plain"]})

    copies = [r for r in recs if r["which"] == "listed" and r["transform"] != "original"]
    names = [n for n in transforms.TRANSFORMS if any(c["transform"] == n for c in copies)]
    fams = [f for f in transforms.FAMILIES if any(c["family"] == f for c in copies)]

    def recall(rows, key):
        return sum(caught[key][r["path"]] for r in rows) / len(rows)

    def exh(rows, dih, rad=31):
        return sum(r["ok_quality"] and r["near_dih" if dih else "near_plain"] <= rad for r in rows) / len(rows)

    per_transform = []
    for n in names:
        rows = [c for c in copies if c["transform"] == n]
        row = {"transform": n, "family": rows[0]["family"], "n": len(rows),
               "plain": _stats([c["own_plain"] for c in rows]), "dih": _stats([c["own_dih"] for c in rows]),
               "low_quality": sum(not c["ok_quality"] for c in rows),
               "recall": {k: recall(rows, k) for k in caught},
               "exh31_plain": exh(rows, False), "exh31_dih": exh(rows, True)}
        per_transform.append(row)
    per_family = []
    for f in fams + ["all"]:
        rows = copies if f == "all" else [c for c in copies if c["family"] == f]
        per_family.append({"family": f, "n": len(rows), "recall": {k: recall(rows, k) for k in caught},
                           "exh31_plain": exh(rows, False), "exh31_dih": exh(rows, True)})

    innocent = [r for r in recs if r["which"] == "innocent"]
    innocent_fm = {k: sum(caught[k][r["path"]] for r in innocent) for k in caught}
    innocent_near = sorted(r["near_dih"] for r in innocent if r["ok_quality"])
    innocent_screenable = sum(r["ok_quality"] for r in innocent)

    # Unrelated originals: all pairs, plain and best of eight turned variants.
    origs = [r for r in recs if r["transform"] == "original"]
    pairs_plain, pairs_dih = [], []
    for a, b in combinations(origs, 2):
        pairs_plain.append(_dist(a["o_plain"], b["o_plain"]))
        pairs_dih.append(min(_dist(h, b["o_plain"]) for h in a["o_turned"]))
    unrelated = {"pairs": len(pairs_plain), "plain": _stats(pairs_plain), "dih": _stats(pairs_dih),
                 "p001_dih": float(np.percentile(pairs_dih, 0.1)), "below_64_dih": sum(d < 64 for d in pairs_dih)}

    improvements = measure_improvements(copies, innocent, listed_oracle, {r["id"]: r["o_plain"] for r in origs})

    random = {}
    for key, v in data.get("random", {}).items():
        random[key] = {"radius": v["radius"], "target": v["target"], "n": v["n"], "matched": v["matched"],
                       "rate": v["matched"] / v["n"]}

    results = {
        "engine": data["engine"], "mode": data["mode"], "target_rate": data["target_rate"],
        "corpus": {"listed": len(listed_ids), "innocent": len(data["manifest"]["innocent"]),
                   "duplicates": len(data["manifest"]["duplicates"]),
                   "low_quality": len(data["manifest"]["low_quality"]),
                   "copies_listed": len(copies), "files_innocent": len(innocent)},
        "per_transform": per_transform, "per_family": per_family,
        "false_negatives": false_negatives, "unasserted_decoder_cases": unasserted,
        "filter_extra_matches": len(extra_matches),
        "innocent": {"files": len(innocent), "screenable": innocent_screenable, "false_matches": innocent_fm,
                     "nearest_min": innocent_near[0] if innocent_near else None,
                     "nearest_p1": float(np.percentile(innocent_near, 1)) if innocent_near else None},
        "random": random, "unrelated": unrelated, "improvements": improvements,
        "decoder_mismatch": {"files": sum(not r["exact"] for r in recs),
                             "png_files": sum(not r["exact"] for r in recs if r["path"].endswith(".png")),
                             "max_bits": max((_dist(r["plain"], r["o_plain"]) for r in recs
                                              if r["plain"] is not None), default=0)},
        "builds": data.get("cli_build", {}),
    }
    (figs / "results.json").write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")
    plots(copies, pairs_dih, innocent_near, fams, figs)
    (out / "EVALUATION.md").write_text(markdown(results, data))
    return results


# Transforms the extra query variants are meant to help with.
TARGETED = ("rot90", "mirror", "exif-phone", "mirror+jpeg70", "rot90+resize0.5", "border5", "letterbox",
            "caption", "thumb256", "resize0.25", "letterbox+thumb256", "jpeg70+resize0.5")


def measure_improvements(copies, innocent, listed, orig_hash):
    """Recall and cost of query-side variant sets, all over oracle hashes."""
    sets = {
        "plain (1 variant)": lambda r: [r["o_plain"]],
        "dihedral from DCT (8)": lambda r: r["o_derived"],
        "dihedral from turned pixels (8)": lambda r: r["o_turned"],
        "turned + border trim (9)": lambda r: r["o_turned"] + [r["o_trim"]],
        "turned + small-image resample (9)": lambda r: r["o_turned"] + [r["o_resample"]],
        "turned + trim + resample (10)": lambda r: r["o_turned"] + [r["o_trim"], r["o_resample"]],
    }
    cost_ms = {
        "plain (1 variant)": lambda r: r["ms"]["plain"],
        "dihedral from DCT (8)": lambda r: r["ms"]["derived"],
        "dihedral from turned pixels (8)": lambda r: r["ms"]["plain"] + r["ms"]["turned7"],
        "turned + border trim (9)": lambda r: r["ms"]["plain"] + r["ms"]["turned7"] + r["ms"]["trim"],
        "turned + small-image resample (9)": lambda r: r["ms"]["plain"] + r["ms"]["turned7"] + r["ms"]["resample"],
        "turned + trim + resample (10)": lambda r: (r["ms"]["plain"] + r["ms"]["turned7"] + r["ms"]["trim"]
                                                     + r["ms"]["resample"]),
    }
    ok = [c for c in copies if c["quality"] >= MIN_QUALITY]
    out = []
    for name, fn in sets.items():
        own = [min(_dist(h, orig_hash[c["id"]]) for h in fn(c) if h is not None) for c in ok]
        inn = [_nearest(fn(r), listed) for r in innocent if r["quality"] >= MIN_QUALITY]
        out.append({"set": name, "variants": len(fn(ok[0])),
                    "recall": {str(rad): sum(d <= rad for d in own) / len(copies) for rad in (8, 12, 16, 31)},
                    "by_transform": {n: sum(d <= 16 for d, c in zip(own, ok) if c["transform"] == n)
                                     / sum(c["transform"] == n for c in copies)
                                     for n in TARGETED if any(c["transform"] == n for c in copies)},
                    "innocent_nearest": min(inn) if inn else None,
                    "ms_mean": float(np.mean([cost_ms[name](c) for c in ok]))})
    return out


def plots(copies, pairs_dih, innocent_near, fams, figs):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    meta = {"Software": None}
    xs = np.arange(0, 41)
    fig, ax = plt.subplots(figsize=(8, 5))
    for f in fams:
        rows = [c for c in copies if c["family"] == f]
        ds = np.array([c["own_dih"] if c["ok_quality"] else 999 for c in rows])
        ax.plot(xs, [(ds <= x).mean() for x in xs], label=f, lw=1.6)
    for rad in (8, 16, 31):
        ax.axvline(rad, color="grey", ls=":", lw=1)
    ax.set_xlabel("radius (bits), best of 8 turned-pixel variants")
    ax.set_ylabel("share of copies caught")
    ax.set_title("Recall by family against radius (quality >= 50)")
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(figs / "recall_by_radius.png", dpi=100, metadata=meta)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(8, 5))
    bins = np.arange(0, 161, 4)
    own = [c["own_dih"] for c in copies]
    ax.hist(own, bins=bins, alpha=0.6, label="copy vs its original (best variant)", density=True)
    ax.hist(pairs_dih, bins=bins, alpha=0.6, label="unrelated photos (best variant)", density=True)
    if innocent_near:
        ax.hist(innocent_near, bins=bins, alpha=0.5, label="innocent file vs nearest listed", density=True)
    ax.set_xlabel("PDQ distance (bits)")
    ax.set_ylabel("density")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(figs / "distance_histogram.png", dpi=100, metadata=meta)
    plt.close(fig)

    names = [n for n in transforms.TRANSFORMS if any(c["transform"] == n for c in copies)]
    fig, ax = plt.subplots(figsize=(9, 10))
    data = [[c["own_dih"] for c in copies if c["transform"] == n] for n in names]
    ax.boxplot(data, vert=False, tick_labels=names, whis=(5, 95), flierprops={"markersize": 2})
    for rad in (8, 16, 31):
        ax.axvline(rad, color="grey", ls=":", lw=1)
    ax.invert_yaxis()
    ax.set_xlabel("distance to original (bits), best of 8 turned variants; whiskers 5-95%")
    ax.grid(alpha=0.3, axis="x")
    fig.tight_layout()
    fig.savefig(figs / "distance_by_transform.png", dpi=100, metadata=meta)
    plt.close(fig)


def structural_problems(results):
    """What eval-smoke asserts: it ran, produced tables, identical copies are caught."""
    problems = []
    if not results["per_transform"] or not results["per_family"]:
        problems.append("no tables")
    ident = [t for t in results["per_transform"] if t["transform"] == "identical"]
    if not ident or ident[0]["exh31_plain"] != 1.0 or ident[0]["exh31_dih"] != 1.0:
        problems.append("identical copies not all within 31 bits (exhaustive)")
    if results["false_negatives"]:
        problems.append(f"{len(results['false_negatives'])} false negatives")
    return problems


def markdown(res, data):
    from report_md import render
    return render(res, data)
