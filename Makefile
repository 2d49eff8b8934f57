# tensordist: two commands for a new machine, `make demo` and `make test`.
GO ?= go
SHARED_GOLDEN ?= ../shared/golden

.PHONY: test demo golden-sync vet bench fuzz

# Every test of both modules, then the golden conformance again in local
# directory mode so that its summary line shows, then go vet.
test:
	$(GO) test ./...
	cd distributions && $(GO) test -count=1 -run '^TestGolden$$'
	cd examples && $(GO) test ./...
	$(GO) vet ./...
	cd examples && $(GO) vet ./...

# The main example: stochastic variational inference for a hierarchical
# model in a gorgonia graph (RSample + LogProbSum + Adam); writes
# docs/img/demo.png.
demo:
	cd examples && $(GO) run ./demo

# Re-copy the shared conformance cases into the committed testdata/golden.
golden-sync:
	cp $(SHARED_GOLDEN)/*.json $(SHARED_GOLDEN)/SCHEMA.md testdata/golden/

# Benchmarks named like ../shared/bench/torch_bench.py's cells.
bench:
	$(GO) test ./bench/ -run '^$$' -bench . -benchmem

fuzz:
	$(GO) test ./distributions/ -run '^$$' -fuzz FuzzNormal -fuzztime 30s
