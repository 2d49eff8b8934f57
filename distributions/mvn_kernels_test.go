package distributions

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// The measurements behind mvn_linalg.go's choice of forward substitution:
// 125,000 events of d = 8 against one factor (LogProb's shared-covariance
// run) and against one factor per event, for the row order (mvnForward),
// the column order (mvnForwardCols below, whose inner updates are
// independent) and four events at once (mvnForward4). ns/elem is per
// event.

// mvnForwardCols is the column-order forward substitution: z_j, then
// r_i -= L_ij·z_j for every i > j.
func mvnForwardCols(l, inv, r []float64) float64 {
	n := len(r)
	var sq float64
	for j := range n {
		zj := r[j] * inv[j]
		r[j] = zj
		sq += zj * zj
		for i := j + 1; i < n; i++ {
			r[i] -= l[i*n+j] * zj
		}
	}
	return sq
}

func mvnKernelData(events, mats, n int) (x, l, inv []float64) {
	r := rand.New(rand.NewPCG(1, 2))
	x = make([]float64, events*n)
	for i := range x {
		x[i] = r.NormFloat64()
	}
	l, inv = make([]float64, mats*n*n), make([]float64, mats*n)
	for m := range mats {
		for i := range n {
			for j := range i {
				l[m*n*n+i*n+j] = 0.3 * r.NormFloat64()
			}
			l[m*n*n+i*n+i] = 1 + r.Float64()
			inv[m*n+i] = 1 / l[m*n*n+i*n+i]
		}
	}
	return x, l, inv
}

func BenchmarkMVNForward(b *testing.B) {
	const events, n = 125_000, 8
	for _, mats := range []int{1, events} {
		x, l, inv := mvnKernelData(events, mats, n)
		out := make([]float64, events)
		z := make([]float64, 4*n)
		at := func(e int) int { return e % mats }
		kernels := map[string]func(){
			"rows": func() {
				for e := range events {
					copy(z[:n], x[e*n:(e+1)*n])
					m := at(e)
					out[e] = mvnForward(l[m*n*n:(m+1)*n*n], inv[m*n:(m+1)*n], z[:n])
				}
			},
			"columns": func() {
				for e := range events {
					copy(z[:n], x[e*n:(e+1)*n])
					m := at(e)
					out[e] = mvnForwardCols(l[m*n*n:(m+1)*n*n], inv[m*n:(m+1)*n], z[:n])
				}
			},
		}
		if mats == 1 {
			kernels["rows, four at once"] = func() {
				for e := 0; e < events; e += 4 {
					copy(z, x[e*n:(e+4)*n])
					mvnForward4(l, inv, n, z, out[e:e+4])
				}
			}
		}
		for _, name := range []string{"rows", "columns", "rows, four at once"} {
			k, ok := kernels[name]
			if !ok {
				continue
			}
			b.Run(fmt.Sprintf("factors=%d/%s", mats, name), func(b *testing.B) {
				for b.Loop() {
					k()
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*events), "ns/elem")
			})
		}
	}
}
