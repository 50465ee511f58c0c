package job

import (
	"runtime"
	"sync"
)

// The merge reads the records on one goroutine, in the run's order, and
// decodes them (and in its second pass calibrates and formats them) on
// GOMAXPROCS workers a batch at a time, a bounded number of batches
// ahead of the goroutine that uses them in order. A merge so runs on every
// core it has while holding at most a window of records beyond its
// tallies.
const (
	aheadBatch   = 64 // records a worker takes at a time
	aheadBatches = 3  // batches in flight per worker
)

// recordReader returns the line of the run's i-th item, or false when no
// shard has recorded it; the line is valid until its next call.
type recordReader func(i int) ([]byte, bool, error)

// batch is up to aheadBatch consecutive items' lines and what a worker
// made of them.
type batch[T any] struct {
	first int    // the index of the batch's first item
	buf   []byte // the lines, one after another
	ends  []int  // where each line ends in buf
	ok    []bool // whether the item has a record
	out   []T    // the workers' results, one per item
	stop  int    // items before stop are good; from stop on, err
	err   error  // what went wrong reading or decoding item stop
	done  chan struct{}
}

func (b *batch[T]) line(k int) []byte {
	start := 0
	if k > 0 {
		start = b.ends[k-1]
	}
	return b.buf[start:b.ends[k]]
}

// inOrder reads items 0 to n-1 with read on one goroutine, gives every
// recorded item's line to a worker's decode (each worker gets its own
// from newWorker; decode fills *v, which holds the worker's previous
// result for a batch's slot and must be reset by decode), and calls use
// with each item's result in order on the calling goroutine, with ok
// false for an item without a record. It stops at the first error, in
// the items' order, and returns only when its goroutines have ended, so
// that read is not called after it returns.
func inOrder[T any](n int, read recordReader, newWorker func() func(i int, line []byte, v *T) error, use func(i int, ok bool, v *T) error) error {
	workers := max(runtime.GOMAXPROCS(0), 1)
	free := make(chan *batch[T], workers*aheadBatches)
	for range cap(free) {
		free <- &batch[T]{out: make([]T, aheadBatch), done: make(chan struct{}, 1)}
	}
	todo := make(chan *batch[T], cap(free))
	ordered := make(chan *batch[T], cap(free))
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(todo)
		defer close(ordered)
		readBatches(n, read, free, todo, ordered, quit)
	}()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			decode := newWorker()
			for b := range todo {
				decodeBatch(b, decode)
				b.done <- struct{}{}
			}
		}()
	}
	err := useInOrder(ordered, free, use)
	close(quit)
	for range ordered { // let the reader end
	}
	wg.Wait()
	return err
}

// readBatches fills free batches with the next items' lines and hands
// each to the workers and, in the same order, to the user.
func readBatches[T any](n int, read recordReader, free <-chan *batch[T], todo, ordered chan<- *batch[T], quit <-chan struct{}) {
	for first := 0; first < n; first += aheadBatch {
		var b *batch[T]
		select {
		case b = <-free:
		case <-quit:
			return
		}
		b.first, b.buf, b.ends, b.ok, b.err = first, b.buf[:0], b.ends[:0], b.ok[:0], nil
		last := min(first+aheadBatch, n)
		b.stop = last - first
		var readErr error // b.err is the workers' once b is handed over
		for i := first; i < last; i++ {
			line, ok, err := read(i)
			if err != nil {
				b.stop, b.err, readErr = i-first, err, err
				break
			}
			b.buf = append(b.buf, line...)
			b.ends = append(b.ends, len(b.buf))
			b.ok = append(b.ok, ok)
		}
		ordered <- b // the user takes batches in order, so this never waits long
		todo <- b
		if readErr != nil {
			return
		}
	}
}

func decodeBatch[T any](b *batch[T], decode func(i int, line []byte, v *T) error) {
	for k := range b.stop {
		if !b.ok[k] {
			continue
		}
		if err := decode(b.first+k, b.line(k), &b.out[k]); err != nil {
			b.stop, b.err = k, err
			return
		}
	}
}

// useInOrder waits for each batch in order and gives its results to use.
func useInOrder[T any](ordered <-chan *batch[T], free chan<- *batch[T], use func(i int, ok bool, v *T) error) error {
	for b := range ordered {
		<-b.done
		for k := range b.stop {
			if err := use(b.first+k, b.ok[k], &b.out[k]); err != nil {
				return err
			}
		}
		if b.err != nil {
			return b.err
		}
		free <- b
	}
	return nil
}
