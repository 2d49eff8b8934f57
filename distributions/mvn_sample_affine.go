package distributions

import "github.com/seed39ad66a2/tensordist/tensor"

// mvnAffineCols is mvnAffine, dst = μ + Lε for the row-major lower
// triangle l, four rows at a time: the rows' sums run side by side in
// registers over the columns they share, then each finishes its own
// columns of the triangle's corner. Each row still sums μ_i, then
// l[i][0]·ε_0, l[i][1]·ε_1, … in that order, so the result is mvnAffine's
// bit for bit; but four independent chains of adds hide the adds' latency,
// where mvnAffine's row is one chain after another.
func mvnAffineCols[T tensor.Float](dst, mu, l []T, eps []float64) {
	n := len(eps)
	i := 0
	for ; i+4 <= n; i += 4 {
		r0, r1 := l[i*n:i*n+i+1], l[(i+1)*n:(i+1)*n+i+2]
		r2, r3 := l[(i+2)*n:(i+2)*n+i+3], l[(i+3)*n:(i+3)*n+i+4]
		s0, s1, s2, s3 := float64(mu[i]), float64(mu[i+1]), float64(mu[i+2]), float64(mu[i+3])
		for j, e := range eps[:i+1] { // the columns the four rows share
			s0 += float64(r0[j]) * e
			s1 += float64(r1[j]) * e
			s2 += float64(r2[j]) * e
			s3 += float64(r3[j]) * e
		}
		e1, e2, e3 := eps[i+1], eps[i+2], eps[i+3]
		s1 += float64(r1[i+1]) * e1
		s2 += float64(r2[i+1]) * e1
		s3 += float64(r3[i+1]) * e1
		s2 += float64(r2[i+2]) * e2
		s3 += float64(r3[i+2]) * e2
		s3 += float64(r3[i+3]) * e3
		dst[i], dst[i+1], dst[i+2], dst[i+3] = T(s0), T(s1), T(s2), T(s3)
	}
	for ; i < n; i++ {
		s := float64(mu[i])
		for j, v := range l[i*n : i*n+i+1] {
			s += float64(v) * eps[j]
		}
		dst[i] = T(s)
	}
}
