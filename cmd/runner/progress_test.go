package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestProgressBar(t *testing.T) {
	tests := []struct {
		name      string
		live      bool
		wantLines int // lines written for 100 updates 100 ms apart
		wantText  string
	}{
		// plain: one line every 2 s of the 9.9 s, and one for the last item
		{"plain", false, 5, "progress: 100.0%  100/100 items"},
		{"live", true, 0, "\r[==============================] 100.0%"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			clock := time.Unix(0, 0)
			p := &progressBar{w: &buf, live: tt.live, now: func() time.Time { return clock }, interval: plainInterval}
			if tt.live {
				p.interval = liveInterval
			}
			for done := 1; done <= 100; done++ {
				p.update(done, 100, "item")
				clock = clock.Add(100 * time.Millisecond)
			}
			if got := strings.Count(buf.String(), "\n"); got != tt.wantLines {
				t.Errorf("%d lines written, want %d:\n%s", got, tt.wantLines, buf.String())
			}
			if !strings.Contains(buf.String(), tt.wantText) {
				t.Errorf("output lacks %q:\n%q", tt.wantText, buf.String())
			}
		})
	}
}

func TestETA(t *testing.T) {
	tests := []struct {
		remaining int
		rate      float64
		want      string
	}{
		{0, 10, "0s"},
		{100, 0, "?"},
		{100, 10, "10s"},
		{1000, 4, "4m10s"},
	}
	for _, tt := range tests {
		if got := eta(tt.remaining, tt.rate); got != tt.want {
			t.Errorf("eta(%d, %v) = %q, want %q", tt.remaining, tt.rate, got, tt.want)
		}
	}
}
