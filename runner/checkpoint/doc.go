// Package checkpoint records each finished item of a shard in an
// append-only file, so that a restarted or preempted shard skips the items
// it has already forecast.
//
// # File format
//
// A shard's checkpoint is <dir>/.checkpoint/shard-<index>.jsonl. Its first
// line is a header holding the format version, the run's fingerprint and
// the shard index; every further line is one tournament.ItemResult as JSON.
// A file whose header does not match the run being resumed is moved aside
// (renamed with a ".stale-<time>" suffix), never reused and never deleted.
// A last line cut short by a crash is ignored and cut off before appending.
//
// # Durability
//
// Append hands each record to the kernel with a single write(2) at once, so
// a killed, evicted or preempted process loses nothing. Only a crash of the
// node itself can lose records not yet fsync'd, and Append fsyncs every
// DefaultSyncItems records or, checked on each Append, once
// DefaultSyncInterval has passed since the last sync; Close syncs the
// rest. At worst those items are forecast again after a node crash. Syncing every record would
// cost a disk flush (milliseconds, more on network volumes) per item, which
// is longer than many items take to forecast.
package checkpoint
