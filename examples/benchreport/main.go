package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// files is a repeatable file flag.
type files []string

func (f *files) String() string     { return strings.Join(*f, ",") }
func (f *files) Set(s string) error { *f = append(*f, s); return nil }

// inputs are the files a report is made from.
type inputs struct {
	goFiles, torchFiles, profiles []string
	machine                       string
}

func main() {
	var in inputs
	flag.Var((*files)(&in.goFiles), "go", "`go test -bench` output (repeatable; -cpu 2 runs give the two-thread column)")
	flag.Var((*files)(&in.torchFiles), "torch", "torch_bench.py JSONL records, any section (repeatable; none: PyTorch absent)")
	flag.Var((*files)(&in.profiles), "profiles", "profile summaries: `# bench: <name>` then go tool pprof -top output, per cell (repeatable)")
	flag.StringVar(&in.machine, "machine", "", "the driver's `key: value` record of the machine and run")
	md := flag.String("md", "", "markdown report to write (default: stdout)")
	png := flag.String("png", "", "PNG plot to write (default: none)")
	losers := flag.Bool("losers", false, "print the Go benchmark names of the cells where Go is not faster, one a line, slowest first, and nothing else")
	flag.Parse()
	var err error
	if *losers {
		err = listLosers(in, os.Stdout)
	} else {
		err = run(in, *md, *png)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// run reads the inputs, joins them and writes the report and the plot.
func run(in inputs, mdPath, pngPath string) error {
	rp, err := load(in)
	if err != nil {
		return err
	}
	out := os.Stdout
	if mdPath != "" {
		if out, err = os.Create(mdPath); err != nil {
			return fmt.Errorf("benchreport: -md: %w", err)
		}
	}
	if err := rp.writeMarkdown(out); err != nil {
		return fmt.Errorf("benchreport: -md %s: %w", mdPath, err)
	}
	if mdPath != "" {
		if err := out.Close(); err != nil {
			return fmt.Errorf("benchreport: -md: %w", err)
		}
	}
	if pngPath != "" {
		return writePlot(pngPath, rp.j)
	}
	return nil
}

// listLosers writes the benchmark names of the cells where Go is not
// faster (the cells scripts/bench-compare.sh profiles).
func listLosers(in inputs, w io.Writer) error {
	rp, err := load(in)
	if err != nil {
		return err
	}
	var b strings.Builder
	for _, r := range rp.j.notFaster() {
		b.WriteString(r.go_.name + "\n")
	}
	_, err = io.WriteString(w, b.String())
	return err
}

// load reads every input file and joins the results into a report.
func load(in inputs) (report, error) {
	if len(in.goFiles) == 0 {
		return report{}, fmt.Errorf("benchreport: -go: at least one go test -bench output is required")
	}
	gores := goSets{}
	var head goHeader
	for _, path := range in.goFiles {
		f, err := os.Open(path)
		if err != nil {
			return report{}, fmt.Errorf("benchreport: -go: %w", err)
		}
		res, h, err := readGo(f)
		f.Close()
		if err != nil {
			return report{}, fmt.Errorf("benchreport: %s: %w", path, err)
		}
		for threads, set := range res {
			for c, g := range set {
				for _, ns := range g.nsPerElem {
					gores.add(threads, c, g.name, ns)
				}
				if g.hasAllocs {
					old := gores[threads][c]
					old.allocs, old.hasAllocs = g.allocs, true
				}
			}
		}
		if h.cpu != "" {
			head = h
		}
	}
	torch := newTorchData()
	for _, path := range in.torchFiles {
		f, err := os.Open(path)
		if err != nil {
			return report{}, fmt.Errorf("benchreport: -torch: %w", err)
		}
		err = readTorch(f, &torch)
		f.Close()
		if err != nil {
			return report{}, fmt.Errorf("benchreport: %s: %w", path, err)
		}
	}
	profiles := map[cell]profile{}
	for _, path := range in.profiles {
		f, err := os.Open(path)
		if err != nil {
			return report{}, fmt.Errorf("benchreport: -profiles: %w", err)
		}
		err = readProfiles(f, profiles)
		f.Close()
		if err != nil {
			return report{}, fmt.Errorf("benchreport: %s: %w", path, err)
		}
	}
	var m machineInfo
	if in.machine != "" {
		f, err := os.Open(in.machine)
		if err != nil {
			return report{}, fmt.Errorf("benchreport: -machine: %w", err)
		}
		m, err = readMachine(f)
		f.Close()
		if err != nil {
			return report{}, fmt.Errorf("benchreport: %s: %w", in.machine, err)
		}
	}
	if m.get("cpu") == "" && head.cpu != "" {
		m.set("cpu", head.cpu)
	}
	if torch.version != "" && m.get("torch") == "" {
		m.set("torch", torch.version)
	}
	rp := report{
		j:       join(torch.grid[1], gores[1]),
		machine: m,
		ex:      extras{goRes: gores, torch: torch, profiles: profiles},
	}
	if !rp.j.hasTorch() {
		rp.torchNote = m.get("torch")
	}
	return rp, nil
}
