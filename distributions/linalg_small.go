package distributions

import (
	"fmt"
	"math"

	gt "gorgonia.org/tensor"

	"github.com/seed39ad66a2/tensordist/tensor"
)

// Small dense kernels for the matrix families (LowRankMultivariateNormal,
// Wishart) beyond those of mvn_linalg.go (Cholesky, triangular inverse and
// solves, Gram products, which they reuse): LU with partial pivoting for
// the log |det| and the inverse of a general square matrix, the matrix
// constraints of torch.distributions.constraints with the family named in
// their errors, and two array helpers. Matrices are n×n, row-major,
// float64.

// luFactor overwrites a with its LU factorisation with partial pivoting
// (Doolittle, row interchanges recorded in piv: PA = LU, L unit lower,
// U upper, both stored in a) and returns log|det a| and the sign of det a,
// as torch.linalg.slogdet does. A zero pivot gives log|det| = -Inf and
// sign 0 (the factorisation stops there); NaN entries give NaN.
func luFactor(a []float64, n int, piv []int) (logAbsDet, sign float64) {
	sign = 1
	for k := range n {
		p, big := k, math.Abs(a[k*n+k])
		for i := k + 1; i < n; i++ {
			if v := math.Abs(a[i*n+k]); v > big {
				p, big = i, v
			}
		}
		piv[k] = p
		if big != big { // NaN
			return math.NaN(), math.NaN()
		}
		if big == 0 {
			return math.Inf(-1), 0
		}
		if p != k {
			for j := range n {
				a[k*n+j], a[p*n+j] = a[p*n+j], a[k*n+j]
			}
			sign = -sign
		}
		ukk := a[k*n+k]
		if ukk < 0 {
			sign = -sign
		}
		logAbsDet += tensor.Log(math.Abs(ukk))
		for i := k + 1; i < n; i++ {
			l := a[i*n+k] / ukk
			a[i*n+k] = l
			if l == 0 {
				continue
			}
			ri, rk := a[i*n+k+1:(i+1)*n], a[k*n+k+1:(k+1)*n]
			for j, v := range rk {
				ri[j] -= l * v
			}
		}
	}
	return logAbsDet, sign
}

// luInverse writes a⁻¹ into dst from luFactor's result lu and piv
// (column by column: solve Ly = Pe_j forward, Ux = y backward). dst must
// not alias lu.
func luInverse(lu []float64, n int, piv []int, dst []float64) {
	col := make([]float64, n)
	for j := range n {
		clear(col)
		col[j] = 1
		for k := range n { // apply the interchanges in order
			if p := piv[k]; p != k {
				col[k], col[p] = col[p], col[k]
			}
		}
		for i := range n {
			s := col[i]
			for k, v := range lu[i*n : i*n+i] {
				s -= v * col[k]
			}
			col[i] = s
		}
		for i := n - 1; i >= 0; i-- {
			s := col[i]
			for k := i + 1; k < n; k++ {
				s -= lu[i*n+k] * col[k]
			}
			col[i] = s / lu[i*n+i]
		}
		for i := range n {
			dst[i*n+j] = col[i]
		}
	}
}

// symmetricAt returns the first (i, j) of the n×n matrix a at which torch's
// symmetric constraint fails, isclose(a, aᵀ, rtol=1e-5, atol=1e-6):
// |a_ij - a_ji| <= 1e-6 + 1e-5·|a_ji|, NaN never close, equal infinities
// close; ok is true when there is none.
func symmetricAt(a []float64, n int) (i, j int, ok bool) {
	for i := range n {
		for j := range n {
			v, t := a[i*n+j], a[j*n+i]
			if v == t || math.Abs(v-t) <= 1e-6+1e-5*math.Abs(t) {
				continue
			}
			return i, j, false
		}
	}
	return 0, 0, true
}

