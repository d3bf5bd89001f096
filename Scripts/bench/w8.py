"""W8: planning. The maximal covering location problem (MCLP) of the bench settlements: every settlement a
demand point weighted by its population, a candidate mast at every settlement, a mast covering the
settlements within 6 km (geodesic distance on the WGS84 ellipsoid), budgets of 10 and 50 masts at M and 100 at L.
Qamtu (`qamtu plan villages --ignore-existing`) beside spopt's MCLP solved exactly (PuLP with CBC).

Called by bench.py (`Scripts/bench.sh --only W8`, at the scales of --scale: M and/or L); run as
`python3 w8.py --peer ...` it is the spopt peer process. Method and caveats: Scripts/bench/README.md (W8).

The instance is the same for both: the settlements CSV; pairs within 6 km found here with a k-d tree on
Earth-centred coordinates (chord prefilter) and decided with pyproj's geodesic (Karney) distance; Qamtu
finds its pairs itself with the same exact distance, and the count of pairs it reports must equal ours
(else W8 fails: the instances would differ). spopt gets the instance as a cost matrix (`from_cost_matrix`:
the geodesic distance for pairs within range, 10^9 m elsewhere), 6000 m as its service radius.

- Qamtu: `qamtu plan villages --budget N --range 6km --ignore-existing --db F -o OUT`, wall time of the
  whole process (reading the settlements from the database, pairs, solving, bound, writing GeoJSON), median of
  --runs. Its database (init + import of the settlements CSV) is made once, untimed.
- spopt: one process per run: reading the CSV and finding the pairs (untimed, reported), the dense cost
  matrix (untimed, reported), then timed: `MCLP.from_cost_matrix` (spopt builds PuLP's model) + `solve` with
  PuLP's CBC (`PULP_CBC_CMD`, exact: no gap or time limit). At L it is not run: its dense cost matrix alone is
  100,000 x 100,000 (40 GB as float32) and its model one term per matrix cell.

Goals (issue 21), reported as met or missed: at M, Qamtu's objective >= 99 % of spopt's optimum and Qamtu
>= 10x faster than spopt (model + solve) in the same run; at L, Qamtu finishes with its bound in < 60 s.
"""
from __future__ import annotations

import csv
import json
import os
import statistics
import sys
import time

BUDGETS = {"M": (10, 50), "L": (100,)}
RANGE_M = 6000.0
GOAL_RATIO = 0.99
GOAL_SPEED = 10.0
GOAL_L_SECONDS = 60.0
HERE = os.path.dirname(os.path.abspath(__file__))


def log(message):
    print(message, file=sys.stderr, flush=True)


def csv_path(data, scale):
    return os.path.join(data, f"settlements_{scale}.csv")


# ---------------------------------------------------------------------------------------------
# The instance (shared by the peer process and the check of Qamtu's pair count)


def read_settlements(path):
    import numpy as np
    pops, lons, lats = [], [], []
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            pops.append(int(row["population"] or 0))
            lons.append(float(row["lon"]))
            lats.append(float(row["lat"]))
    return np.array(pops, dtype=np.int64), np.array(lons), np.array(lats)


def earth_centred(lons, lats):
    import numpy as np
    a, f = 6378137.0, 1 / 298.257223563
    e2 = f * (2 - f)
    phi, lam = np.radians(lats), np.radians(lons)
    n = a / np.sqrt(1 - e2 * np.sin(phi) ** 2)
    return np.c_[n * np.cos(phi) * np.cos(lam), n * np.cos(phi) * np.sin(lam), n * (1 - e2) * np.sin(phi)]


