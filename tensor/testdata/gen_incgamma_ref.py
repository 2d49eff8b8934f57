#!/usr/bin/env python3
"""Reference values for tensor/special_incgamma.go, computed with mpmath at 50
digits, and the coefficient table of that file.

Regenerate (only needed when the point lists change) from this directory:

    python3 gen_incgamma_ref.py > incgamma_ref.json

Print the Go coefficient table incgLgamma1pTaylor, checked here against
mpmath:

    python3 gen_incgamma_ref.py coeffs

The tests read incgamma_ref.json and never run Python. Inputs are written as
Python's shortest round-trip repr of a float64 and results with 25
significant digits (or "0"). Every reference value is computed twice, at 50
and at 70 digits, and the two must agree to 1e-25 relative, so that a loss
of precision inside mpmath (gammainc, or the numerical differentiation
behind the derivatives) cannot slip into the table.

Tables (each row: a, x, value):
  GammaIncP, GammaIncQ  the regularised incomplete gamma functions
  GammaIncPDerivA       dP(a, x)/da (mpmath.diff of gammainc)
  StandardGammaGrad     dx/da = -(dP/da)/f(x; a), f the Gamma(a, 1) density:
                        the implicit reparameterisation gradient of a
                        standard gamma draw x, at quantiles of Gamma(a, 1)
and (each row: x, value):
  Log1pmx               log(1+x) - x
  LgammaCorrection      log Γ(a) - ((a-1/2) log a - a + log √(2π))
"""

import json
import math
import sys

import mpmath as mp

mp.mp.dps = 50


def lower(a, x):
    return mp.gammainc(a, 0, x, regularized=True)


def upper(a, x):
    return mp.gammainc(a, x, mp.inf, regularized=True)


# mpmath's lower function (a hypergeometric series) fails to converge for
# large a and x > a: for a ≥ 1 each function is used on its own side of
# x = a, the other side taken as the complement, which is then at least
# about 0.3 (at 50 digits this loses nothing a float64 can hold). For a < 1
# the complement can be tiny on either side (Q(1e-300, 1e-303) ≈ 7e-298),
# so both are computed directly.
def P(a, x):
    return lower(a, x) if x < a or a < 1 else 1 - upper(a, x)


def Q(a, x):
    return upper(a, x) if x >= a or a < 1 else 1 - lower(a, x)


def dPda(a, x):
    # dQ/da = -dP/da; each side differentiates its own function.
    if x < a:
        return mp.diff(lambda t: lower(t, x), a)
    return -mp.diff(lambda t: upper(t, x), a)


def density(a, x):
    return mp.exp((a - 1) * mp.log(x) - x - mp.loggamma(a))


def dxda(a, x):
    return -dPda(a, x) / density(a, x)


def twice(f, *args):
    """f at the float64 args, at 50 and 70 digits; they must agree."""
    with mp.workdps(50):
        v50 = f(*[mp.mpf(t) for t in args])
    with mp.workdps(70):
        v70 = f(*[mp.mpf(t) for t in args])
    if v70 == 0 or mp.isinf(v70):
        assert v50 == v70, (f.__name__, args, v50, v70)
        return v70
    err = abs(v50 / v70 - 1)
    assert err < mp.mpf("1e-25"), (f.__name__, args, v50, v70)
    return v70


def fmt(v):
    if v == 0:
        return "0"
    if mp.isinf(v):
        return "inf" if v > 0 else "-inf"
    return mp.nstr(v, 25)


SHAPES = [1e-300, 1e-10, 1e-3, 0.01, 0.1, 0.3, 0.5, 0.9, 1.0, 1.5, 2.0, 3.7,
          5.0, 9.99, 10.0, 10.5, 20.0, 50.0, 100.0, 170.0, 500.0, 1000.0,
          1e4, 1e5]
ABS_X = [1e-300, 1e-100, 1e-10, 1e-3, 0.1, 0.4, 0.5, 0.9, 1.0, 1.05, 1.1,
         1.5, 2.0, 5.0, 10.0, 30.0, 100.0, 300.0, 700.0, 1000.0]
REL_X = [1e-3, 0.1, 0.5, 0.9, 0.99, 1.0, 1.01, 1.1, 2.0, 5.0, 10.0]
SIGMAS = [-30, -10, -5, -2, -1, -0.3, -0.1, 0.1, 0.3, 1, 2, 5, 10, 20, 37]


def points():
    pts = set()
    for a in SHAPES:
        for x in ABS_X:
            pts.add((a, x))
        for r in REL_X:
            pts.add((a, a * r))
        if a >= 1:
            for k in SIGMAS:
                x = a + k * math.sqrt(a)
                if x > 0:
                    pts.add((a, x))
    return sorted(pts)


