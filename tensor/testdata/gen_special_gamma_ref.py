#!/usr/bin/env python3
"""Reference values for tensor/special_gamma.go, computed with mpmath at 50
digits, and the derivation of the coefficient tables in that file.

Regenerate (only needed when the point lists change) from this directory:

    python3 gen_special_gamma_ref.py > special_gamma_ref.json

Print the Go coefficient tables of special_gamma.go, each checked here
against mpmath (the script stops on an assertion if a truncation bound is
not met):

    python3 gen_special_gamma_ref.py coeffs

The tests read special_gamma_ref.json and never run Python. As in
gen_special_ref.py, inputs are written as Python's shortest round-trip repr
of a float64 and results with 25 significant digits, or as "0", "inf",
"-inf" or "nan" when the true value is exactly that. Every reference value
is computed twice, at 50 and at 70 digits, and the two must agree to 1e-30
relative (or be the same special value), so a loss of precision inside
mpmath cannot slip into the table.
"""

import json
import math
import sys

import mpmath as mp

mp.mp.dps = 50


# ---- reference functions; arguments are exact mpf copies of float64s ----

def is_nonpos_int(x):
    return x <= 0 and x == mp.floor(x)


def lgamma(x):
    # math.Lgamma's conventions for x <= 0: +Inf at the poles, log|Γ(x)|
    # elsewhere (mpmath's loggamma is complex there; its real part is
    # log|Γ(x)|).
    if is_nonpos_int(x):
        return mp.inf
    return mp.re(mp.loggamma(x))


def digamma(x):
    if is_nonpos_int(x):
        return mp.nan  # pole: the two one-sided limits differ
    if x < 0:
        # Reflection, ψ(x) = ψ(1-x) - π·cot(πx), with 1-x exact and
        # cospi/sinpi reducing x exactly: mpmath's own polygamma recurs
        # from x up to positive arguments, which takes O(|x|) steps.
        return mp.digamma(1 - x) - mp.pi * mp.cospi(x) / mp.sinpi(x)
    return mp.digamma(x)


def trigamma(x):
    if is_nonpos_int(x):
        return mp.inf  # pole: +Inf from both sides
    if x < 0:
        # Reflection, ψ₁(x) = π²/sin²(πx) - ψ₁(1-x) (see digamma).
        return (mp.pi / mp.sinpi(x)) ** 2 - mp.psi(1, 1 - x)
    return mp.psi(1, x)


def besseli_series_m1(nu, x):
    """For x/2 = h: I0(x) - 1 = sum_{k>=1} (h²)^k/(k!)², or
    I1(x)/(x/2) - 1 = sum_{k>=1} (h²)^k/(k!(k+1)!): positive terms, exact
    to working precision for every x (no cancellation, no rounding of 1+u)."""
    y = (x / 2) ** 2
    term = mp.mpf(1)
    s = mp.mpf(0)
    k = 1
    while True:
        term *= y / (k * (k + nu))
        s += term
        if term < s * mp.mpf(10) ** (-mp.mp.dps - 5):
            return s
        k += 1


def log_besseli_asym(nu, x):
    """log I_nu(x) = x - log √(2πx) + log Σ_k (-1)^k a_k(nu)/x^k for large x
    (DLMF 10.40.1, A&S 9.7.1). The terms are summed until they are below
    10^-(dps+5) of the sum; the series is asymptotic, its smallest term is
    about e^-2x, so it is used for x >= 1000 only."""
    mu = 4 * nu * nu
    s = mp.mpf(1)
    term = mp.mpf(1)
    k = 1
    while True:
        term *= -(mu - (2 * k - 1) ** 2) / (k * 8 * x)
        s += term
        if abs(term) < mp.mpf(10) ** (-mp.mp.dps - 5):
            break
        k += 1
        assert k < 200
    return x - mp.log(2 * mp.pi * x) / 2 + mp.log(s)


def log_i0(x):
    x = abs(x)  # I0 is even
    if x == 0:
        return mp.mpf(0)
    if x <= 30:
        return mp.log1p(besseli_series_m1(0, x))
    if x < 1000:
        return mp.log(mp.besseli(0, x))
    return log_besseli_asym(0, x)


