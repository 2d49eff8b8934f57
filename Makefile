# tensordist: two commands for a new machine, `make demo` and `make test`.
GO ?= go
SHARED_GOLDEN ?= ../shared/golden
FUZZTIME ?= 30s

.PHONY: test demo scale-demo golden-sync vet bench bench-compare fuzz

# Every test of both modules (fuzz seed corpora included), the golden
# conformance again in local directory mode so that its summary line
# shows, the SIMD build of the vector kernels, the race detector over the
# concurrent code (parallel blocks, settings, shared distributions), then
# go vet.
test:
	$(GO) test ./...
	cd distributions && $(GO) test -count=1 -run '^TestGolden$$'
	GOEXPERIMENT=simd $(GO) test ./tensor ./distributions
	$(GO) test -race ./tensor ./shape
	$(GO) test -race ./distributions -run 'Settings|^TestConcurrentUse$$|^TestDeterminismAcrossGOMAXPROCS$$'
	cd examples && $(GO) test ./...
	cd examples/beam && $(GO) test ./...
	$(GO) vet ./...
	GOEXPERIMENT=simd $(GO) vet ./tensor
	cd examples && $(GO) vet ./...
	cd examples/beam && $(GO) vet ./...

# The main example: stochastic variational inference for a hierarchical
# model in a gorgonia graph (RSample + LogProbSum + Adam); writes
# docs/img/demo.png.
demo:
	cd examples && $(GO) run ./demo

# Fit a Poisson regression on 1,048,576 rows through an Apache Beam
# pipeline on the embedded Prism runner (docs/scaling.md).
scale-demo:
	cd examples/beam && $(GO) run .

# Re-copy the shared conformance cases into the committed testdata/golden.
golden-sync:
	cp $(SHARED_GOLDEN)/*.json $(SHARED_GOLDEN)/SCHEMA.md testdata/golden/

# Benchmarks named like ../shared/bench/torch_bench.py's cells.
bench:
	$(GO) test ./bench/ -run '^$$' -bench . -benchmem

# The benchmark matrix side by side with PyTorch (../shared/bench/torch_bench.py),
# interleaved per family: docs/benchmarks.md and docs/img/bench.png.
# Quick: make bench-compare FAMILIES=Normal NS=100,10000 COUNT=1
bench-compare:
	FAMILIES='$(FAMILIES)' NS='$(NS)' COUNT='$(COUNT)' BENCH_GOEXPERIMENT='$(BENCH_GOEXPERIMENT)' GO='$(GO)' scripts/bench-compare.sh

# Every fuzz target for FUZZTIME each (not part of make test; about 40
# targets, so 20 minutes at the default): scripts/fuzz.sh.
fuzz:
	GO=$(GO) FUZZTIME=$(FUZZTIME) scripts/fuzz.sh
