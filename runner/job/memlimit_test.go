package job

import (
	"io/fs"
	"testing"
)

func TestMemoryLimitFor(t *testing.T) {
	tests := []struct {
		name, gomemlimit string
		files            map[string]string
		want             int64
	}{
		{name: "cgroup v2 limit", files: map[string]string{cgroupLimitFiles[0]: "1073741824\n"}, want: 966367641},
		{name: "cgroup v2 without a limit", files: map[string]string{cgroupLimitFiles[0]: "max\n"}},
		{name: "cgroup v1 limit", files: map[string]string{cgroupLimitFiles[1]: "2147483648\n"}, want: 1932735283},
		{name: "cgroup v1 without a limit", files: map[string]string{cgroupLimitFiles[1]: "9223372036854771712\n"}},
		{name: "GOMEMLIMIT wins", gomemlimit: "300MiB", files: map[string]string{cgroupLimitFiles[0]: "1073741824\n"}},
		{name: "no cgroup files"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			read := func(path string) ([]byte, error) {
				if s, ok := tt.files[path]; ok {
					return []byte(s), nil
				}
				return nil, fs.ErrNotExist
			}
			if got := memoryLimitFor(tt.gomemlimit, read); got != tt.want {
				t.Errorf("limit %d, want %d", got, tt.want)
			}
		})
	}
}
