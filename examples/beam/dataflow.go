//go:build dataflow

// Built with -tags dataflow, the binary also submits to Google Cloud
// Dataflow (-runner dataflow -project … -region … -staging_location gs://…)
// and reads its output from Cloud Storage (-output_dir gs://…); the tag
// keeps the Google Cloud client libraries out of the default build.

package main

import (
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/gcs"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners/dataflow"
)

func init() { runners["dataflow"] = dataflow.Execute }
