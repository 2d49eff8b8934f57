package distributions_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// propertySeeds is how many parameter draws each family is checked at.
const propertySeeds = 10

// propBatch is the batch shape of the property tests: two dims, so that
// ToEvent(1) leaves a batch and Expand has something to broadcast.
var propBatch = []int{2, 3}

// TestProperties checks the laws every family obeys, on random valid
// parameters of every familyCase (validation on unless said):
//
//   - shapes: Sample (and RSample) give sampleShape + batch + event;
//   - support: samples lie in the support and score finitely;
//   - outside: values outside the support are ErrSupport errors; without
//     validation they score -Inf (or, asIs, what torch's formula gives);
//   - wrappers: Expand, ExpandBy, ToEvent and Mask have their shapes, and
//     their log_prob is the base's broadcast, summed or selected;
//   - CDF is monotone in [0, 1] and ICDF inverts it, where present;
//   - exp(log_prob) sums to 1 over an enumerated support, and integrates
//     to 1 (double-exponential quadrature) for univariate continuous ones.
func TestProperties(t *testing.T) {
	t.Parallel()
	for i, fc := range familyCases {
		t.Run(fc.name, func(t *testing.T) {
			t.Parallel()
			for seed := range propertySeeds {
				r := rand.New(rand.NewPCG(uint64(i), uint64(seed)))
				d, err := fc.gen(r, propBatch)
				require.NoError(t, err)
				t.Run(fmt.Sprint(seed), func(t *testing.T) {
					propShapes(t, d)
					propSupport(t, fc, d)
					propOutside(t, fc, seed)
					propWrappers(t, fc, d, r)
					propCDF(t, d)
					propEnumeration(t, d)
					propIntegral(t, fc, seed)
				})
			}
		})
	}
}

// propShapes: sampleShape + batch + event, for Sample and RSample.
func propShapes(t *testing.T, d distributions.Distribution) {
	draws := map[string]func(rand.Source, ...int) (*tensor.Dense, error){"Sample": d.Sample}
	if rs, ok := d.(distributions.RSampler); ok && distributions.HasRSample(d) {
		draws["RSample"] = rs.RSample
	}
	for name, f := range draws {
		for _, ss := range [][]int{{}, {4}, {2, 1}, {0}} {
			x, err := f(rand.NewPCG(1, 2), ss...)
			require.NoError(t, err, "%s%v", name, ss)
			want := slices.Concat(ss, d.BatchShape(), d.EventShape())
			require.Equal(t, want, shapeOf(x), "%s%v", name, ss)
			require.Equal(t, want, distributions.Shape(d, ss...), "Shape%v", ss)
		}
	}
}

// propSupport: 50 draws per batch element lie in the support and have a
// finite log_prob.
func propSupport(t *testing.T, fc familyCase, d distributions.Distribution) {
	x, err := d.Sample(rand.NewPCG(3, 4), 50)
	require.NoError(t, err)
	xs := values(t, x)
	nb, ne := shape.Size(d.BatchShape()), shape.Size(d.EventShape())
	for e := 0; e*ne < len(xs); e++ {
		ev := xs[e*ne : (e+1)*ne]
		require.True(t, fc.in(d, e%nb, ev), "draw %d = %v (batch element %d) outside the support of %v", e, ev, e%nb, d)
	}
	lp, err := d.LogProb(x)
	require.NoError(t, err)
	for k, v := range data64(t, lp) {
		require.False(t, math.IsInf(v, 0) || math.IsNaN(v), "log_prob of draw %d = %v", k, v)
	}
}

