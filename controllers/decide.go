package controllers

import (
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// The run's state machine. One pass of the reconciler observes the world
// (world.go), calls decide, records the decided status with one
// optimistic-concurrency write and only then carries out the decided
// actions (actions.go). decide is a pure function of the run and what was
// observed, so every transition is tested from a table without an API
// server, and because the actions come after the record, a pass that loses
// its status write has done nothing: what it would have done is decided
// again by the next pass from what is recorded.
//
// A run's stage is read from its record alone:
//
//	waiting ──lock acquired──▶ running ──Job ends, deadline, cancel──▶ ending
//	   ▲                          │
//	   └──preempted, lock lost────┘
//	waiting ──identical run──▶ duplicate ──primary ends──▶ ending
//
// Actions are obligations of the recorded state, not of the transition that
// led to it: a finished run releases its lock because it is finished, so a
// release lost to a crash is made by the next pass.

// stage is where a run is in its life.
type stage int

const (
	stageWaiting   stage = iota // not holding its lock: new, queued, or back in the queue
	stageRunning                // holds its lock; its Job executes
	stageDuplicate              // shares an identical run's execution
	stageEnding                 // finished, cancelled, or being deleted
)

func (s stage) String() string {
	return [...]string{"waiting", "running", "duplicate", "ending"}[s]
}

// stageOf reads the run's stage from its record.
func stageOf(run *v1alpha1.ForecastRun) stage {
	switch {
	case !run.DeletionTimestamp.IsZero(), run.Status.Phase.Finished(), run.Spec.Cancel:
		return stageEnding
	case run.Status.DuplicateOf != "":
		return stageDuplicate
	case run.Status.Phase == v1alpha1.PhaseRunning:
		return stageRunning
	}
	return stageWaiting
}

// decision is what one pass does: record run's status, then carry out the
// actions in order; events and metrics follow a successful record.
type decision struct {
	// run is the run as it is to be recorded.
	run     *v1alpha1.ForecastRun
	events  []event
	after   []func()
	actions []action
	// requeue is when the run must be looked at again without a watch
	// event (a deadline, a renewal, the next step); 0 when nothing is due.
	requeue time.Duration
}

// event is a Kubernetes Event to emit once the status write succeeded.
type event struct {
	kind, reason, action, note string
}

// pass is a decision being made: the transition functions change run (a
// copy) and collect events; they read only w.
type pass struct {
	run     *v1alpha1.ForecastRun
	w       *world
	events  []event
	after   []func()
	requeue time.Duration
}

// decide is the state machine: the next record of run and what to do
// after it is written, from run and what was observed.
func decide(run *v1alpha1.ForecastRun, w *world) decision {
	p := &pass{run: run.DeepCopy(), w: w}
	switch stageOf(run) {
	case stageEnding:
		p.ending()
	case stageDuplicate:
		p.duplicate()
	case stageRunning:
		p.running()
	default:
		p.waiting()
	}
	p.stampGeneration()
	d := decision{run: p.run, events: p.events, after: p.after, requeue: p.requeue}
	d.actions = obligations(p.run, w)
	if stageOf(p.run) != stageOf(run) {
		// The new stage's own observations come with the next pass.
		d.requeue = nextPassSoon
	}
	return d
}

// nextPassSoon is how soon a run looks again after a step whose outcome the
// next pass records (a new stage, an acquired lock). The watch event of the
// write itself usually comes first.
const nextPassSoon = 50 * time.Millisecond

// obligations are the actions the recorded state calls for, given what was
// observed. They depend on the record, not on how it was reached, so any
// pass can take over an action a failed pass did not finish.
func obligations(run *v1alpha1.ForecastRun, w *world) []action {
	switch stageOf(run) {
	case stageEnding:
		return endingActions(run, w)
	case stageRunning:
		return runningActions(run, w)
	case stageWaiting:
		return waitingActions(run, w)
	}
	return nil
}

// wakeIn asks for another pass within d.
func (p *pass) wakeIn(d time.Duration) {
	if d > 0 && (p.requeue == 0 || d < p.requeue) {
		p.requeue = d
	}
}

// now is the pass's time, stamped on conditions.
func (p *pass) now() metav1.Time { return metav1.NewTime(p.w.now) }

func (p *pass) event(kind, reason, action, note string, args ...any) {
	p.events = append(p.events, event{kind, reason, action, fmt.Sprintf(note, args...)})
}

// onWritten runs f after the status write succeeded (metrics).
func (p *pass) onWritten(f func()) { p.after = append(p.after, f) }

// stampGeneration records that this pass looked at the current generation:
// every condition is current as of it, not only those that changed.
func (p *pass) stampGeneration() {
	run := p.run
	if !run.DeletionTimestamp.IsZero() {
		return
	}
	run.Status.ObservedGeneration = run.Generation
	for i := range run.Status.Conditions {
		run.Status.Conditions[i].ObservedGeneration = run.Generation
	}
}
