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

// benchName matches Benchmark<Fn>/<Level>/<f32|f64>/n=<N>, with the -P
// suffix go test adds when GOMAXPROCS is not 1.
var benchName = regexp.MustCompile(`^Benchmark(\w+)/([\w-]+)/(f32|f64)/n=(\d+)(?:-\d+)?$`)

// readGo parses `go test -bench` output: every result line whose name maps
// to a cell (goCell) and that reports ns/elem. Other lines, benchmarks
// without a cell and results without ns/elem are skipped; a malformed
// number in a result line is an error naming the line.
func readGo(r io.Reader) (map[cell]*goResult, goHeader, error) {
	res := map[cell]*goResult{}
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
		m := benchName.FindStringSubmatch(fields[0])
		if m == nil {
			continue
		}
		op, fam, ok := goCell(m[1], m[2])
		if !ok {
			continue
		}
		n, err := strconv.Atoi(m[4])
		if err != nil {
			return nil, h, fmt.Errorf("go bench line %d: n=%q: %w", line, m[4], err)
		}
		metrics, err := parseMetrics(fields[2:])
		if err != nil {
			return nil, h, fmt.Errorf("go bench line %d: %w", line, err)
		}
		ns, ok := metrics["ns/elem"]
		if !ok {
			continue
		}
		c := cell{op, fam, m[3], n}
		g := res[c]
		if g == nil {
			g = &goResult{}
			res[c] = g
		}
		g.nsPerElem = append(g.nsPerElem, ns)
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
