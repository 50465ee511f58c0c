// Package synth generates realistic, reproducible synthetic retail demand
// datasets for demos, tests and benchmarks.
package synth
