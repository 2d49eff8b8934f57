#!/usr/bin/env python3
"""Reference values for tensor/special.go, computed with mpmath at 50 digits.

Regenerate (only needed when the point lists change) from this directory:

    python3 gen_special_ref.py > special_ref.json

The tests read special_ref.json and never run Python. Inputs are written as
Python's shortest round-trip repr of a float64, so they parse back to the
exact binary value the reference was computed at; results are written with
25 significant digits, or as "0", "inf", "-inf" or "nan" when mpmath's value
is exactly that (the tests require an exact match for those).
"""

import json
import sys

import mpmath as mp

mp.mp.dps = 50

SQRT2 = mp.sqrt(2)


# ---- reference functions; arguments are exact mpf copies of float64s ----

def erfc(x):
    # mpmath's erfc overflows an internal float for |x| ~ 1e300; there the
    # asymptotic series erfc(x) ~ e^{-x²}/(x√π)·(1 - 1/(2x²) + 3/(4x⁴)) is
    # exact to ~1e-36 already for |x| > 1e6.
    if abs(x) <= 1e6:
        return mp.erfc(x)
    ax = abs(x)
    e = mp.exp(-ax * ax) / (ax * mp.sqrt(mp.pi)) * (
        1 - 1 / (2 * ax ** 2) + 3 / (4 * ax ** 4))
    return e if x > 0 else 2 - e


def softplus(x):
    if x > 0:
        return x + mp.log1p(mp.exp(-x))
    return mp.log1p(mp.exp(x))


def ndtr(x):
    return erfc(-x / SQRT2) / 2


def log_ndtr(x):
    if x > 0:
        # log(1 - Φ(-x)); log(Φ(x)) would round Φ(x) to 1 at 50 digits.
        return mp.log1p(-ndtr(-x))
    return mp.log(ndtr(x))


def ndtri(p):
    """Solve Φ(x) = p: bisection to ~1e-15, then Newton on log Φ(x) = log p."""
    if p == 0.5:
        return mp.mpf(0)
    if p == 0 or p == 1:
        return mp.inf if p == 1 else -mp.inf
    t = p if p < 0.5 else 1 - p  # exact: p is a float64
    logt = mp.log(t)
    lo, hi = mp.mpf(-40), mp.mpf(0)  # Φ(-40) < smallest subnormal
    for _ in range(60):
        mid = (lo + hi) / 2
        if log_ndtr(mid) < logt:
            lo = mid
        else:
            hi = mid
    x = (lo + hi) / 2
    for _ in range(8):
        ln = log_ndtr(x)
        # f = log Φ(x) - log t, f' = φ(x)/Φ(x)
        x -= (ln - logt) * mp.exp(ln + x * x / 2 + mp.log(2 * mp.pi) / 2)
    assert abs(log_ndtr(x) - logt) < mp.mpf(10) ** -40 * (1 + abs(logt))
    return x if p < 0.5 else -x


def xlogy(x, y):
    return mp.mpf(0) if x == 0 else x * mp.log(y)


def xlog1py(x, y):
    return mp.mpf(0) if x == 0 else x * mp.log1p(y)


REF = {
    "Log1p": mp.log1p,
    "Expm1": mp.expm1,
    "Softplus": softplus,
    "LogSigmoid": lambda x: -softplus(-x),
    "Sigmoid": lambda x: 1 / (1 + mp.exp(-x)),
    "Erf": mp.erf,
    "Erfc": erfc,
    "Ndtr": ndtr,
    "LogNdtr": log_ndtr,
    "Ndtri": ndtri,
    "XLogY": xlogy,
    "XLog1pY": xlog1py,
}


# ---- points ----

def lin(a, b, n):
    return [a + (b - a) * i / (n - 1) for i in range(n)]


def logs(lo, hi, n):
    """n points spread evenly in log10 between 10**lo and 10**hi."""
    return [10.0 ** (lo + (hi - lo) * i / (n - 1)) for i in range(n)]


def sym(xs):
    return xs + [-x for x in xs]


def around(x, k=2):
    """x and its float64 neighbours up to k ulps away (branch switches)."""
    import math
    out, up, dn = [x], x, x
    for _ in range(k):
        up, dn = math.nextafter(up, math.inf), math.nextafter(dn, -math.inf)
        out += [up, dn]
    return out


TINY = [5e-324, 1e-310, 2.2250738585072014e-308, 1e-300, 1e-200, 1e-100,
        1e-30, 1e-20, 1e-17, 2.0 ** -54, 1e-16, 2.0 ** -53, 1e-12, 1e-9,
        2.0 ** -29, 1e-6, 1e-3]