// propOutside: each outside event, at every batch element, is an
// ErrSupport error when validating; without validation it scores -Inf
// (outside) or anything but an error (asIs).
func propOutside(t *testing.T, fc familyCase, seed int) {
	gen := func(validate bool) distributions.Distribution {
		// the same parameters with and without validation
		d, err := fc.gen(rand.New(rand.NewPCG(uint64(seed), 99)), propBatch, distributions.WithValidation(validate))
		require.NoError(t, err)
		return d
	}
	on, off := gen(true), gen(false)
	for _, ev := range slices.Concat(fc.outside, fc.asIs) {
		x := repeatEvent(t, fc, ev, on)
		_, err := on.LogProb(x)
		require.ErrorIs(t, err, distributions.ErrSupport, "LogProb(%v) validating", ev)
		lp, err := off.LogProb(x)
		require.NoError(t, err, "LogProb(%v) not validating", ev)
		if slices.ContainsFunc(fc.outside, func(o []float64) bool { return slices.Equal(o, ev) }) {
			for k, v := range data64(t, lp) {
				require.True(t, math.IsInf(v, -1), "LogProb(%v)[%d] = %v not validating, want -Inf", ev, k, v)
			}
		}
	}
}

// propWrappers: the shape laws of Expand, ExpandBy, ToEvent and Mask and
// their log_prob against the base's on the same draws.
func propWrappers(t *testing.T, fc familyCase, d distributions.Distribution, r *rand.Rand) {
	batch, event := d.BatchShape(), d.EventShape()
	x, err := d.Sample(rand.NewPCG(5, 6)) // batch + event
	require.NoError(t, err)
	base := data64(t, must(d.LogProb(x))) // batch
	wide := slices.Concat([]int{2}, batch)

	expanded := map[string]func() (distributions.Distribution, error){
		"Expand":   func() (distributions.Distribution, error) { return distributions.Expand(d, wide) },
		"ExpandBy": func() (distributions.Distribution, error) { return distributions.ExpandBy(d, []int{2}) },
	}
	for name, mk := range expanded {
		e, err := mk()
		require.NoError(t, err, name)
		require.Equal(t, wide, e.BatchShape(), name)
		require.Equal(t, event, e.EventShape(), name)
		s, err := e.Sample(rand.NewPCG(7, 8), 3)
		require.NoError(t, err, name)
		require.Equal(t, slices.Concat([]int{3}, wide, event), shapeOf(s), name)
		lp, err := e.LogProb(x)
		require.NoError(t, err, name)
		require.Equal(t, wide, shapeOf(lp), name)
		close(t, slices.Concat(base, base), data64(t, lp), tol64, 0)
	}

	ind, err := distributions.ToEvent(d, 1)
	require.NoError(t, err)
	require.Equal(t, batch[:len(batch)-1], ind.BatchShape())
	require.Equal(t, slices.Concat(batch[len(batch)-1:], event), ind.EventShape())
	lp, err := ind.LogProb(x)
	require.NoError(t, err)
	n := batch[len(batch)-1]
	sums := make([]float64, len(base)/n)
	for k, v := range base {
		sums[k/n] += v
	}
	close(t, sums, data64(t, lp), 1e-12, 1e-12) // summation order may differ
	_, err = distributions.ToEvent(d, len(batch)+1)
	require.ErrorIs(t, err, distributions.ErrShape, "ToEvent beyond the batch dims")

	// a mask of the batch shape, then one that grows the batch (4, 1, 3)
	for _, mshape := range [][]int{batch, {4, 1, batch[len(batch)-1]}} {
		keep := make([]bool, shape.Size(mshape))
		for k := range keep {
			keep[k] = r.IntN(2) == 0
		}
		m, err := distributions.Mask(d, must(tensor.New(keep, mshape...)))
		require.NoError(t, err)
		grown := must(shape.Broadcast(batch, mshape))
		require.Equal(t, grown, m.BatchShape())
		require.Equal(t, event, m.EventShape())
		lp, err := m.LogProb(x)
		require.NoError(t, err)
		require.Equal(t, grown, shapeOf(lp))
		want := make([]float64, shape.Size(grown))
		plan := must(shape.NewPlan(grown, batch, mshape))
		for run := range plan.Runs() {
			for k := range run.N {
				if keep[run.Off[2]+k*run.Step[2]] {
					want[run.Off[0]+k] = base[run.Off[1]+k*run.Step[1]]
				}
			}
		}
		require.Equal(t, want, data64(t, lp), "mask %v selects the base's log_prob", mshape)
	}
}

