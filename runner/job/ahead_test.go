package job

import (
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"testing"
)

// TestInOrderUsesEveryItemInOrder: whatever the workers' pace, use sees
// every item once, in order, with its own decoded line, and an item
// without a record as not ok; an error reading, decoding or using an item
// stops at that item, after every earlier one was used, and read is not
// called once inOrder returns.
func TestInOrderUsesEveryItemInOrder(t *testing.T) {
	const n = 1000
	errBad := errors.New("bad")
	for _, tc := range []struct {
		name                   string
		readFails, decodeFails int // the item that fails, or -1
		useFails               int
		wantUsed               int
	}{
		{name: "all", readFails: -1, decodeFails: -1, useFails: -1, wantUsed: n},
		{name: "read fails", readFails: 700, decodeFails: -1, useFails: -1, wantUsed: 700},
		{name: "decode fails", readFails: -1, decodeFails: 300, useFails: -1, wantUsed: 300},
		{name: "use fails", readFails: -1, decodeFails: -1, useFails: 5, wantUsed: 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			returned := false
			read := func(i int) ([]byte, bool, error) {
				if returned {
					t.Errorf("item %d read after inOrder returned", i)
				}
				if i == tc.readFails {
					return nil, false, errBad
				}
				return []byte(strconv.Itoa(i)), i%10 != 3, nil
			}
			decode := func() func(i int, line []byte, v *int) error {
				return func(i int, line []byte, v *int) error {
					if i%7 == 0 {
						runtime.Gosched() // some workers lag
					}
					if i == tc.decodeFails {
						return errBad
					}
					var err error
					*v, err = strconv.Atoi(string(line))
					return err
				}
			}
			used := 0
			err := inOrder(n, read, decode, func(i int, ok bool, v *int) error {
				if i != used {
					return fmt.Errorf("item %d used after %d items", i, used)
				}
				if wantOK := i%10 != 3; ok != wantOK {
					return fmt.Errorf("item %d ok %v, want %v", i, ok, wantOK)
				}
				if ok && *v != i {
					return fmt.Errorf("item %d got the line of item %d", i, *v)
				}
				if i == tc.useFails {
					return errBad
				}
				used++
				return nil
			})
			returned = true
			if tc.wantUsed == n && err != nil {
				t.Fatal(err)
			}
			if tc.wantUsed < n && !errors.Is(err, errBad) {
				t.Fatalf("inOrder returned %v, want the failure", err)
			}
			if used != tc.wantUsed {
				t.Errorf("%d items used, want %d", used, tc.wantUsed)
			}
		})
	}
}
