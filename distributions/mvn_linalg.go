package distributions

import (
	"math"

	"github.com/seed39ad66a2/tensordist/tensor"
)

// MultivariateNormal's small dense kernels. Matrices are n×n, row-major;
// "lower" means only entries i ≥ j are read. Everything is computed in
// float64; a factor stored in the distribution's dtype T is widened as it
// is read.
//
// These are our own loops rather than gonum's mat: for the event sizes the
// family sees (the benchmark's d = 8), gonum's per-matrix objects,
// allocations and dispatch dominate the arithmetic (bench/mvn_test.go:
// BenchmarkLogProbMVNGonum, a TriDense SolveVec per event, and
// BenchmarkNewMVN, mat.Cholesky.Factorize per matrix, against the
// engine), and batched factors live in one flat array, which mat would
// have to wrap matrix by matrix.

// mvnCholesky writes into l the lower Cholesky factor of the symmetric
// matrix whose lower triangle a holds (Cholesky–Banachiewicz, row by row,
// so that each dot product runs over contiguous row prefixes), zeroing l's
// upper triangle. It returns k = -1, or the first pivot k whose Schur
// complement s is not > 0 (NaN included): the leading k+1 minor is not
// positive definite, as LAPACK's potrf reports it.
func mvnCholesky(a []float64, n int, l []float64) (k int, s float64) {
	for i := range n {
		li := l[i*n : (i+1)*n]
		ai := a[i*n : (i+1)*n]
		for j := 0; j <= i; j++ {
			lj := l[j*n : j*n+j]
			s := ai[j]
			for k, v := range lj {
				s -= li[k] * v
			}
			if j == i {
				if !(s > 0) {
					return i, s
				}
				li[i] = math.Sqrt(s)
			} else {
				li[j] = s / l[j*n+j]
			}
		}
		clear(li[i+1:])
	}
	return -1, 0
}

// mvnTrilInverse writes x = a⁻¹ for a lower-triangular a; x is lower
// triangular too (column by column: x_jj = 1/a_jj, x_ij = -Σ_{j≤k<i}
// a_ik·x_kj / a_ii).
func mvnTrilInverse(a []float64, n int, x []float64) {
	clear(x)
	for j := range n {
		x[j*n+j] = 1 / a[j*n+j]
		for i := j + 1; i < n; i++ {
			var s float64
			for k := j; k < i; k++ {
				s += a[i*n+k] * x[k*n+j]
			}
			x[i*n+j] = -s / a[i*n+i]
		}
	}
}

// mvnForward overwrites r with z = L⁻¹r (forward substitution, row by
// row: z_i = (r_i - Σ_{j<i} L_ij·z_j)/L_ii, each row of L read
// contiguously) and returns ‖z‖², the Mahalanobis term; inv holds 1/L_ii.
// On d = 8 the row order and the column order (whose inner updates are
// independent) run within noise of each other (BenchmarkMVNForward in
// mvn_kernels_test.go), as the out-of-order core overlaps consecutive
// events anyway; the row order is kept because mvnForward4 shares it.
func mvnForward[T tensor.Float](l []T, inv, r []float64) float64 {
	n := len(r)
	var sq float64
	for i := range n {
		s := r[i]
		for j, v := range l[i*n : i*n+i] {
			s -= float64(v) * r[j]
		}
		s *= inv[i]
		r[i] = s
		sq += s * s
	}
	return sq
}

// mvnForward4 is mvnForward for four events that share one factor, held
// one after the other in z (4n long); their squared norms go to q[0:4].
// The four substitutions run interleaved, each L_ij loaded once for four
// independent multiply-adds: 2.4–3× faster than four calls of mvnForward
// on d = 8 (BenchmarkMVNForward), and 2× faster than a transposed tile of
// 16–256 events solved column by column, which pays for the transpose;
// eight at once spills registers and is slower than four. The operations
// and their order are mvnForward's, so the results are the same bits.
func mvnForward4[T tensor.Float](l []T, inv []float64, n int, z, q []float64) {
	z0, z1, z2, z3 := z[0:n], z[n:2*n], z[2*n:3*n], z[3*n:4*n]
	var q0, q1, q2, q3 float64
	for i := range n {
		s0, s1, s2, s3 := z0[i], z1[i], z2[i], z3[i]
		for j, v := range l[i*n : i*n+i] {
			c := float64(v)
			s0 -= c * z0[j]
			s1 -= c * z1[j]
			s2 -= c * z2[j]
			s3 -= c * z3[j]
		}
		iv := inv[i]
		s0 *= iv
		s1 *= iv
		s2 *= iv
		s3 *= iv
		z0[i], z1[i], z2[i], z3[i] = s0, s1, s2, s3
		q0 += s0 * s0
		q1 += s1 * s1
		q2 += s2 * s2
		q3 += s3 * s3
	}
	q[0], q[1], q[2], q[3] = q0, q1, q2, q3
}

