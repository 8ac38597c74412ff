//go:build race

package pipeline

// raceDetector: the race detector's instrumentation allocates on its
// own, so allocation counts say nothing about the code under test.
const raceDetector = true
