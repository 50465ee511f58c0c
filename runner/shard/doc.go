// Package shard splits a run's items among the Pods of an Indexed Job by a
// stable hash of the item ID.
package shard
