// Package bench holds tensordist's CPU benchmarks, named and built like the
// cells of PyTorch's reference script shared/bench/torch_bench.py (see
// shared/bench/README.md for the naming contract; shared/ sits next to this
// module's root), so that one table compares the two libraries cell by
// cell. It has no exported API: the grid is in bench_test.go, other
// families add themselves from their own files, and the multivariate ones
// name the family in the function (BenchmarkLogProbDirichlet/Dirichlet/…,
// BenchmarkLogProbMVN/<per-event|shared-cov>/…; examples/benchreport maps
// them).
//
//	BenchmarkLogProb/<Family>/<f32|f64>/n=<N>      torch log_prob
//	BenchmarkLogProbInto/<Family>/<f32|f64>/n=<N>  the same into a reused buffer (no torch cell)
//	BenchmarkSample/<Family>/<f32|f64>/n=<N>       torch sample_batch: d.Sample(src), params of shape [N]
//	BenchmarkSampleScalar/<Family>/<f32|f64>/n=<N> torch sample_scalar: d.Sample(src, N), scalar params
//	BenchmarkSampleInto/<Family>/<f32|f64>/n=<N>   Sample into a reused array (no torch cell)
//	BenchmarkLogProbValidated/<Family>/<f32|f64>/n=1  LogProb with validation on: the whole per-call cost
//	BenchmarkRSampleGrad/<Family>/<f32|f64>/n=<N>  torch rsample_lp_bwd: build, RSample, LogProbGrad,
//	                                                RSampleVJP, the full gradient (Normal, Gamma, Beta, Dirichlet)
//	BenchmarkRSampleGradGraph/<Family>/<f32|f64>/n=<N>  the same step on a gorgonia TapeMachine built once
//
// Every benchmark uses the script's workloads and parameter distributions
// (Normal loc~N(0,1), scale~U(0.5,2), x~N(0,1); Bernoulli logits~N(0,1),
// x∈{0,1}; scalar Normal(0,1) and Bernoulli(logits=0.3)), drawn from a
// fixed seed; distributions are built with WithValidation(false), like the
// script's validate_args=False, and the timed calls allocate their result,
// as torch does. Besides ns/op, each reports ns/elem = ns/op ÷ events
// (events = N for the families here), the figure to set against the
// script's ns_per_element.
//
// scripts/bench-compare.sh (make bench-compare) runs the whole matrix,
// both sides interleaved per family, and writes docs/benchmarks.md
// and docs/img/bench.png. By hand, run both sides on one thread, one after
// the other, on an otherwise idle machine (torch needs the system
// interpreter, which has Debian's python3-torch):
//
//	cd shared/bench && /usr/bin/python3 torch_bench.py --families Normal,Bernoulli --threads 1 --out /tmp/torch_results.jsonl
//	cd main && GOMAXPROCS=1 go test ./bench/ -run '^$' -bench 'LogProb|Sample|RSampleGrad' -benchtime 200ms -count 5 -cpu 1 > /tmp/go_bench.txt
//	benchstat -filter '.unit:ns/elem' /tmp/go_bench.txt   # go install golang.org/x/perf/cmd/benchstat@latest
//	cd main/examples && go run ./benchreport -torch /tmp/torch_results.jsonl -go /tmp/go_bench.txt  # markdown tables
//
// A torch cell is the record with the same family, op (log_prob,
// sample_batch, sample_scalar, rsample_lp_bwd), dtype (float32, float64)
// and N, threads 1; compare its ns_per_element with the Go median ns/elem:
// torch/Go above 1 means Go is faster. docs/benchmarks.md holds the
// last generated comparison, docs/benchmarks-analysis.md its analysis; raw outputs
// are in results/.
package bench
