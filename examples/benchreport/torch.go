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
	// TorchVersion is read when a record carries it (torch_bench.py
	// prints the version on stderr only).
	TorchVersion string `json:"torch_version"`
}

// faulted reports whether torch's timed rounds took minor page faults
// (marked † in the report: glibc returned heap to the OS and re-faulted
// it, which slows torch at large N).
func (r torchRecord) faulted() bool { return r.MinfltPerCall > 0 }

// readTorch parses torch_bench.py's JSONL output: the grid records of one
// thread, by cell, the last record of a cell winning (a rerun appends).
// Probe, overhead and kernel records are skipped; a line that is not JSON
// is an error naming the line.
func readTorch(r io.Reader) (map[cell]torchRecord, string, error) {
	res := map[cell]torchRecord{}
	version := ""
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		var rec torchRecord
		if err := json.Unmarshal([]byte(text), &rec); err != nil {
			return nil, "", fmt.Errorf("torch jsonl line %d: %w", line, err)
		}
		if rec.TorchVersion != "" {
			version = rec.TorchVersion
		}
		dt, ok := torchDtype[rec.Dtype]
		if rec.Section != "grid" || rec.Threads != 1 || !ok {
			continue
		}
		res[cell{rec.Op, rec.Family, dt, rec.N}] = rec
	}
	if err := sc.Err(); err != nil {
		return nil, "", fmt.Errorf("torch jsonl: %w", err)
	}
	return res, version, nil
}
