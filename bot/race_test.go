//go:build race

package bot_test

// raceDetector reports a build with -race, which makes the tests CPU-bound.
const raceDetector = true
