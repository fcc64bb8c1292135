"""Tables, checks and plots from the measurements; writes EVALUATION.md."""

import json
from itertools import combinations
from pathlib import Path

import numpy as np

import corpus
import transforms

MIN_QUALITY = 50
EXHAUSTIVE = 31  # what server-side PDQ matchers use
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


# Query sets: which of the queries `check --extra-variants` with every extra
# made count. Each is a predicate on (preparation, turn): the image as it is
# in its eight turns, and the listed extra preparations unturned or turned.
def _with(extras, turned=False):
    return lambda p, t: p == "as-is" or (p in extras and (turned or t == "original"))


DEFAULT_PREPARATIONS = ("trimmed", "resampled", "unbanded", "unframed", "deskewed", "from-screenshot")
QUERY_SETS = {
    "as is (8 turns)": _with(()),
    "+ trim (+1)": _with(("trimmed",)),
    "+ trim, 8 turns (+8)": _with(("trimmed",), True),
    "+ resample (+1)": _with(("resampled",)),
    "+ resample, 8 turns (+8)": _with(("resampled",), True),
    "+ band (+2)": _with(("unbanded",)),
    "+ band, 8 turns (+16)": _with(("unbanded",), True),
    "+ frame (+2)": _with(("unframed",)),
    "+ frame, 8 turns (+16)": _with(("unframed",), True),
    "+ deskew (+1)": _with(("deskewed",)),
    "+ screenshot (+1)": _with(("from-screenshot",)),
    "+ trim + resample (+2)": _with(("trimmed", "resampled")),
    "+ trim + resample, 8 turns (+16)": _with(("trimmed", "resampled"), True),
    "every default preparation (+8)": _with(DEFAULT_PREPARATIONS),
    "every extra, 8 turns (+64)": lambda p, t: True,
}
# The set `check` uses for each `--extra-variants` value (as the Rust screener does).
SET_OF_EXTRAS = {(): "as is (8 turns)", ("trim",): "+ trim (+1)", ("resample",): "+ resample (+1)",
                 ("band",): "+ band (+2)", ("frame",): "+ frame (+2)",
                 ("resample", "trim"): "+ trim + resample (+2)",
                 ("trim", "turned"): "+ trim, 8 turns (+8)", ("resample", "turned"): "+ resample, 8 turns (+8)",
                 ("resample", "trim", "turned"): "+ trim + resample, 8 turns (+16)",
                 ("deskew",): "+ deskew (+1)", ("screenshot",): "+ screenshot (+1)",
                 ("band", "deskew", "frame", "resample", "screenshot", "trim"): "every default preparation (+8)"}


def collect(data):
    """One record per file screened: the queries `check` made, each filter's
    answers to them, and the oracle's hashes."""
    orc = data["oracle"]
    measured = data["cli_check"]["r8-dih"]
    recs = []

    def record(which, ident, name, path):
        o = orc[path]
        c = measured[path]
        queries = [(p, t, _int(h)) for p, t, h, _ in c["queries"]]
        matched = {}
        for key, run in data["cli_check"].items():
            matched[key] = [(p, t, _int(h), m) for p, t, h, m in run[path]["queries"]]
        fam = "original" if name == "original" else transforms.TRANSFORMS[name][0]
        recs.append({"which": which, "id": ident, "transform": name, "family": fam, "path": path,
                     "plain": _int(c["pdq"]), "quality": c["quality"] or 0, "queries": queries,
                     "matched": matched, "ok_quality": bool(queries),
                     "o_plain": _int(o["plain"]), "o_quality": o["quality"],
                     "o_turned": [_int(h) for h in o["turned"]], "o_derived": [_int(h) for h in o["derived"]],
                     "size": o["size"]})

    for which in ("listed", "innocent"):
        for r in data["manifest"][which]:
            record(which, r["id"], "original", data["originals"][r["id"]])
    for which, ident, name, _master, path in data["jobs"]:
        record(which, ident, name, path)
    return recs


def pdq_section(build):
    """The PDQ section of a `build --json` summary."""
    return next(s for s in build["sections"] if s["kind"] == "pdq")


