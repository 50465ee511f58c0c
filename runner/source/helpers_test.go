package source

import (
	"context"
	"errors"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/forecastrun/forecastrun/runner/series"
)

const goodCSV = "item_id,date,quantity\na,2025-01-01,1\na,2025-01-02,2\nb,2025-01-01,3\nb,2025-01-02,\n"

// badCSV has an unparseable quantity on line 3, column 3.
const badCSV = "item_id,date,quantity\na,2025-01-01,1\na,2025-01-02,lots\n"

// reader is a controller-runtime client.Reader over real ConfigMap
// objects that, like the runner's Role, allows get and nothing else.
type reader struct {
	configMaps map[client.ObjectKey]*corev1.ConfigMap
}

func (r reader) Get(_ context.Context, key client.ObjectKey, obj client.Object, _ ...client.GetOption) error {
	cm, ok := r.configMaps[key]
	if !ok {
		return apierrors.NewNotFound(corev1.Resource("configmaps"), key.Name)
	}
	cm.DeepCopyInto(obj.(*corev1.ConfigMap))
	return nil
}

func (r reader) List(context.Context, client.ObjectList, ...client.ListOption) error {
	return errors.New("list is forbidden")
}

// wantItems checks a loaded dataset's item IDs.
func wantItems(t *testing.T, ds *series.Dataset, err error, ids ...string) {
	t.Helper()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	var got []string
	for _, s := range ds.Items {
		got = append(got, s.ID)
	}
	if strings.Join(got, ",") != strings.Join(ids, ",") {
		t.Errorf("items %v, want %v", got, ids)
	}
}

// wantParseError checks that err locates the problem in file at line and
// column, in both the value and the message.
func wantParseError(t *testing.T, err error, file string, line, column int) {
	t.Helper()
	var pe *series.ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("error %v is not a *series.ParseError", err)
	}
	if pe.File != file || pe.Line != line || pe.Column != column {
		t.Errorf("error at %s:%d:%d, want %s:%d:%d", pe.File, pe.Line, pe.Column, file, line, column)
	}
}

// wantError checks that err is non-nil and its message holds every part.
func wantError(t *testing.T, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not mention %q", err, p)
		}
	}
}