// checkSymmetric is the symmetry half of torch's positive_definite on
// every n×n matrix of m, reported as a ConstraintError of kind naming
// family and name at the first entry that is not close to its transpose.
func checkSymmetric(family, name string, m tensor.Value, n int, kind error) error {
	data, err := tensor.Float64s(m)
	if err != nil {
		return err
	}
	for k := 0; k+n*n <= len(data) && n > 0; k += n * n {
		a := data[k : k+n*n]
		if i, j, ok := symmetricAt(a, n); !ok {
			rule := "symmetric (|a_ij - a_ji| <= 1e-6 + 1e-5·|a_ji|)"
			if v := a[i*n+j]; v != v {
				rule = "real (not NaN)"
			}
			return &ConstraintError{Family: family, Name: name, Rule: rule, Got: a[i*n+j], Index: unravel(k+i*n+j, tensor.ShapeOf(m)), Err: kind}
		}
	}
	return nil
}

// checkPositiveDefinite is torch's positive_definite on every n×n matrix
// of m (checkSymmetric, then a Cholesky factorisation of the lower
// triangle succeeds), reported as a ConstraintError of kind (ErrParam for a
// parameter, ErrSupport for a value) naming family and name, at the
// failing entry or pivot.
func checkPositiveDefinite(family, name string, m tensor.Value, n int, kind error) error {
	if err := checkSymmetric(family, name, m, n, kind); err != nil {
		return err
	}
	data, _ := tensor.Float64s(m) // checkSymmetric read it
	l := make([]float64, n*n)
	for k := 0; k+n*n <= len(data) && n > 0; k += n * n {
		if p, s := mvnCholesky(data[k:k+n*n], n, l); p >= 0 {
			return &ConstraintError{
				Family: family, Name: name, Rule: "positive definite (the Cholesky pivot here is not > 0)",
				Got: s, Index: unravel(k+p*n+p, tensor.ShapeOf(m)), Err: kind,
			}
		}
	}
	return nil
}

// checkLowerCholesky is torch's lower_cholesky on every n×n matrix of m:
// zeros above the diagonal, a positive diagonal and (as torch's tril(L) ==
// L fails on it) no NaN below.
func checkLowerCholesky(family, name string, m tensor.Value, n int) error {
	data, err := tensor.Float64s(m)
	if err != nil {
		return err
	}
	for at, v := range data {
		i, j := (at/n)%n, at%n
		rule := ""
		switch {
		case j > i && v != 0:
			rule = "lower triangular (0 above the diagonal)"
		case j == i && !(v > 0):
			rule = "> 0 on the diagonal"
		case j < i && v != v:
			rule = "real (not NaN) below the diagonal"
		}
		if rule != "" {
			return &ConstraintError{Family: family, Name: name, Rule: rule, Got: v, Index: unravel(at, tensor.ShapeOf(m)), Err: ErrParam}
		}
	}
	return nil
}

// castBroadcast returns a float64 result of shape from as an array of dtype
// dt broadcast to shape to (a copy); from broadcasts to to by construction.
func castBroadcast(dt gt.Dtype, a []float64, from, to []int) *tensor.Dense {
	var (
		res *tensor.Dense
		err error
	)
	if dt == tensor.Float32 {
		res, err = tensor.BroadcastTo[float32](fromFloat64s[float32](a, from), to)
	} else {
		res, err = tensor.BroadcastTo[float64](fromFloat64s[float64](a, from), to)
	}
	if err != nil { // cannot happen: shapes were checked at construction and by Expand
		panic(err)
	}
	return res
}

// weights64 returns upstream broadcast to out, widened, or nil for
// ones.
func weights64(family string, dt gt.Dtype, upstream Value, out []int) ([]float64, error) {
	if tensor.IsNil(upstream) {
		return nil, nil
	}
	if upstream.Dtype() != dt {
		return nil, fmt.Errorf("%s: upstream has dtype %v, distribution %v: %w", family, upstream.Dtype(), dt, ErrDType)
	}
	w, err := tensor.Float64s(upstream) // widened, so that one broadcast serves both dtypes
	if err != nil {
		return nil, fmt.Errorf("%s: upstream: %w", family, err)
	}
	t, err := tensor.New(w, tensor.ShapeOf(upstream)...)
	if err != nil {
		return nil, fmt.Errorf("%s: upstream: %w", family, err)
	}
	b, err := tensor.BroadcastTo[float64](t, out)
	if err != nil {
		return nil, fmt.Errorf("%s: upstream: %w", family, err)
	}
	return b.Float64s(), nil
}
