package controllers

import (
	"slices"
	"strings"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/types"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// queueIndex holds the waiting runs of every lock in admission order. The
// watch of runs keeps it current, one change at a time, so that a waiting
// run's pass finds its place by a binary search instead of listing and
// sorting the whole queue: with n runs queued, a change costs O(n) once,
// not O(n log n) in each of the n passes it used to wake. It is a view of
// the manager's cache, and may trail it by the events not yet handled; the
// decisions that act on the order (taking a free lock, refusing a
// whenBusy=Reject run) confirm it against the cache (see observeQueue).
type queueIndex struct {
	mu    sync.RWMutex
	locks map[lockKey]*lockQueue
}

type lockKey struct{ namespace, lock string }

// lockQueue is one lock's waiting runs in order and its running runs,
// which an Urgent arrival has to wake.
type lockQueue struct {
	waiting []queueEntry
	running map[string]bool
}

// queueEntry is what a waiting run's place depends on: v1alpha1.QueueOrder
// on its priority, creation time and name.
type queueEntry struct {
	name    string
	rank    int
	created time.Time
}

func newQueueIndex() *queueIndex { return &queueIndex{locks: map[lockKey]*lockQueue{}} }

func entryOf(run *v1alpha1.ForecastRun) queueEntry {
	return queueEntry{name: run.Name, rank: v1alpha1.PriorityRank(run.Spec.Priority), created: run.CreationTimestamp.Time}
}

// compareEntries is v1alpha1.QueueOrder on entries. Creation times are
// whole seconds on the API server, as they are there.
func compareEntries(a, b queueEntry) int {
	if d := a.rank - b.rank; d != 0 {
		return d
	}
	if c := a.created.Compare(b.created); c != 0 {
		return c
	}
	return strings.Compare(a.name, b.name)
}

func keyOfLock(run *v1alpha1.ForecastRun) lockKey {
	return lockKey{run.Namespace, run.Spec.LockName}
}

// observe applies a change of one run (old is nil for a new run, updated
// nil for a deleted one) and returns the runs whose place in a queue it
// moved, and the running runs of the lock when an Urgent run joined it.
func (ix *queueIndex) observe(old, updated *v1alpha1.ForecastRun) []types.NamespacedName {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	var woken []types.NamespacedName
	if old != nil {
		woken = append(woken, ix.remove(old, updated)...)
		if updated == nil || keyOfLock(updated) != keyOfLock(old) || updated.Name != old.Name {
			delete(ix.queue(keyOfLock(old)).running, old.Name)
		}
	}
	if updated != nil {
		woken = append(woken, ix.insert(old, updated)...)
		ix.noteRunning(updated)
	}
	return woken
}

// remove takes old out of its queue unless updated waits in the same place
// and returns the runs behind it, whose place moved up.
func (ix *queueIndex) remove(old, updated *v1alpha1.ForecastRun) []types.NamespacedName {
	if !old.Waiting() || samePlace(old, updated) {
		return nil
	}
	q := ix.queue(keyOfLock(old))
	i, found := slices.BinarySearchFunc(q.waiting, entryOf(old), compareEntries)
	if !found {
		return nil
	}
	q.waiting = slices.Delete(q.waiting, i, i+1)
	return namesFrom(old.Namespace, q.waiting[i:])
}

// insert places updated in its queue unless it already stands there, and
// returns it and the runs behind it, whose place moved down; an Urgent run
// also wakes the running runs it may preempt.
func (ix *queueIndex) insert(old, updated *v1alpha1.ForecastRun) []types.NamespacedName {
	if !updated.Waiting() || (old != nil && samePlace(old, updated)) {
		return nil
	}
	q := ix.queue(keyOfLock(updated))
	e := entryOf(updated)
	i, found := slices.BinarySearchFunc(q.waiting, e, compareEntries)
	if !found {
		q.waiting = slices.Insert(q.waiting, i, e)
	}
	woken := namesFrom(updated.Namespace, q.waiting[i+1:])
	if updated.Spec.Priority == v1alpha1.PriorityUrgent {
		for name := range q.running {
			woken = append(woken, types.NamespacedName{Namespace: updated.Namespace, Name: name})
		}
	}
	return woken
}

func (ix *queueIndex) noteRunning(run *v1alpha1.ForecastRun) {
	q := ix.queue(keyOfLock(run))
	if run.Status.Phase == v1alpha1.PhaseRunning && run.DeletionTimestamp.IsZero() {
		q.running[run.Name] = true
	} else {
		delete(q.running, run.Name)
	}
}

// samePlace reports whether both versions of a run wait at the same place
// of the same queue.
func samePlace(a, b *v1alpha1.ForecastRun) bool {
	return b != nil && a.Waiting() && b.Waiting() && keyOfLock(a) == keyOfLock(b) && entryOf(a) == entryOf(b)
}

func (ix *queueIndex) queue(k lockKey) *lockQueue {
	q := ix.locks[k]
	if q == nil {
		q = &lockQueue{running: map[string]bool{}}
		ix.locks[k] = q
	}
	return q
}

func namesFrom(ns string, entries []queueEntry) []types.NamespacedName {
	out := make([]types.NamespacedName, len(entries))
	for i, e := range entries {
		out[i] = types.NamespacedName{Namespace: ns, Name: e.name}
	}
	return out
}

// place is where run stands in its lock's queue, or would stand if it
// joined now: its 1-based position, the queue's length with it, and the
// name of the run at the head.
func (ix *queueIndex) place(run *v1alpha1.ForecastRun) (position int32, length int, first string) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	var waiting []queueEntry
	if q := ix.locks[keyOfLock(run)]; q != nil {
		waiting = q.waiting
	}
	i, found := slices.BinarySearchFunc(waiting, entryOf(run), compareEntries)
	length = len(waiting)
	if !found {
		length++
	}
	first = run.Name
	if i > 0 {
		first = waiting[0].name
	}
	return int32(i + 1), length, first
}

// urgentHead is the first waiting run of a lock when it is Urgent; ""
// otherwise. Urgent runs go first, so if any waits, the head is one.
func (ix *queueIndex) urgentHead(ns, lock string) string {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	q := ix.locks[lockKey{ns, lock}]
	if q == nil || len(q.waiting) == 0 || q.waiting[0].rank != v1alpha1.PriorityRank(v1alpha1.PriorityUrgent) {
		return ""
	}
	return q.waiting[0].name
}
