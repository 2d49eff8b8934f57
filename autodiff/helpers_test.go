package autodiff_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
	G "gorgonia.org/gorgonia"
	gt "gorgonia.org/tensor"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

const tol64 = 1e-12

// machines are the two ways gorgonia runs a graph with gradients.
var machines = []string{"tape", "lisp"}

var names atomic.Uint64

// name returns a graph-unique node name: gorgonia merges equal names.
func name(prefix string) string { return fmt.Sprintf("%s_%d", prefix, names.Add(1)) }

// node returns a variable (or, when constant, a constant) node of g
// holding a copy of v.
func node(g *G.ExprGraph, v *tensor.Dense, constant bool, prefix string) *G.Node {
	v = v.Clone().(*tensor.Dense)
	s := shape.Clone(v.Shape())
	if constant {
		if len(s) == 0 {
			return G.NewConstant(scalar(v), G.WithName(name(prefix)))
		}
		return G.NewConstant(v, G.WithName(name(prefix)))
	}
	if len(s) == 0 {
		return G.NewScalar(g, v.Dtype(), G.WithName(name(prefix)), G.WithValue(scalar(v)))
	}
	return G.NewTensor(g, v.Dtype(), len(s), G.WithShape(s...), G.WithName(name(prefix)), G.WithValue(v))
}

// scalar returns a shape-() array as a gorgonia scalar value.
func scalar(v *tensor.Dense) G.Value {
	if v.Dtype() == tensor.Float32 {
		return G.NewF32(v.Float32s()[0])
	}
	if v.Dtype() == tensor.Int64 {
		return G.NewI64(v.Int64s()[0])
	}
	return G.NewF64(v.Float64s()[0])
}

// floats returns a value's elements as float64s.
func floats(t testing.TB, v G.Value) []float64 {
	t.Helper()
	switch v := v.(type) {
	case *G.F64:
		return []float64{float64(*v)}
	case *G.F32:
		return []float64{float64(*v)}
	case *tensor.Dense:
		s, err := tensor.Float64s(v)
		require.NoError(t, err)
		return s
	}
	t.Fatalf("unexpected value %T", v)
	return nil
}

// run builds a graph with build, which returns the cost and the nodes to
// differentiate, runs it once on machine m and returns the cost, the
// gradients and the value of out (if not nil).
func run(t testing.TB, m string, build func(g *G.ExprGraph) (cost *G.Node, wrt G.Nodes)) (float64, [][]float64) {
	t.Helper()
	g := G.NewGraph()
	cost, wrt := build(g)
	vm := machine(t, m, g, cost, wrt)
	defer vm.Close()
	require.NoError(t, vm.RunAll())
	grads := make([][]float64, len(wrt))
	for i, n := range wrt {
		d, err := n.Grad()
		require.NoError(t, err)
		grads[i] = floats(t, d)
	}
	return floats(t, cost.Value())[0], grads
}

// machine returns a machine of kind m over g; for the tape it calls G.Grad
// first, as gorgonia requires.
func machine(t testing.TB, m string, g *G.ExprGraph, cost *G.Node, wrt G.Nodes) G.VM {
	t.Helper()
	if m == "tape" {
		_, err := G.Grad(cost, wrt...)
		require.NoError(t, err)
		return G.NewTapeMachine(g, G.BindDualValues(wrt...))
	}
	return G.NewLispMachine(g)
}

// approx fails t unless got matches want within rel or abs; NaN matches NaN.
func approx(t testing.TB, want, got []float64, rel, abs float64, msg string) {
	t.Helper()
	require.Len(t, got, len(want), msg)
	for i := range want {
		w, g := want[i], got[i]
		if w == g || (math.IsNaN(w) && math.IsNaN(g)) || math.Abs(w-g) <= abs || math.Abs(w-g) <= rel*math.Abs(w) {
			continue
		}
		t.Errorf("%s [%d]: got %v, want %v (diff %.3g)", msg, i, g, w, g-w)
	}
}

// fill returns an array of shape s and dtype dt with draws of f.
func fill(dt gt.Dtype, r *rand.Rand, f func(*rand.Rand) float64, s ...int) *tensor.Dense {
	n := shape.Size(s)
	if dt == tensor.Float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(f(r))
		}
		d, _ := tensor.New(v, s...)
		return d
	}
	v := make([]float64, n)
	for i := range v {
		v[i] = f(r)
	}
	d, _ := tensor.New(v, s...)
	return d
}

func f64s(t testing.TB, d *tensor.Dense) []float64 {
	t.Helper()
	s, err := tensor.Float64s(d)
	require.NoError(t, err)
	return s
}

// uniform returns a generator of U(lo, hi) draws.
func uniform(lo, hi float64) func(*rand.Rand) float64 {
	return func(r *rand.Rand) float64 { return lo + (hi-lo)*r.Float64() }
}

// integers returns a generator of integers in [lo, hi].
func integers(lo, hi int) func(*rand.Rand) float64 {
	return func(r *rand.Rand) float64 { return float64(lo + r.IntN(hi-lo+1)) }
}
