// Package source loads a ForecastRun's dataset from its one source: a
// ConfigMap key, a file on a mounted PersistentVolumeClaim, an http(s)
// URL, an object in an S3-compatible bucket, or the synthetic generator.
package source
