package main

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// profTop is how many functions a profile summary names.
const profTop = 4

// profile is the summary of one cell's CPU profile: `go tool pprof -top`
// of a rerun of the cell's Go benchmark alone (scripts/bench-compare.sh),
// its functions by flat time, most first.
type profile struct {
	total string // pprof's "Total samples" (sampled CPU time), "" if not given
	fns   []profFn
}

// profFn is one function of a profile and its flat share of the samples
// (per cent).
type profFn struct {
	name string
	flat float64
}

// summary names the top profTop functions with their flat share and the
// share they sum to: where the cell's time goes.
func (p profile) summary() string {
	if len(p.fns) == 0 {
		return "no samples"
	}
	k := min(profTop, len(p.fns))
	parts := make([]string, k)
	sum := 0.0
	for i, f := range p.fns[:k] {
		parts[i] = fmt.Sprintf("%s %s%%", shortName(f.name), pct(f.flat))
		sum += f.flat
	}
	s := strings.Join(parts, ", ") + fmt.Sprintf(" (top %d: %s%%", k, pct(sum))
	if p.total != "" {
		s += " of " + p.total
	}
	return s + ")"
}

// pct writes a share in per cent: whole numbers, one decimal below 10.
func pct(x float64) string {
	if x < 9.95 {
		return strconv.FormatFloat(x, 'f', 1, 64)
	}
	return strconv.FormatFloat(x, 'f', 0, 64)
}

// shortName drops the import path of a function's package and the
// go.shape. of generic instantiations:
// github.com/seed39ad66a2/tensordist/tensor.LogSlice[go.shape.float64]
// becomes tensor.LogSlice[float64].
func shortName(s string) string {
	s = strings.TrimSuffix(s, " (inline)")
	head, rest := s, ""
	if i := strings.IndexByte(s, '['); i >= 0 {
		head, rest = s[:i], s[i:]
	}
	// The import path ends at the last '/' of the name (before any type
	// arguments); a major-version element keeps its parent, as in
	// rand/v2.(*PCG).next.
	if i := strings.LastIndexByte(head, '/'); i >= 0 {
		if j := strings.LastIndexByte(head[:i], '/'); j >= 0 && majorVersion.MatchString(head[i+1:]) {
			i = j
		}
		head = head[i+1:]
	}
	return head + strings.ReplaceAll(rest, "go.shape.", "")
}

// majorVersion matches a name whose package path element is a major
// version (v2.F, v2.(*T).M).
var majorVersion = regexp.MustCompile(`^v[0-9]+\.`)

var profTotal = regexp.MustCompile(`Total samples = (\S+)`)

// readProfiles parses the profile summaries scripts/bench-compare.sh
// writes: per cell a line `# bench: <benchmark name>`, then `go tool pprof
// -top` output (its header lines, then a table with columns flat, flat%,
// sum%, cum, cum% and the function). Profiles are one-thread runs, filed
// by the benchmark's cell; a section whose benchmark has no cell is
// skipped, other lines outside a table are ignored, and a malformed
// number in a table row is an error naming the line.
func readProfiles(r io.Reader, into map[cell]profile) error {
	var (
		cur     *profile
		curCell cell
		inTable bool
	)
	flush := func() {
		if cur != nil {
			into[curCell] = *cur
		}
		cur, inTable = nil, false
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if name, ok := strings.CutPrefix(text, "# bench:"); ok {
			flush()
			if c, _, threads, ok := parseName(strings.TrimSpace(name)); ok && threads == 1 {
				cur, curCell = &profile{}, c
			}
			continue
		}
		if cur == nil {
			continue
		}
		fields := strings.Fields(text)
		switch {
		case profTotal.MatchString(text):
			cur.total = profTotal.FindStringSubmatch(text)[1]
		case len(fields) >= 2 && fields[0] == "flat" && fields[1] == "flat%":
			inTable = true
		case inTable && len(fields) >= 6:
			flat, err := strconv.ParseFloat(strings.TrimSuffix(fields[1], "%"), 64)
			if err != nil {
				return fmt.Errorf("profiles line %d: flat%% %q: %w", line, fields[1], err)
			}
			if flat > 0 {
				cur.fns = append(cur.fns, profFn{strings.Join(fields[5:], " "), flat})
			}
		}
	}
	flush()
	if err := sc.Err(); err != nil {
		return fmt.Errorf("profiles: %w", err)
	}
	return nil
}
