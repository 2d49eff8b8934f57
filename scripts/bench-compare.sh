#!/usr/bin/env bash
# bench-compare.sh runs issue 9's benchmark matrix side by side with
# PyTorch and writes the comparison report (examples/benchreport).
#
# Interleaved per family, so that a noisy phase of the machine hits both
# engines: for each family, torch_bench.py for that family (when the system
# interpreter imports torch), then that family's Go benchmarks (GOMAXPROCS=1,
# -cpu 1, -benchmem). Raw outputs are appended to
# bench/results/<date>/{torch,go_bench,machine}_<tag>.*; then the report
# goes to docs/benchmarks-matrix.md and the plot to docs/img/bench.png.
# Without torch the report says so and holds the Go figures only (exit 0).
#
#   scripts/bench-compare.sh                                   # the whole matrix
#   FAMILIES=Normal NS=100,10000 COUNT=1 scripts/bench-compare.sh   # a smoke
#   BENCH_GOEXPERIMENT=simd scripts/bench-compare.sh           # Go built with GOEXPERIMENT=simd
#
# Environment: FAMILIES (comma list, default all nine), NS (default
# 1,100,10000,1000000), COUNT (Go -count, default 5), BENCHTIME (default
# 200ms), BENCH_GOEXPERIMENT, TAG (file name tag, default HHMMSS UTC),
# TORCH_PYTHON (default /usr/bin/python3), TORCH_BENCH (default
# ../shared/bench/torch_bench.py), RESULTS (default bench/results/<date>),
# OUT_MD, OUT_PNG, GO (default go). A rerun with the same TAG appends to
# the same files (torch's last record of a cell wins, Go's runs pool).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
GO=${GO:-go}
FAMILIES=${FAMILIES:-Normal,Gamma,Beta,Poisson,Binomial,Bernoulli,Categorical,Dirichlet,MultivariateNormal}
NS=${NS:-1,100,10000,1000000}
COUNT=${COUNT:-5}
BENCHTIME=${BENCHTIME:-200ms}
BENCH_GOEXPERIMENT=${BENCH_GOEXPERIMENT:-}
TAG=${TAG:-$(date -u +%H%M%S)}
TORCH_PYTHON=${TORCH_PYTHON:-/usr/bin/python3}
TORCH_BENCH=${TORCH_BENCH:-$root/../shared/bench/torch_bench.py}
OUT_MD=${OUT_MD:-docs/benchmarks-matrix.md}
OUT_PNG=${OUT_PNG:-docs/img/bench.png}
RESULTS=${RESULTS:-bench/results/$(date -u +%F)}

