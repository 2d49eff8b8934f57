package main

import (
	"fmt"
	"math"
	"strings"
)

// extras holds the measurements beside the main matrix, never in its
// ratios or geometric mean: every Go result by thread count, every torch
// record the report uses, and the CPU profiles of the cells where Go is
// not faster.
type extras struct {
	goRes    goSets
	torch    torchData
	profiles map[cell]profile
}

// boundTarget is issue 9's target for Normal's log_prob at n = 1e6: at
// most this multiple of the vector-log bound.
const boundTarget = 1.5

// minTwoThreadN is the smallest N of the two-thread column (smaller
// calls do not split across threads).
const minTwoThreadN = 10_000

// table is a markdown table whose torch columns are dropped when PyTorch
// is absent.
type table struct {
	head  []string
	torch []bool // per column: a torch figure or a ratio
	rows  [][]string
}

func (t table) write(b *strings.Builder, withTorch bool) {
	keep := func(cells []string) []string {
		var out []string
		for i, c := range cells {
			if withTorch || !t.torch[i] {
				out = append(out, c)
			}
		}
		return out
	}
	h := keep(t.head)
	fmt.Fprintf(b, "| %s |\n|%s\n", strings.Join(h, " | "), strings.Repeat("---|", len(h)))
	for _, r := range t.rows {
		fmt.Fprintf(b, "| %s |\n", strings.Join(keep(r), " | "))
	}
	b.WriteString("\n")
}

// figure formats a torch record's ns/elem ("–": none), † when faulted.
func torchFig(r *torchRecord) string {
	if r == nil {
		return "–"
	}
	s := num(r.NsPerElement)
	if r.faulted() {
		s += " †"
	}
	return s
}

func goFig(g *goResult) string {
	if g == nil {
		return "–"
	}
	return num(g.median())
}

func ratioText(t *torchRecord, g *goResult) string {
	if t == nil || g == nil {
		return "–"
	}
	return num(t.NsPerElement / g.median())
}

func rec(m map[cell]torchRecord, c cell) *torchRecord {
	if r, ok := m[c]; ok {
		return &r
	}
	return nil
}

// writeTwoThreads writes the two-thread column: the main matrix's cells of
// N ≥ 1e4 with torch at --threads 2 and Go at GOMAXPROCS=2 -cpu 2, beside
// their one-thread figures, and the geometric mean of the two-thread
// ratios.
func (rp report) writeTwoThreads(b *strings.Builder, withTorch bool) {
	t := table{
		head:  []string{"op", "family", "dtype", "N", "torch 1 thread", "torch 2 threads", "Go 1 thread", "Go 2 threads", "torch/Go 2 threads"},
		torch: []bool{false, false, false, false, true, true, false, false, true},
	}
	sum, n := 0.0, 0
	for _, r := range rp.j.rows {
		if r.n < minTwoThreadN {
			continue
		}
		t2, g2 := rec(rp.ex.torch.grid[2], r.cell), rp.ex.goRes[2][r.cell]
		if g2 == nil && (t2 == nil || !withTorch) {
			continue
		}
		if t2 != nil && g2 != nil {
			sum += math.Log(t2.NsPerElement / g2.median())
			n++
		}
		t.rows = append(t.rows, []string{r.op, r.family, r.dtype, nLabel(r.n), torchFig(r.torch), torchFig(t2), goFig(r.go_), goFig(g2), ratioText(t2, g2)})
	}
	if len(t.rows) == 0 {
		return
	}
	b.WriteString("## Two threads each side (N ≥ 1e4; not in the main ratios or geometric mean)\n\n")
	b.WriteString("torch: `torch_bench.py --threads 2`; Go: the same benchmarks with GOMAXPROCS=2 `-cpu 2`. " +
		"The one-thread figures are the main matrix's. ns per element. Two threads need both cores: on a loaded machine " +
		"(see the load averages) these figures mostly measure the contention.\n\n")
	if withTorch && n > 0 {
		fmt.Fprintf(b, "Geometric mean of torch/Go at two threads: **%s×** over %s.\n\n", num(math.Exp(sum/float64(n))), plural(n, "cell"))
	}
	t.write(b, withTorch)
}

