// Package source loads a ForecastRun's dataset from its one source: a
// ConfigMap key, a file on a mounted PersistentVolumeClaim, an http(s)
// URL, or the synthetic generator.
package source
