package scale

import (
	"os"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	beamlog "github.com/apache/beam/sdks/v2/go/pkg/beam/log"
)

// TestMain initialises Beam (a pipeline's workers run in this process, on
// Prism's loopback environment) and keeps its logs to warnings.
func TestMain(m *testing.M) {
	beam.Init()
	beamlog.SetupLogging("warn", "text")
	os.Exit(m.Run())
}
