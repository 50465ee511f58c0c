//go:build !unix

package checkpoint

import "os"

// lock is a no-op where flock(2) does not exist; the runner only runs on
// Linux, and tests elsewhere do not start one shard twice.
func lock(*os.File) error { return nil }

// lockWait is a no-op where flock(2) does not exist.
func lockWait(*os.File) error { return nil }