def log_i1(x):
    if x < 0:
        return mp.nan
    if x == 0:
        return -mp.inf
    if x <= 30:
        return mp.log(x / 2) + mp.log1p(besseli_series_m1(1, x))
    if x < 1000:
        return mp.log(mp.besseli(1, x))
    return log_besseli_asym(1, x)


def lbeta(a, b):
    """log B(a, b) for a, b > 0 (float64 inputs).

    When q = max(a,b) is more than 1e30 times p = min(a,b), the Taylor
    expansion of log Γ(q+p) about q gives
        log B(p,q) = log Γ(p) - p ψ(q) - p² ψ'(q)/2 + O(p³ ψ''(q)),
    whose remainder is below 1e-60 of the p ψ(q) term. Otherwise it is
    log Γ(p) + log Γ(q) - log Γ(p+q) at a precision large enough for p+q
    to be exact and for the cancellation of the three terms (the caller
    checks by recomputing 20 digits higher)."""
    if a <= 0 or b <= 0:
        return mp.nan
    p, q = min(a, b), max(a, b)
    if q / p > mp.mpf(10) ** 30:
        return mp.loggamma(p) - p * mp.digamma(q) - p * p * mp.psi(1, q) / 2
    extra = int(mp.log10(q / p)) + 1
    with mp.workdps(mp.mp.dps + extra):
        lp = mp.loggamma(p)
        lq = mp.loggamma(q)
        ls = mp.loggamma(p + q)
        big = max(abs(lp), abs(lq), abs(ls))
        v = lp + lq - ls
        lost = 0 if v == 0 else max(0, int(mp.log10(big / abs(v))) + 1)
    if lost:
        with mp.workdps(mp.mp.dps + extra + lost):
            v = mp.loggamma(p) + mp.loggamma(q) - mp.loggamma(p + q)
    return +v


REF1 = {
    "Lgamma": lgamma,
    "Digamma": digamma,
    "Trigamma": trigamma,
    "LogI0": log_i0,
    "LogI1": log_i1,
}


def checked(f, *args):
    """f(*args) at 50 digits, verified against a 70-digit evaluation."""
    xs = [mp.mpf(a) for a in args]
    v = f(*xs)
    with mp.workdps(70):
        w = f(*xs)
    if mp.isnan(v) or mp.isinf(v) or v == 0:
        assert (mp.isnan(v) and mp.isnan(w)) or v == w, (f, args, v, w)
    else:
        assert abs(w - v) <= abs(w) * mp.mpf(10) ** -30, (f, args, v, w)
    return v


# ---- points ----

def lin(a, b, n):
    return [a + (b - a) * i / (n - 1) for i in range(n)]


def logs(lo, hi, n):
    """n points spread evenly in log10 between 10**lo and 10**hi."""
    return [10.0 ** (lo + (hi - lo) * i / (n - 1)) for i in range(n)]


def around(x, k=2):
    """x and its float64 neighbours up to k ulps away (branch switches)."""
    out, up, dn = [x], x, x
    for _ in range(k):
        up, dn = math.nextafter(up, math.inf), math.nextafter(dn, -math.inf)
        out += [up, dn]
    return out


def near(x, lo=1, hi=16):
    """x ± 10^-e for e in [lo, hi]: the approach to a root."""
    return [x + s * 10.0 ** -e for e in range(lo, hi + 1) for s in (1, -1)]


TINY = [5e-324, 1e-310, 2.2250738585072014e-308, 1e-300, 1e-200, 1e-100,
        1e-30, 1e-20, 1e-17, 2.0 ** -54, 1e-16, 2.0 ** -53, 1e-12, 1e-9,
        2.0 ** -29, 1e-6, 1e-3]
HUGE = [1e10, 1e15, 2.0 ** 52, 2.0 ** 53, 1e17, 2.0 ** 58, 1e20, 1e50,
        1e100, 1e200, 1e300, 1e305, 2.55e305, 2.6e305, 1e307,
        1.7976931348623157e308]

# ψ's positive root and the root of I1(x) = 1, as float64.
PSI_ROOT = 1.4616321449683622
I1_ROOT = 1.5183471012143483

# The first negative roots of ψ (one in each (-n-1, -n)), where Digamma's
# reflection cancels completely.
PSI_NEG_ROOTS = [float(mp.findroot(mp.digamma, g))
                 for g in (-0.504, -1.573, -2.61, -3.635, -9.70)]

