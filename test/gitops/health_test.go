package gitops

import (
	"os"
	"path/filepath"
	"testing"

	lua "github.com/yuin/gopher-lua"
	"sigs.k8s.io/yaml"

	"github.com/forecastrun/forecastrun/internal/testutil"
)

// healthCases is the health_test.yaml format Argo CD uses for its own
// resource customizations.
type healthCases struct {
	Tests []struct {
		HealthStatus struct{ Status, Message string } `json:"healthStatus"`
		InputPath    string                           `json:"inputPath"`
	} `json:"tests"`
}

// TestArgoCDHealthChecks runs every health.lua under config/argocd on its
// test cases.
func TestArgoCDHealthChecks(t *testing.T) {
	scripts, err := filepath.Glob(filepath.Join(testutil.RepoRoot(), "config", "argocd", "*", "*", "health.lua"))
	if err != nil || len(scripts) < 2 {
		t.Fatalf("found health checks %v (%v); want ForecastRun and ForecastSchedule", scripts, err)
	}
	for _, script := range scripts {
		dir := filepath.Dir(script)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			var cases healthCases
			readYAML(t, filepath.Join(dir, "health_test.yaml"), &cases)
			if len(cases.Tests) == 0 {
				t.Fatal("no test cases")
			}
			for _, tc := range cases.Tests {
				var obj map[string]any
				readYAML(t, filepath.Join(dir, tc.InputPath), &obj)
				status, message := runHealth(t, script, obj)
				if status != tc.HealthStatus.Status || message != tc.HealthStatus.Message {
					t.Errorf("%s: health = %s %q, want %s %q", tc.InputPath, status, message, tc.HealthStatus.Status, tc.HealthStatus.Message)
				}
			}
		})
	}
}

func readYAML(t *testing.T, path string, into any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, into); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// runHealth runs a health script with obj as the global "obj", as Argo CD
// does, and returns the status and message of the table it returns.
func runHealth(t *testing.T, script string, obj map[string]any) (string, string) {
	t.Helper()
	L := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer L.Close()
	for _, open := range []lua.LGFunction{lua.OpenBase, lua.OpenTable, lua.OpenString, lua.OpenMath} {
		L.Push(L.NewFunction(open))
		L.Call(0, 0)
	}
	L.SetGlobal("obj", toLua(L, obj))
	if err := L.DoFile(script); err != nil {
		t.Fatalf("%s: %v", script, err)
	}
	hs, ok := L.Get(-1).(*lua.LTable)
	if !ok {
		t.Fatalf("%s returned %s, want a table", script, L.Get(-1).Type())
	}
	return lua.LVAsString(hs.RawGetString("status")), lua.LVAsString(hs.RawGetString("message"))
}

// toLua converts decoded JSON to Lua values: objects and arrays become
// tables (arrays 1-based), numbers, strings and booleans stay themselves.
func toLua(L *lua.LState, v any) lua.LValue {
	switch v := v.(type) {
	case map[string]any:
		tbl := L.NewTable()
		for k, e := range v {
			tbl.RawSetString(k, toLua(L, e))
		}
		return tbl
	case []any:
		tbl := L.NewTable()
		for _, e := range v {
			tbl.Append(toLua(L, e))
		}
		return tbl
	case string:
		return lua.LString(v)
	case float64:
		return lua.LNumber(v)
	case int64:
		return lua.LNumber(v)
	case bool:
		return lua.LBool(v)
	default:
		return lua.LNil
	}
}
