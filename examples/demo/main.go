package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// demoModel is the model the demo fits: 16 groups of 2 to 50
// observations, sorted by size so that the plot shows the posteriors
// narrowing as the groups grow.
func demoModel() Model {
	return Model{
		Sizes: []int{2, 3, 4, 5, 6, 8, 10, 12, 15, 18, 22, 26, 30, 35, 40, 50},
		MLoc:  0, MScale: 5, ScalePrior: 1,
		TrueM: 2, TrueTau: 1.5, TrueSigma: 1,
		DataSeed: 2026,
	}
}

// demoFit is the optimiser of the demo: the ELBO levels off after a few
// hundred steps; the rest let the decaying rate settle the guide.
func demoFit() FitConfig {
	return FitConfig{Steps: 3000, Draws: 8, LearnRate: 0.05, FinalLearnRate: 0.001, Seed: 39}
}

func main() {
	out := flag.String("o", "", "where to write the PNG plot (default docs/img/demo.png in the repository)")
	flag.Parse()
	if err := run(os.Stdout, os.Stderr, *out); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

// run fits the demo's model, reporting progress to the terminal or file
// progressTo, prints the report to w and writes the plot to plotPath
// (empty: the repository's docs/img/demo.png).
func run(w io.Writer, progressTo *os.File, plotPath string) error {
	if plotPath == "" {
		root, err := repoRoot()
		if err != nil {
			return err
		}
		plotPath = filepath.Join(root, "docs", "img", "demo.png")
	}
	mod, c := demoModel(), demoFit()
	d, err := mod.Simulate()
	if err != nil {
		return err
	}
	update, done := progress(progressTo, c.Steps)
	r, err := Fit(mod, d, c, update)
	done()
	if err != nil {
		return err
	}
	if err := printReport(w, r); err != nil {
		return err
	}
	if err := writePlot(plotPath, r); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nplot: %s\n", plotPath)
	return nil
}

// rootModule is the module path on the first line of the repository's go.mod.
const rootModule = "module github.com/seed39ad66a2/tensordist"

// repoRoot returns the nearest directory at or above the working
// directory whose go.mod declares tensordist's root module.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if f, err := os.Open(filepath.Join(dir, "go.mod")); err == nil {
			line, _ := bufio.NewReader(f).ReadString('\n')
			f.Close()
			if strings.TrimSpace(line) == rootModule {
				return dir, nil
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("not inside the tensordist repository: give the plot's path with -o")
		}
		dir = parent
	}
}
