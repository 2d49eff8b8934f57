//go:build !race

package distributions_test

const raceEnabled = false