// propCDF: on sorted draws of each batch element, CDF is non-decreasing
// in [0, 1]; ICDF(CDF(x)) ≈ x where the family has both.
func propCDF(t *testing.T, d distributions.Distribution) {
	c, ok := d.(distributions.CDFer)
	if !ok {
		return
	}
	const n = 64
	x, err := d.Sample(rand.NewPCG(9, 10), n)
	require.NoError(t, err)
	xs := data64(t, x)
	nb := shape.Size(d.BatchShape())
	for b := range nb { // sort each batch element's draws along dim 0
		col := make([]float64, n)
		for k := range n {
			col[k] = xs[k*nb+b]
		}
		slices.Sort(col)
		for k := range n {
			xs[k*nb+b] = col[k]
		}
	}
	sorted := must(tensor.New(xs, shapeOf(x)...))
	u, err := c.CDF(sorted)
	require.NoError(t, err)
	us := data64(t, u)
	for k, v := range us {
		require.True(t, v >= 0 && v <= 1, "CDF(%v) = %v", xs[k], v)
		if k >= nb {
			require.GreaterOrEqual(t, v, us[k-nb], "CDF not monotone: CDF(%v) = %v < CDF(%v) = %v", xs[k], v, xs[k-nb], us[k-nb])
		}
	}
	ic, ok := d.(distributions.ICDFer)
	if !ok {
		return
	}
	back, err := ic.ICDF(u)
	require.NoError(t, err)
	// 1e-11: the CDF rounds u to ~1e-16 and ICDF's slope 1/p(x) amplifies
	// that in the tails; measured at most 1.2e-13 (Pareto)
	close(t, xs, data64(t, back), 1e-11, 1e-12)
}

// propEnumeration: exp(log_prob) over an enumerated support sums to 1 for
// every batch element; both support shapes are Pyro's.
func propEnumeration(t *testing.T, d distributions.Distribution) {
	e, ok := d.(distributions.SupportEnumerator)
	if !ok || !distributions.HasEnumerateSupport(d) {
		return
	}
	batch, event := d.BatchShape(), d.EventShape()
	full, err := e.EnumerateSupport(true)
	require.NoError(t, err)
	k := full.K()
	require.Equal(t, slices.Concat([]int{k}, batch, event), shapeOf(full))
	s, err := e.EnumerateSupport(false)
	require.NoError(t, err)
	ones := make([]int, len(batch))
	for i := range ones {
		ones[i] = 1
	}
	require.Equal(t, slices.Concat([]int{k}, ones, event), shapeOf(s))
	for _, sup := range []tensor.Value{s, full} {
		lp, err := d.LogProb(sup)
		require.NoError(t, err)
		require.Equal(t, slices.Concat([]int{k}, batch), shapeOf(lp))
		lps := data64(t, lp)
		nb := shape.Size(batch)
		for b := range nb {
			sum := 0.0
			for j := range k {
				sum += math.Exp(lps[j*nb+b])
			}
			require.InDelta(t, 1, sum, 1e-12, "Σ exp(log_prob) over the support, batch element %d", b)
		}
	}
}

