package v1alpha1

import "strings"

// The queue's rules belong to the API: the controller admits runs by them
// and clients (kubectl forecast queue) show the queue by them, so both read
// them from here.

// PriorityRank orders priorities, highest first: Urgent 0, High 1, Normal
// (or unset) 2.
func PriorityRank(p Priority) int {
	switch p {
	case PriorityUrgent:
		return 0
	case PriorityHigh:
		return 1
	}
	return 2
}

// QueueOrder is the total order in which waiting runs of one lock are
// admitted: priority, then creation time, then name. Names are unique in a
// namespace, so no two runs tie. It returns a negative number when a goes
// first.
func QueueOrder(a, b *ForecastRun) int {
	if d := PriorityRank(a.Spec.Priority) - PriorityRank(b.Spec.Priority); d != 0 {
		return d
	}
	if !a.CreationTimestamp.Equal(&b.CreationTimestamp) {
		if a.CreationTimestamp.Before(&b.CreationTimestamp) {
			return -1
		}
		return 1
	}
	return strings.Compare(a.Name, b.Name)
}

// Waiting reports whether a run stands in its lock's queue: it committed to
// waiting (phase Queued), rides on no identical run, and is not being
// cancelled or deleted.
func (r *ForecastRun) Waiting() bool {
	return r.Status.Phase == PhaseQueued && r.Status.DuplicateOf == "" &&
		!r.Spec.Cancel && r.DeletionTimestamp.IsZero()
}
