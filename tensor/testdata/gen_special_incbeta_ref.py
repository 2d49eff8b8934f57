#!/usr/bin/env python3
"""Reference values for tensor/special_incbeta.go, computed with mpmath at 50
digits.

Regenerate (only needed when the point lists change) from this directory:

    python3 gen_special_incbeta_ref.py > special_incbeta_ref.json

The tests read special_incbeta_ref.json and never run Python. Inputs are
written as Python's shortest round-trip repr of a float64, results with 25
significant digits, or as "0" when the true value is exactly 0. Every
reference value is computed twice, at 50 and at 70 digits, and the two must
agree to 1e-25 relative, so that a loss of precision inside mpmath cannot
slip into the table.

Rows:
  "BetaInc":  [a, b, x, I_x(a,b), 1 - I_x(a,b)]
  "Deriv":    [a, b, x, dI/da, dI/db]

I_x(a, b) is the continued fraction of DLMF 8.17.22 on the side of the
cutoff (a+1)/(a+b+2) where it converges fast, the other side 1 minus it at
a working precision raised by the digits the subtraction cancels; where
mpmath's own betainc (a hypergeometric series) converges, for a, b <= 250,
the two must agree to 1e-25. The derivatives are mpmath's numerical
derivatives (mp.diff, which raises the working precision to absorb its
step) of the same function.
"""

import json
import math
import sys

import mpmath as mp

mp.mp.dps = 50


def cf(a, b, x):
    """I_x(a, b) from the continued fraction of DLMF 8.17.22 (modified
    Lentz), for x at most the cutoff (a+1)/(a+b+2), where it converges
    geometrically, to the working precision; the sums a+b+m are formed
    with enough digits to be exact."""
    extra = int(abs(mp.log10(a / b))) + 5
    with mp.workdps(mp.mp.dps + extra):
        v = cf_exact(a, b, x)
    return +v


def cf_exact(a, b, x):
    eps = mp.mpf(10) ** -(mp.mp.dps + 5)
    tiny = mp.mpf(10) ** -(2 * mp.mp.dps)
    f, c, d = mp.mpf(1), mp.mpf(1), mp.mpf(0)
    j = 0
    while True:
        j += 1
        m = j // 2
        if j % 2:
            dj = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
        else:
            dj = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
        d = 1 + dj * d
        d = tiny if d == 0 else d
        d = 1 / d
        c = 1 + dj / c
        c = tiny if c == 0 else c
        delta = c * d
        f *= delta
        if abs(delta - 1) < eps:
            break
        assert j < 10 ** 7
    lbeta = mp.loggamma(a) + mp.loggamma(b) - mp.loggamma(a + b)
    return mp.exp(a * mp.log(x) + b * mp.log1p(-x) - mp.log(a) - lbeta) / f


def pair(a, b, x):
    """(I_x(a, b), 1 - I_x(a, b)), each to the working precision: the side
    below the cutoff by the continued fraction, the other as 1 minus it at
    a precision raised by the digits that the subtraction cancels."""
    flip = x > (a + 1) / (a + b + 2)
    side = (lambda: cf(b, a, 1 - x)) if flip else (lambda: cf(a, b, x))
    s = side()
    o = 1 - s
    if o != 0 and abs(o) < mp.mpf(10) ** -10 or o == 0:
        lost = 10 if o == 0 else int(-mp.log10(abs(o))) + 10
        extra = lost
        while True:
            with mp.workdps(mp.mp.dps + extra):
                o = 1 - side()
            if o != 0:
                with mp.workdps(mp.mp.dps + extra + int(-mp.log10(abs(o))) + 10):
                    o = 1 - side()
                break
            extra *= 2
            assert extra < 20000
    return (o, s) if flip else (s, o)


def ibeta(a, b, x):
    return pair(a, b, x)[0]


def ibetac(a, b, x):
    return pair(a, b, x)[1]


