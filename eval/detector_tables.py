"""What the preparations that find a moved picture add (`band`, `frame`,
`deskew`, `screenshot`): recall per transform of their families with and
without them, how exactly each detector finds the picture's rectangle or
angle, how often it fires on unedited photos, and false matches on innocent
files. Used by eval/families.py (a quick run over some families) and by the
full report."""

import numpy as np

import transforms

# Each family, the extra preparation meant for it, and the name `check
# --queries` gives that preparation's query.
DETECTORS = {"bands": ("band", "unbanded"), "frames": ("frame", "unframed"),
             "small-rotation": ("deskew", "deskewed"), "screenshots": ("screenshot", "from-screenshot")}
# A rectangle is accurate when every edge is within this share of its side;
# an angle, within this many degrees.
RECT_TOLERANCE = 0.005
ANGLE_TOLERANCE = 0.25

TRIM_RESAMPLE = ("trimmed", "resampled")


def _before(prep, turn):
    """The queries `check` made before these preparations: the eight turns, trim and resample."""
    return prep == "as-is" or (prep in TRIM_RESAMPLE and turn == "original")


def _with(query):
    """Those queries plus the unturned `query` preparation."""
    return lambda prep, turn: _before(prep, turn) or (prep == query and turn == "original")


def _defaults(prep, turn):
    """Every default preparation (all unturned extras)."""
    return prep == "as-is" or turn == "original"


def _dist(a, b):
    return (int(a, 16) ^ int(b, 16)).bit_count()


def rect_accurate(region, truth):
    """Whether every edge of `region` lies within RECT_TOLERANCE of `truth`'s
    (both left, top, width, height), relative to the true side."""
    left, top, w, h = truth
    edges = (left, top, left + w, top + h)
    got = (region[0], region[1], region[0] + region[2], region[1] + region[3])
    return all(abs(g - e) <= RECT_TOLERANCE * side for g, e, side in zip(got, edges, (w, h, w, h)))


def measure(manifest, jobs, originals, oracle, screened, r12, listed_hex, skew):
    """Tables from one `check --queries` run at r8 with every preparation on
    (`screened`), the r12 filter's answers to the same hashes (`r12`), the
    oracle's hashes, the CLI's listed hashes (by photo id) and the deskew
    detector's angle in degrees (or None) for each small-rotation copy (`skew`)."""
    def caught(path, pred, radius):
        return any(q[3] if radius == 8 else r12[q[2]] for q in screened[path]["queries"] if pred(q[0], q[1]))

    def own_oracle(ident, path):
        o, m = oracle[path], oracle[originals[ident]]
        return min(_dist(h, m["plain"]) for h in o["turned"]) if o["quality"] >= 50 else 999

    copies = [(ident, name, path) for which, ident, name, _m, path in jobs
              if which == "listed" and transforms.TRANSFORMS[name][0] in DETECTORS]
    def family(name):
        return transforms.TRANSFORMS[name][0]

    names = list(dict.fromkeys(name for _i, name, _p in copies))
    groups = [(n, family(n), [c for c in copies if c[1] == n]) for n in names]
    groups += [(f"family {f}", f, [c for c in copies if family(c[1]) == f])
               for f in dict.fromkeys(map(family, names))]
    rows = []
    for group, fam, sel in groups:
        own = _with(DETECTORS[fam][1])
        row = {"transform": group, "preparation": DETECTORS[fam][0], "n": len(sel),
               "exh31": float(np.mean([own_oracle(i, p) <= 31 for i, _n, p in sel]))}
        for label, pred in (("before", _before), ("own", own), ("defaults", _defaults)):
            for radius in (8, 12):
                row[f"{label} r{radius}"] = float(np.mean([caught(p, pred, radius) for _i, _n, p in sel]))
        rows.append(row)

    accuracy = []
    for name in names:
        prep, query = DETECTORS[family(name)]
        fired, first, any_ok = [], [], []
        for ident, n, path in copies:
            if n != name:
                continue
            if name in transforms.TILT:
                angle = skew[path]
                hit = angle is not None and abs(angle - transforms.TILT[name]) <= ANGLE_TOLERANCE
                fired.append(any(q[0] == query for q in screened[path]["queries"]))
                first.append(hit)
                any_ok.append(hit)
                continue
            w, h = oracle[originals[ident]]["size"]
            truth = transforms.GEOMETRY[name](w, h)
            regions = [r for q, r in zip(screened[path]["queries"], screened[path]["regions"])
                       if q[0] == query and q[1] == "original" and r]
            fired.append(bool(regions))
            first.append(bool(regions) and rect_accurate(regions[0], truth))
            any_ok.append(any(rect_accurate(r, truth) for r in regions))
        accuracy.append({"transform": name, "preparation": prep, "n": len(fired),
                         "measure": "angle" if name in transforms.TILT else "rectangle",
                         "fired": float(np.mean(fired)), "first_within": float(np.mean(first)),
                         "any_within": float(np.mean(any_ok))})

    unedited = [p for p in originals.values() if screened[p]["queries"]]
    fires, extra_queries = {}, {}
    for prep, query in DETECTORS.values():
        made = [sum(q[0] == query and q[1] == "original" for q in screened[p]["queries"]) for p in unedited]
        fires[prep] = float(np.mean([m > 0 for m in made]))
        extra_queries[prep] = float(np.mean(made))
    innocent = ([originals[r["id"]] for r in manifest["innocent"]]
                + [p for w, _i, _n, _m, p in jobs if w == "innocent"])
    listed = [h for h in listed_hex.values() if h]
    flagged, nearest = {}, {}
    for label, pred in (("before", _before), ("defaults", _defaults)):
        flagged[label] = {r: sum(caught(p, pred, r) for p in innocent) for r in (8, 12)}
        dists = [_dist(q[2], h) for p in innocent for q in screened[p]["queries"] if pred(q[0], q[1]) for h in listed]
        nearest[label] = min(dists) if dists else None
    return {"rows": rows, "accuracy": accuracy, "fires_unedited": fires, "extra_queries_unedited": extra_queries,
            "unedited_files": len(unedited), "innocent_files": len(innocent), "innocent_flagged": flagged,
            "innocent_nearest": nearest}


