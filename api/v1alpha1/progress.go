package v1alpha1

import (
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// SetCounts records done of total items and fills the display fields, so
// that every writer of progress (the runner, the controller summing shards)
// renders the printer columns the same way. Percent is floored, so a run
// shows 100% only when every item is done.
func (p *Progress) SetCounts(done, total int32, now metav1.Time) {
	p.ItemsDone, p.ItemsTotal = done, total
	p.Percent = 0
	if total > 0 {
		p.Percent = int32(int64(done) * 100 / int64(total))
	}
	p.PercentText = fmt.Sprintf("%d%%", p.Percent)
	p.Items = fmt.Sprintf("%d/%d", done, total)
	p.UpdatedAt = &now
}