# abs makes a path absolute, relative ones from the repository root.
abs() { case $1 in /*) echo "$1" ;; *) echo "$root/$1" ;; esac; }

case ",$NS," in *[!0-9,]*) echo "bench-compare: NS=$NS: want a comma list of integers" >&2; exit 2 ;; esac
nsre="^n=(${NS//,/|})\$"
dt='^(f32|f64)$'

# patterns prints the -bench patterns of one family, one per line: go test
# splits a pattern on '/', one regexp per level, so each selects exactly the
# family's cells (and LogProbInto, the Go-only column).
patterns() {
	case "$1" in
	Normal | Gamma | Beta | Poisson | Binomial | Bernoulli | Categorical)
		echo "^Benchmark(LogProb|LogProbInto|Sample|SampleScalar|RSampleGrad)\$/^$1\$/$dt/$nsre" ;;
	Dirichlet)
		echo "^Benchmark(LogProbDirichlet|LogProbIntoDirichlet|SampleDirichlet|SampleScalarDirichlet|RSampleGrad)\$/^Dirichlet\$/$dt/$nsre" ;;
	MultivariateNormal)
		echo "^Benchmark(LogProbMVN|LogProbIntoMVN|SampleMVN)\$/^per-event\$/$dt/$nsre"
		echo "^Benchmark(LogProbMVN|SampleScalarMVN)\$/^shared-cov\$/$dt/$nsre" ;;
	*) return 1 ;;
	esac
}
IFS=, read -ra fams <<<"$FAMILIES"
for f in "${fams[@]}"; do
	patterns "$f" >/dev/null || { echo "bench-compare: FAMILIES: unknown family $f" >&2; exit 2; }
done

dir=$(abs "$RESULTS")
mkdir -p "$dir"
torch_out=$dir/torch_$TAG.jsonl
torch_log=$dir/torch_$TAG.log
go_out=$dir/go_bench_$TAG.txt
machine=$dir/machine_$TAG.txt
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

torch=0
torch_note=""
if [ ! -f "$TORCH_BENCH" ]; then
	torch_note="absent: $TORCH_BENCH not found"
elif ! "$TORCH_PYTHON" -c 'import torch' 2>/dev/null; then
	torch_note="absent: $TORCH_PYTHON cannot import torch (install Debian's python3-torch)"
else
	torch=1
	torch_note=$("$TORCH_PYTHON" -c 'import re, torch; m = re.search(r"CPU capability usage: (\S+)", torch.__config__.show()); print(torch.__version__, "(Debian python3-torch; ATen CPU capability", m[1] if m else "?", end=")\n")')
fi
[ "$torch" = 1 ] || echo "bench-compare: PyTorch $torch_note; Go only" >&2

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -z "$(git status --porcelain 2>/dev/null | head -1)" ] || commit="$commit plus uncommitted edits"
{
	echo "date: $(date -u '+%F %H:%M:%S') UTC"
	echo "command: FAMILIES=$FAMILIES NS=$NS COUNT=$COUNT BENCHTIME=$BENCHTIME BENCH_GOEXPERIMENT=$BENCH_GOEXPERIMENT scripts/bench-compare.sh"
	echo "tensordist: $commit"
	echo "cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
	echo "cores: $(nproc)"
	echo "load average before (1, 5, 15 min): $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "go: $($GO version)"
	echo "GOEXPERIMENT: ${BENCH_GOEXPERIMENT:-none (default build)}"
	echo "GOAMD64: $($GO env GOAMD64)"
	echo "Go side: GOMAXPROCS=1 -cpu 1 -count $COUNT -benchtime $BENCHTIME -benchmem, median of the runs"
	echo "torch: $torch_note"
	[ "$torch" = 1 ] && echo "torch side: torch_bench.py grid, --threads 1, median of 3-7 rounds"
	raw=${go_out#"$root"/}
	[ "$torch" = 1 ] && raw="${torch_out#"$root"/}, $raw"
	echo "raw: $raw"
} >"$machine"

echo "bench-compare: building the Go benchmarks (GOEXPERIMENT=${BENCH_GOEXPERIMENT:-default})" >&2
GOEXPERIMENT=$BENCH_GOEXPERIMENT $GO test -c -o "$tmp/bench.test" ./bench

for f in "${fams[@]}"; do
	start=$(date -u +%T)
	if [ "$torch" = 1 ]; then
		echo "bench-compare: $f: torch" >&2
		(cd "$(dirname "$TORCH_BENCH")" && BENCH_PASS=$TAG "$TORCH_PYTHON" "$TORCH_BENCH" \
			--families "$f" --threads 1 --Ns "$NS" --out "$torch_out" >/dev/null 2>>"$torch_log")
	fi
	echo "bench-compare: $f: Go" >&2
	while read -r pat; do
		(cd bench && GOMAXPROCS=1 "$tmp/bench.test" -test.run '^$' -test.bench "$pat" -test.cpu 1 \
			-test.count "$COUNT" -test.benchtime "$BENCHTIME" -test.benchmem >>"$go_out")
	done < <(patterns "$f")
	echo "family $f: $start-$(date -u +%T) UTC" >>"$machine"
done
echo "load average after (1, 5, 15 min): $(cut -d' ' -f1-3 /proc/loadavg)" >>"$machine"

args=(-go "$go_out" -machine "$machine" -md "$(abs "$OUT_MD")" -png "$(abs "$OUT_PNG")")
[ "$torch" = 1 ] && args+=(-torch "$torch_out")
(cd examples && $GO run ./benchreport "${args[@]}")
echo "bench-compare: wrote $OUT_MD and $OUT_PNG (raw: ${dir#"$root"/}/*_$TAG.*)" >&2