def _p(x):
    return f"{100 * x:.1f}"


def markdown(res):
    """The tables as Markdown."""
    lines = ["| transform | preparation | n | trim, resample r8 | r12 | + its preparation r8 | r12 "
             "| every default r8 | r12 | exh31 |", "|---|---|---|---|---|---|---|---|---|---|"]
    for r in res["rows"]:
        cells = " | ".join(f"{_p(r[f'{s} r8'])} | {_p(r[f'{s} r12'])}" for s in ("before", "own", "defaults"))
        lines.append(f"| `{r['transform']}` | {r['preparation']} | {r['n']} | {cells} | {_p(r['exh31'])} |")
    lines += ["", "| transform | preparation | n | fired | first within tolerance | any within tolerance |",
              "|---|---|---|---|---|---|"]
    for a in res["accuracy"]:
        lines.append(f"| `{a['transform']}` | {a['preparation']} ({a['measure']}) | {a['n']} | {_p(a['fired'])} | "
                     f"{_p(a['first_within'])} | {_p(a['any_within'])} |")
    lines += ["", f"Unedited photos ({res['unedited_files']}, listed and innocent masters): "
              + ", ".join(f"{d} fires on {_p(v)}% ({res['extra_queries_unedited'][d]:.3f} extra queries per file)"
                          for d, v in res["fires_unedited"].items()) + ".",
              f"Innocent files ({res['innocent_files']}): "
              + "; ".join(f"{label}: flagged r8 {res['innocent_flagged'][s][8]}, r12 {res['innocent_flagged'][s][12]}, "
                          f"nearest {res['innocent_nearest'][s]} bits"
                          for s, label in (("before", "trim, resample"), ("defaults", "every default")))
              + "."]
    if "cpu" in res:
        lines += ["", "| --extra-variants | files | CPU ms per file |", "|---|---|---|"]
        lines += [f"| {k} | {v['files']} | {v['cpu_ms']:.1f} |" for k, v in res["cpu"].items()]
    return "\n".join(lines)
