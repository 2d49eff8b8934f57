// Command benchreport writes the side-by-side report of tensordist's
// benchmark matrix against PyTorch's torch.distributions: a markdown page
// and a log–log PNG of ns per element against N, one panel per family.
//
// It reads torch_bench.py's JSONL records (shared/bench/torch_bench.py,
// grid section, threads 1) and `go test -bench` output of the bench
// package (BenchmarkLogProb/<Family>/<f32|f64>/n=<N> and the multivariate
// names, see bench/doc.go), joins them cell by cell, and reports per op
// the torch and Go figures with their ratio torch/Go (above 1, Go is
// faster), the geometric mean of the ratios over the main matrix of issue
// 9, the cells where Go is not faster, the missing cells and the machine.
// Without torch records it writes the Go-only tables and says that
// PyTorch was absent. scripts/bench-compare.sh runs the matrix and calls
// it:
//
//	cd examples && go run ./benchreport -go GO.txt [-torch TORCH.jsonl] \
//		[-machine MACHINE.txt] -md ../docs/benchmarks-matrix.md -png ../docs/img/bench.png
package main
