package main

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// machineInfo is the driver's record of the run, "key: value" lines in
// the order written (date, cpu, cores, load before and after, go version,
// GOEXPERIMENT, torch version or why torch is absent, …); the report
// prints them as they are.
type machineInfo []struct{ key, value string }

// get returns the value of key, or "".
func (m machineInfo) get(key string) string {
	for _, kv := range m {
		if kv.key == key {
			return kv.value
		}
	}
	return ""
}

// set replaces key's value, or appends the pair.
func (m *machineInfo) set(key, value string) {
	for i := range *m {
		if (*m)[i].key == key {
			(*m)[i].value = value
			return
		}
	}
	*m = append(*m, struct{ key, value string }{key, value})
}

// readMachine parses "key: value" lines; blank lines and lines starting
// with # are skipped, a line without ": " is an error naming it. A key
// given twice keeps its last value (load_after is written at the end).
func readMachine(r io.Reader) (machineInfo, error) {
	var m machineInfo
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		k, v, ok := strings.Cut(text, ": ")
		if !ok {
			return nil, fmt.Errorf("machine info line %d %q: want \"key: value\"", line, text)
		}
		m.set(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("machine info: %w", err)
	}
	return m, nil
}