// writeValidated writes LogProb at n = 1 with validation off and on, each
// side: torch's overhead section (log_prob at N = 1, validate_args
// False/True) and Go's main-matrix cell and BenchmarkLogProbValidated.
func (rp report) writeValidated(b *strings.Builder, withTorch bool) {
	t := table{
		head:  []string{"family", "dtype", "torch off", "torch on", "Go off", "Go on", "torch/Go on"},
		torch: []bool{false, false, true, true, false, false, true},
	}
	for _, fam := range families {
		for _, dt := range dtypes {
			off, on := cell{opLogProb, fam, dt, 1}, cell{opValidated, fam, dt, 1}
			ton, gon := rec(rp.ex.torch.overhead, on), rp.ex.goRes[1][on]
			if gon == nil && (ton == nil || !withTorch) {
				continue
			}
			t.rows = append(t.rows, []string{fam, dt, torchFig(rec(rp.ex.torch.overhead, off)), torchFig(ton), goFig(rp.ex.goRes[1][off]), goFig(gon), ratioText(ton, gon)})
		}
	}
	if len(t.rows) == 0 {
		return
	}
	b.WriteString("## N=1 with validation on (not in the main ratios or geometric mean)\n\n")
	b.WriteString("ns per call of log_prob at N=1, value and parameter checks off and on. torch: `torch_bench.py --section overhead` " +
		"(validate_args False, True); Go: the main matrix's BenchmarkLogProb cell (off) and BenchmarkLogProbValidated (on, the default options).\n\n")
	t.write(b, withTorch)
}

// bound is the vector-log bound of one dtype at n = 1e6: the faster of
// tensor.LogSlice and torch.log, and Normal's log_prob on each side.
type bound struct {
	dtype       string
	goLog       *goResult
	torchLog    *torchRecord
	goNormal    *goResult
	torchNormal *torchRecord
}

// ns is the bound: the faster log (NaN when neither was measured).
func (bd bound) ns() float64 {
	x := math.NaN()
	if bd.goLog != nil {
		x = bd.goLog.median()
	}
	if bd.torchLog != nil && !(bd.torchLog.NsPerElement >= x) {
		x = bd.torchLog.NsPerElement
	}
	return x
}

// multiple is Go's Normal log_prob ÷ the bound (NaN when either is missing).
func (bd bound) multiple() float64 {
	if bd.goNormal == nil {
		return math.NaN()
	}
	return bd.goNormal.median() / bd.ns()
}

const boundN = 1_000_000

// bounds returns the bound of each dtype where a log was measured.
func (rp report) bounds() []bound {
	var out []bound
	for _, dt := range dtypes {
		bd := bound{
			dtype:       dt,
			goLog:       rp.ex.goRes[1][cell{opVectorLog, "-", dt, boundN}],
			torchLog:    rec(rp.ex.torch.kernels, cell{"log", "-", dt, boundN}),
			goNormal:    rp.ex.goRes[1][cell{opLogProb, "Normal", dt, boundN}],
			torchNormal: rec(rp.ex.torch.grid[1], cell{opLogProb, "Normal", dt, boundN}),
		}
		if bd.goLog != nil || bd.torchLog != nil {
			out = append(out, bd)
		}
	}
	return out
}

// boundSummary is the summary's line on the bound ("" without one).
func (rp report) boundSummary() string {
	var parts []string
	for _, bd := range rp.bounds() {
		if m := bd.multiple(); !math.IsNaN(m) {
			parts = append(parts, fmt.Sprintf("%s %s×", bd.dtype, num(m)))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return fmt.Sprintf("- Go's Normal log_prob at 1e6 ÷ the vector-log bound: %s (target ≤ %s×; section below).\n", strings.Join(parts, ", "), num(boundTarget))
}

// writeBound writes the vector-log bound and Normal's log_prob against it.
func (rp report) writeBound(b *strings.Builder, withTorch bool) {
	bds := rp.bounds()
	if len(bds) == 0 {
		return
	}
	t := table{
		head:  []string{"dtype", "Go LogSlice", "torch.log", "bound", "Go Normal log_prob", "Go ÷ bound", "torch Normal log_prob", "torch ÷ bound"},
		torch: []bool{false, false, true, false, false, false, true, true},
	}
	for _, bd := range bds {
		m := num(bd.multiple())
		if x := bd.multiple(); !math.IsNaN(x) {
			if x <= boundTarget {
				m += " ✓"
			} else {
				m += " ✗"
			}
		}
		tm := "–"
		if bd.torchNormal != nil {
			tm = num(bd.torchNormal.NsPerElement / bd.ns())
		}
		t.rows = append(t.rows, []string{bd.dtype, goFig(bd.goLog), torchFig(bd.torchLog), num(bd.ns()), goFig(bd.goNormal), m, torchFig(bd.torchNormal), tm})
	}
	b.WriteString("## Vector-log bound: Normal log_prob at N=1e6\n\n")
	fmt.Fprintf(b, "Normal's log_prob takes one log per element (of the scale), so it is measured against the faster of two vector logs over 1e6 elements, "+
		"one thread, into a reused array, run in the same invocation as the matrix: Go's tensor.LogSlice (BenchmarkVectorLog, over the scale's U(0.5, 2)) "+
		"and torch.log (`torch_bench.py --section kernels`, over U(0.05, 5)). Target: Go's Normal log_prob ≤ %s× the bound (✓ met, ✗ not). ns per element.\n\n", num(boundTarget))
	if !withTorch {
		b.WriteString("PyTorch absent: the bound is Go's LogSlice alone.\n\n")
	}
	t.write(b, withTorch)
}

// plural writes n and the noun, with an s unless n is 1.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
