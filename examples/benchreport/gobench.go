package main

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// goResult is one Go cell over its -count runs: ns/elem per run, and the
// allocations per op of the last run (they do not vary between runs).
type goResult struct {
	// name is the benchmark's full name without the -P suffix
	// (BenchmarkLogProb/Normal/f32/n=100): what a rerun selects, e.g. the
	// profile runs of scripts/bench-compare.sh.
	name      string
	nsPerElem []float64
	allocs    int
	hasAllocs bool
}

// median is the cell's figure, benchstat's centre.
func (g goResult) median() float64 { return median(g.nsPerElem) }

// goHeader holds what the report takes from the lines go test prints
// before the results: the CPU model.
type goHeader struct {
	cpu string
}

// goSets holds the Go results by thread count: the -P suffix go test adds
// to a name when GOMAXPROCS (-cpu) is P ≠ 1; no suffix is one thread, the
// main matrix.
type goSets map[int]map[cell]*goResult

// add pools one run into threads' cell c.
func (s goSets) add(threads int, c cell, name string, ns float64) *goResult {
	if s[threads] == nil {
		s[threads] = map[cell]*goResult{}
	}
	g := s[threads][c]
	if g == nil {
		g = &goResult{name: name}
		s[threads][c] = g
	}
	g.nsPerElem = append(g.nsPerElem, ns)
	return g
}

var (
	// benchName matches Benchmark<Fn>/<Level>/<f32|f64>/n=<N>, with the -P
	// suffix go test adds when GOMAXPROCS is not 1.
	benchName = regexp.MustCompile(`^(Benchmark(\w+)/([\w-]+)/(f32|f64)/n=(\d+))(?:-(\d+))?$`)
	// vectorLogName matches BenchmarkVectorLog/<f32|f64>/n=<N> (the
	// vector-log bound; bench/vector_test.go).
	vectorLogName = regexp.MustCompile(`^(BenchmarkVectorLog/(f32|f64)/n=(\d+))(?:-(\d+))?$`)
)

// parseName maps a benchmark name to its cell, its name without the -P
// suffix and its thread count; ok is false for benchmarks without a cell.
// BenchmarkVectorLog's cells have op vector_log and family "-".
func parseName(s string) (c cell, name string, threads int, ok bool) {
	threads = 1
	var dt, n, p string
	if m := vectorLogName.FindStringSubmatch(s); m != nil {
		c.op, c.family = opVectorLog, "-"
		name, dt, n, p = m[1], m[2], m[3], m[4]
	} else if m := benchName.FindStringSubmatch(s); m != nil {
		if c.op, c.family, ok = goCell(m[2], m[3]); !ok {
			return cell{}, "", 0, false
		}
		name, dt, n, p = m[1], m[4], m[5], m[6]
	} else {
		return cell{}, "", 0, false
	}
	var err error
	if c.n, err = strconv.Atoi(n); err != nil {
		return cell{}, "", 0, false
	}
	if p != "" {
		if threads, err = strconv.Atoi(p); err != nil {
			return cell{}, "", 0, false
		}
	}
	c.dtype = dt
	return c, name, threads, true
}

// readGo parses `go test -bench` output: every result line whose name maps
// to a cell (parseName) and that reports ns/elem, by thread count. Other
// lines, benchmarks without a cell and results without ns/elem are
// skipped; a malformed number in a result line is an error naming the
// line.
func readGo(r io.Reader) (goSets, goHeader, error) {
	res := goSets{}
	var h goHeader
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "cpu:" {
			h.cpu = strings.Join(fields[1:], " ")
		}
		if len(fields) < 4 {
			continue
		}
		c, name, threads, ok := parseName(fields[0])
		if !ok {
			continue
		}
		metrics, err := parseMetrics(fields[2:])
		if err != nil {
			return nil, h, fmt.Errorf("go bench line %d: %w", line, err)
		}
		ns, ok := metrics["ns/elem"]
		if !ok {
			continue
		}
		g := res.add(threads, c, name, ns)
		if a, ok := metrics["allocs/op"]; ok {
			g.allocs, g.hasAllocs = int(a), true
		}
	}
	if err := sc.Err(); err != nil {
		return nil, h, fmt.Errorf("go bench output: %w", err)
	}
	return res, h, nil
}

// parseMetrics reads the value–unit pairs after the iteration count.
func parseMetrics(f []string) (map[string]float64, error) {
	if len(f)%2 != 0 {
		return nil, fmt.Errorf("metrics %q: want value–unit pairs", strings.Join(f, " "))
	}
	m := make(map[string]float64, len(f)/2)
	for i := 0; i < len(f); i += 2 {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return nil, fmt.Errorf("metric %s: %w", f[i+1], err)
		}
		m[f[i+1]] = v
	}
	return m, nil
}

// median returns the middle of xs (the mean of the two middle values for
// an even count); xs must not be empty.
func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	k := len(s) / 2
	if len(s)%2 == 1 {
		return s[k]
	}
	return (s[k-1] + s[k]) / 2
}