def covering_pairs(lons, lats, radius):
    """(demand, candidate, metres) of every pair within `radius` metres (geodesic), both ways, each
    settlement with itself; candidates are the settlements."""
    import numpy as np
    from pyproj import Geod
    from scipy.spatial import cKDTree
    tree = cKDTree(earth_centred(lons, lats))
    # The chord never exceeds the geodesic distance: a chord prefilter loses no pair.
    near = tree.query_pairs(radius * (1 + 1e-9) + 1e-3, output_type="ndarray")
    _, _, dist = Geod(ellps="WGS84").inv(lons[near[:, 0]], lats[near[:, 0]], lons[near[:, 1]], lats[near[:, 1]])
    keep = dist <= radius
    near, dist = near[keep], dist[keep]
    n = len(lons)
    demand = np.r_[np.arange(n), near[:, 0], near[:, 1]]
    candidate = np.r_[np.arange(n), near[:, 1], near[:, 0]]
    metres = np.r_[np.zeros(n), dist, dist]
    return demand, candidate, metres


# ---------------------------------------------------------------------------------------------
# The spopt peer (a process of its own: `python3 w8.py --peer SCALE BUDGET DATA OUT.json`)


def peer_main(scale, budget, data, out_path):
    import numpy as np
    import pulp
    import spopt
    from spopt.locate import MCLP
    result = {"scale": scale, "budget": budget, "spopt": spopt.__version__, "pulp": pulp.__version__}
    t0 = time.perf_counter()
    pops, lons, lats = read_settlements(csv_path(data, scale))
    demand, candidate, metres = covering_pairs(lons, lats, RANGE_M)
    result["pairs"] = int(len(demand))
    t1 = time.perf_counter()
    n = len(pops)
    cost = np.full((n, n), 1e9, dtype=np.float32)
    cost[demand, candidate] = metres.astype(np.float32)
    t2 = time.perf_counter()
    solver = pulp.PULP_CBC_CMD(msg=False)
    model = MCLP.from_cost_matrix(cost, pops.astype(float), service_radius=RANGE_M, p_facilities=budget, name=f"w8_{scale}_{budget}")
    t3 = time.perf_counter()
    model.solve(solver, results=False)
    t4 = time.perf_counter()
    chosen = [j for j, x in enumerate(model.fac_vars) if x.value() is not None and x.value() > 0.5]
    covered = np.zeros(n, dtype=bool)
    chosen_mask = np.zeros(n, dtype=bool)
    chosen_mask[chosen] = True
    covered[demand[chosen_mask[candidate]]] = True
    result.update(status=pulp.LpStatus[model.problem.status], objective=int(pops[covered].sum()),
                  solver_objective=float(pulp.value(model.problem.objective)), masts=len(chosen),
                  instance_s=t1 - t0, matrix_s=t2 - t1, model_s=t3 - t2, solve_s=t4 - t3, timed_s=t4 - t2,
                  solver="PuLP PULP_CBC_CMD " + str(solver.version() if hasattr(solver, "version") else ""))
    with open(out_path, "w") as f:
        json.dump(result, f)


# ---------------------------------------------------------------------------------------------
# The runs


def make_db(runner, qamtu, data, work, scale):
    db = os.path.join(work, f"w8_qamtu_{scale}.sqlite")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    for cmd in ([qamtu, "init", "--db", db], [qamtu, "import", "settlements", csv_path(data, scale), "--db", db]):
        r = runner.run(cmd)
        if r["rc"] != 0:
            raise RuntimeError(f"W8: {' '.join(cmd[1:3])} failed: {(r['stdout'] + r['stderr']).strip()[-600:]}")
    return db


