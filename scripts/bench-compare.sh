#!/usr/bin/env bash
# bench-compare.sh runs issue 9's benchmark matrix side by side with
# PyTorch and writes the comparison report (examples/benchreport).
#
# Interleaved per family, so that a noisy phase of the machine hits both
# engines: for each family, torch_bench.py for that family (when the system
# interpreter imports torch), then that family's Go benchmarks (GOMAXPROCS=1,
# -cpu 1, -benchmem): the main matrix, one thread each side, validation
# off, allocating calls. Then, unless EXTRAS=0, the columns beside it (never
# in its ratios or geometric mean):
#   into       SampleInto next to Sample (LogProbInto always runs with LogProb)
#   threads2   two threads each side at N >= 1e4: torch_bench.py --threads 2,
#              Go GOMAXPROCS=2 -cpu 2 (in each family's slot)
#   bound      the vector-log bound, in Normal's slot: torch_bench.py
#              --section kernels (torch.log) and BenchmarkVectorLog at 1e6,
#              set against Normal's log_prob at 1e6
#   validated  N=1 with validation on, after the families: torch_bench.py
#              --section overhead and BenchmarkLogProbValidated
#   profiles   last: every cell where Go is not faster rerun alone with
#              -cpuprofile (GOMAXPROCS=1); go tool pprof -top summaries go to
#              bench/results/<date>/profiles_<tag>.txt (kept with the raw
#              outputs) and the profiles to prof_<tag>/*.prof (kept for
#              go tool pprof, git-ignored as *.prof)
# Raw outputs are appended to bench/results/<date>/{torch,go_bench,machine}_<tag>.*;
# then the report goes to docs/benchmarks.md and the plot to
# docs/img/bench.png. Without torch the report says so and holds the Go
# figures only (exit 0; no profiles, as no cell is known to lose).
#
#   scripts/bench-compare.sh                                   # the whole matrix
#   FAMILIES=Normal NS=100,10000 COUNT=1 EXTRAS=0 scripts/bench-compare.sh   # a quick smoke
#   BENCH_GOEXPERIMENT=simd scripts/bench-compare.sh           # Go built with GOEXPERIMENT=simd
#
# Environment: FAMILIES (comma list, default all nine), NS (default
# 1,100,10000,1000000), COUNT (Go -count, default 5), BENCHTIME (default
# 200ms), BENCH_GOEXPERIMENT, EXTRAS (1 or all: every extra, the default;
# 0 or none: the main matrix only; or a comma list of into, threads2,
# bound, validated, profiles), EXTRAS_COUNT and EXTRAS_BENCHTIME (Go
# -count and -benchtime of SampleInto, the two-thread and the validated
# runs, default 2 and 100ms: a median of two at the main matrix's cost of
# one), PROFILE_BENCHTIME (default 500ms), TAG (file name tag, default
# HHMMSS UTC), TORCH_PYTHON (default /usr/bin/python3), TORCH_BENCH
# (default ../shared/bench/torch_bench.py), RESULTS (default
# bench/results/<date>), OUT_MD, OUT_PNG, GO (default go). The machine
# record ends with the seconds spent on the main matrix and on the
# extras (the default extras are meant to cost at most about half the
# main matrix's time). A rerun with the same TAG appends to
# the same files (torch's last record of a cell wins, Go's runs pool, a
# cell's last profile wins).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
GO=${GO:-go}
FAMILIES=${FAMILIES:-Normal,Gamma,Beta,Poisson,Binomial,Bernoulli,Categorical,Dirichlet,MultivariateNormal}
NS=${NS:-1,100,10000,1000000}
COUNT=${COUNT:-5}
BENCHTIME=${BENCHTIME:-200ms}
BENCH_GOEXPERIMENT=${BENCH_GOEXPERIMENT:-}
EXTRAS=${EXTRAS:-all}
EXTRAS_COUNT=${EXTRAS_COUNT:-2}
EXTRAS_BENCHTIME=${EXTRAS_BENCHTIME:-100ms}
PROFILE_BENCHTIME=${PROFILE_BENCHTIME:-500ms}
TAG=${TAG:-$(date -u +%H%M%S)}
TORCH_PYTHON=${TORCH_PYTHON:-/usr/bin/python3}
TORCH_BENCH=${TORCH_BENCH:-$root/../shared/bench/torch_bench.py}
OUT_MD=${OUT_MD:-docs/benchmarks.md}
OUT_PNG=${OUT_PNG:-docs/img/bench.png}
RESULTS=${RESULTS:-bench/results/$(date -u +%F)}