POINTS = {
    # math.Lgamma (FreeBSD msun) switches at 0.2316, 0.7316, 0.9, 1.2316,
    # 1.7316, 2, 8 and 2^58; Lgamma replaces it on [0.15, 0.25) and
    # [1.15, 1.25), and below 2^-1022 (subnormal x).
    "Lgamma": TINY + HUGE + [0.1, 0.2316, 0.5, 0.7316, 0.9, 1.0, 1.2316,
                             1.4616321449683622, 1.5, 1.7316, 2.0, 2.5, 3.0,
                             5.0, 7.9, 8.0, 10.0, 100.0, 1e3, 1e5]
    + near(1.0) + near(2.0) + around(1.0, 3) + around(2.0, 3)
    + around(0.15) + around(0.25) + around(1.15) + around(1.25)
    + around(0.23163214496836225) + around(1.2316321449683622)
    + lin(0.01, 3.0, 60) + lin(0.15, 0.25, 11) + lin(1.15, 1.25, 11)
    + logs(-300, 300, 30),
    # Digamma: x < 1 shifts up by one, (2, 10) down to [1, 2], x >= 10 is
    # asymptotic; x < 0 reflects.
    "Digamma": TINY + HUGE + [0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 2.5, 3.0, 5.0,
                              7.5, 9.999, 10.0, 10.5, 20.0, 100.0, 1e3, 1e5]
    + near(PSI_ROOT) + around(PSI_ROOT, 4) + around(1.0) + around(2.0)
    + around(10.0) + lin(0.05, 12.0, 60) + lin(1.0, 2.0, 21)
    + logs(-300, 300, 25)
    + [-x for x in [1e-300, 1e-20, 1e-9, 0.1, 0.25, 0.75, 0.9, 1.25, 1.75,
                    2.9, 4.3, 9.75, 10.5, 25.25, 1e3 + 0.25, 1e10 + 0.75,
                    1e15 + 0.5, 2.0 ** 52, 1e20, 1e300]]
    + [-1.0, -2.0, -100.0, -0.5, -1.5, -10.5]
    + [x for r in PSI_NEG_ROOTS for x in around(r, 1) + [r - 1e-3, r + 1e-3]],
    "Trigamma": TINY + HUGE + [0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0, 9.999,
                               10.0, 10.5, 20.0, 100.0, 1e3, 1e5]
    + around(10.0) + lin(0.05, 12.0, 60) + logs(-300, 300, 25)
    + [-x for x in [1e-300, 1e-20, 1e-9, 0.1, 0.25, 0.5, 0.75, 0.9, 1.25,
                    1.5, 2.9, 4.3, 9.75, 10.5, 25.25, 1e3 + 0.25,
                    1e10 + 0.75, 1e15 + 0.5, 2.0 ** 52, 1e20, 1e300]]
    + [-1.0, -2.0, -100.0],
    # LogI0 and LogI1 switch from the series to the scaled expansion at 12;
    # LogI1 has a root at I1_ROOT, with a Taylor expansion within 0.3 of it.
    "LogI0": TINY + HUGE + [0.0, 0.1, 0.5, 1.0, 2.0, 3.75, 5.0, 8.0, 11.99,
                            12.0, 12.01, 15.0, 20.0, 30.0, 50.0, 100.0, 500.0,
                            700.0, 709.0, 710.0, 1e3, 1e4, 1e5, 1e6, 1e8]
    + around(12.0) + lin(0.05, 30.0, 70) + logs(-300, 300, 25)
    + [-1e-300, -0.5, -3.0, -12.0, -1e300],
    "LogI1": TINY + HUGE + [0.1, 0.5, 1.0, 2.0, 3.75, 5.0, 8.0, 11.99, 12.0,
                            12.01, 15.0, 20.0, 30.0, 50.0, 100.0, 500.0,
                            700.0, 709.0, 710.0, 1e3, 1e4, 1e5, 1e6, 1e8]
    + near(I1_ROOT) + around(I1_ROOT, 4) + around(12.0)
    + around(I1_ROOT - 0.3) + around(I1_ROOT + 0.3)
    + lin(0.05, 30.0, 70) + lin(1.2, 1.85, 14) + logs(-300, 300, 25)
    + [-1e-300, -0.5, -3.0],
}

