package main

import (
	"cmp"
	"math"
	"slices"
)

// row is one cell of the main matrix with what each side measured (nil:
// not measured).
type row struct {
	cell
	torch *torchRecord
	go_   *goResult
}

// both reports whether the two sides measured the cell.
func (r row) both() bool { return r.torch != nil && r.go_ != nil }

// ratio is torch ns/elem ÷ Go ns/elem: above 1, Go is faster. Only for
// rows measured on both sides.
func (r row) ratio() float64 { return r.torch.NsPerElement / r.go_.median() }

// joined is the main matrix joined across the engines.
type joined struct {
	rows []row // every main-matrix cell, in report order
	// into is the Go-only Into form's figure by its allocating cell:
	// LogProbInto by log_prob's, SampleInto by sample_batch's.
	into map[cell]*goResult
}

// intoOp maps an allocating op to its Go-only Into form.
var intoOp = map[string]string{opLogProb: opLogProbInto, opSampleBatch: opSampleInto}

// join pairs the torch and Go results of every main-matrix cell.
func join(torch map[cell]torchRecord, gores map[cell]*goResult) joined {
	j := joined{into: map[cell]*goResult{}}
	for _, c := range mainMatrix() {
		r := row{cell: c}
		if t, ok := torch[c]; ok {
			r.torch = &t
		}
		r.go_ = gores[c]
		j.rows = append(j.rows, r)
		if op, ok := intoOp[c.op]; ok {
			ic := c
			ic.op = op
			if g := gores[ic]; g != nil {
				j.into[c] = g
			}
		}
	}
	return j
}

// geomean returns the geometric mean of the ratios over the cells measured
// on both sides, and their count (0 and NaN when there are none).
func (j joined) geomean() (float64, int) {
	sum, n := 0.0, 0
	for _, r := range j.rows {
		if r.both() {
			sum += math.Log(r.ratio())
			n++
		}
	}
	if n == 0 {
		return math.NaN(), 0
	}
	return math.Exp(sum / float64(n)), n
}

// notFaster returns the cells measured on both sides where Go is not
// faster (ratio ≤ 1), slowest first.
func (j joined) notFaster() []row {
	var out []row
	for _, r := range j.rows {
		if r.both() && r.ratio() <= 1 {
			out = append(out, r)
		}
	}
	slices.SortStableFunc(out, func(a, b row) int { return cmp.Compare(a.ratio(), b.ratio()) })
	return out
}

// missing returns the main-matrix cells without a torch figure and those
// without a Go figure.
func (j joined) missing() (torch, gocells []cell) {
	for _, r := range j.rows {
		if r.torch == nil {
			torch = append(torch, r.cell)
		}
		if r.go_ == nil {
			gocells = append(gocells, r.cell)
		}
	}
	return torch, gocells
}

// hasTorch reports whether any torch record joined.
func (j joined) hasTorch() bool {
	for _, r := range j.rows {
		if r.torch != nil {
			return true
		}
	}
	return false
}