def caught(rec, key, qset):
    """The filter's verdict for `rec` at `key` if `check` had made only the queries in `qset`."""
    pred = QUERY_SETS[qset]
    return any(m for p, t, _h, m in rec["matched"][key] if pred(p, t))


def write(data, out):
    out = Path(out)
    figs = out / "eval"
    figs.mkdir(parents=True, exist_ok=True)
    recs = collect(data)
    by_id = {(r["which"], r["id"], r["transform"]): r for r in recs}
    listed_ids = [r["id"] for r in data["manifest"]["listed"]]
    listed_cli = [_int(h) for h in data["listed_cli"]]
    own_cli = dict(zip(listed_ids, listed_cli))
    own_oracle = {i: by_id[("listed", i, "original")]["o_plain"] for i in listed_ids}
    listed_oracle = list(own_oracle.values())
    radii = list(data["radii"])
    keys = [f"r{r}-{m}" for m in ("plain", "dih") for r in radii]
    default_set = SET_OF_EXTRAS[tuple(sorted(data["default_extras"]))]

    # Oracle distances: of each copy from its own original, and of every file from the list.
    for r in recs:
        r["o_ok"] = r["o_quality"] >= MIN_QUALITY
        r["near_plain"] = _nearest([r["o_plain"]], listed_oracle)
        r["near_dih"] = _nearest(r["o_turned"], listed_oracle)
        if r["which"] == "listed":
            o = own_oracle[r["id"]]
            r["own_plain"] = _dist(r["o_plain"], o)
            r["own_dih"] = min(_dist(h, o) for h in r["o_turned"])
            r["own_derived"] = min(_dist(h, o) for h in r["o_derived"])

    # No false negatives: every query whose hash is within the radius of a
    # listed hash must have matched (exact: these are the hashes the filter saw).
    near_cache = {}

    def near(h):
        if h not in near_cache:
            near_cache[h] = _nearest([h], listed_cli)
        return near_cache[h]

    false_negatives, extra_matches = [], 0
    for r in recs:
        for key in keys:
            rad = int(key.split("-")[0][1:])
            for p, t, h, m in r["matched"][key]:
                d = near(h)
                if d <= rad and not m:
                    false_negatives.append({"file": r["path"], "photo": r["id"], "transform": r["transform"],
                                            "filter": key, "preparation": p, "turn": t, "pdq": f"{h:064x}",
                                            "distance": d})
                extra_matches += m and d > rad

    # The runs with `check`'s defaults must give the verdicts and queries
    # emulated for the default set from the filters' answers.
    default_mismatches = []
    pred = QUERY_SETS[default_set]
    for key, run in data["cli_default"].items():
        for r in recs:
            real = run[r["path"]]
            want = [(p, t, h) for p, t, h, _ in r["matched"][key] if pred(p, t)]
            got = [(p, t, _int(h)) for p, t, h, _ in real["queries"]]
            emulated = caught(r, key, default_set)
            if got != want or (real["verdict"] in ("flag", "block")) != emulated:
                default_mismatches.append({"file": r["path"], "filter": key, "verdict": real["verdict"],
                                           "emulated": emulated})

    copies = [r for r in recs if r["which"] == "listed" and r["transform"] != "original"]
    innocent = [r for r in recs if r["which"] == "innocent"]
    names = [n for n in transforms.TRANSFORMS if any(c["transform"] == n for c in copies)]
    fams = [f for f in transforms.FAMILIES if any(c["family"] == f for c in copies)]

    def recall(rows, key, qset=default_set):
        return sum(caught(r, key, qset) for r in rows) / len(rows)

    def exh(rows, dih, rad=EXHAUSTIVE):
        return sum(r["o_ok"] and (r["own_dih"] if dih else r["own_plain"]) <= rad for r in rows) / len(rows)

    per_transform = []
    for n in names:
        rows = [c for c in copies if c["transform"] == n]
        per_transform.append({
            "transform": n, "family": rows[0]["family"], "n": len(rows),
            "plain": _stats([c["own_plain"] for c in rows]), "dih": _stats([c["own_dih"] for c in rows]),
            "low_quality": sum(not c["ok_quality"] for c in rows),
            "recall": {k: recall(rows, k) for k in keys}, "exh31_plain": exh(rows, False),
            "exh31_dih": exh(rows, True)})
    per_family = []
    for f in fams + ["all"]:
        rows = copies if f == "all" else [c for c in copies if c["family"] == f]
        per_family.append({"family": f, "n": len(rows), "recall": {k: recall(rows, k) for k in keys},
                           "exh31_plain": exh(rows, False), "exh31_dih": exh(rows, True)})

    innocent_near = sorted(r["near_dih"] for r in innocent if r["o_ok"])
    innocent_fm = {k: {s: sum(caught(r, k, s) for r in innocent) for s in QUERY_SETS} for k in keys}

    origs = [r for r in recs if r["transform"] == "original"]
    pairs_plain, pairs_dih = [], []
    for a, b in combinations(origs, 2):
        pairs_plain.append(_dist(a["o_plain"], b["o_plain"]))
        pairs_dih.append(min(_dist(h, b["o_plain"]) for h in a["o_turned"]))
    unrelated = {"pairs": len(pairs_plain), "plain": _stats(pairs_plain), "dih": _stats(pairs_dih),
                 "p001_dih": float(np.percentile(pairs_dih, 0.1)), "below_64_dih": sum(d < 64 for d in pairs_dih)}

    builds = data["cli_build"]
    variants = measure_variants(copies, innocent, origs, own_cli, listed_cli, builds, data)
    dct = dct_versus_turned(copies)

    random = {k: {"radius": v["radius"], "target": v["target"], "n": v["n"], "matched": v["matched"],
                  "rate": v["matched"] / v["n"]} for k, v in data.get("random", {}).items()}

    def mismatch(rows):
        return sum(r["plain"] != r["o_plain"] for r in rows if r["plain"] is not None)

    pngs = [r for r in recs if r["path"].endswith(".png")]
    results = {
        "mode": data["mode"], "target_rate": data["target_rate"], "default_set": default_set,
        "default_extras": list(data["default_extras"]),
        "corpus": {"listed": len(listed_ids), "innocent": len(data["manifest"]["innocent"]),
                   "duplicates": len(data["manifest"]["duplicates"]),
                   "low_quality": len(data["manifest"]["low_quality"]),
                   "copies_listed": len(copies), "files_innocent": len(innocent), "files": len(recs)},
        "per_transform": per_transform, "per_family": per_family,
        "false_negatives": false_negatives, "default_mismatches": default_mismatches,
        "queries_checked": sum(len(r["matched"][k]) for r in recs for k in keys),
        "filter_extra_matches": extra_matches,
        "innocent": {"files": len(innocent), "screenable": sum(r["ok_quality"] for r in innocent),
                     "false_matches": innocent_fm,
                     "nearest_min": innocent_near[0] if innocent_near else None,
                     "nearest_p1": float(np.percentile(innocent_near, 1)) if innocent_near else None},
        "random": random, "unrelated": unrelated, "variants": variants, "dct_vs_turned": dct,
        "detectors": detectors(data),
        "oracle_agreement": {"files": len(recs), "differ": mismatch(recs), "png": len(pngs),
                             "png_differ": mismatch(pngs),
                             "png_turned_differ": sum(
                                 [h for p, t, h in r["queries"] if p == "as-is"] != r["o_turned"]
                                 for r in pngs if r["ok_quality"]),
                             "max_bits": max((_dist(r["plain"], r["o_plain"]) for r in recs
                                              if r["plain"] is not None), default=0)},
        "builds": {k: {f: pdq_section(v)[f] for f in ("probes_per_query", "chunk_widths", "chunk_radii",
                                                      "fingerprint_bits", "expected_false_match_rate")}
                   for k, v in builds.items()},
    }
    (figs / "results.json").write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")
    plots(copies, pairs_dih, innocent_near, fams, figs)
    (out / "EVALUATION.md").write_text(markdown(results, data))
    return results