# Lbeta: a grid over the scales, both orders of some pairs, the switches of
# the implementation (min(a,b) and max(a,b) against 10), and points near
# the curve B(a,b) = 1 where log B(a,b) is zero (see the test for the
# tolerance there).
LB_SCALES = [1e-300, 1e-20, 1e-5, 0.1, 0.5, 1.0, 2.0, 5.0, 9.999, 10.0,
             10.001, 30.0, 1e5, 1e20, 1e300]
LBETA_POINTS = [(a, b) for i, a in enumerate(LB_SCALES)
                for b in LB_SCALES[i:]]
LBETA_POINTS += [(3.0, 0.5), (10.0, 2.0), (1e20, 1e-5), (0.3, 7.0),
                 (12.5, 0.75), (1.0, 1.0), (2.0, 2.0), (0.5, 0.5),
                 (1.0, 3.0), (1e300, 1e-300), (7.0, 7.0), (40.0, 40.0),
                 (1e10, 1e10), (1e10, 1.0), (1e15, 2.5), (1e-10, 1e-10),
                 (150.0, 3.5), (3.5, 150.0), (1e6, 1e-6), (0.75, 9.5),
                 (5e-324, 5e-324), (1e-310, 2e-310), (5e-324, 2.5),
                 (1e308, 1e308), (1.7976931348623157e308, 10.0)]
# B(a,b) = 1: b = (√5-1)/2 for a = 2, (1, 1), and Γ(p)/q^p ≈ 1 for small p,
# large q; Lbeta switches at max(a,b) = 3.
LBETA_NEAR_ROOT = [(2.0, 0.6180339887498949), (2.0, 0.618),
                   (2.0, 0.62), (2.0, 0.6), (0.2866, 10.0), (0.29, 10.0),
                   (1.0, 1.0 + 2.0 ** -52), (1.0 - 2.0 ** -53, 1.0),
                   (0.999, 1.001), (1.1, 0.9), (0.52138, 3.0),
                   (0.52138, 2.9999999999999996), (0.5, 3.0),
                   (0.5, 2.9999999999999996), (0.37804, 9.9)]


def lbeta_root_points():
    """Pairs (p, q) within a few ulps of the curve B(p,q) = 1."""
    out = []
    for q in [3.0, 10.0, 1e3, 1e10, 1e100, 1e300]:
        p = mp.findroot(lambda t: lbeta(t, mp.mpf(q)), 0.3 if q < 1e3 else
                        float(mp.lambertw(mp.log(q)) / mp.log(q)))
        out.append((float(p), q))
    return out


# The worst points of a dense random search (40000 points per function,
# against this same reference) during development, kept as regressions.
# For Digamma and Lbeta these include the points of largest error relative
# to the terms' scale (see specialCancelScale in the test).
WORST = {
    "Lgamma": [8.313873895840475, 8.000000005547502, 11.725721448869596],
    "Digamma": [2.018061815100766, 1.0243725835530217, 2.0000389055220444,
                -10.325771023081067, -33.98655516797206, -7.687861283004475,
                -27.759818097309722],
    "Trigamma": [0.4973492413725973, 0.4999826522641482,
                 0.17659045090986158, -10.268459577200732],
    "LogI0": [0.7275348004939927, 0.13798653728556154, 0.032086732175306554],
    "LogI1": [1.2723444770639678, 1.5183431619962386, 1.2690058928682586,
              1.5183471012163243],
}
LBETA_WORST = [(12.793276035665464, 2.5210772836745377e+74),
               (13.072755668083978, 5.26034306143392e+18),
               (4.630601435488412e+107, 4.955520768934889),
               (7.211757396749709, 7.821259867837457e-15),
               (1.0585927507197481, 0.9465555531090729),
               (0.38698497629323203, 8.86810965074612),
               (11.579456759350972, 0.36623707513647863)]


def fmt(v):
    if mp.isnan(v):
        return "nan"
    if mp.isinf(v):
        return "inf" if v > 0 else "-inf"
    if v == 0:
        return "0"
    return mp.nstr(v, 25, min_fixed=-5, max_fixed=5)


