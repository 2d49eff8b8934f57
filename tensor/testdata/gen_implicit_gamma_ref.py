#!/usr/bin/env python3
"""Reference values of StandardGammaGrad (tensor/special_incgamma.go) at
random Gamma draws, computed with mpmath at 50 and 70 digits (which must
agree to 1e-25), with the functions of gen_incgamma_ref.py.

Regenerate from this directory (a few minutes):

    python3 gen_implicit_gamma_ref.py > implicit_gamma_ref.json

Rows are a, x, dx/da. The points are draws x ~ Gamma(a, 1) (Python's
random.gammavariate, seeded) for
  - a ~ U(0.5, 5), the benchmark's distribution (bench/rsample_grad_test.go);
  - log a ~ U(log 1e-3, log 1e4), where the continued fraction and the
    series need from a few to a few hundred terms;
and x = a·(1 + t) for t log-uniform in [1e-6, 1] (either sign), near the
changeover x = a between the series and the continued fraction, where both
converge slowest; and x ~ U(max(a, 1/2), 3/2) for log a ~ U(log 1e-3,
log 1/2), where the continued fraction is longest (up to a few hundred
levels).
"""

import json
import math
import random

import mpmath as mp

from gen_incgamma_ref import dxda, fmt, twice


def points():
    r = random.Random(20261125)
    pts = []
    for _ in range(150):
        a = r.uniform(0.5, 5)
        pts.append((a, r.gammavariate(a, 1)))
    for _ in range(150):
        a = math.exp(r.uniform(math.log(1e-3), math.log(1e4)))
        pts.append((a, r.gammavariate(a, 1)))
    for _ in range(60):
        a = math.exp(r.uniform(math.log(0.5), math.log(1e4)))
        t = math.exp(r.uniform(math.log(1e-6), 0)) * r.choice([-1, 1])
        pts.append((a, a * (1 + t)))
    for _ in range(60):
        a = math.exp(r.uniform(math.log(1e-3), math.log(0.5)))
        pts.append((a, r.uniform(max(a, 0.5), 1.5)))
    return [(a, x) for a, x in pts if x > 1e-300]


def main():
    rows = [[repr(a), repr(x), fmt(twice(dxda, a, x))] for a, x in points()]
    print('{"StandardGammaGrad": [')
    print(",\n".join(json.dumps(r) for r in rows))
    print("]}")


if __name__ == "__main__":
    main()