# Transforms the extra query variants are meant to help with.
TARGETED = ("border5", "letterbox", "letterbox+thumb256", "caption", "thumb256", "resize0.25",
            "band-top12", "band-bottom15", "band-side20", "band-top12+jpeg85", "frame-blur-square",
            "frame-blur-9x16", "frame-noise6", "frame-noise12", "frame-gradient8",
            "resize0.5", "jpeg70+resize0.5", "caption+resize0.5", "rot90+resize0.5",
            "tilt3", "tilt7", "tilt10", "tilt-5", "phone-screenshot", "desktop-screenshot")


def detectors(data):
    """The tables of the preparations that find a moved picture (eval/detector_tables.py)."""
    import detector_tables
    screened = data["cli_check"]["r8-dih"]
    r12 = {h: m for rec in data["cli_check"]["r12-dih"].values() for _p, _t, h, m in rec["queries"]}
    listed_hex = {r["id"]: h for r, h in zip(data["manifest"]["listed"], data["listed_cli"])}
    if not any(transforms.TRANSFORMS[n][0] in detector_tables.DETECTORS for _w, _i, n, _m, _p in data["jobs"]):
        return None
    return detector_tables.measure(data["manifest"], data["jobs"], data["originals"], data["oracle"],
                                   screened, r12, listed_hex, data["skew"])