# abs makes a path absolute, relative ones from the repository root.
abs() { case $1 in /*) echo "$1" ;; *) echo "$root/$1" ;; esac; }

case ",$NS," in *[!0-9,]*) echo "bench-compare: NS=$NS: want a comma list of integers" >&2; exit 2 ;; esac
nsre="^n=(${NS//,/|})\$"
dt='^(f32|f64)$'
# ns2 is NS from 1e4 up (the two-thread column), nsre2 its -bench level.
ns2=$(tr , '\n' <<<"$NS" | awk '$1 >= 10000' | paste -sd, -)
nsre2="^n=(${ns2//,/|})\$"

# The extras: all, none, or a comma list.
case $EXTRAS in 1 | all) EXTRAS=into,threads2,bound,validated,profiles ;; 0 | none) EXTRAS= ;; esac
IFS=, read -ra xs <<<"$EXTRAS"
for x in "${xs[@]}"; do
	case $x in into | threads2 | bound | validated | profiles) ;; *) echo "bench-compare: EXTRAS: unknown extra $x (want 1, 0 or a list of into, threads2, bound, validated, profiles)" >&2; exit 2 ;; esac
done
# extra reports whether extra $1 is on.
extra() { case ",$EXTRAS," in *",$1,"*) return 0 ;; esac; return 1; }

# patterns prints the -bench patterns of family $1 at the N level $2, one
# per line: go test splits a pattern on '/', one regexp per level, so each
# selects exactly the family's cells; with $3 = into, LogProbInto (the
# Go-only column) as well.
patterns() {
	local n=$2 i= id= im=
	[ "${3:-}" = into ] && i='|LogProbInto' id='|LogProbIntoDirichlet' im='|LogProbIntoMVN'
	case "$1" in
	Normal | Gamma | Beta | Poisson | Binomial | Bernoulli | Categorical)
		echo "^Benchmark(LogProb$i|Sample|SampleScalar|RSampleGrad)\$/^$1\$/$dt/$n" ;;
	Dirichlet)
		echo "^Benchmark(LogProbDirichlet$id|SampleDirichlet|SampleScalarDirichlet|RSampleGrad)\$/^Dirichlet\$/$dt/$n" ;;
	MultivariateNormal)
		echo "^Benchmark(LogProbMVN$im|SampleMVN)\$/^per-event\$/$dt/$n"
		echo "^Benchmark(LogProbMVN|SampleScalarMVN)\$/^shared-cov\$/$dt/$n" ;;
	*) return 1 ;;
	esac
}
IFS=, read -ra fams <<<"$FAMILIES"
for f in "${fams[@]}"; do
	patterns "$f" "$nsre" >/dev/null || { echo "bench-compare: FAMILIES: unknown family $f" >&2; exit 2; }
done

dir=$(abs "$RESULTS")
mkdir -p "$dir"
torch_out=$dir/torch_$TAG.jsonl
torch_log=$dir/torch_$TAG.log
go_out=$dir/go_bench_$TAG.txt
machine=$dir/machine_$TAG.txt
profiles=$dir/profiles_$TAG.txt
profdir=$dir/prof_$TAG
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
	echo "command: FAMILIES=$FAMILIES NS=$NS COUNT=$COUNT BENCHTIME=$BENCHTIME BENCH_GOEXPERIMENT=$BENCH_GOEXPERIMENT EXTRAS=${EXTRAS:-0} EXTRAS_COUNT=$EXTRAS_COUNT EXTRAS_BENCHTIME=$EXTRAS_BENCHTIME PROFILE_BENCHTIME=$PROFILE_BENCHTIME scripts/bench-compare.sh"
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
	echo "extras: ${EXTRAS:-none}${EXTRAS:+ (Go -count $EXTRAS_COUNT -benchtime $EXTRAS_BENCHTIME for SampleInto, two threads and validated; not in the main ratios)}"
	extra profiles && [ "$torch" = 1 ] &&
		echo "profiles: each losing cell rerun alone, GOMAXPROCS=1 -cpu 1 -benchtime $PROFILE_BENCHTIME -cpuprofile; summaries ${profiles#"$root"/}, profiles ${profdir#"$root"/}/*.prof"
	raw=${go_out#"$root"/}
	[ "$torch" = 1 ] && raw="${torch_out#"$root"/}, $raw"
	echo "raw: $raw"
} >"$machine"

echo "bench-compare: building the Go benchmarks (GOEXPERIMENT=${BENCH_GOEXPERIMENT:-default}) and the report" >&2
GOEXPERIMENT=$BENCH_GOEXPERIMENT $GO test -c -o "$tmp/bench.test" ./bench
(cd examples && $GO build -o "$tmp/benchreport" ./benchreport)

# torchrun runs torch_bench.py with the arguments given, records to torch_out.
torchrun() {
	(cd "$(dirname "$TORCH_BENCH")" && BENCH_PASS=$TAG "$TORCH_PYTHON" "$TORCH_BENCH" \
		"$@" --out "$torch_out" >/dev/null 2>>"$torch_log")
}

# gorun runs the Go benchmarks of pattern $1 with -count $2 and -benchtime
# $3 on $4 threads (GOMAXPROCS and -cpu), output to go_out.
gorun() {
	(cd bench && GOMAXPROCS=$4 "$tmp/bench.test" -test.run '^$' -test.bench "$1" -test.cpu "$4" \
		-test.count "$2" -test.benchtime "$3" -test.benchmem >>"$go_out")
}

# Seconds spent on the main matrix and on the extras (the machine record's
# "time" line: the extras' cost of a run).
main_s=0 extras_s=0
for f in "${fams[@]}"; do
	start=$(date -u +%T) t0=$SECONDS
	if [ "$torch" = 1 ]; then
		echo "bench-compare: $f: torch" >&2
		torchrun --families "$f" --threads 1 --Ns "$NS"
	fi
	echo "bench-compare: $f: Go" >&2
	while read -r pat; do
		gorun "$pat" "$COUNT" "$BENCHTIME" 1
	done < <(patterns "$f" "$nsre" into)
	main_s=$((main_s + SECONDS - t0)) t0=$SECONDS mid=$(date -u +%T)
	if [ "$f" = Normal ] && extra bound; then
		echo "bench-compare: $f: the vector-log bound" >&2
		[ "$torch" = 1 ] && torchrun --section kernels --threads 1
		gorun "^BenchmarkVectorLog\$/$dt/^n=1000000\$" "$COUNT" "$BENCHTIME" 1
	fi
	if extra into; then
		gorun "^BenchmarkSampleInto\$/^$f\$/$dt/$nsre" "$EXTRAS_COUNT" "$EXTRAS_BENCHTIME" 1
	fi
	if extra threads2 && [ -n "$ns2" ]; then
		echo "bench-compare: $f: two threads" >&2
		[ "$torch" = 1 ] && torchrun --families "$f" --threads 2 --Ns "$ns2"
		while read -r pat; do
			gorun "$pat" "$EXTRAS_COUNT" "$EXTRAS_BENCHTIME" 2
		done < <(patterns "$f" "$nsre2")
	fi
	extras_s=$((extras_s + SECONDS - t0))
	echo "family $f: $start-$mid UTC, extras to $(date -u +%T)" >>"$machine"
done
if extra validated; then
	start=$(date -u +%T) t0=$SECONDS
	echo "bench-compare: N=1 with validation on" >&2
	[ "$torch" = 1 ] && torchrun --section overhead --families "$FAMILIES"
	gorun "^BenchmarkLogProbValidated\$/^(${FAMILIES//,/|})\$/$dt/^n=1\$" "$EXTRAS_COUNT" "$EXTRAS_BENCHTIME" 1
	extras_s=$((extras_s + SECONDS - t0))
	echo "validated runs: $start-$(date -u +%T) UTC" >>"$machine"
fi

args=(-go "$go_out" -machine "$machine")
[ "$torch" = 1 ] && args+=(-torch "$torch_out")
if extra profiles && [ "$torch" = 1 ]; then
	start=$(date -u +%T) t0=$SECONDS
	mkdir -p "$profdir"
	"$tmp/benchreport" "${args[@]}" -losers >"$tmp/losers"
	echo "bench-compare: profiling the $(wc -l <"$tmp/losers") cells where Go is not faster" >&2
	while read -r name; do
		prof=$profdir/${name//\//_}.prof
		(cd bench && GOMAXPROCS=1 "$tmp/bench.test" -test.run '^$' -test.bench "^${name//\//\$/^}\$" -test.cpu 1 \
			-test.count 1 -test.benchtime "$PROFILE_BENCHTIME" -test.cpuprofile "$prof" >/dev/null) ||
			{ echo "bench-compare: the profile run of $name failed" >&2; continue; }
		{
			echo "# bench: $name"
			$GO tool pprof -top -nodecount=20 "$tmp/bench.test" "$prof" 2>/dev/null || echo "go tool pprof failed"
		} >>"$profiles"
	done <"$tmp/losers"
	extras_s=$((extras_s + SECONDS - t0))
	echo "profile runs: $start-$(date -u +%T) UTC" >>"$machine"
fi
echo "time: main matrix ${main_s} s, extras ${extras_s} s (+$((100 * extras_s / (main_s > 0 ? main_s : 1)))%)" >>"$machine"
echo "load average after (1, 5, 15 min): $(cut -d' ' -f1-3 /proc/loadavg)" >>"$machine"

[ -f "$profiles" ] && args+=(-profiles "$profiles")
"$tmp/benchreport" "${args[@]}" -md "$(abs "$OUT_MD")" -png "$(abs "$OUT_PNG")"
echo "bench-compare: wrote $OUT_MD and $OUT_PNG (raw: ${dir#"$root"/}/*_$TAG.*)" >&2