def far_tails():
    """Points where P or Q is near 1e-300 (x from a rough root-find)."""
    pts = []
    for a in [0.5, 1.0, 3.7, 10.0, 100.0, 1000.0]:
        for target, f in [(mp.mpf("1e-300"), Q), (mp.mpf("1e-200"), Q), (mp.mpf("1e-300"), P)]:
            with mp.workdps(30):
                lo, hi = mp.mpf(1e-300), mp.mpf(1e6)
                for _ in range(200):  # bisection in log x
                    mid = mp.sqrt(lo * hi)
                    v = f(mp.mpf(a), mid)
                    if (v > target) == (f is Q):
                        lo = mid
                    else:
                        hi = mid
                x = float(mp.sqrt(lo * hi))
            if x > 0:
                pts.append((a, x))
    return pts


def quantile(a, q):
    """x with P(a, x) = q, by bisection in log x (30 digits are plenty)."""
    with mp.workdps(30):
        lo, hi = mp.mpf("1e-320"), mp.mpf(10) * (a + 50)
        for _ in range(400):
            mid = mp.sqrt(lo * hi)
            if P(mp.mpf(a), mid) < q:
                lo = mid
            else:
                hi = mid
        return float(mp.sqrt(lo * hi))


GRAD_SHAPES = [1e-3, 0.01, 0.1, 0.5, 1.0, 2.5, 3.7, 10.0, 100.0, 1000.0, 1e4]
GRAD_QUANTILES = [1e-10, 1e-3, 0.1, 0.3, 0.5, 0.7, 0.9, 0.999, 1 - 1e-10]


def grad_points():
    pts = []
    for a in GRAD_SHAPES:
        for q in GRAD_QUANTILES:
            x = quantile(a, q)
            if x > 1e-300:
                pts.append((a, x))
    return pts


LOG1PMX_X = [-1.0, -0.999, -0.9, -0.6, -0.5, -0.4999, -0.3, -0.1, -1e-3, -1e-8,
             -1e-200, 1e-200, 1e-8, 1e-3, 0.1, 0.5, 0.99, 1.0, 1.01, 3.0, 1e3, 1e300]


def lgamma_correction(a):
    # The difference cancels about log10(a·log a) digits: work with 60 more.
    with mp.extradps(60):
        return +(mp.loggamma(a) - ((a - mp.mpf(1) / 2) * mp.log(a) - a + mp.log(2 * mp.pi) / 2))


def log1pmx(x):
    # log1p(x) - x cancels about -2·log10|x| digits near 0: work with more.
    with mp.extradps(450):
        return +(mp.log1p(x) - x)


def main():
    out = {"GammaIncP": [], "GammaIncQ": [], "GammaIncPDerivA": [], "StandardGammaGrad": []}
    for a, x in points() + far_tails():
        out["GammaIncP"].append([repr(a), repr(x), fmt(twice(P, a, x))])
        out["GammaIncQ"].append([repr(a), repr(x), fmt(twice(Q, a, x))])
    for a, x in grad_points():
        out["GammaIncPDerivA"].append([repr(a), repr(x), fmt(twice(dPda, a, x))])
        out["StandardGammaGrad"].append([repr(a), repr(x), fmt(twice(dxda, a, x))])
    for x in LOG1PMX_X:
        out.setdefault("Log1pmx", []).append([repr(x), fmt(twice(log1pmx, x))])
    for a in [10.0, 10.5, 17.25, 100.0, 1234.5, 1e5, 1e10, 1e20]:
        out.setdefault("LgammaCorrection", []).append([repr(a), fmt(twice(lgamma_correction, a))])
    json.dump(out, sys.stdout, indent=1)
    print()


def coeffs():
    # log Γ(1+a) = -γa + Σ_{k≥2} (-1)^k ζ(k)/k a^k (A&S 6.1.33).
    c = [-mp.euler] + [(-1) ** k * mp.zeta(k) / k for k in range(2, 26)]
    a = mp.mpf("0.2")
    trunc = sum(abs(mp.zeta(k) / k) * a ** k for k in range(26, 80))
    val = abs(mp.loggamma(1 + a))
    assert trunc / val < mp.mpf("1e-18"), trunc / val
    s = sum(ck * a ** (k + 1) for k, ck in enumerate(c))
    assert abs(s / mp.loggamma(1 + a) - 1) < mp.mpf("1e-18")
    print("var incgLgamma1pTaylor = [...]float64{")
    for ck in c:
        print("\t" + mp.nstr(ck, 22) + ",")
    print("}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "coeffs":
        coeffs()
    else:
        main()