def run_qamtu(runner, qamtu, program_files, db, work, scale, budget, timeout):
    out = os.path.join(work, f"w8_qamtu_{scale}_{budget}.geojson")
    cmd = [qamtu, "plan", "villages", "--budget", str(budget), "--range", "6km", "--technology", "4G",
           "--ignore-existing", "--db", db, "-o", out]
    r = runner.run(cmd, measure=True, warm=[db] + list(program_files), timeout=timeout)
    res = {"ok": r["rc"] == 0, "wall": r["wall"], "rss_kb": r["maxrss_kb"]}
    if r["rc"] != 0:
        res["error"] = f"exit {r['rc']}: {(r['stdout'] + r['stderr']).strip()[-600:]}"
        return res
    with open(out) as f:
        meta = json.load(f)["qamtu"]
    os.remove(out)
    res.update(objective=meta["population"], upper_bound=meta["upper_bound"], optimal=meta["optimal"],
               pairs=meta["pairs_within_range"], masts=meta["masts"], bound_method=meta["bound_method"],
               summary=[line for line in r["stderr"].splitlines() if line.startswith(("Optimal", "Upper"))])
    return res


def run_spopt(runner, data, work, scale, budget, timeout):
    out = os.path.join(work, f"w8_spopt_{scale}_{budget}.json")
    if os.path.exists(out):
        os.remove(out)
    cmd = [sys.executable, os.path.join(HERE, "w8.py"), "--peer", scale, str(budget), data, out]
    r = runner.run(cmd, measure=True, warm=[csv_path(data, scale)], timeout=timeout)
    if r["rc"] != 0 or not os.path.exists(out):
        return {"ok": False, "wall": r["wall"], "rss_kb": r["maxrss_kb"],
                "error": f"exit {r['rc']}: {(r['stdout'] + r['stderr']).strip()[-600:]}"}
    with open(out) as f:
        res = json.load(f)
    os.remove(out)
    res.update(ok=res["status"] == "Optimal", wall=r["wall"], rss_kb=r["maxrss_kb"])
    if not res["ok"]:
        res["error"] = f"PuLP status {res['status']}"
    return res


def peer_available():
    try:
        import pulp  # noqa: F401
        import pyproj  # noqa: F401
        import scipy  # noqa: F401
        import spopt  # noqa: F401
        return True, ""
    except ImportError as e:
        return False, f"not installed ({e.name}); Scripts/bench.sh installs spopt, pulp, scipy and pyproj with pip"


def run(runner, qamtu, data, work, scales, runs, slow, timeout, program_files):
    """Runs W8 at the scales of `scales` that define it; returns the result dict for print_table and the JSON."""
    available, why = peer_available()
    result = {"runs": runs, "rows": [], "goals": [], "checks_ok": True, "qamtu": qamtu,
              "peer": "spopt MCLP (PuLP, CBC)" if available else f"spopt: {why}",
              "loadavg_before": os.getloadavg()}
    for scale in [s for s in scales if s in BUDGETS]:
        log(f"W8 planning, scale {scale}: the settlements' MCLP, candidates at the settlements, 6 km")
        db = make_db(runner, qamtu, data, work, scale)
        ours_pairs = None
        if available:
            import numpy as np  # noqa: F401
            pops, lons, lats = read_settlements(csv_path(data, scale))
            ours_pairs = int(len(covering_pairs(lons, lats, RANGE_M)[0]))
            log(f"  instance: {len(pops):,} settlements, {int(pops.sum()):,} people, {ours_pairs:,} candidate-settlement pairs within 6 km")
        for budget in BUDGETS[scale]:
            row = {"scale": scale, "budget": budget, "qamtu": [], "spopt": [], "notes": []}
            peer_runs = runs if scale != "L" and available else 0
            if scale == "L":
                row["notes"].append("spopt not run at L: its dense cost matrix is 100,000 x 100,000 (40 GB as float32) "
                                    "and its model has a term per matrix cell")
            elif not available:
                row["notes"].append(f"spopt: {why}")
            spopt_slow = False
            for run_no in range(1, max(runs, 1) + 1):
                q = run_qamtu(runner, qamtu, program_files, db, work, scale, budget,
                              timeout=min(timeout, GOAL_L_SECONDS * 5) if scale == "L" else timeout)
                row["qamtu"].append(q)
                if q["ok"]:
                    log(f"  budget {budget:>3} run {run_no}: Qamtu {q['wall']:8.3f} s  objective {q['objective']:>12,}  "
                        f"bound {q['upper_bound']:>12,}{' (optimal)' if q['optimal'] else ''}  pairs {q['pairs']:,}  "
                        f"{q['rss_kb'] / 1024:.0f} MB")
                else:
                    log(f"  budget {budget:>3} run {run_no}: Qamtu FAILED {q['error']}")
                if run_no <= peer_runs and not spopt_slow:
                    p = run_spopt(runner, data, work, scale, budget, timeout)
                    row["spopt"].append(p)
                    if p["ok"]:
                        log(f"  budget {budget:>3} run {run_no}: spopt {p['wall']:8.3f} s process, model {p['model_s']:.2f} s + "
                            f"solve {p['solve_s']:.2f} s  objective {p['objective']:>12,}  ({p['status']}; untimed: pairs "
                            f"{p['instance_s']:.2f} s, matrix {p['matrix_s']:.2f} s)  {p['rss_kb'] / 1024:.0f} MB")
                        spopt_slow = p["timed_s"] > slow
                    else:
                        log(f"  budget {budget:>3} run {run_no}: spopt FAILED {p.get('error', '')[:400]}")
                        spopt_slow = True
            summarise(row, ours_pairs)
            result["rows"].append(row)
            if row.get("failed"):
                result["checks_ok"] = False
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(db + suffix):
                os.remove(db + suffix)
    result["loadavg_after"] = os.getloadavg()
    evaluate(result)
    return result