// propIntegral: ∫ exp(log_prob) = 1 for every batch element of a
// univariate continuous family, by double-exponential quadrature on the
// panels [lo, mid] and [mid, hi] (tanh-sinh on a finite panel, exp-sinh on
// a half-line), which converge fast despite the algebraic end behaviour
// of, e.g., Gamma near 0. Evaluated without validation so that nodes that
// round onto a support end score as the formula does (they weigh < 1e-300).
func propIntegral(t *testing.T, fc familyCase, seed int) {
	if fc.quad == nil {
		return
	}
	d, err := fc.gen(rand.New(rand.NewPCG(uint64(seed), 99)), propBatch, distributions.WithValidation(false))
	require.NoError(t, err)
	nb := shape.Size(d.BatchShape())
	var nodes, weights [][]float64 // per batch element
	for b := range nb {
		lo, mid, hi := fc.quad(d, b)
		x1, w1 := dePanel(lo, mid)
		x2, w2 := dePanel(mid, hi)
		nodes, weights = append(nodes, slices.Concat(x1, x2)), append(weights, slices.Concat(w1, w2))
	}
	n := len(nodes[0])
	xs := make([]float64, n*nb)
	for b := range nb {
		require.Equal(t, n, len(nodes[b]))
		for k := range n {
			xs[k*nb+b] = nodes[b][k]
		}
	}
	lp, err := d.LogProb(must(tensor.New(xs, slices.Concat([]int{n}, d.BatchShape())...)))
	require.NoError(t, err)
	lps := data64(t, lp)
	for b := range nb {
		sum := 0.0
		for k := range n {
			if w := weights[b][k]; w > 0 {
				sum += w * math.Exp(lps[k*nb+b])
			}
		}
		// 1e-12: measured at most 3.2e-15 (Beta), double-exponential
		// quadrature being exact to rounding on these densities
		require.InDelta(t, 1, sum, 1e-12, "∫ p(x) dx, batch element %d of %v", b, d)
	}
}

// dePanel returns double-exponential nodes and weights for ∫_lo^hi, lo <
// hi, one end possibly infinite: tanh-sinh for a finite panel, x = lo +
// exp(π/2·sinh s) (or hi − …) for a half-line. The count depends on
// nothing, so that batch elements share it; a node that rounds onto an
// end moves inside with weight 0.
func dePanel(lo, hi float64) (xs, ws []float64) {
	const h, k = 1.0 / 32, 144 // s in [-4.5, 4.5]
	for i := -k; i <= k; i++ {
		s := float64(i) * h
		var x, w, inside float64
		switch {
		case math.IsInf(hi, 1):
			e := math.Exp(math.Pi / 2 * math.Sinh(s))
			x, w, inside = lo+e, h*math.Pi/2*math.Cosh(s)*e, lo+1
		case math.IsInf(lo, -1):
			e := math.Exp(math.Pi / 2 * math.Sinh(s))
			x, w, inside = hi-e, h*math.Pi/2*math.Cosh(s)*e, hi-1
		default:
			u := math.Pi / 2 * math.Sinh(s)
			c := math.Cosh(u)
			// 1 ± tanh u without cancellation: e^{±u}/cosh u
			x = lo + (hi-lo)/2*math.Exp(u)/c
			if s > 0 {
				x = hi - (hi-lo)/2*math.Exp(-u)/c
			}
			w, inside = h*(hi-lo)/2*math.Pi/2*math.Cosh(s)/(c*c), (lo+hi)/2
		}
		if !(x > lo && x < hi) || math.IsInf(w, 0) || math.IsNaN(w) {
			x, w = inside, 0
		}
		xs, ws = append(xs, x), append(ws, w)
	}
	return xs, ws
}

// values returns x's elements as float64, int64 category indices included.
func values(t *testing.T, x *tensor.Dense) []float64 {
	t.Helper()
	if v, ok := x.Data().([]int64); ok {
		out := make([]float64, len(v))
		for i, e := range v {
			out[i] = float64(e)
		}
		return out
	}
	return data64(t, x)
}

// repeatEvent returns ev at every batch element of d, as int64 indices
// for a family whose values are.
func repeatEvent(t *testing.T, fc familyCase, ev []float64, d distributions.Distribution) *tensor.Dense {
	t.Helper()
	shp := slices.Concat(d.BatchShape(), d.EventShape())
	var data []float64
	for range shape.Size(d.BatchShape()) {
		data = append(data, ev...)
	}
	require.Len(t, data, shape.Size(shp))
	if fc.ints {
		iv := make([]int64, len(data))
		for i, v := range data {
			iv[i] = int64(v)
		}
		return must(tensor.New(iv, shp...))
	}
	return must(tensor.New(data, shp...))
}
