#!/usr/bin/env python3
"""Reference values for tensor/special_implicit.go: the implicit
reparameterisation gradients of a Beta(a, b) draw x,

    ga = dx/da = -(dI_x(a, b)/da) / f(x),   gb = dx/db = -(dI_x(a, b)/db) / f(x),

f(x) = x^(a-1) (1-x)^(b-1) / B(a, b) the density, computed with mpmath at 50
digits (and again at 70: the two must agree to 1e-15, the bar of mp.diff).
The derivatives are mp.diff of gen_special_incbeta_ref.py's continued
fraction on the side of the cutoff where it is small; the density is formed in mpmath, so nothing here shares
a line with the Go code.

Regenerate from this directory (a few minutes):

    python3 gen_implicit_ref.py > implicit_ref.json

Rows "Beta": [a, b, x, ga, gb]. Points: a grid of a, b from 1e-3 to 1e4
with x at the mean +- k standard deviations and at fixed tails; draws of
Beta(a, b) for a, b log-uniform in [1e-3, 1e4]; draws for a, b uniform in
[0.5, 5] (the benchmark's range).
"""

import json
import math
import random
import sys

import mpmath as mp

import gen_special_incbeta_ref as ib

mp.mp.dps = 50


def dens(a, b, x):
    lb = mp.loggamma(a) + mp.loggamma(b) - mp.loggamma(a + b)
    return mp.exp((a - 1) * mp.log(x) + (b - 1) * mp.log1p(-x) - lb)


def small_side(a, b, x):
    """I_x(a, b) as +1 times itself below the cutoff (a+1)/(a+b+2), else
    as -1 times its complement (which is the small, accurate side there):
    the derivatives are the same up to that sign, and mp.diff of the small
    side keeps its relative precision in the upper tail."""
    if x > (a + 1) / (a + b + 2):
        return -1, lambda p, q: ib.cf(q, p, 1 - x)
    return 1, lambda p, q: ib.cf(p, q, x)


def ga(a, b, x):
    s, f = small_side(a, b, x)
    return -s * mp.diff(lambda t: f(t, b), a) / dens(a, b, x)


def gb(a, b, x):
    s, f = small_side(a, b, x)
    return -s * mp.diff(lambda t: f(a, t), b) / dens(a, b, x)


GRID = [1e-3, 0.05, 0.3, 0.5, 1.0, 1.7, 2.5, 4.9, 9.75, 10.0, 31.0, 250.0, 1e4]
XS = [1e-300, 1e-20, 1e-8, 1e-3, 0.1, 0.5, 0.9, 0.999, 1 - 2.0 ** -40]


def points():
    pts = []
    for a in GRID:
        for b in GRID:
            for x in sorted(set(XS + ib.around_mean(a, b))):
                pts.append((a, b, x))
    r = random.Random(20261125)
    wide = 0
    while wide < 1200:
        a, b = 10 ** r.uniform(-3, 4), 10 ** r.uniform(-3, 4)
        x = r.betavariate(a, b)
        if 0 < x < 1:
            pts.append((a, b, x))
            wide += 1
    bench = 0
    while bench < 400:
        a, b = r.uniform(0.5, 5), r.uniform(0.5, 5)
        x = r.betavariate(a, b)
        if 0 < x < 1:
            pts.append((a, b, x))
            bench += 1
    return pts


def main():
    rows = []
    for i, (a, b, x) in enumerate(points()):
        va = ib.checked(ga, a, b, x, tol=15)
        vb = ib.checked(gb, a, b, x, tol=15)
        rows.append([repr(a), repr(b), repr(x), ib.fmt(va), ib.fmt(vb)])
        if i % 200 == 0:
            print(i, file=sys.stderr)
    out = sys.stdout
    out.write('{\n  "Beta": [\n')
    for j, row in enumerate(rows):
        out.write("    %s%s\n" % (json.dumps(row), "," if j + 1 < len(rows) else ""))
    out.write("  ]\n}\n")


if __name__ == "__main__":
    main()