def reference():
    cases = {}
    for name, pts in POINTS.items():
        f = REF1[name]
        pts = pts + WORST[name]
        cases[name] = [[repr(x), fmt(checked(f, x))]
                       for x in sorted(set(float(p) for p in pts))]
    pairs = LBETA_POINTS + LBETA_NEAR_ROOT + lbeta_root_points() + LBETA_WORST
    seen, rows = set(), []
    for a, b in pairs:
        if (a, b) in seen:
            continue
        seen.add((a, b))
        rows.append([repr(a), repr(b), fmt(checked(lbeta, a, b))])
    cases["Lbeta"] = rows
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


# ---- coefficients of special_gamma.go ----

def split(v):
    """v as hi + lo: hi the float64 nearest v, lo the float64 nearest the rest."""
    hi = float(v)
    lo = float(v - mp.mpf(hi))
    return hi, lo


def go_table(name, vals, comment):
    print("// %s" % comment)
    print("var %s = [...]float64{" % name)
    for v in vals:
        print("\t%s," % mp.nstr(v, 20, strip_zeros=False, min_fixed=-3, max_fixed=3))
    print("}")
    print()


def chebyshev(f, n):
    """Coefficients c_j of f(t) ≈ c_0/2 + Σ c_j T_j(t) on [-1, 1], by
    interpolation at n Chebyshev nodes."""
    fv = [f(mp.cos(mp.pi * (k + mp.mpf(1) / 2) / n)) for k in range(n)]
    return [2 * mp.fsum(fv[k] * mp.cos(mp.pi * j * (k + mp.mpf(1) / 2) / n)
                        for k in range(n)) / n for j in range(n)]


def cheb_to_monomial(c):
    """Σ' c_j T_j(t) as Σ m_i t^i."""
    T = [[mp.mpf(1)], [mp.mpf(0), mp.mpf(1)]]
    for j in range(2, len(c)):
        a = [mp.mpf(0)] + [2 * v for v in T[j - 1]]
        b = T[j - 2] + [mp.mpf(0)] * (len(a) - len(T[j - 2]))
        T.append([a[i] - b[i] for i in range(len(a))])
    m = [mp.mpf(0)] * len(c)
    for j, cj in enumerate(c):
        w = cj / 2 if j == 0 else cj
        for i, v in enumerate(T[j]):
            m[i] += w * v
    return m


def poly(cs, t):
    return mp.fsum(c * t ** i for i, c in enumerate(cs))


