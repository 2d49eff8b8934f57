#!/usr/bin/python3
"""Join torch_bench.py records with `go test -bench` output into the
markdown tables of docs/benchmarks.md (standard library only).

    python3 bench/compare.py TORCH.jsonl GO.txt [--also TORCH2.jsonl GO2.txt]

TORCH.jsonl: torch_bench.py --out records (grid section, threads 1 used).
GO.txt: go test -bench output with -count runs; the Go figure of a cell is
the median ns/elem over the runs (benchstat's centre). --also adds a last
column with the torch/Go ratio of another (earlier) pass, headed "pass 1".
"""
import json
import re
import statistics
import sys

OPS = [("log_prob", "LogProb"), ("log_prob_sharedcov", "LogProbSharedCov"),
       ("sample_batch", "Sample"), ("sample_scalar", "SampleScalar"),
       ("rsample_lp_bwd", "RSampleGrad")]
FAMILIES = ["Normal", "Gamma", "Beta", "Poisson", "Binomial", "Bernoulli",
            "Categorical", "Dirichlet", "MultivariateNormal"]
# Benchmarks of the multivariate families carry the family in the
# function name (BenchmarkLogProbDirichlet/Dirichlet/..., and MVN's layout
# as the first level: per-event is torch's log_prob, shared-cov its
# log_prob_sharedcov): CANON maps (function, first level) to (op, family).
CANON = {("LogProbMVN", "per-event"): ("LogProb", "MultivariateNormal"),
         ("LogProbMVN", "shared-cov"): ("LogProbSharedCov", "MultivariateNormal"),
         ("SampleMVN", "per-event"): ("Sample", "MultivariateNormal"),
         ("SampleScalarMVN", "shared-cov"): ("SampleScalar", "MultivariateNormal")}
DTYPES = [("f32", "float32"), ("f64", "float64")]
NS = [(1, "1"), (100, "100"), (10_000, "1e4"), (1_000_000, "1e6")]
LINE = re.compile(r"Benchmark(\w+)/([\w-]+)/(f32|f64)/n=(\d+)(?:-\d+)?\s+\d+\s+[\d.]+ ns/op\s+([\d.]+) ns/elem"
                  r"(?:\s+(\d+) B/op\s+(\d+) allocs/op)?")


def read_go(path):
    runs, allocs = {}, {}
    for line in open(path):
        m = LINE.match(line)
        if m:
            op, fam = CANON.get((m[1], m[2]), (m[1], m[2]))
            if op.endswith(fam) and op != fam:  # LogProbDirichlet/Dirichlet
                op = op[:-len(fam)]
            k = (op, fam, m[3], int(m[4]))
            runs.setdefault(k, []).append(float(m[5]))
            if m[7]:
                allocs[k] = int(m[7])
    return {k: statistics.median(v) for k, v in runs.items()}, allocs


def read_torch(path):
    out = {}
    for line in open(path):
        r = json.loads(line)
        if r.get("section") == "grid" and r.get("threads") == 1:
            out[(r["op"], r["family"], r["dtype"], r["N"])] = r
    return out


def num(x):
    if x >= 1000:
        return f"{x:,.0f}"
    return f"{x:.0f}" if x >= 100 else f"{x:.1f}" if x >= 10 else f"{x:.2f}"


def main():
    args = sys.argv[1:]
    also = None
    if "--also" in args:
        i = args.index("--also")
        also = (read_torch(args[i + 1]), read_go(args[i + 2])[0])
        args = args[:i]
    torch, (go, allocs) = read_torch(args[0]), read_go(args[1])
    for top, gop in OPS:
        print(f"\n### {top} (`Benchmark{gop}`)\n")
        head = "| family | dtype | N | torch ns/elem | Go ns/elem | torch/Go |"
        print(head + (" torch/Go, pass 1 |" if also else ""))
        print("|---|---|---|---|---|---|" + ("---|" if also else ""))
        for fam in FAMILIES:
            for dt, tdt in DTYPES:
                for n, nn in NS:
                    k, tk = (gop, fam, dt, n), (top, fam, tdt, n)
                    if k not in go or tk not in torch:
                        continue
                    r = torch[tk]
                    mark = " †" if r["minflt_per_call"] > 0 else ""
                    row = f"| {fam} | {dt} | {nn} | {num(r['ns_per_element'])}{mark} | {num(go[k])} | {num(r['ns_per_element'] / go[k])} |"
                    if also and tk in also[0] and k in also[1]:
                        row += f" {num(also[0][tk]['ns_per_element'] / also[1][k])} |"
                    print(row)
    print("\n### LogProbInto (Go only, no torch counterpart)\n")
    print("| family | dtype | N | LogProb ns/elem | LogProbInto ns/elem | allocs/op LogProb / LogProbInto |")
    print("|---|---|---|---|---|---|")
    for fam in FAMILIES:
        for dt, _ in DTYPES:
            for n, nn in NS:
                a, b = ("LogProb", fam, dt, n), ("LogProbInto", fam, dt, n)
                if a in go and b in go:
                    print(f"| {fam} | {dt} | {nn} | {num(go[a])} | {num(go[b])} | {allocs.get(a, '?')} / {allocs.get(b, '?')} |")


if __name__ == "__main__":
    main()
