package job

import (
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// memoryLimitShare is the part of the container's memory limit the Go
// runtime is asked to stay under; the rest is for what it does not count
// (the binary, thread stacks) and for overshoot while it collects.
const memoryLimitShare = 0.9

// cgroupLimitFiles hold the container's memory limit: cgroup v2's first,
// then v1's.
var cgroupLimitFiles = []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}

// setMemoryLimit gives the Go runtime a soft memory limit of 90% of the
// container's memory limit, unless GOMEMLIMIT already sets one. A runner
// that would peak above it (the collector's headroom doubles a shard's live
// summary and rows while it reads) then collects sooner instead of being
// killed for memory; under it nothing changes. It returns the limit set, 0
// for none.
func setMemoryLimit() int64 {
	limit := memoryLimitFor(os.Getenv("GOMEMLIMIT"), os.ReadFile)
	if limit > 0 {
		debug.SetMemoryLimit(limit)
	}
	return limit
}

// memoryLimitFor is the soft limit for the environment's GOMEMLIMIT and
// the cgroup files read reads: 0 when GOMEMLIMIT is set or no file holds
// a limit ("max", or v1's near-2^63 for none).
func memoryLimitFor(gomemlimit string, read func(string) ([]byte, error)) int64 {
	if gomemlimit != "" {
		return 0
	}
	for _, path := range cgroupLimitFiles {
		b, err := read(path)
		if err != nil {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
		if err != nil || n <= 0 || n >= 1<<60 {
			return 0
		}
		return int64(float64(n) * memoryLimitShare)
	}
	return 0
}
