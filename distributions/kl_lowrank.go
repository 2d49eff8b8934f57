package distributions

import (
	"fmt"

	gt "gorgonia.org/tensor"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// KL divergences with a LowRankMultivariateNormal on either side: torch
// 1.13's (LowRank, LowRank), (LowRank, MultivariateNormal) and
// (MultivariateNormal, LowRank) pairs. Each is the Gaussian divergence
//
//	KL(p ‖ q) = ½(log det Σq - log det Σp + tr(Σq⁻¹Σp) + (μq-μp)ᵀΣq⁻¹(μq-μp) - n)
//
// with the low-rank side never formed: its log-determinant, inverse and
// Mahalanobis term come from the capacitance (Woodbury, see
// LowRankMultivariateNormal), and the trace is split as torch splits it.
// The result is shaped broadcast(p.BatchShape(), q.BatchShape()); event
// sizes must agree (ErrShape; torch raises ValueError), dtypes too.

func init() {
	RegisterKL(klLowRankLowRank)
	RegisterKL(klLowRankMVN)
	RegisterKL(klMVNLowRank)
}

// klGaussianSetup checks dtypes and event sizes and returns the broadcast
// batch shape.
func klGaussianSetup(pf, qf string, pdt, qdt gt.Dtype, pn, qn int, pb, qb []int) ([]int, error) {
	if pdt != qdt {
		return nil, fmt.Errorf("kl: %s is %v, %s is %v: %w", pf, pdt, qf, qdt, ErrDType)
	}
	if pn != qn {
		return nil, fmt.Errorf("kl: %s of event shape (%d,) and %s of (%d,): %w", pf, pn, qf, qn, ErrShape)
	}
	batch, err := shape.Broadcast(pb, qb)
	if err != nil {
		return nil, fmt.Errorf("kl: %s and %s: %w", pf, qf, err)
	}
	return batch, nil
}

// klResult returns out, shaped batch, in dtype dt.
func klResult(dt gt.Dtype, out []float64, batch []int) *tensor.Dense {
	if dt == tensor.Float32 {
		return fromFloat64s[float32](out, batch)
	}
	return fromFloat64s[float64](out, batch)
}

// klLowRankLowRank is torch's _kl_lowrankmultivariatenormal_lowrankmultivariatenormal:
// with Σq⁻¹ = Dq⁻¹ - BqᵀBq and Σp = WpWpᵀ + Dp,
//
//	tr(Σq⁻¹Σp) = Σ Dp_i/Dq_i + Σ Wp_ij²/Dq_i - Σ Bq_ai²·Dp_i - ‖Bq·Wp‖²_F
func klLowRankLowRank(p, q *LowRankMultivariateNormal) (*tensor.Dense, error) {
	batch, err := klGaussianSetup(lowRankFamily, lowRankFamily, p.dtype, q.dtype, p.n, q.n, p.batch, q.batch)
	if err != nil {
		return nil, err
	}
	plan, err := shape.NewPlan(batch, p.lbatch, p.cbatch, q.lbatch, q.cbatch)
	if err != nil {
		return nil, fmt.Errorf("kl: %w", err)
	}
	n, pm, qm := p.n, p.m, q.m
	pl, _ := tensor.Float64s(p.loc)
	ql, _ := tensor.Float64s(q.loc)
	pw, _ := tensor.Float64s(p.covFactor)
	pd, _ := tensor.Float64s(p.covDiag)
	out := make([]float64, shape.Size(batch))
	r, u, v := make([]float64, n), make([]float64, n), make([]float64, qm)
	for run := range plan.Runs() {
		for i := range run.N {
			lp, cp := run.Off[1]+i*run.Step[1], run.Off[2]+i*run.Step[2]
			lq, cq := run.Off[3]+i*run.Step[3], run.Off[4]+i*run.Step[4]
			wc, dc := pw[p.cf[cp]*n*pm:][:n*pm], pd[p.cd[cp]*n:][:n]
			qinv, qb := q.invD[cq*n:][:n], q.b[cq*qm*n:][:qm*n]
			var tr float64
			for j := range n {
				s := dc[j]
				for _, w := range wc[j*pm : (j+1)*pm] {
					s += w * w
				}
				tr += s * qinv[j]
			}
			for a := range qm {
				row := qb[a*n : (a+1)*n]
				for j, bv := range row {
					tr -= bv * bv * dc[j]
				}
				for k := range pm {
					var s float64
					for j, bv := range row {
						s += bv * wc[j*pm+k]
					}
					tr -= s * s
				}
			}
			for j := range n {
				r[j] = ql[lq*n+j] - pl[lp*n+j]
			}
			maha := q.solve(cq, r, u, v)
			out[run.Off[0]+i] = (q.logDet[cq] - p.logDet[cp] + tr + maha - float64(n)) / 2
		}
	}
	return klResult(p.dtype, out, batch), nil
}

// klLowRankMVN is torch's _kl_lowrankmultivariatenormal_multivariatenormal:
// with Σq = LqLqᵀ, tr(Σq⁻¹Σp) = ‖Lq⁻¹Wp‖²_F + ‖Lq⁻¹·diag(√Dp)‖²_F.
func klLowRankMVN(p *LowRankMultivariateNormal, q *MultivariateNormal) (*tensor.Dense, error) {
	batch, err := klGaussianSetup(lowRankFamily, mvnFamily, p.dtype, q.dtype, p.n, q.n, p.batch, q.batch)
	if err != nil {
		return nil, err
	}
	plan, err := shape.NewPlan(batch, p.lbatch, p.cbatch, q.lbatch, q.mbatch)
	if err != nil {
		return nil, fmt.Errorf("kl: %w", err)
	}
	n, pm := p.n, p.m
	pl, _ := tensor.Float64s(p.loc)
	ql, _ := tensor.Float64s(q.loc)
	pw, _ := tensor.Float64s(p.covFactor)
	pd, _ := tensor.Float64s(p.covDiag)
	qf, _ := tensor.Float64s(q.factor)
	out := make([]float64, shape.Size(batch))
	col := make([]float64, n)
	for run := range plan.Runs() {
		for i := range run.N {
			lp, cp := run.Off[1]+i*run.Step[1], run.Off[2]+i*run.Step[2]
			lq, mq := run.Off[3]+i*run.Step[3], run.Off[4]+i*run.Step[4]
			wc, dc := pw[p.cf[cp]*n*pm:][:n*pm], pd[p.cd[cp]*n:][:n]
			lf, inv := qf[mq*n*n:][:n*n], q.invDiag[mq*n:][:n]
			var tr float64
			for k := range pm {
				for j := range n {
					col[j] = wc[j*pm+k]
				}
				tr += mvnForward(lf, inv, col)
			}
			for c := range n { // column c of diag(√Dp): Lq⁻¹ of √Dp_c·e_c
				clear(col)
				col[c] = 1
				tr += dc[c] * mvnForward(lf, inv, col)
			}
			for j := range n {
				col[j] = ql[lq*n+j] - pl[lp*n+j]
			}
			maha := mvnForward(lf, inv, col)
			out[run.Off[0]+i] = (2*q.halfLogDet[mq] - p.logDet[cp] + tr + maha - float64(n)) / 2
		}
	}
	return klResult(p.dtype, out, batch), nil
}

// klMVNLowRank is torch's _kl_multivariatenormal_lowrankmultivariatenormal:
// with Σq⁻¹ = Dq⁻¹ - BqᵀBq, tr(Σq⁻¹LpLpᵀ) = ‖Dq^-½·Lp‖²_F - ‖Bq·Lp‖²_F.
func klMVNLowRank(p *MultivariateNormal, q *LowRankMultivariateNormal) (*tensor.Dense, error) {
	batch, err := klGaussianSetup(mvnFamily, lowRankFamily, p.dtype, q.dtype, p.n, q.n, p.batch, q.batch)
	if err != nil {
		return nil, err
	}
	plan, err := shape.NewPlan(batch, p.lbatch, p.mbatch, q.lbatch, q.cbatch)
	if err != nil {
		return nil, fmt.Errorf("kl: %w", err)
	}
	n, qm := p.n, q.m
	pl, _ := tensor.Float64s(p.loc)
	ql, _ := tensor.Float64s(q.loc)
	pf, _ := tensor.Float64s(p.factor)
	out := make([]float64, shape.Size(batch))
	r, u, v := make([]float64, n), make([]float64, n), make([]float64, qm)
	for run := range plan.Runs() {
		for i := range run.N {
			lp, mp := run.Off[1]+i*run.Step[1], run.Off[2]+i*run.Step[2]
			lq, cq := run.Off[3]+i*run.Step[3], run.Off[4]+i*run.Step[4]
			lf := pf[mp*n*n:][:n*n]
			qinv, qb := q.invD[cq*n:][:n], q.b[cq*qm*n:][:qm*n]
			var tr float64
			for j := range n { // the lower triangle of Lp only
				for k := 0; k <= j; k++ {
					tr += lf[j*n+k] * lf[j*n+k] * qinv[j]
				}
			}
			for a := range qm {
				row := qb[a*n : (a+1)*n]
				for k := range n {
					var s float64
					for j := k; j < n; j++ {
						s += row[j] * lf[j*n+k]
					}
					tr -= s * s
				}
			}
			for j := range n {
				r[j] = ql[lq*n+j] - pl[lp*n+j]
			}
			maha := q.solve(cq, r, u, v)
			out[run.Off[0]+i] = (q.logDet[cq] - 2*p.halfLogDet[mp] + tr + maha - float64(n)) / 2
		}
	}
	return klResult(p.dtype, out, batch), nil
}
