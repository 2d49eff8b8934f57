// Command benchreport writes the side-by-side report of tensordist's
// benchmark matrix against PyTorch's torch.distributions: a markdown page
// and a log–log PNG of ns per element against N, one panel per family.
//
// It reads torch_bench.py's JSONL records (shared/bench/torch_bench.py)
// and `go test -bench` output of the bench package
// (BenchmarkLogProb/<Family>/<f32|f64>/n=<N> and the multivariate names,
// see bench/doc.go), joins them cell by cell, and reports per op the torch
// and Go figures with their ratio torch/Go (above 1, Go is faster), the
// geometric mean of the ratios over the main matrix of issue 9 (grid
// section, one thread, validation off, allocating calls), the cells where
// Go is not faster, the missing cells and the machine.
//
// Beside the main matrix, never in its ratios or geometric mean, it
// reports what the inputs hold of:
//   - the Into forms (BenchmarkLogProbInto, BenchmarkSampleInto), Go only;
//   - two threads each side at N ≥ 1e4 (grid records with threads 2; Go
//     results with the -2 suffix of -cpu 2);
//   - N=1 with validation on (the overhead section's log_prob records at
//     N=1, validate false and true; BenchmarkLogProbValidated);
//   - the vector-log bound of Normal's log_prob at 1e6: the faster of
//     BenchmarkVectorLog and the kernels section's torch.log, and Normal's
//     log_prob as a multiple of it (issue 9's target: at most 1.5×);
//   - a CPU profile summary per cell where Go is not faster (-profiles:
//     `# bench: <name>` then `go tool pprof -top` output, per cell).
//
// Without torch records it writes the Go-only tables and says that
// PyTorch was absent. scripts/bench-compare.sh runs the matrix and calls
// it, first with -losers (the benchmark names of the cells to profile),
// then for the report:
//
//	cd examples && go run ./benchreport -go GO.txt [-torch TORCH.jsonl] [-profiles PROFILES.txt] \
//		[-machine MACHINE.txt] -md ../docs/benchmarks.md -png ../docs/img/bench.png
package main
