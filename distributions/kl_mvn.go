package distributions

import (
	"fmt"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// KL divergences with a MultivariateNormal on the right: torch 1.13's
// (MultivariateNormal, MultivariateNormal) pair and Pyro's (Independent,
// MultivariateNormal).

func init() {
	RegisterKL(klMVNMVN)
	RegisterKL(klIndependentMVN)
}

// klMVNMVN is torch's _kl_multivariatenormal_multivariatenormal:
//
//	KL = Σ log Lq_ii - Σ log Lp_ii + ½(‖Lq⁻¹Lp‖²_F + ‖Lq⁻¹(μq-μp)‖² - n)
//
// shaped broadcast(p.BatchShape(), q.BatchShape()); event sizes must agree
// (ErrShape; torch raises ValueError).
func klMVNMVN(p, q *MultivariateNormal) (*tensor.Dense, error) {
	if p.dtype != q.dtype {
		return nil, fmt.Errorf("kl: multivariate_normal is %v, multivariate_normal is %v: %w", p.dtype, q.dtype, ErrDType)
	}
	if p.n != q.n {
		return nil, fmt.Errorf("kl: multivariate normals of event shapes (%d,) and (%d,): %w", p.n, q.n, ErrShape)
	}
	batch, err := shape.Broadcast(p.batch, q.batch)
	if err != nil {
		return nil, fmt.Errorf("kl: multivariate_normal: %w", err)
	}
	plan, err := shape.NewPlan(batch, p.lbatch, p.mbatch, q.lbatch, q.mbatch)
	if err != nil {
		return nil, fmt.Errorf("kl: multivariate_normal: %w", err)
	}
	n := p.n
	pl, _ := tensor.Float64s(p.loc)
	ql, _ := tensor.Float64s(q.loc)
	pf, _ := tensor.Float64s(p.factor)
	qf, _ := tensor.Float64s(q.factor)
	out := make([]float64, shape.Size(batch))
	col, r := make([]float64, n), make([]float64, n)
	for run := range plan.Runs() {
		for i := range run.N {
			lp, mp := run.Off[1]+i*run.Step[1], run.Off[2]+i*run.Step[2]
			lq, mq := run.Off[3]+i*run.Step[3], run.Off[4]+i*run.Step[4]
			lf := qf[mq*n*n : (mq+1)*n*n]
			inv := q.invDiag[mq*n : (mq+1)*n]
			// ‖Lq⁻¹Lp‖²_F, column by column of Lp (lower: rows j ≥ c)
			var tr float64
			for c := range n {
				for j := range n {
					col[j] = 0
					if j >= c {
						col[j] = pf[mp*n*n+j*n+c]
					}
				}
				tr += mvnForward(lf, inv, col)
			}
			for k := range n {
				r[k] = ql[lq*n+k] - pl[lp*n+k]
			}
			maha := mvnForward(lf, inv, r)
			out[run.Off[0]+i] = q.halfLogDet[mq] - p.halfLogDet[mp] + (tr+maha-float64(n))/2
		}
	}
	if p.dtype == tensor.Float32 {
		return fromFloat64s[float32](out, batch), nil
	}
	return fromFloat64s[float64](out, batch), nil
}

// klIndependentMVN is Pyro's _kl_independent_mvn for an Independent of a
// Normal with one reinterpreted dim (any other Independent is ErrNoKL, as
// Pyro raises NotImplementedError): with p = N(μ, diag σ²) and Λ = Σq⁻¹,
//
//	KL = ½Σ σ_i²Λ_ii - ½n(1 + log 2π) - log q(μ) - Σ log σ_i
//
// shaped broadcast(p.BatchShape(), q.BatchShape()).
func klIndependentMVN(p *Independent, q *MultivariateNormal) (*tensor.Dense, error) {
	nb, ok := p.base.(*Normal)
	if !ok || p.n != 1 {
		return nil, fmt.Errorf("kl: Independent(%T, %d) and multivariate_normal (only Independent(Normal, 1)): %w", p.base, p.n, ErrNoKL)
	}
	if nb.dtype != q.dtype {
		return nil, fmt.Errorf("kl: normal is %v, multivariate_normal is %v: %w", nb.dtype, q.dtype, ErrDType)
	}
	event := p.EventShape()
	if event[0] != q.n {
		return nil, fmt.Errorf("kl: Independent(Normal) of event shape %s and multivariate_normal of (%d,): %w", shape.Format(event), q.n, ErrShape)
	}
	batch, err := shape.Broadcast(p.batch, q.batch)
	if err != nil {
		return nil, fmt.Errorf("kl: %w", err)
	}
	mean, _ := nb.Mean() // loc and scale broadcast to the Normal's batch, p.batch + (n,)
	sd, _ := nb.StdDev()
	mu, _ := tensor.Float64s(mean)
	sg, _ := tensor.Float64s(sd)
	plan, err := shape.NewPlan(batch, p.batch, q.lbatch, q.mbatch)
	if err != nil {
		return nil, fmt.Errorf("kl: %w", err)
	}
	n := q.n
	qf, _ := tensor.Float64s(q.factor)
	ql, _ := tensor.Float64s(q.loc)
	// diag(Σq⁻¹)_i = Σ_k (Lq⁻¹)_ki², once per matrix of q
	nm := shape.Size(q.mbatch)
	lam := make([]float64, nm*n)
	l, li := make([]float64, n*n), make([]float64, n*n)
	for m := range nm {
		mvnTrilInverse(mvnWiden(qf[m*n*n:(m+1)*n*n], n, l), n, li)
		for k := range n {
			for i := 0; i <= k; i++ {
				lam[m*n+i] += li[k*n+i] * li[k*n+i]
			}
		}
	}
	out := make([]float64, shape.Size(batch))
	r := make([]float64, n)
	c := float64(n) * (0.5 + halfLog2Pi) // ½n(1 + log 2π)
	for run := range plan.Runs() {
		for i := range run.N {
			e, lq, mq := run.Off[1]+i*run.Step[1], run.Off[2]+i*run.Step[2], run.Off[3]+i*run.Step[3]
			var tr, logSigma float64
			for k := range n {
				s := sg[e*n+k]
				tr += s * s * lam[mq*n+k]
				logSigma += tensor.Log(s)
				r[k] = mu[e*n+k] - ql[lq*n+k]
			}
			maha := mvnForward(qf[mq*n*n:(mq+1)*n*n], q.invDiag[mq*n:(mq+1)*n], r)
			logq := -float64(n)*halfLog2Pi - maha/2 - q.halfLogDet[mq]
			out[run.Off[0]+i] = tr/2 - c - logq - logSigma
		}
	}
	if q.dtype == tensor.Float32 {
		return fromFloat64s[float32](out, batch), nil
	}
	return fromFloat64s[float64](out, batch), nil
}
