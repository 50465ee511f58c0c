package provider

import (
	"os"
	"path/filepath"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

func TestPathMap(t *testing.T) {
	m := newPathMap([]mount{{"/data", "/l/pvc"}, {"/data/out", "/l/out"}, {"/", "/ignored"}})
	cases := map[string]string{
		"/data":          "/l/pvc",
		"/data/x.csv":    "/l/pvc/x.csv",
		"/data/out/a":    "/l/out/a",
		"/database":      "/database",
		"--out=/data/r":  "--out=/l/pvc/r",
		"relative/data":  "relative/data",
		"OUT=/data/out/": "OUT=/l/out",
	}
	for in, want := range cases {
		if got := m.rewrite(in); got != want {
			t.Errorf("rewrite(%q) = %q, want %q", in, got, want)
		}
	}
	if got, want := m.String(), "/data/out=/l/out:/data=/l/pvc"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func TestMountEnvName(t *testing.T) {
	cases := map[string]string{
		"/data": "FORECASTRUN_MOUNT_DATA",
		"/var/run/secrets/kubernetes.io/serviceaccount": "FORECASTRUN_MOUNT_VAR_RUN_SECRETS_KUBERNETES_IO_SERVICEACCOUNT",
		"/a--b/c1/": "FORECASTRUN_MOUNT_A_B_C1",
	}
	for in, want := range cases {
		if got := mountEnvName(in); got != want {
			t.Errorf("mountEnvName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestExpandVars(t *testing.T) {
	lookup := envLookup([]string{"A=1", "B=two"})
	cases := map[string]string{
		"$(A)-$(B)":  "1-two",
		"$(MISSING)": "$(MISSING)",
		"$$(A)":      "$(A)",
		"$(A":        "$(A",
		"cost $5":    "cost $5",
	}
	for in, want := range cases {
		if got := expandVars(in, lookup); got != want {
			t.Errorf("expandVars(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestResolveCommand(t *testing.T) {
	img := t.TempDir()
	for _, p := range []string{"runner", "bin/tool"} {
		full := filepath.Join(img, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cases := map[string]string{
		"runner":          filepath.Join(img, "runner"),
		"/runner":         filepath.Join(img, "runner"),
		"/bin/tool":       filepath.Join(img, "bin/tool"),
		"/usr/bin/runner": filepath.Join(img, "runner"),
		"/bin/sh":         "/bin/sh",
		"sh":              "/bin/sh",
	}
	for in, want := range cases {
		got, err := resolveCommand(in, img, "/bin")
		if err != nil || got != want {
			t.Errorf("resolveCommand(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := resolveCommand("nope", img, "/bin"); err == nil {
		t.Error("resolveCommand(nope) found something")
	}
}

func TestRecompute(t *testing.T) {
	pod := &corev1.Pod{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "a"}, {Name: "b"}}}}
	s := initialStatus(pod, "127.0.0.1")
	recompute(&s, pod, false)
	if s.Phase != corev1.PodPending {
		t.Fatalf("phase %s, want Pending", s.Phase)
	}
	s.ContainerStatuses[0].State = corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 0}}
	s.ContainerStatuses[1].State = corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}
	recompute(&s, pod, false)
	if s.Phase != corev1.PodRunning {
		t.Fatalf("phase %s, want Running", s.Phase)
	}
	s.ContainerStatuses[1].State = corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 143}}
	recompute(&s, pod, true)
	if s.Phase != corev1.PodFailed {
		t.Fatalf("phase %s, want Failed", s.Phase)
	}
	s.ContainerStatuses[1].State.Terminated.ExitCode = 0
	recompute(&s, pod, true)
	if s.Phase != corev1.PodSucceeded {
		t.Fatalf("phase %s, want Succeeded", s.Phase)
	}
}
