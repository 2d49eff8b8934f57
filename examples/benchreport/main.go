package main

import (
	"flag"
	"fmt"
	"maps"
	"os"
	"strings"
)

// files is a repeatable file flag.
type files []string

func (f *files) String() string     { return strings.Join(*f, ",") }
func (f *files) Set(s string) error { *f = append(*f, s); return nil }

func main() {
	var goFiles, torchFiles files
	flag.Var(&goFiles, "go", "`go test -bench` output (repeatable)")
	flag.Var(&torchFiles, "torch", "torch_bench.py JSONL records (repeatable; none: PyTorch absent)")
	machine := flag.String("machine", "", "the driver's `key: value` record of the machine and run")
	md := flag.String("md", "", "markdown report to write (default: stdout)")
	png := flag.String("png", "", "PNG plot to write (default: none)")
	flag.Parse()
	if err := run(goFiles, torchFiles, *machine, *md, *png); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// run reads the inputs, joins them and writes the report and the plot.
func run(goFiles, torchFiles []string, machinePath, mdPath, pngPath string) error {
	if len(goFiles) == 0 {
		return fmt.Errorf("benchreport: -go: at least one go test -bench output is required")
	}
	rp, err := load(goFiles, torchFiles, machinePath)
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

// load reads every input file and joins the results into a report.
func load(goFiles, torchFiles []string, machinePath string) (report, error) {
	gores := map[cell]*goResult{}
	var head goHeader
	for _, path := range goFiles {
		f, err := os.Open(path)
		if err != nil {
			return report{}, fmt.Errorf("benchreport: -go: %w", err)
		}
		res, h, err := readGo(f)
		f.Close()
		if err != nil {
			return report{}, fmt.Errorf("benchreport: %s: %w", path, err)
		}
		for c, g := range res {
			if old := gores[c]; old != nil {
				old.nsPerElem = append(old.nsPerElem, g.nsPerElem...)
				old.allocs, old.hasAllocs = g.allocs, g.hasAllocs
			} else {
				gores[c] = g
			}
		}
		if h.cpu != "" {
			head = h
		}
	}
	torch := map[cell]torchRecord{}
	version := ""
	for _, path := range torchFiles {
		f, err := os.Open(path)
		if err != nil {
			return report{}, fmt.Errorf("benchreport: -torch: %w", err)
		}
		recs, v, err := readTorch(f)
		f.Close()
		if err != nil {
			return report{}, fmt.Errorf("benchreport: %s: %w", path, err)
		}
		maps.Copy(torch, recs)
		if v != "" {
			version = v
		}
	}
	var m machineInfo
	if machinePath != "" {
		f, err := os.Open(machinePath)
		if err != nil {
			return report{}, fmt.Errorf("benchreport: -machine: %w", err)
		}
		m, err = readMachine(f)
		f.Close()
		if err != nil {
			return report{}, fmt.Errorf("benchreport: %s: %w", machinePath, err)
		}
	}
	if m.get("cpu") == "" && head.cpu != "" {
		m.set("cpu", head.cpu)
	}
	if version != "" && m.get("torch") == "" {
		m.set("torch", version)
	}
	rp := report{j: join(torch, gores), machine: m}
	if !rp.j.hasTorch() {
		rp.torchNote = m.get("torch")
	}
	return rp, nil
}