def summarise(row, ours_pairs):
    qs = [q for q in row["qamtu"] if q["ok"]]
    ps = [p for p in row["spopt"] if p["ok"]]
    row["failed"] = not qs
    if qs:
        row["qamtu_median_s"] = statistics.median(q["wall"] for q in qs)
        last = qs[-1]
        row.update(objective=last["objective"], upper_bound=last["upper_bound"], optimal=last["optimal"],
                   bound_method=last["bound_method"], pairs=last["pairs"],
                   qamtu_rss_mb=max(q["rss_kb"] for q in qs) / 1024)
        if len({q["objective"] for q in qs}) > 1:
            row["notes"].append("Qamtu's objective differs between runs")
            row["failed"] = True
        if ours_pairs is not None and last["pairs"] != ours_pairs:
            row["notes"].append(f"DIFFERENT INSTANCES: Qamtu found {last['pairs']:,} pairs, the peer {ours_pairs:,}")
            row["failed"] = True
    if ps:
        row["spopt_median_s"] = statistics.median(p["timed_s"] for p in ps)
        row["spopt_process_median_s"] = statistics.median(p["wall"] for p in ps)
        row["spopt_model_s"] = statistics.median(p["model_s"] for p in ps)
        row["spopt_solve_s"] = statistics.median(p["solve_s"] for p in ps)
        row["optimum"] = ps[-1]["objective"]
        row["spopt_rss_mb"] = max(p["rss_kb"] for p in ps) / 1024
        row["spopt_version"] = f"spopt {ps[-1]['spopt']}, PuLP {ps[-1]['pulp']}"
        if qs:
            row["ratio_objective"] = row["objective"] / row["optimum"] if row["optimum"] else 1.0
            row["speed_ratio"] = row["spopt_median_s"] / row["qamtu_median_s"]
            row["solve_ratio"] = row["spopt_solve_s"] / row["qamtu_median_s"]
            if row["upper_bound"] < row["optimum"]:
                row["notes"].append(f"BOUND BELOW THE OPTIMUM: {row['upper_bound']:,} < {row['optimum']:,}")
                row["failed"] = True
    elif row["spopt"]:
        row["notes"].append("spopt: " + row["spopt"][-1].get("error", "failed")[:300])