def coeffs():
    mp.mp.dps = 60
    tol = mp.mpf(10) ** -17  # truncation bound: relative, < 0.05 ulp

    # Lgamma: Taylor series of log Γ about c = 1.1875 (exact in binary) for
    # x in [1.15, 1.25): a_0 = log Γ(c), a_1 = ψ(c), a_k = (-1)^k ζ(k,c)/k.
    c = mp.mpf(1.1875)
    n = 14
    a = [mp.loggamma(c), mp.digamma(c)] + [(-1) ** k * mp.zeta(k, c) / k
                                          for k in range(2, n)]
    for x in lin(1.15, 1.25, 401):
        x = mp.mpf(x)
        assert abs(poly(a, x - c) - mp.loggamma(x)) < tol * abs(mp.loggamma(x)), x
    go_table("lgammaTaylor", a,
             "log Γ(1.1875 + t) = Σ lgammaTaylor[k]·t^k, |t| ≤ 0.0625")

    # Digamma on [1, 2]: ψ(x) = ψ(x+2) - 1/x - 1/(x+1), and the Taylor
    # series of ψ(x+2) about the root x0 of ψ, whose radius is x0+2:
    #   ψ(x) = t·(1/(x·x0) + 1/((x+1)(x0+1)) + Σ_{k≥1} q_k t^(k-1)),
    #   t = x - x0,  q_k = ψ^(k)(x0+2)/k! = (-1)^(k+1) ζ(k+1, x0+2).
    x0 = mp.findroot(mp.digamma, mp.mpf(1.46))
    hi, lo = split(x0)
    print("// ψ's positive root x0 = %s" % mp.nstr(x0, 30))
    print("// psiRootHi = %r, psiRootLo = %r" % (hi, lo))
    n = 21
    q = [(-1) ** (k + 1) * mp.zeta(k + 1, x0 + 2) for k in range(1, n + 1)]
    for x in lin(1.0, 2.0, 401):
        x = mp.mpf(x)
        t = x - x0
        if t == 0:
            continue
        full = mp.digamma(x) / t
        approx = 1 / (x * x0) + 1 / ((x + 1) * (x0 + 1)) + poly(q, t)
        assert abs(approx - full) < tol * abs(full), x
    go_table("digammaRootTaylor", q,
             "ψ(x+2) - ψ(x0+2) = t·Σ digammaRootTaylor[k]·t^k, t = x - x0, x in [1, 2]")

    # LogI0, LogI1 for x ≤ 12: the power series in y = x²/4,
    #   I0(x) = 1 + y·Σ y^k/((k+1)!)²,  I1(x) = (x/2)(1 + y·Σ y^k/((k+1)!(k+2)!)).
    y = mp.mpf(36)
    for nu, n in ((0, 26), (1, 25)):
        cs = [1 / (mp.factorial(k + 1) * mp.factorial(k + 1 + nu))
              for k in range(80)]
        assert poly(cs[n:], y) * y ** n < tol * poly(cs, y)
        go_table("besselI%dSeries" % nu, cs[:n],
                 "I%d: Σ besselI%dSeries[k]·y^k, y = x²/4 ≤ 36, truncated below 1e-17 relative"
                 % (nu, nu))

    # LogI0, LogI1 for x > 12: the exponentially scaled √x·e^-x·I_ν(x) as a
    # polynomial in t = 24/x - 1 in [-1, 1): Chebyshev interpolation at 40
    # nodes (the coefficients fall below 1e-18 by degree 17), truncated to
    # 18 terms and expanded in powers of t; the powers' coefficients shrink
    # so fast (Σ|m_i| ≈ the value) that Horner's rule in t is stable.
    for nu in (0, 1):
        def g(t, nu=nu):
            x = 24 / (t + 1)
            return mp.sqrt(x) * mp.exp(-x) * mp.besseli(nu, x)
        ch = chebyshev(g, 40)
        m = cheb_to_monomial(ch[:18])
        assert mp.fsum(abs(v) for v in m) < 1.02 * abs(m[0])
        for x in logs(math.log10(12.0), 6, 400):
            x = mp.mpf(x)
            t = 24 / x - 1
            want = mp.sqrt(x) * mp.exp(-x) * mp.besseli(nu, x)
            assert abs(poly(m, t) - want) < tol * want, x
        go_table("besselI%dScaled" % nu, m,
                 "√x·e^-x·I%d(x) = Σ besselI%dScaled[k]·t^k, t = 24/x - 1, x ≥ 12"
                 % (nu, nu))

    # LogI1 near its root r (I1(r) = 1): with L(x) = log(I1(x)/(x/2)), even
    # and analytic out to the zeros ±3.83i of I1 (radius ≈ 4.1 about r),
    #   log I1(x) = log1p(t/r) + t·Σ_{k≥1} L^(k)(r)/k!·t^(k-1),  t = x - r.
    with mp.workdps(90):
        r = mp.findroot(lambda x: mp.besseli(1, x) - 1, mp.mpf(1.518))
        L = lambda x: mp.log(2 * mp.besseli(1, x) / x)
        tay = mp.taylor(L, r, 16)
    hi, lo = split(r)
    print("// I1's root r = %s (I1(r) = 1)" % mp.nstr(r, 30))
    print("// i1RootHi = %r, i1RootLo = %r" % (hi, lo))
    n = 15
    mcoef = tay[1:n + 1]
    for x in lin(float(r) - 0.3, float(r) + 0.3, 401):
        x = mp.mpf(x)
        t = x - r
        want = mp.log(mp.besseli(1, x))
        got = mp.log1p(t / r) + t * poly(mcoef, t)
        assert abs(got - want) < tol * abs(want), x
    go_table("logI1RootTaylor", mcoef,
             "log(2·I1(x)/x) - log(2/r) = t·Σ logI1RootTaylor[k]·t^k, t = x - r, |t| ≤ 0.3")


if __name__ == "__main__":
    if sys.argv[1:] == ["coeffs"]:
        coeffs()
    else:
        reference()