def d_a(a, b, x):
    return mp.diff(lambda t: ibeta(t, b, x), a)


def d_b(a, b, x):
    return mp.diff(lambda t: ibeta(a, t, x), b)


def crosscheck(a, b, x, i):
    """mpmath's own betainc (a hypergeometric series), where it converges
    without help: an independent check of the continued fraction."""
    try:
        w = mp.betainc(mp.mpf(a), mp.mpf(b), 0, mp.mpf(x), regularized=True)
    except mp.libmp.NoConvergence:
        return False
    if i == 0 or w == 0:
        return False
    assert abs(w - i) <= abs(i) * mp.mpf(10) ** -25, (a, b, x, i, w)
    return True


def checked(f, *args, tol=25):
    xs = [mp.mpf(v) for v in args]
    v = f(*xs)
    with mp.workdps(70):
        w = f(*xs)
    if v == 0:
        assert w == 0 or abs(w) < mp.mpf(10) ** -400, (f, args, v, w)
    else:
        assert abs(w - v) <= abs(w) * mp.mpf(10) ** -tol, (f.__name__, args, v, w)
    return v


def fmt(v):
    if v == 0:
        return "0"
    return mp.nstr(v, 25, min_fixed=-5, max_fixed=5)


# Parameters from tiny to large, with the switches of the implementation:
# the series for a <= 1 on the working side, Stirling's power term for
# min(a, b) >= 10.
PARAMS = [1e-300, 1e-10, 1e-3, 0.05, 0.5, 1.0, 1.5, 2.5, 9.75, 10.0, 31.0,
          250.0, 1e4, 1e5]

# Fixed x: both tails, the middle, and the float64 neighbourhood of 1.
XS = [5e-300, 1e-100, 1e-20, 1e-8, 1e-3, 0.1, 0.5, 0.9, 0.999,
      0.99999999, 1 - 2.0 ** -40]


def around_mean(a, b):
    """x at the mean plus k standard deviations, where samples fall."""
    a, b = mp.mpf(a), mp.mpf(b)
    m = a / (a + b)
    sd = mp.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))
    out = []
    for k in (-10, -4, -1, 0, 1, 4, 10):
        v = float(m + k * sd)
        if 0 < v < 1:
            out.append(v)
    return out


def rows_betainc():
    rows = []
    for a in PARAMS:
        for b in PARAMS:
            for x in sorted(set(XS + around_mean(a, b))):
                i = checked(ibeta, a, b, x)
                c = checked(ibetac, a, b, x)
                if a <= 250 and b <= 250:
                    crosscheck(a, b, x, i)
                rows.append([repr(a), repr(b), repr(x), fmt(i), fmt(c)])
        print("BetaInc a =", a, file=sys.stderr)
    # (a+1)/(a+b+2), the cutoff between the two sides, and its neighbours.
    for a, b in [(2.0, 3.0), (0.7, 5.0), (20.0, 30.0), (1.0, 1.0), (0.5, 0.5)]:
        cut = (a + 1) / (a + b + 2)
        for x in (cut, math.nextafter(cut, 0), math.nextafter(cut, 1)):
            rows.append([repr(a), repr(b), repr(x),
                         fmt(checked(ibeta, a, b, x)), fmt(checked(ibetac, a, b, x))])
    return rows


DPARAMS = [1e-3, 0.05, 0.5, 1.0, 2.5, 9.75, 10.0, 31.0, 250.0, 1e4]


def rows_deriv():
    rows = []
    for a in DPARAMS:
        for b in DPARAMS:
            xs = around_mean(a, b) + [1e-20, 0.1, 0.9]
            for x in sorted(set(xs)):
                da = checked(d_a, a, b, x, tol=15)
                db = checked(d_b, a, b, x, tol=15)
                rows.append([repr(a), repr(b), repr(x), fmt(da), fmt(db)])
    return rows


def main():
    cases = {"BetaInc": rows_betainc(), "Deriv": rows_deriv()}
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
