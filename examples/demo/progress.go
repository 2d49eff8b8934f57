package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
)

// progress returns the fit's progress callback for steps steps writing to
// w, and a function to call when the fit ends. On a terminal it is a bar
// with the current ELBO estimate; elsewhere (a log, CI) five lines, so
// that the output stays short.
func progress(w *os.File, steps int) (update func(step int, elbo float64), done func()) {
	if !isTerminal(w) {
		return progressLines(w, steps), func() {}
	}
	bar := progressbar.NewOptions(steps,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription("SVI"),
		progressbar.OptionSetWidth(30),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("steps"),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionOnCompletion(func() { fmt.Fprintln(w) }),
	)
	return func(step int, elbo float64) {
		if step%20 == 0 {
			bar.Describe(fmt.Sprintf("SVI  ELBO %10.2f", elbo))
		}
		bar.Add(1)
	}, func() { bar.Finish() }
}

// progressLines reports the ELBO at every fifth of the steps and the last.
func progressLines(w io.Writer, steps int) func(step int, elbo float64) {
	every := max(1, steps/5)
	return func(step int, elbo float64) {
		if (step+1)%every == 0 || step+1 == steps {
			fmt.Fprintf(w, "step %*d/%d  ELBO %10.2f\n", len(fmt.Sprint(steps)), step+1, steps, elbo)
		}
	}
}

// isTerminal reports whether f is a character device, as a terminal is.
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