// mvnBackward overwrites z with u = L⁻ᵀz (back substitution; row j of L
// holds the coefficients of u_j in the equations of u_i, i < j).
func mvnBackward[T tensor.Float](l []T, inv, z []float64) {
	n := len(z)
	for j := n - 1; j >= 0; j-- {
		uj := z[j] * inv[j]
		z[j] = uj
		for i, v := range l[j*n : j*n+j] {
			z[i] -= float64(v) * uj
		}
	}
}

// mvnAffine writes μ + Lε into dst: a draw from ε ~ N(0, I).
func mvnAffine[T tensor.Float](dst, mu, l []T, eps []float64) {
	n := len(eps)
	for i := range n {
		s := float64(mu[i])
		row := l[i*n : i*n+i+1]
		for j, v := range row {
			s += float64(v) * eps[j]
		}
		dst[i] = T(s)
	}
}

// mvnWiden returns the lower triangle of the n×n factor l as float64, with
// zeros above the diagonal, in dst.
func mvnWiden[T tensor.Float](l []T, n int, dst []float64) []float64 {
	for i := range n {
		for j := range n {
			v := 0.0
			if j <= i {
				v = float64(l[i*n+j])
			}
			dst[i*n+j] = v
		}
	}
	return dst
}

// mvnGram writes a·aᵀ into dst (both n×n; a lower triangular): Σ = LLᵀ.
func mvnGram(a []float64, n int, dst []float64) {
	for i := range n {
		for j := 0; j <= i; j++ {
			var s float64
			for k := 0; k <= j; k++ {
				s += a[i*n+k] * a[j*n+k]
			}
			dst[i*n+j], dst[j*n+i] = s, s
		}
	}
}

// mvnGramT writes aᵀ·a into dst (a lower triangular): with a = L⁻¹ this is
// the precision matrix Σ⁻¹ = L⁻ᵀL⁻¹.
func mvnGramT(a []float64, n int, dst []float64) {
	for i := range n {
		for j := 0; j <= i; j++ {
			var s float64
			for k := i; k < n; k++ {
				s += a[k*n+i] * a[k*n+j]
			}
			dst[i*n+j], dst[j*n+i] = s, s
		}
	}
}

// mvnMul writes a·b into dst (n×n, dense; dst must not alias a or b).
func mvnMul(a, b []float64, n int, dst []float64) {
	clear(dst[:n*n])
	for i := range n {
		di := dst[i*n : (i+1)*n]
		for k, v := range a[i*n : (i+1)*n] {
			if v == 0 {
				continue
			}
			for j, w := range b[k*n : (k+1)*n] {
				di[j] += v * w
			}
		}
	}
}

// mvnCholeskyBackward returns in dst the symmetric gradient Σ̄ of a
// function of L = chol(Σ) whose gradient with respect to L's lower triangle
// is gl (lower, upper entries ignored): from dL = L·Φ(L⁻¹dΣL⁻ᵀ), with Φ
// the lower triangle with its diagonal halved,
//
//	Σ̄ = sym(L⁻ᵀ Φ(Lᵀ ḡ) L⁻¹),   sym(A) = (A + Aᵀ)/2
//
// (Murray 2016, "Differentiation of the Cholesky decomposition", eq. 10;
// the symmetric form is what torch's cholesky backward returns). l is the
// float64 factor and linv its inverse; w1 and w2 are n×n scratch.
func mvnCholeskyBackward(l, linv, gl []float64, n int, dst, w1, w2 []float64) {
	// w1 = Φ(Lᵀ ḡ): (Lᵀḡ)_ij = Σ_k L_ki ḡ_kj over k ≥ max(i, j), i ≥ j kept
	for i := range n {
		for j := range n {
			v := 0.0
			if j <= i {
				for k := i; k < n; k++ {
					v += l[k*n+i] * gl[k*n+j]
				}
				if i == j {
					v /= 2
				}
			}
			w1[i*n+j] = v
		}
	}
	mvnMul(w1, linv, n, w2) // Φ·L⁻¹
	// dst = L⁻ᵀ·w2: (L⁻ᵀ)_ik = linv_ki
	for i := range n {
		for j := range n {
			var s float64
			for k := i; k < n; k++ {
				s += linv[k*n+i] * w2[k*n+j]
			}
			dst[i*n+j] = s
		}
	}
	for i := range n {
		for j := range i {
			s := (dst[i*n+j] + dst[j*n+i]) / 2
			dst[i*n+j], dst[j*n+i] = s, s
		}
	}
}