def measure_variants(copies, innocent, origs, own_cli, listed_cli, builds, data):
    """Per query set: recall through the filter, exhaustive recall over the
    CLI's hashes, false matches, how often the extras fire, queries and probes per file."""
    out = []
    innocent_originals = [r for r in origs if r["which"] == "innocent"]
    for name, pred in QUERY_SETS.items():
        def hashes(r):
            return [h for p, t, h in r["queries"] if pred(p, t)]

        own = [min((_dist(h, own_cli[c["id"]]) for h in hashes(c)), default=999) for c in copies]
        inn = [_nearest(hashes(r), listed_cli) for r in innocent if r["ok_quality"]]
        screened = [r for r in copies + innocent if r["ok_quality"]]
        queries = [len(hashes(r)) for r in screened]
        fires = [len(hashes(r)) > 8 for r in innocent_originals if r["ok_quality"]]
        row = {"set": name,
               "recall": {str(rad): sum(caught(c, f"r{rad}-dih", name) for c in copies) / len(copies)
                          for rad in data["radii"]},
               "exh31": sum(d <= EXHAUSTIVE for d in own) / len(copies),
               "by_transform": {t: sum(caught(c, "r16-dih", name) for c in copies if c["transform"] == t)
                                / sum(c["transform"] == t for c in copies)
                                for t in TARGETED if any(c["transform"] == t for c in copies)},
               "innocent_flagged": {str(rad): sum(caught(r, f"r{rad}-dih", name) for r in innocent)
                                    for rad in data["radii"]},
               "innocent_nearest": min(inn) if inn else None,
               "queries_mean": float(np.mean(queries)), "queries_max": max(queries),
               "fires_innocent_originals": float(np.mean(fires)) if fires else 0.0,
               "probes_mean": {str(rad): float(np.mean(queries)) * pdq_section(builds[f"r{rad}-dih"])["probes_per_query"] / 8
                               for rad in data["radii"]}}
        out.append(row)
    return out


def dct_versus_turned(copies):
    """Exhaustive recall (oracle hashes) of the eight DCT-derived variants against
    the eight computed on turned pixels, and of the plain hash alone."""
    out = {}
    for name, field in (("plain hash only", "own_plain"), ("8 derived from the DCT", "own_derived"),
                        ("8 from turned pixels", "own_dih")):
        out[name] = {str(rad): sum(c["o_ok"] and c[field] <= rad for c in copies) / len(copies)
                     for rad in (8, 12, 16, 31)}
        turned = [c for c in copies if c["family"] == "rotation"]
        out[name]["rotation family, r16"] = sum(c["o_ok"] and c[field] <= 16 for c in turned) / max(1, len(turned))
        out[name]["rotation family, median bits"] = float(np.median([c[field] for c in turned])) if turned else None
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
    if not results["detectors"] or not results["detectors"]["accuracy"]:
        problems.append("no detector tables")
    return problems


def markdown(res, data):
    from report_md import render
    return render(res, data)
