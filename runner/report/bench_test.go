package report

import (
	"fmt"
	"io"
	"testing"
)

func BenchmarkRender(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		in := fakeInput(n, 365, 14)
		b.Run(fmt.Sprintf("items=%d", n), func(b *testing.B) {
			for b.Loop() {
				if err := Render(io.Discard, in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