POINTS = {
    # msun log1p switches at √2/2-1, 2^-29, 2^-54 and 2^53.
    "Log1p": [-1.0, -1 + 2.0 ** -53, -0.9999999, -0.999, -0.9, -0.5,
              -0.2928932188134524, -0.1, 0.0, 0.41421356237309503, 0.5,
              1.0, 2.0, 10.0, 2.0 ** 53, 1e100, 1e300, 1.7976931348623157e308]
    + sym(TINY) + lin(-0.99, 3.0, 40) + logs(-5, 300, 30),
    # msun expm1 switches at ln2/2, 1.5 ln2, 56 ln2 and the overflow.
    "Expm1": [0.0, 0.34657359027997264, -0.34657359027997264,
              1.0397207708399179, -1.0397207708399179, 38.816242111356935,
              -38.816242111356935, 56.0, -56.0, 700.0, 709.78, 709.782712893384,
              -700.0, -745.0, -1e300]
    + sym(TINY) + lin(-40.0, 40.0, 61) + lin(-2.0, 2.0, 41),
    # Softplus switches at 0; Log1p(e^x) = e^x below x ≈ -37.4.
    "Softplus": [-745.0, -744.0, -740.0, -709.0, -708.0, -700.0, -100.0,
                 -40.0, -37.5, -37.0, -36.7, -36.0, -33.3, -20.0, -18.0,
                 0.0, 18.0, 20.0, 33.3, 36.0, 36.7, 37.0, 37.5, 40.0,
                 100.0, 700.0, 709.0, 710.0, 745.0, 800.0, 1e10, 1e300]
    + sym(TINY) + lin(-30.0, 30.0, 61) + lin(-1.0, 1.0, 21),
    "LogSigmoid": [745.0, 744.0, 740.0, 709.0, 708.0, 700.0, 100.0, 40.0,
                   37.5, 37.0, 36.7, 36.0, 20.0, 0.0, -20.0, -36.7, -37.0,
                   -40.0, -100.0, -709.0, -710.0, -745.0, -800.0, -1e10]
    + sym(TINY) + lin(-30.0, 30.0, 61) + lin(-1.0, 1.0, 21),
    "Sigmoid": [-745.0, -744.0, -740.0, -709.0, -708.0, -700.0, -100.0,
                -40.0, -37.0, -36.7, -20.0, 0.0, 20.0, 36.7, 37.0, 40.0,
                100.0, 709.0, 710.0, 745.0, 800.0, -800.0]
    + sym(TINY) + lin(-30.0, 30.0, 61) + lin(-1.0, 1.0, 21),
    # msun erf/erfc switch at 0.84375, 1.25, 1/0.35 and 6 (erf) / 28 (erfc).
    "Erf": [0.0, 0.84375, 1.25, 2.857142857142857, 6.0, 10.0, 1e300]
    + sym(TINY) + sym(lin(0.01, 6.0, 60) + around(0.84375) + around(1.25)
                      + around(2.857142857142857) + around(6.0)),
    "Erfc": [0.0, 0.84375, 1.25, 2.857142857142857, 6.0, 26.0, 26.5, 26.55,
             26.6, 27.0, 27.2, 27.3, 28.0, 30.0, 1e300, -1e300]
    + sym(TINY) + sym(lin(0.01, 6.0, 40)) + lin(6.0, 27.0, 43)
    + around(0.84375) + around(1.25) + around(2.857142857142857)
    + around(6.0) + around(-0.84375) + around(-1.25),
    # Ndtr: erfcSplit corrects for t = -x/√2 ≥ 1 (x ≤ -√2) and switches its
    # ratio formula at t = 26 (x ≈ -36.77); Φ is subnormal below ≈ -37.5.
    "Ndtr": [0.0, -1e300, -41.0, -40.0, -39.0, -38.5, -38.4, -38.0, -37.6,
             -37.5, -37.4, -37.3, -37.0, -36.78, -36.76, -20.0, -10.0,
             -5.0, -3.0, -1.0, 1.0, 3.0, 5.0, 8.0, 8.3, 8.5, 9.0, 10.0, 40.0,
             1e300]
    + sym(TINY) + lin(-38.0, 9.0, 95) + around(-1.4142135623730951)
    + around(-36.76955262170047) + lin(-1.5, 1.5, 31),
    # LogNdtr switches at 0 and -20.
    "LogNdtr": [-1e300, -1e154, -1e100, -1e10, -1e5, -1e3, -100.0, -50.0,
                -40.0, -38.5, -38.0, -37.5, -37.0, -30.0, -25.0, -21.0,
                -19.0, -10.0, -5.0, -1.0, 0.0, 1.0, 5.0, 8.0, 10.0, 20.0, 30.0,
                37.0, 37.5, 38.0, 40.0, 1e300]
    + sym(TINY) + lin(-40.0, 40.0, 81) + around(-20.0) + lin(-1.0, 1.0, 21)
    + [-(10.0 ** e) for e in lin(1.0, 10.0, 19)],
    # Ndtri switches at p = 0.075 and 0.925 (|p - 1/2| = 0.425) and at
    # r = √(-log min(p,1-p)) = 5, i.e. p = e^-25 ≈ 1.389e-11.
    "Ndtri": [0.0, 1.0, 0.5, 0.5 + 2.0 ** -53, 0.5 - 2.0 ** -54, 0.49, 0.51,
              1e-300, 1e-310, 5e-324, 1e-20, 1.3887943864964021e-11,
              0.9999999999999999, 0.999999999999999, 0.99999999, 0.9999,
              0.999, 0.99, 0.975, 0.95, 0.925, 0.92, 0.9, 0.1, 0.08, 0.075,
              0.07, 0.05, 0.025, 0.01]
    + logs(-300, -1.2, 70) + around(0.075) + around(0.925)
    + around(1.3887943864964021e-11) + lin(0.08, 0.92, 43)
    + [1 - 10.0 ** -e for e in range(1, 17)],
}

