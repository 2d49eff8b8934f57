// Command beam fits a Poisson regression on 1,048,576 rows (by default) with
// an Apache Beam pipeline that scores the rows in its workers with
// tensordist, run in-process on Beam's embedded Prism runner: every L-BFGS
// step is one pipeline run, which receives only β and shard descriptors and
// returns the log-likelihood, its gradient and the Fisher information.
//
//	go run .                                  # Prism, 16 shards
//	go run . -shards 4 -block_rows 4096       # smaller and faster
//	go run . -runner flink -endpoint localhost:8099 -output_dir /shared/dir
//
// The same binary submits to Flink, Spark or (built with -tags dataflow)
// Dataflow by flags; docs/scaling.md says which.
package main