def evaluate(result):
    goals = result["goals"]

    def add(name, met, value):
        goals.append({"goal": name, "met": bool(met), "value": value})

    for row in result["rows"]:
        s, b = row["scale"], row["budget"]
        if s == "L":
            t = row.get("qamtu_median_s")
            add(f"L budget {b}: Qamtu finishes with its bound in < {GOAL_L_SECONDS:g} s", t is not None and t < GOAL_L_SECONDS,
                f"{t:.1f} s" if t is not None else "failed")
            continue
        ratio, speed = row.get("ratio_objective"), row.get("speed_ratio")
        add(f"{s} budget {b}: Qamtu objective >= {GOAL_RATIO:.0%} of spopt's optimum", ratio is not None and ratio >= GOAL_RATIO,
            f"{ratio:.5f}" if ratio is not None else "no peer")
        add(f"{s} budget {b}: Qamtu >= {GOAL_SPEED:g}x faster than spopt", speed is not None and speed >= GOAL_SPEED,
            f"{speed:.1f}x" if speed is not None else "no peer")


def print_table(result, file=sys.stdout):
    w = file.write
    w(f"\nW8 planning: MCLP of the settlements (population weights), candidates at the settlements, 6 km geodesic; "
      f"runs {result['runs']}, median\n")
    w(f"  Qamtu: qamtu plan villages --budget N --range 6km --ignore-existing (whole process); peer: {result['peer']} "
      "from_cost_matrix + solve (in its process; pairs and the cost matrix untimed)\n")
    w("  same instance: the settlements CSV and its pairs within 6 km (WGS84 geodesic); the pair counts are compared\n")
    head = (f"{'scale':<6}{'budget':>7}  {'Qamtu s':>9}{'spopt s':>10}{'x faster':>9}  {'Qamtu objective':>16}"
            f"{'optimum':>14}{'ratio':>9}  {'Qamtu bound':>13}  bound method\n")
    w("\n" + head + "-" * (len(head) + 20) + "\n")
    for r in result["rows"]:
        q = f"{r['qamtu_median_s']:.3f}" if r.get("qamtu_median_s") is not None else "FAILED"
        p = f"{r['spopt_median_s']:.2f}" if r.get("spopt_median_s") is not None else "-"
        x = f"{r['speed_ratio']:.1f}" if r.get("speed_ratio") is not None else "-"
        obj = f"{r['objective']:,}" if r.get("objective") is not None else "-"
        opt = f"{r['optimum']:,}" if r.get("optimum") is not None else "-"
        ratio = f"{r['ratio_objective']:.5f}" if r.get("ratio_objective") is not None else "-"
        bound = f"{r['upper_bound']:,}" if r.get("upper_bound") is not None else "-"
        method = ("optimal: " if r.get("optimal") else "") + r.get("bound_method", "")
        w(f"{r['scale']:<6}{r['budget']:>7}  {q:>9}{p:>10}{x:>9}  {obj:>16}{opt:>14}{ratio:>9}  {bound:>13}  {method}\n")
        if r.get("spopt_median_s") is not None:
            w(f"{'':<15}spopt: model {r['spopt_model_s']:.2f} s + solve {r['spopt_solve_s']:.2f} s "
              f"(CBC's solve alone / Qamtu's whole process: {r['solve_ratio']:.2f}x) "
              f"(process {r['spopt_process_median_s']:.2f} s, {r['spopt_rss_mb']:.0f} MB; {r['spopt_version']}); "
              f"Qamtu {r.get('qamtu_rss_mb', 0):.0f} MB; pairs {r.get('pairs', 0):,}\n")
        for note in r["notes"]:
            w(f"{'':<15}note: {note}\n")
    w("goals (W8): " + "; ".join(f"{g['goal']}: {'ok' if g['met'] else 'MISSED'} ({g['value']})" for g in result["goals"]) + "\n")
    if not result["checks_ok"]:
        w("W8: FAILED: a run failed, the instances differ, or a bound is below the optimum (see above)\n")


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--peer":
        peer_main(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5])
    else:
        print(__doc__)
        sys.exit(64)