# The worst points of a dense random search (40000 points per function,
# against this same reference) during development, kept as regressions.
WORST = {
    "Log1p": [1.7893132817486763, 1.7758040049080863],
    "Expm1": [709.661981087167, 709.0195079668183, 1.1121152632689784]
    + around(709.782712893384, 3),
    "Softplus": [-25.407036701376633, -1.9210838325753752],
    "LogSigmoid": [1.752799719130576, 1.782033964152721],
    "Sigmoid": [-30.302451692746537, -11.704726223778835],
    "Erf": [-0.0017715668362050894, 5.692955834305105e-120],
    "Erfc": [0.8434187121833503, 9.9138611588505],
    "Ndtr": [-1.1262976979929649, -1.176417582578365, -37.260588931930634,
             -37.41088692025815, -35.253963692165534, -25.637954957004375],
    "LogNdtr": [1.0991516395347674, 1.1524649625119983],
    "Ndtri": [0.223695595301967, 0.3206935309311736, 0.08411406841462762,
              0.9999999993104508, 2.3212302354509054e-301,
              0.23293120322462876, 1.880003862983766e-10],
}
for name, pts in WORST.items():
    POINTS[name] = POINTS[name] + pts

XLOGY_POINTS = [(0.0, 0.0), (0.0, 1e300), (0.0, 5e-324), (0.0, -1.0),
                (0.0, float("inf")), (1.0, 0.0), (-2.0, 0.0), (1.0, 1.0),
                (3.0, 1.0), (1.0, 1 + 2.0 ** -52), (1.0, 1 - 2.0 ** -53),
                (2.0, 0.5), (0.5, 2.0), (-3.0, 1e-300), (1e300, 2.0),
                (1e-300, 1e-300), (1.0, 5e-324), (7.0, 1.7976931348623157e308),
                (-1.5, 0.999), (2.5, 1.001), (1e-5, 1e5), (123.0, 0.75)]
XLOG1PY_POINTS = [(0.0, 0.0), (0.0, -1.0), (0.0, -2.0), (0.0, 1e300),
                  (1.0, -1.0), (2.0, 0.0), (1.0, 1e-300), (-3.0, 5e-324),
                  (1.0, 2.0 ** -53), (1.0, -2.0 ** -54), (2.0, -0.5),
                  (0.5, 1.0), (-1.5, 1e-5), (1e300, 1e-300), (7.0, 1e300),
                  (1.0, -0.9999999), (2.5, 0.41421356237309503),
                  (-4.0, -0.2928932188134524), (1e-5, 1e5), (123.0, 3.0)]
XLOGY_POINTS.append((-7.7972578000390325, 1.6798234241300989))  # WORST
XLOG1PY_POINTS.append((-7.053290225882625, 0.7648720753896985))  # WORST
for (x, y) in [(a, b) for a in (-2.5, 0.5, 3.0) for b in lin(0.01, 4.0, 12)]:
    XLOGY_POINTS.append((x, y))
    XLOG1PY_POINTS.append((x, y - 1))


def fmt(v):
    if mp.isnan(v):
        return "nan"
    if mp.isinf(v):
        return "inf" if v > 0 else "-inf"
    if v == 0:
        return "0"
    return mp.nstr(v, 25, min_fixed=-5, max_fixed=5)


def main():
    cases = {}
    for name, pts in POINTS.items():
        f = REF[name]
        cases[name] = [[repr(x), fmt(f(mp.mpf(x)))]
                       for x in sorted(set(float(p) for p in pts))]
    for name, pts in (("XLogY", XLOGY_POINTS), ("XLog1pY", XLOG1PY_POINTS)):
        f = REF[name]
        cases[name] = [[repr(x), repr(y), fmt(f(mp.mpf(x), mp.mpf(y)))]
                       for x, y in pts]
    # One case per line keeps diffs readable.
    out = sys.stdout
    out.write("{\n")
    names = list(cases)
    for i, name in enumerate(names):
        out.write("  %s: [\n" % json.dumps(name))
        rows = cases[name]
        for j, row in enumerate(rows):
            out.write("    %s%s\n" % (json.dumps(row), "," if j + 1 < len(rows) else ""))
        out.write("  ]%s\n" % ("," if i + 1 < len(names) else ""))
    out.write("}\n")


if __name__ == "__main__":
    main()
