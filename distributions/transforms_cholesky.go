package distributions

import (
	"fmt"
	"math"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// CorrCholeskyTransform maps a real vector of size N = D(D−1)/2 to the
// Cholesky factor of a D×D correlation matrix (torch's
// CorrCholeskyTransform; Stan reference manual, "Cholesky factors of
// correlation matrices"). x fills the strictly lower triangle row by row;
// in row i, with t_j = tanh x_ij and s_j = sech x_ij = √(1 − t_j²),
//
//	y_ij = t_j·Π_{k<j} s_k  (j < i),   y_ii = Π_{k<i} s_k
//	x_ij = atanh(y_ij / √c_j),  c_j = 1 − Σ_{k<j} y_ik²
//	log|det J| = ½ Σ_{j=1}^{i−1} log c_j + Σ_j log(1 − t_j²)
//
// summed over the rows, the Jacobian of the strictly lower triangle of y
// (torch's convention). s_j is sech x, not √(1 − tanh²x), so that rows stay
// exact where tanh rounds to ±1 (torch clamps |t| to 1 − eps instead);
// c_j is a compensated sum. As Σ_j log(1 − t_j²) = log c_i, log|det J| is a
// function of y alone, ½ Σ_{j=1}^{i−1} log c_j + log c_i per row, which is
// what its gradient differentiates.
type CorrCholeskyTransform struct{}

// NewCorrCholeskyTransform returns torch's CorrCholeskyTransform.
func NewCorrCholeskyTransform() *CorrCholeskyTransform { return &CorrCholeskyTransform{} }

func (t *CorrCholeskyTransform) kernel() transformKernel  { return t }
func (t *CorrCholeskyTransform) name() string             { return "corr_cholesky" }
func (t *CorrCholeskyTransform) rule() string             { return corrCholeskyRule }
func (t *CorrCholeskyTransform) domainED() int            { return 1 }
func (t *CorrCholeskyTransform) codomainED() int          { return 2 }
func (t *CorrCholeskyTransform) hasLADJ() bool            { return true }
func (t *CorrCholeskyTransform) bijective() bool          { return true }
func (t *CorrCholeskyTransform) params() []transformParam { return nil }

// DomainEventDim is the number of rightmost input dims that form one event.
func (t *CorrCholeskyTransform) DomainEventDim() int { return 1 }

// CodomainEventDim is the number of rightmost output dims that form one event.
func (t *CorrCholeskyTransform) CodomainEventDim() int { return 2 }

// String is torch's repr of the transform, for logs and messages.
func (t *CorrCholeskyTransform) String() string { return "CorrCholeskyTransform()" }

// Params is empty: the transform has no parameters.
func (t *CorrCholeskyTransform) Params() map[string]*tensor.Dense {
	return map[string]*tensor.Dense{}
}

func (t *CorrCholeskyTransform) equal(o transformKernel) bool {
	_, ok := o.(*CorrCholeskyTransform)
	return ok
}

const corrCholeskyRule = "a correlation Cholesky factor (lower triangular, diagonal > 0, rows of norm 1 ± 1e-4)"

// ForwardShape is (…, N) to (…, D, D) with D(D−1)/2 = N, else ErrShape.
func (t *CorrCholeskyTransform) ForwardShape(s []int) ([]int, error) { return t.forwardShape(s) }

// InverseShape is (…, D, D) to (…, D(D−1)/2).
func (t *CorrCholeskyTransform) InverseShape(s []int) ([]int, error) { return t.inverseShape(s) }

func (t *CorrCholeskyTransform) forwardShape(s []int) ([]int, error) {
	if len(s) < 1 {
		return nil, fmt.Errorf("corr_cholesky transform: input of shape %s has no event dim: %w", shape.Format(s), ErrShape)
	}
	n := s[len(s)-1]
	d := int(math.Round(math.Sqrt(0.25+2*float64(n)) + 0.5))
	if d*(d-1)/2 != n {
		return nil, fmt.Errorf("corr_cholesky transform: input of shape %s: %d is not a triangular number D(D-1)/2: %w", shape.Format(s), n, ErrShape)
	}
	return shape.Concat(s[:len(s)-1], []int{d, d}), nil
}

func (t *CorrCholeskyTransform) inverseShape(s []int) ([]int, error) {
	if len(s) < 2 || s[len(s)-2] != s[len(s)-1] {
		return nil, fmt.Errorf("corr_cholesky transform: input of shape %s is not a batch of square matrices: %w", shape.Format(s), ErrShape)
	}
	d := s[len(s)-1]
	return shape.Concat(s[:len(s)-2], []int{d * (d - 1) / 2}), nil
}

// Forward maps (…, N) to (…, D, D).
func (t *CorrCholeskyTransform) Forward(x *tensor.Dense) (*tensor.Dense, error) {
	return applyTransform(t, x, false)
}

// Inverse maps (…, D, D) to (…, N), reading the strictly lower triangles.
func (t *CorrCholeskyTransform) Inverse(y *tensor.Dense) (*tensor.Dense, error) {
	return applyTransform(t, y, true)
}

// LogAbsDetJacobian is torch's, shaped (…).
func (t *CorrCholeskyTransform) LogAbsDetJacobian(x, y *tensor.Dense) (*tensor.Dense, error) {
	return ladjOf(t, x, y)
}

// tfSech is 1/cosh x: 0 where cosh overflows.
func tfSech(x float64) float64 { return 1 / math.Cosh(x) }

// addSquare adds a² to a compensated sum, a² itself exactly (its rounding
// error recovered with an FMA).
func (a *tfSum) addSquare(v float64) {
	p := v * v
	a.add(p)
	a.add(math.FMA(v, v, -p))
}

func (t *CorrCholeskyTransform) fwd(x []float64, xs []int) ([]float64, []int, error) {
	ys, err := t.forwardShape(xs)
	if err != nil {
		return nil, nil, err
	}
	n, d := xs[len(xs)-1], ys[len(ys)-1]
	y := make([]float64, shape.Size(ys))
	tensor.ForBlocks(shape.Size(xs[:len(xs)-1]), func(_, lo, hi int) {
		for m := lo; m < hi; m++ {
			xm, ym := x[m*n:(m+1)*n], y[m*d*d:(m+1)*d*d]
			for i := range d {
				row, p := xm[i*(i-1)/2:], 1.0
				for j := range i {
					ym[i*d+j] = math.Tanh(row[j]) * p
					p *= tfSech(row[j])
				}
				ym[i*d+i] = p
			}
		}
	})
	return y, ys, nil
}

// ccRemainders writes c_j = 1 − Σ_{k<j} a_k² for j = 0…len(a) into c.
func ccRemainders(a, c []float64) {
	var acc tfSum
	c[0] = 1
	for j, v := range a {
		acc.addSquare(v)
		c[j+1] = acc.oneMinus()
	}
}

// ccRatio is t = a/√c, kept in [−1, 1] where the remainder c has run out
// (c = 0 after rounding, at the boundary of the support): 0/0 is 0 and
// |t| > 1 is ±1, so that x is ±Inf or finite, never NaN.
func ccRatio(a, c float64) float64 {
	if a == 0 {
		return 0
	}
	return max(-1, min(1, a/math.Sqrt(max(c, 0))))
}

func (t *CorrCholeskyTransform) inv(y []float64, ys []int) ([]float64, []int, error) {
	xs, err := t.inverseShape(ys)
	if err != nil {
		return nil, nil, err
	}
	n, d := xs[len(xs)-1], ys[len(ys)-1]
	x := make([]float64, shape.Size(xs))
	tensor.ForBlocks(shape.Size(xs[:len(xs)-1]), func(_, lo, hi int) {
		c := make([]float64, d+1)
		for m := lo; m < hi; m++ {
			xm, ym := x[m*n:(m+1)*n], y[m*d*d:(m+1)*d*d]
			for i := range d {
				a := ym[i*d : i*d+i]
				ccRemainders(a, c)
				for j, v := range a {
					xm[i*(i-1)/2+j] = math.Atanh(ccRatio(v, c[j]))
				}
			}
		}
	})
	return x, xs, nil
}

// ladj is torch's formula: ½ Σ log(1 − cumsum(y²)) over the entries two
// or more left of the diagonal, plus Σ −2(x + softplus(−2x) − log 2).
func (t *CorrCholeskyTransform) ladj(x []float64, xs []int, y []float64) []float64 {
	n := xs[len(xs)-1]
	d := int(math.Round(math.Sqrt(0.25+2*float64(n)) + 0.5))
	out := make([]float64, shape.Size(xs[:len(xs)-1]))
	c := make([]float64, d+1)
	for m := range out {
		xm, ym := x[m*n:(m+1)*n], y[m*d*d:(m+1)*d*d]
		var s float64
		for i := range d {
			ccRemainders(ym[i*d:i*d+i], c)
			for j := 1; j < i; j++ {
				s += 0.5 * tensor.Log(c[j])
			}
		}
		for _, v := range xm {
			s -= 2 * (v + tensor.Softplus(-2*v) - math.Ln2)
		}
		out[m] = s
	}
	return out
}

// ladjY is ½ Σ_{j=1}^{i−1} log c_j + log c_i summed over the rows i: no
// transcendental beyond one log per entry.
func (t *CorrCholeskyTransform) ladjY(y []float64, ys []int) []float64 {
	d := ys[len(ys)-1]
	out := make([]float64, shape.Size(ys[:len(ys)-2]))
	tensor.ForBlocks(len(out), func(_, lo, hi int) {
		c := make([]float64, d+1)
		for m := lo; m < hi; m++ {
			ym := y[m*d*d : (m+1)*d*d]
			var s float64
			for i := 1; i < d; i++ {
				ccRemainders(ym[i*d:i*d+i], c)
				for j := 1; j < i; j++ {
					s += 0.5 * tensor.Log(max(c[j], 0))
				}
				s += tensor.Log(max(c[i], 0))
			}
			out[m] = s
		}
	})
	return out
}

// invVJP, row by row, with a_j = y_ij and c_j as above:
//
//	∂x_k/∂a_k = √c_k/c_{k+1},  ∂x_j/∂a_k = a_j·a_k/(√c_j·c_{j+1}) (k < j)
//	∂L/∂a_k = −a_k·(Σ_{j=k+1}^{i−1} 1/c_j + 2/c_i)
//
// The diagonal and the upper triangle enter neither: their gradient is 0.
func (t *CorrCholeskyTransform) invVJP(x []float64, xs []int, y []float64, ys []int, gx, w []float64, _ [][]float64) []float64 {
	n, d := xs[len(xs)-1], ys[len(ys)-1]
	gy := make([]float64, len(y))
	c := make([]float64, d+1)
	u := make([]float64, d)
	for m := range shape.Size(xs[:len(xs)-1]) {
		ym, gym, gxm := y[m*d*d:(m+1)*d*d], gy[m*d*d:(m+1)*d*d], gx[m*n:(m+1)*n]
		wl := 0.0
		if w != nil {
			wl = w[m]
		}
		for i := 1; i < d; i++ {
			a, g := ym[i*d:i*d+i], gxm[i*(i-1)/2:i*(i-1)/2+i]
			ccRemainders(a, c)
			for j := range a {
				u[j] = 0
				if g[j] != 0 {
					u[j] = g[j] / (math.Sqrt(c[j]) * c[j+1])
				}
			}
			var su, sc float64 // Σ_{j>k} u_j·a_j and Σ_{j=k+1}^{i−1} 1/c_j
			for k := i - 1; k >= 0; k-- {
				v := u[k]*c[k] + a[k]*su
				if wl != 0 {
					v += wl * a[k] * (sc + 2/c[i])
				}
				gym[i*d+k] = v
				su += u[k] * a[k]
				sc += 1 / c[k]
			}
		}
	}
	return gy
}

// fwdVJP, row by row: ∂y_j/∂x_j = s_j²·P_j with P_j = Π_{k<j} s_k, and
// ∂y/∂x_m = −t_m·y for every later entry of the row, the diagonal
// included.
func (t *CorrCholeskyTransform) fwdVJP(x []float64, xs []int, _ []float64, ys []int, gy []float64, _ [][]float64) []float64 {
	n, d := xs[len(xs)-1], ys[len(ys)-1]
	gx := make([]float64, len(x))
	p := make([]float64, d+1)
	for m := range shape.Size(xs[:len(xs)-1]) {
		xm, gxm, gym := x[m*n:(m+1)*n], gx[m*n:(m+1)*n], gy[m*d*d:(m+1)*d*d]
		for i := 1; i < d; i++ {
			row := xm[i*(i-1)/2 : i*(i-1)/2+i]
			p[0] = 1
			for j, v := range row {
				p[j+1] = p[j] * tfSech(v)
			}
			tail := gym[i*d+i] * p[i] // Σ over later entries of gy·y
			for k := i - 1; k >= 0; k-- {
				tk, sk := math.Tanh(row[k]), tfSech(row[k])
				gxm[i*(i-1)/2+k] = gym[i*d+k]*sk*sk*p[k] - tk*tail
				tail += gym[i*d+k] * tk * p[k]
			}
		}
	}
	return gx
}

// violations is Pyro's corr_cholesky check: lower triangular (the upper
// triangle exactly 0), a positive diagonal, and every row of norm within
// 1e-4 of 1 (Pyro's tolerance; torch's is 10·eps·D).
func (t *CorrCholeskyTransform) violations(y []float64, ys []int, bad func(event, elem int, got float64) bool) {
	tfCholViolations(y, ys, true, bad)
}

// tfCholViolations checks each trailing D×D matrix; unitRows adds the row
// norm check of a correlation factor.
func tfCholViolations(y []float64, ys []int, unitRows bool, bad func(event, elem int, got float64) bool) {
	if len(ys) < 2 {
		return
	}
	d := ys[len(ys)-1]
	for m := range shape.Size(ys[:len(ys)-2]) {
		ym := y[m*d*d : (m+1)*d*d]
	rows:
		for i := range d {
			var norm float64
			for j := range d {
				v := ym[i*d+j]
				if (j > i && v != 0) || (j == i && !(v > 0)) || v != v {
					if !bad(m, m*d*d+i*d+j, v) {
						return
					}
					break rows
				}
				norm = math.Hypot(norm, v)
			}
			if unitRows && !(math.Abs(norm-1) <= 1e-4) {
				if !bad(m, m*d*d+i*d, norm) {
					return
				}
				break
			}
		}
	}
}

// LowerCholeskyTransform maps a real square matrix to a lower triangular
// one with a positive diagonal, tril(x, −1) + diag(exp(diag x)) (torch's
// LowerCholeskyTransform, used by transform_to): torch 1.13 gives it no
// log|det J| (it would be Σ diag x), so it has none here either.
type LowerCholeskyTransform struct{}

// NewLowerCholeskyTransform returns torch's LowerCholeskyTransform.
func NewLowerCholeskyTransform() *LowerCholeskyTransform { return &LowerCholeskyTransform{} }

func (t *LowerCholeskyTransform) kernel() transformKernel  { return t }
func (t *LowerCholeskyTransform) name() string             { return "lower_cholesky" }
func (t *LowerCholeskyTransform) rule() string             { return "lower triangular with a positive diagonal" }
func (t *LowerCholeskyTransform) domainED() int            { return 2 }
func (t *LowerCholeskyTransform) codomainED() int          { return 2 }
func (t *LowerCholeskyTransform) hasLADJ() bool            { return false }
func (t *LowerCholeskyTransform) bijective() bool          { return true }
func (t *LowerCholeskyTransform) params() []transformParam { return nil }

// DomainEventDim is the number of rightmost input dims that form one event.
func (t *LowerCholeskyTransform) DomainEventDim() int { return 2 }

// CodomainEventDim is the number of rightmost output dims that form one event.
func (t *LowerCholeskyTransform) CodomainEventDim() int { return 2 }

// String is torch's repr of the transform, for logs and messages.
func (t *LowerCholeskyTransform) String() string { return "LowerCholeskyTransform()" }

// Params is empty: the transform has no parameters.
func (t *LowerCholeskyTransform) Params() map[string]*tensor.Dense {
	return map[string]*tensor.Dense{}
}
func (t *LowerCholeskyTransform) equal(o transformKernel) bool {
	_, ok := o.(*LowerCholeskyTransform)
	return ok
}

// ForwardShape and InverseShape are s itself: square matrices.
func (t *LowerCholeskyTransform) ForwardShape(s []int) ([]int, error) { return t.forwardShape(s) }

// InverseShape is s itself, checked like ForwardShape.
func (t *LowerCholeskyTransform) InverseShape(s []int) ([]int, error) { return t.forwardShape(s) }
func (t *LowerCholeskyTransform) inverseShape(s []int) ([]int, error) { return t.forwardShape(s) }
func (t *LowerCholeskyTransform) forwardShape(s []int) ([]int, error) {
	if len(s) < 2 || s[len(s)-2] != s[len(s)-1] {
		return nil, fmt.Errorf("lower_cholesky transform: input of shape %s is not a batch of square matrices: %w", shape.Format(s), ErrShape)
	}
	return shape.Clone(s), nil
}

// Forward is tril(x, −1) + diag(exp(diag x)).
func (t *LowerCholeskyTransform) Forward(x *tensor.Dense) (*tensor.Dense, error) {
	return applyTransform(t, x, false)
}

// Inverse is tril(y, −1) + diag(log diag y).
func (t *LowerCholeskyTransform) Inverse(y *tensor.Dense) (*tensor.Dense, error) {
	return applyTransform(t, y, true)
}

func (t *LowerCholeskyTransform) fwd(x []float64, xs []int) ([]float64, []int, error) {
	return t.map2(x, xs, math.Exp)
}

func (t *LowerCholeskyTransform) inv(y []float64, ys []int) ([]float64, []int, error) {
	return t.map2(y, ys, tensor.Log)
}

// map2 keeps the strictly lower triangle, maps the diagonal through f and
// zeroes the upper triangle.
func (t *LowerCholeskyTransform) map2(x []float64, xs []int, f func(float64) float64) ([]float64, []int, error) {
	if _, err := t.forwardShape(xs); err != nil {
		return nil, nil, err
	}
	d := xs[len(xs)-1]
	y := make([]float64, len(x))
	for i := range y {
		r, c := (i/d)%d, i%d
		switch {
		case c < r:
			y[i] = x[i]
		case c == r:
			y[i] = f(x[i])
		}
	}
	return y, shape.Clone(xs), nil
}

func (t *LowerCholeskyTransform) ladj([]float64, []int, []float64) []float64 { return nil }

func (t *LowerCholeskyTransform) invVJP([]float64, []int, []float64, []int, []float64, []float64, [][]float64) []float64 {
	return nil // never called: hasLADJ is false, so log_prob refuses first
}

// fwdVJP passes the strictly lower gradient through and scales the
// diagonal's by y_ii = exp(x_ii).
func (t *LowerCholeskyTransform) fwdVJP(x []float64, xs []int, y []float64, _ []int, gy []float64, _ [][]float64) []float64 {
	d := xs[len(xs)-1]
	gx := make([]float64, len(x))
	for i := range gx {
		r, c := (i/d)%d, i%d
		switch {
		case c < r:
			gx[i] = gy[i]
		case c == r && gy[i] != 0:
			gx[i] = gy[i] * y[i]
		}
	}
	return gx
}

func (t *LowerCholeskyTransform) violations(y []float64, ys []int, bad func(event, elem int, got float64) bool) {
	tfCholViolations(y, ys, false, bad)
}
