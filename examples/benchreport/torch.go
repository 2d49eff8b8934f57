package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// torchRecord is the part of a torch_bench.py record the report uses.
type torchRecord struct {
	Section       string  `json:"section"`
	Family        string  `json:"family"`
	Op            string  `json:"op"`
	Dtype         string  `json:"dtype"`
	Threads       int     `json:"threads"`
	N             int     `json:"N"`
	NsPerElement  float64 `json:"ns_per_element"`
	MinfltPerCall float64 `json:"minflt_per_call"`
	// Validate is validate_args: false in the grid, both in the overhead
	// section, null in its probes and in the kernels section.
	Validate *bool `json:"validate"`
	// TorchVersion is read when a record carries it (torch_bench.py
	// prints the version on stderr only).
	TorchVersion string `json:"torch_version"`
}

// faulted reports whether torch's timed rounds took minor page faults
// (marked † in the report: glibc returned heap to the OS and re-faulted
// it, which slows torch at large N).
func (r torchRecord) faulted() bool { return r.MinfltPerCall > 0 }

// torchData is what the report takes from torch_bench.py's records, the
// last record of a key winning (a rerun appends):
//   - grid: the grid section by thread count (1: the main matrix; 2: the
//     two-thread column), by cell;
//   - overhead: the overhead section's log_prob at N = 1 of a family, by
//     cell{log_prob or log_prob_validated (validate true), family, dtype, 1};
//   - kernels: the kernels section at one thread, by cell{kernel (log,
//     exp, …), "-", dtype, N}.
//
// Probe records, the overhead section's probes, construction and large-N
// records, and kernels at other thread counts are skipped.
type torchData struct {
	grid     map[int]map[cell]torchRecord
	overhead map[cell]torchRecord
	kernels  map[cell]torchRecord
	version  string
}

func newTorchData() torchData {
	return torchData{grid: map[int]map[cell]torchRecord{}, overhead: map[cell]torchRecord{}, kernels: map[cell]torchRecord{}}
}

// add files one record (see torchData).
func (t torchData) add(rec torchRecord) {
	dt, ok := torchDtype[rec.Dtype]
	if !ok {
		return
	}
	switch rec.Section {
	case "grid":
		if t.grid[rec.Threads] == nil {
			t.grid[rec.Threads] = map[cell]torchRecord{}
		}
		t.grid[rec.Threads][cell{rec.Op, rec.Family, dt, rec.N}] = rec
	case "overhead":
		if rec.Op != opLogProb || rec.N != 1 || rec.Validate == nil || rec.Family == "-" {
			return
		}
		op := opLogProb
		if *rec.Validate {
			op = opValidated
		}
		t.overhead[cell{op, rec.Family, dt, 1}] = rec
	case "kernels":
		if rec.Threads == 1 {
			t.kernels[cell{rec.Op, "-", dt, rec.N}] = rec
		}
	}
}

// readTorch parses torch_bench.py's JSONL output into t (see torchData);
// a line that is not JSON is an error naming the line.
func readTorch(r io.Reader, t *torchData) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		var rec torchRecord
		if err := json.Unmarshal([]byte(text), &rec); err != nil {
			return fmt.Errorf("torch jsonl line %d: %w", line, err)
		}
		if rec.TorchVersion != "" {
			t.version = rec.TorchVersion
		}
		t.add(rec)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("torch jsonl: %w", err)
	}
	return nil
}
