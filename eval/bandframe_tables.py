"""What the band and frame preparations (`check --extra-variants band,frame`)
add: recall per transform with and without them, how exactly the detectors
find the picture's rectangle, how often they fire on unedited photos, and
false matches on innocent files. Used by eval/bandframe.py (a quick run over
some families) and by the full report."""

import numpy as np

import transforms

# Every extra the measured `check` run makes, unturned.
ALL_EXTRAS = "trim,resample,band,frame"
# A rectangle is accurate when every edge is within this share of its side.
ACCURACY = 0.005

QUERY_SETS = {
    "default": lambda p, t: p == "as-is" or (p in ("trimmed", "resampled") and t == "original"),
    "+ band": lambda p, t: p != "unframed" and (p == "as-is" or t == "original"),
    "+ frame": lambda p, t: p != "unbanded" and (p == "as-is" or t == "original"),
    "+ band + frame": lambda p, t: p == "as-is" or t == "original",
}
DETECTOR = {"bands": "unbanded", "frames": "unframed"}


def _dist(a, b):
    return (int(a, 16) ^ int(b, 16)).bit_count()


def _accurate(region, truth):
    left, top, w, h = truth
    edges = (left, top, left + w, top + h)
    got = (region[0], region[1], region[0] + region[2], region[1] + region[3])
    return all(abs(g - e) <= ACCURACY * side for g, e, side in zip(got, edges, (w, h, w, h)))


def measure(manifest, jobs, originals, oracle, screened, r12, listed_hex):
    """Tables from one `check --queries --extra-variants ALL_EXTRAS` run at r8
    (`screened`), the r12 filter's answers to the same hashes (`r12`), the
    oracle's hashes and the CLI's listed hashes (by photo id)."""
    def caught(path, qset, radius):
        pred = QUERY_SETS[qset]
        qs = [q for q in screened[path]["queries"] if pred(q[0], q[1])]
        return any(q[3] if radius == 8 else r12[q[2]] for q in qs)

    def own_oracle(ident, path):
        o, m = oracle[path], oracle[originals[ident]]
        return min(_dist(h, m["plain"]) for h in o["turned"]) if o["quality"] >= 50 else 999

    copies = [(ident, name, path) for which, ident, name, _m, path in jobs if which == "listed"]
    names = list(dict.fromkeys(name for _i, name, _p in copies if name in transforms.GEOMETRY))
    rows = []
    for group in names + [f"family {f}" for f in dict.fromkeys(transforms.TRANSFORMS[n][0] for n in names)]:
        sel = [c for c in copies if c[1] == group or f"family {transforms.TRANSFORMS[c[1]][0]}" == group]
        row = {"transform": group, "n": len(sel),
               "exh31": float(np.mean([own_oracle(i, p) <= 31 for i, _n, p in sel]))}
        for qset in QUERY_SETS:
            for radius in (8, 12):
                row[f"{qset} r{radius}"] = float(np.mean([caught(p, qset, radius) for _i, _n, p in sel]))
        rows.append(row)

    accuracy = []
    for name in names:
        fam = transforms.TRANSFORMS[name][0]
        if name not in transforms.GEOMETRY or fam not in DETECTOR:
            continue
        fired, first, any_ok = [], [], []
        for ident, n, path in copies:
            if n != name:
                continue
            w, h = oracle[originals[ident]]["size"]
            truth = transforms.GEOMETRY[name](w, h)
            regions = [r for q, r in zip(screened[path]["queries"], screened[path]["regions"])
                       if q[0] == DETECTOR[fam] and r]
            fired.append(bool(regions))
            first.append(bool(regions) and _accurate(regions[0], truth))
            any_ok.append(any(_accurate(r, truth) for r in regions))
        accuracy.append({"transform": name, "detector": DETECTOR[fam], "n": len(fired),
                         "fired": float(np.mean(fired)), "first_within": float(np.mean(first)),
                         "any_within": float(np.mean(any_ok))})

    unedited = [p for p in originals.values() if screened[p]["queries"]]
    fires = {d: float(np.mean([any(q[0] == d for q in screened[p]["queries"]) for p in unedited]))
             for d in DETECTOR.values()}
    extra_queries = {d: float(np.mean([sum(q[0] == d for q in screened[p]["queries"]) for p in unedited]))
                     for d in DETECTOR.values()}
    innocent_ids = {r["id"] for r in manifest["innocent"]}
    innocent = [originals[i] for i in innocent_ids] + [p for w, i, _n, _m, p in jobs if w == "innocent"]
    listed = [h for h in listed_hex.values() if h]
    flagged, nearest = {}, {}
    for qset in QUERY_SETS:
        flagged[qset] = {r: sum(caught(p, qset, r) for p in innocent) for r in (8, 12)}
        pred = QUERY_SETS[qset]
        dists = [_dist(q[2], l) for p in innocent for q in screened[p]["queries"] if pred(q[0], q[1]) for l in listed]
        nearest[qset] = min(dists) if dists else None
    return {"rows": rows, "accuracy": accuracy, "fires_unedited": fires, "extra_queries_unedited": extra_queries,
            "unedited_files": len(unedited), "innocent_files": len(innocent), "innocent_flagged": flagged,
            "innocent_nearest": nearest}


def markdown(res):
    """The tables as Markdown."""
    sets = list(QUERY_SETS)
    head = "| transform | n | " + " | ".join(f"{s} r8 | {s} r12" for s in sets) + " | exh31 |"
    lines = [head, "|" + "---|" * (3 + 2 * len(sets))]
    for r in res["rows"]:
        cells = " | ".join(f"{100 * r[f'{s} r8']:.1f} | {100 * r[f'{s} r12']:.1f}" for s in sets)
        lines.append(f"| `{r['transform']}` | {r['n']} | {cells} | {100 * r['exh31']:.1f} |")
    lines += ["", "| transform | detector | n | fired | first rectangle within 0.5% | any within 0.5% |",
              "|---|---|---|---|---|---|"]
    for a in res["accuracy"]:
        lines.append(f"| `{a['transform']}` | {a['detector']} | {a['n']} | {100 * a['fired']:.1f} | "
                     f"{100 * a['first_within']:.1f} | {100 * a['any_within']:.1f} |")
    lines += ["", f"Unedited photos ({res['unedited_files']}, listed and innocent masters): "
              + ", ".join(f"{d} fires on {100 * v:.1f}% ({res['extra_queries_unedited'][d]:.3f} extra queries per file)"
                          for d, v in res["fires_unedited"].items()) + ".",
              f"Innocent files ({res['innocent_files']}): "
              + "; ".join(f"{s}: flagged r8 {res['innocent_flagged'][s][8]}, r12 {res['innocent_flagged'][s][12]}, "
                          f"nearest {res['innocent_nearest'][s]} bits" for s in sets) + "."]
    if "cpu" in res:
        lines += ["", "| --extra-variants | files | CPU ms per file |", "|---|---|---|"]
        lines += [f"| {k} | {v['files']} | {v['cpu_ms']:.1f} |" for k, v in res["cpu"].items()]
    return "\n".join(lines)
