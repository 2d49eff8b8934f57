package distributions

import (
	"fmt"
	"math"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// StickBreakingTransform maps a real K-vector to the (K+1)-simplex by
// breaking a stick (torch's StickBreakingTransform): with offsets
// x'_i = x_i − log(K+1−i), i = 1…K,
//
//	z_i = σ(x'_i),  y_i = z_i·Π_{j<i}(1 − z_j),  y_{K+1} = Π_j (1 − z_j)
//	x_i = log y_i − log(1 − Σ_{j≤i} y_j) + log(K+1−i)
//	log|det J| = Σ_i [log σ(−x'_i) + log y_i]   (Jacobian of y_1…y_K)
//
// 1 − z_j is computed as σ(−x'_j) and 1 − Σ y_j with a compensated sum, so
// neither direction clamps as torch does: a zero remainder gives x = +Inf,
// an empty piece x = −Inf (also at a vertex, where torch's clamp gives the
// same −Inf rather than log 0 − log 0).
// Written in y alone, log|det J| = Σ_{i≤K} log y_i + log(1 − Σ_{i≤K} y_i),
// which is what its gradient differentiates.
type StickBreakingTransform struct{}

// NewStickBreakingTransform returns torch's StickBreakingTransform.
func NewStickBreakingTransform() *StickBreakingTransform { return &StickBreakingTransform{} }

func (t *StickBreakingTransform) kernel() transformKernel  { return t }
func (t *StickBreakingTransform) name() string             { return "stick_breaking" }
func (t *StickBreakingTransform) rule() string             { return "simplex" }
func (t *StickBreakingTransform) domainED() int            { return 1 }
func (t *StickBreakingTransform) codomainED() int          { return 1 }
func (t *StickBreakingTransform) hasLADJ() bool            { return true }
func (t *StickBreakingTransform) bijective() bool          { return true }
func (t *StickBreakingTransform) params() []transformParam { return nil }

// DomainEventDim is the number of rightmost input dims that form one event.
func (t *StickBreakingTransform) DomainEventDim() int { return 1 }

// CodomainEventDim is the number of rightmost output dims that form one event.
func (t *StickBreakingTransform) CodomainEventDim() int { return 1 }

// String is torch's repr of the transform, for logs and messages.
func (t *StickBreakingTransform) String() string { return "StickBreakingTransform()" }

// Params is empty: the transform has no parameters.
func (t *StickBreakingTransform) Params() map[string]*tensor.Dense {
	return map[string]*tensor.Dense{}
}

func (t *StickBreakingTransform) equal(o transformKernel) bool {
	_, ok := o.(*StickBreakingTransform)
	return ok
}

// ForwardShape is s with its last size K made K+1.
func (t *StickBreakingTransform) ForwardShape(s []int) ([]int, error) { return t.forwardShape(s) }

// InverseShape is s with its last size K+1 made K (K+1 >= 1).
func (t *StickBreakingTransform) InverseShape(s []int) ([]int, error) { return t.inverseShape(s) }

func (t *StickBreakingTransform) forwardShape(s []int) ([]int, error) {
	if len(s) < 1 {
		return nil, fmt.Errorf("stick_breaking transform: input of shape %s has no event dim: %w", shape.Format(s), ErrShape)
	}
	out := shape.Clone(s)
	out[len(out)-1]++
	return out, nil
}

func (t *StickBreakingTransform) inverseShape(s []int) ([]int, error) {
	if len(s) < 1 || s[len(s)-1] < 1 {
		return nil, fmt.Errorf("stick_breaking transform: a simplex of shape %s has no event of size >= 1: %w", shape.Format(s), ErrShape)
	}
	out := shape.Clone(s)
	out[len(out)-1]--
	return out, nil
}

// Forward breaks the stick: shape (…, K) to (…, K+1).
func (t *StickBreakingTransform) Forward(x *tensor.Dense) (*tensor.Dense, error) {
	return applyTransform(t, x, false)
}

// Inverse is torch's inverse: (…, K+1) to (…, K); y_{K+1} is not read.
func (t *StickBreakingTransform) Inverse(y *tensor.Dense) (*tensor.Dense, error) {
	return applyTransform(t, y, true)
}

// LogAbsDetJacobian is torch's, shaped (…).
func (t *StickBreakingTransform) LogAbsDetJacobian(x, y *tensor.Dense) (*tensor.Dense, error) {
	return ladjOf(t, x, y)
}

// sbLogOffsets returns log(K+1−i) for i = 1…K, the offsets that make
// x = 0 the centre of the simplex.
func sbLogOffsets(k int) []float64 {
	out := make([]float64, k)
	for i := range out {
		out[i] = math.Log(float64(k - i))
	}
	return out
}

func (t *StickBreakingTransform) fwd(x []float64, xs []int) ([]float64, []int, error) {
	ys, err := t.forwardShape(xs)
	if err != nil {
		return nil, nil, err
	}
	k := xs[len(xs)-1]
	off := sbLogOffsets(k)
	y := make([]float64, shape.Size(ys))
	tensor.ForBlocks(shape.Size(xs[:len(xs)-1]), func(_, lo, hi int) {
		for r := lo; r < hi; r++ {
			xr, yr := x[r*k:(r+1)*k], y[r*(k+1):(r+1)*(k+1)]
			rem := 1.0
			for i, v := range xr {
				xp := v - off[i]
				yr[i] = tensor.Sigmoid(xp) * rem
				rem *= tensor.Sigmoid(-xp) // 1 − z without cancellation
			}
			yr[k] = rem
		}
	})
	return y, ys, nil
}

// sbRemainders writes 1 − Σ_{j≤i} y_j for i < K into sf, at least 0: a
// point within the simplex check's 1e-6 of a face can sum past 1 (torch
// clamps to tiny instead, which makes the last piece finite).
func sbRemainders(yr, sf []float64) {
	var acc tfSum
	for i := range sf {
		acc.add(yr[i])
		sf[i] = max(0, acc.oneMinus())
	}
}

func (t *StickBreakingTransform) inv(y []float64, ys []int) ([]float64, []int, error) {
	xs, err := t.inverseShape(ys)
	if err != nil {
		return nil, nil, err
	}
	k := xs[len(xs)-1]
	off := sbLogOffsets(k)
	x := make([]float64, shape.Size(xs))
	tensor.ForBlocks(shape.Size(xs[:len(xs)-1]), func(_, lo, hi int) {
		sf := make([]float64, k)
		for r := lo; r < hi; r++ {
			xr, yr := x[r*k:(r+1)*k], y[r*(k+1):(r+1)*(k+1)]
			sbRemainders(yr, sf)
			for i := range xr {
				if yr[i] == 0 { // an empty piece: z_i = 0 even when the rest is empty too (0/0)
					xr[i] = math.Inf(-1)
					continue
				}
				xr[i] = tensor.Log(yr[i]) - tensor.Log(sf[i]) + off[i]
			}
		}
	})
	return x, xs, nil
}

func (t *StickBreakingTransform) ladj(x []float64, xs []int, y []float64) []float64 {
	k := xs[len(xs)-1]
	off := sbLogOffsets(k)
	out := make([]float64, shape.Size(xs[:len(xs)-1]))
	for r := range out {
		xr, yr := x[r*k:(r+1)*k], y[r*(k+1):(r+1)*(k+1)]
		var s float64
		for i, v := range xr {
			s += tensor.LogSigmoid(-(v - off[i])) + tensor.Log(yr[i]) // −x' + log σ(x') = log σ(−x')
		}
		out[r] = s
	}
	return out
}

// ladjY is Σ_{i≤K} log y_i + log(1 − Σ_{i≤K} y_i): one log per
// coordinate where torch's form takes a log, an exp and a log1p.
func (t *StickBreakingTransform) ladjY(y []float64, ys []int) []float64 {
	k := ys[len(ys)-1] - 1
	out := make([]float64, shape.Size(ys[:len(ys)-1]))
	tensor.ForBlocks(len(out), func(_, lo, hi int) {
		sf := make([]float64, k)
		for r := lo; r < hi; r++ {
			yr := y[r*(k+1) : (r+1)*(k+1)]
			if k == 0 {
				continue
			}
			sbRemainders(yr, sf)
			s := tensor.Log(sf[k-1])
			for _, v := range yr[:k] {
				s += tensor.Log(v)
			}
			out[r] = s
		}
	})
	return out
}

// invVJP: ∂x_i/∂y_k = δ_ik/y_k + [k ≤ i]/sf_i and ∂L/∂y_k = 1/y_k − 1/sf_K
// for k ≤ K (sf_i = 1 − Σ_{j≤i} y_j); y_{K+1} enters neither.
func (t *StickBreakingTransform) invVJP(x []float64, xs []int, y []float64, _ []int, gx, w []float64, _ [][]float64) []float64 {
	k := xs[len(xs)-1]
	gy := make([]float64, len(y))
	sf := make([]float64, k)
	for r := range shape.Size(xs[:len(xs)-1]) {
		gxr, yr, gyr := gx[r*k:(r+1)*k], y[r*(k+1):(r+1)*(k+1)], gy[r*(k+1):(r+1)*(k+1)]
		wl := 0.0
		if w != nil {
			wl = w[r]
		}
		sbRemainders(yr, sf)
		var suffix float64 // Σ_{i≥j} gx_i/sf_i
		for j := k - 1; j >= 0; j-- {
			var g float64
			if gxr[j] != 0 {
				suffix += gxr[j] / sf[j]
				g += gxr[j] / yr[j]
			}
			g += suffix
			if wl != 0 {
				g -= wl * (1/yr[j] - 1/sf[k-1])
			}
			gyr[j] = g
		}
	}
	return gy
}

// fwdVJP: ∂y_i/∂x_m = y_m(1 − z_m) at i = m, −z_m·y_i for i > m (the
// last coordinate included).
func (t *StickBreakingTransform) fwdVJP(x []float64, xs []int, y []float64, _ []int, gy []float64, _ [][]float64) []float64 {
	k := xs[len(xs)-1]
	off := sbLogOffsets(k)
	gx := make([]float64, len(x))
	for r := range shape.Size(xs[:len(xs)-1]) {
		xr, yr, gyr, gxr := x[r*k:(r+1)*k], y[r*(k+1):(r+1)*(k+1)], gy[r*(k+1):(r+1)*(k+1)], gx[r*k:(r+1)*k]
		tail := gyr[k] * yr[k] // Σ_{i>m} gy_i·y_i
		for m := k - 1; m >= 0; m-- {
			xp := xr[m] - off[m]
			gxr[m] = gyr[m]*yr[m]*tensor.Sigmoid(-xp) - tensor.Sigmoid(xp)*tail
			tail += gyr[m] * yr[m]
		}
	}
	return gx
}

func (t *StickBreakingTransform) violations(y []float64, ys []int, bad func(event, elem int, got float64) bool) {
	tfSimplexViolations(y, ys, bad)
}

// tfSimplexViolations is torch's simplex check on each last-dim row:
// every entry >= 0 and |Σ − 1| < 1e-6.
func tfSimplexViolations(y []float64, ys []int, bad func(event, elem int, got float64) bool) {
	if len(ys) == 0 {
		return
	}
	n := ys[len(ys)-1]
	for r := range shape.Size(ys[:len(ys)-1]) {
		row := y[r*n : (r+1)*n]
		var acc tfSum
		ok := true
		for i, v := range row {
			if !(v >= 0) {
				if !bad(r, r*n+i, v) {
					return
				}
				ok = false
				break
			}
			acc.add(v)
		}
		if ok && !(math.Abs(acc.s+acc.c-1) < 1e-6) && !bad(r, r*n, acc.s+acc.c) {
			return
		}
	}
}

// SoftmaxTransform maps a real vector to the simplex, y = eˣ/Σeˣ
// (torch's SoftmaxTransform, used by transform_to): not a bijection, so it
// has no log|det J|; its Inverse is torch's log y.
type SoftmaxTransform struct{}

// NewSoftmaxTransform returns torch's SoftmaxTransform.
func NewSoftmaxTransform() *SoftmaxTransform { return &SoftmaxTransform{} }

func (t *SoftmaxTransform) kernel() transformKernel  { return t }
func (t *SoftmaxTransform) name() string             { return "softmax" }
func (t *SoftmaxTransform) rule() string             { return "simplex" }
func (t *SoftmaxTransform) domainED() int            { return 1 }
func (t *SoftmaxTransform) codomainED() int          { return 1 }
func (t *SoftmaxTransform) hasLADJ() bool            { return false }
func (t *SoftmaxTransform) bijective() bool          { return false }
func (t *SoftmaxTransform) params() []transformParam { return nil }

// DomainEventDim is the number of rightmost input dims that form one event.
func (t *SoftmaxTransform) DomainEventDim() int { return 1 }

// CodomainEventDim is the number of rightmost output dims that form one event.
func (t *SoftmaxTransform) CodomainEventDim() int { return 1 }

// String is torch's repr of the transform, for logs and messages.
func (t *SoftmaxTransform) String() string { return "SoftmaxTransform()" }

// Params is empty: the transform has no parameters.
func (t *SoftmaxTransform) Params() map[string]*tensor.Dense { return map[string]*tensor.Dense{} }
func (t *SoftmaxTransform) equal(o transformKernel) bool {
	_, ok := o.(*SoftmaxTransform)
	return ok
}

// ForwardShape and InverseShape are s itself (at least one dim).
func (t *SoftmaxTransform) ForwardShape(s []int) ([]int, error) { return t.forwardShape(s) }

// InverseShape is s itself, checked like ForwardShape.
func (t *SoftmaxTransform) InverseShape(s []int) ([]int, error) { return t.forwardShape(s) }
func (t *SoftmaxTransform) inverseShape(s []int) ([]int, error) { return t.forwardShape(s) }
func (t *SoftmaxTransform) forwardShape(s []int) ([]int, error) {
	if len(s) < 1 {
		return nil, fmt.Errorf("softmax transform: input of shape %s has no event dim: %w", shape.Format(s), ErrShape)
	}
	return shape.Clone(s), nil
}

// Forward is the softmax over the last dim.
func (t *SoftmaxTransform) Forward(x *tensor.Dense) (*tensor.Dense, error) {
	return applyTransform(t, x, false)
}

// Inverse is log y (torch's; softmax is not injective).
func (t *SoftmaxTransform) Inverse(y *tensor.Dense) (*tensor.Dense, error) {
	return applyTransform(t, y, true)
}

func (t *SoftmaxTransform) fwd(x []float64, xs []int) ([]float64, []int, error) {
	if _, err := t.forwardShape(xs); err != nil {
		return nil, nil, err
	}
	n := xs[len(xs)-1]
	y := make([]float64, len(x))
	for r := range shape.Size(xs[:len(xs)-1]) {
		xr, yr := x[r*n:(r+1)*n], y[r*n:(r+1)*n]
		m := math.Inf(-1)
		for _, v := range xr {
			m = max(m, v)
		}
		var s float64
		for i, v := range xr {
			yr[i] = math.Exp(v - m)
			s += yr[i]
		}
		for i := range yr {
			yr[i] /= s
		}
	}
	return y, shape.Clone(xs), nil
}

func (t *SoftmaxTransform) inv(y []float64, ys []int) ([]float64, []int, error) {
	if _, err := t.forwardShape(ys); err != nil {
		return nil, nil, err
	}
	x := make([]float64, len(y))
	for i, v := range y {
		x[i] = tensor.Log(v)
	}
	return x, shape.Clone(ys), nil
}

func (t *SoftmaxTransform) ladj([]float64, []int, []float64) []float64 { return nil }

func (t *SoftmaxTransform) invVJP([]float64, []int, []float64, []int, []float64, []float64, [][]float64) []float64 {
	return nil // never called: hasLADJ is false, so log_prob refuses first
}

func (t *SoftmaxTransform) fwdVJP([]float64, []int, []float64, []int, []float64, [][]float64) []float64 {
	return nil // never called: x cannot be recovered from y, so RSampleVJP refuses first
}

func (t *SoftmaxTransform) violations(y []float64, ys []int, bad func(event, elem int, got float64) bool) {
	tfSimplexViolations(y, ys, bad)
}
