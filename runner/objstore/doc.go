// Package objstore reads and writes the runner's objects in an
// S3-compatible bucket: a dataset streamed with resumption after a dropped
// connection, and result files uploaded whole.
package objstore
