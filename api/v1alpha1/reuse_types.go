package v1alpha1

import (
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// Reuse lets a run take the result of an identical run instead of
// computing it again.
type Reuse struct {
	// maxAge is how old (since its completion) a Succeeded run's result may
	// be to be reused, such as "6h".
	// +kubebuilder:validation:XValidation:rule="duration(self) > duration('0s')",message="reuse.maxAge must be a positive duration such as 6h"
	// +required
	MaxAge metav1.Duration `json:"maxAge"`
}

// ReusedFrom names the run whose result a run reused.
type ReusedFrom struct {
	// name of the run that computed the result.
	// +required
	Name string `json:"name"`

	// uid of that run.
	// +required
	UID types.UID `json:"uid"`

	// completionTime is when that run finished: the result's age.
	// +required
	CompletionTime metav1.Time `json:"completionTime"`
}

// Age is how long before now the reused result was computed, as people
// read it: "45s", "12m", "2h18m", "3d4h".
func (r ReusedFrom) Age(now time.Time) string {
	d := max(now.Sub(r.CompletionTime.Time), 0).Round(time.Second)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%dd%dh", int(d.Hours())/24, int(d.Hours())%24)
}
