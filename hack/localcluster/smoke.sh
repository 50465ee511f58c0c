#!/usr/bin/env bash
# Smoke test of the local cluster: control plane + node agent + the real Job
# controller, all through kubectl. Exits non-zero on the first failure.
#
#   hack/localcluster/smoke.sh [DIR]    (default: a fresh temporary folder)
#
# Checks: a Job completes (and `kubectl logs` works); a failing Job is
# retried up to backoffLimit and fails with the exit code recorded; an
# Indexed Job with 3 completions runs indexes 0..2; a process acts as its
# Pod's ServiceAccount (TokenRequest + RBAC) and sees its volumes through
# the path mapping; TTL-after-finished deletes a finished Job; deleting a Job
# garbage-collects its Pods and kills their processes. KEEP=1 leaves the
# cluster running.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"

dir=${1:-$(mktemp -d "${TMPDIR:-/tmp}/forecastrun-smoke.XXXXXX")}
own_dir=$([[ $# -eq 0 ]] && echo 1 || echo 0)
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
image=ghcr.io/forecastrun/forecastrun:dev
bin=$(control_plane_bin)
kc() { "$bin/kubectl" --kubeconfig "$dir/kubeconfig" "$@"; }

t0=$SECONDS
step() { printf '\n== [%3ss] %s\n' "$((SECONDS - t0))" "$*"; }
fail() {
	echo "SMOKE FAILED: $*" >&2
	kc get jobs,pods -o wide >&2 || true
	tail -n 30 "$dir/logs/nodeagent.log" >&2 || true
	exit 1
}
cleanup() {
	local rc=$?
	if [[ "${KEEP:-0}" == 1 ]]; then
		echo "cluster left running: KUBECONFIG=$dir/kubeconfig; stop with $here/down.sh $dir"
	else
		"$here/down.sh" "$dir" >/dev/null 2>&1 || true
	fi
	exit "$rc"
}
trap cleanup EXIT

# The "image": a folder of binaries. The pinned kubectl is in it so a Pod's
# process can call the API with its ServiceAccount's credentials.
mkdir -p "$dir/image"
ln -sf "$bin/kubectl" "$dir/image/kubectl"

step "up.sh"
"$here/up.sh" "$dir" --image-map "$image=$dir/image"
kc get nodes -o wide

# wait_job NAME CONDITION SECONDS waits for a Job condition (Complete/Failed).
wait_job() {
	kc wait --for=condition="$2" "job/$1" --timeout="${3}s" >/dev/null || fail "job $1 did not become $2"
}

# now_ms is wall-clock milliseconds, for the create-to-Running timing.
now_ms() { date +%s%3N; }

step "1. a Job that succeeds"
start_ms=$(now_ms)
kc create job smoke --image="$image" -- /bin/sh -c 'echo hi; sleep 2; exit 0' >/dev/null
running_ms=""
for _ in $(seq 1 300); do
	phase=$(kc get pods -l job-name=smoke -o jsonpath='{.items[0].status.phase}' 2>/dev/null || true)
	if [[ "$phase" == Running || "$phase" == Succeeded ]]; then
		running_ms=$(($(now_ms) - start_ms))
		break
	fi
	sleep 0.05
done
[[ -n "$running_ms" ]] || fail "smoke pod never ran"
echo "job create -> pod $phase: ${running_ms}ms (includes kubectl polling overhead)"
wait_job smoke Complete 60
logs=$(kc logs job/smoke)
[[ "$logs" == hi ]] || fail "kubectl logs job/smoke gave '$logs', want 'hi'"
echo "job smoke Complete; kubectl logs: $logs"

step "2. a Job that fails is retried up to backoffLimit"
kc apply -f - >/dev/null <<EOF
apiVersion: batch/v1
kind: Job
metadata: {name: failing}
spec:
  backoffLimit: 2
  template:
    spec:
      restartPolicy: Never
      containers:
      - {name: main, image: $image, command: [/bin/sh, -c, 'echo failing; exit 3']}
EOF
wait_job failing Failed 120
npods=$(kc get pods -l job-name=failing -o name | wc -l)
codes=$(kc get pods -l job-name=failing -o jsonpath='{.items[*].status.containerStatuses[0].state.terminated.exitCode}')
[[ "$npods" == 3 ]] || fail "failing job ran $npods pods, want 3 (backoffLimit 2 + 1)"
[[ "$codes" == "3 3 3" ]] || fail "exit codes '$codes', want '3 3 3'"
echo "job failing Failed after $npods pods, exit codes: $codes"

step "3. an Indexed Job, completions=3 parallelism=3"
kc apply -f - >/dev/null <<EOF
apiVersion: batch/v1
kind: Job
metadata: {name: indexed}
spec:
  completionMode: Indexed
  completions: 3
  parallelism: 3
  template:
    spec:
      restartPolicy: Never
      containers:
      - {name: main, image: $image, command: [/bin/sh, -c, 'echo "index=\$JOB_COMPLETION_INDEX"; sleep 1']}
EOF
wait_job indexed Complete 90
indexes=$(for p in $(kc get pods -l job-name=indexed -o name); do kc logs "$p"; done | sort | tr '\n' ' ')
[[ "$indexes" == "index=0 index=1 index=2 " ]] || fail "indexed job printed '$indexes'"
echo "job indexed Complete; pods printed: $indexes"

step "4. ServiceAccount credentials (TokenRequest, RBAC) and volume path mapping"
kc create serviceaccount smoke-sa >/dev/null
kc create configmap smoke-config --from-literal=greeting=hello-from-configmap >/dev/null
kc apply -f - >/dev/null <<EOF
apiVersion: batch/v1
kind: Job
metadata: {name: identity}
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      serviceAccountName: smoke-sa
      volumes:
      - {name: scratch, emptyDir: {}}
      - {name: config, configMap: {name: smoke-config}}
      - {name: data, persistentVolumeClaim: {claimName: smoke-data}}
      containers:
      - name: main
        image: $image
        env:
        - {name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
        - {name: OUT, value: /data/from-env.txt}
        volumeMounts:
        - {name: scratch, mountPath: /scratch}
        - {name: config, mountPath: /config}
        - {name: data, mountPath: /data}
        command:
        - /bin/sh
        - -c
        - |
          set -e
          kubectl auth whoami -o jsonpath='{.status.userInfo.username}'; echo
          if kubectl get secrets >/dev/null 2>&1; then echo rbac=allowed; else echo rbac=denied; fi
          cp "\$1" "\$2"
          echo "\$POD_NAME" > "\$OUT"
          echo scratch > "\$FORECASTRUN_MOUNT_SCRATCH/x" && cat "\$FORECASTRUN_MOUNT_SCRATCH/x"
        - sh
        - /config/greeting
        - /data/copy.txt
EOF
wait_job identity Complete 60
out=$(kc logs job/identity)
echo "$out"
grep -qx 'system:serviceaccount:default:smoke-sa' <<<"$out" || fail "whoami did not report the Pod's ServiceAccount"
grep -qx 'rbac=denied' <<<"$out" || fail "the ServiceAccount could list secrets; RBAC not applied"
grep -qx 'scratch' <<<"$out" || fail "emptyDir not writable"
pvc=$dir/pvc/default/smoke-data
[[ "$(cat "$pvc/copy.txt")" == hello-from-configmap ]] || fail "configMap -> pvc copy through rewritten args failed"
[[ "$(cat "$pvc/from-env.txt")" == identity-* ]] || fail "env value path rewrite or downward API failed"
echo "whoami, RBAC denial, configMap/emptyDir/PVC mapping OK (files in $pvc)"

step "5. TTL-after-finished deletes a finished Job"
kc apply -f - >/dev/null <<EOF
apiVersion: batch/v1
kind: Job
metadata: {name: ttl}
spec:
  ttlSecondsAfterFinished: 1
  template:
    spec:
      restartPolicy: Never
      containers:
      - {name: main, image: $image, command: ["true"]}
EOF
kc wait --for=delete job/ttl --timeout=90s >/dev/null || fail "job ttl was not deleted by the TTL controller"
echo "job ttl deleted by ttl-after-finished"

step "6. deleting a Job garbage-collects its Pods and kills their processes"
kc apply -f - >/dev/null <<EOF
apiVersion: batch/v1
kind: Job
metadata: {name: gc}
spec:
  template:
    spec:
      restartPolicy: Never
      terminationGracePeriodSeconds: 3
      containers:
      - {name: main, image: $image, command: [sleep, "600"]}
EOF
kc wait --for=jsonpath='{.status.phase}'=Running pod -l job-name=gc --timeout=60s >/dev/null || fail "gc pod not Running"
pod=$(kc get pods -l job-name=gc -o name)
pid=$(kc get "$pod" -o jsonpath='{.status.containerStatuses[0].containerID}')
pid=${pid#process://}
kill -0 "$pid" 2>/dev/null || fail "process $pid of $pod is not running"
kc delete job gc --cascade=background >/dev/null
kc wait --for=delete "$pod" --timeout=60s >/dev/null || fail "$pod not garbage-collected"
for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && fail "process $pid survived its Pod"
echo "$pod garbage-collected, process $pid gone"

step "down.sh"
trap - EXIT
if [[ "${KEEP:-0}" != 1 ]]; then
	"$here/down.sh" "$dir"
	"$here/down.sh" "$dir" >/dev/null # twice is fine
	[[ $own_dir == 1 ]] && rm -rf "$dir"
fi
echo "SMOKE PASSED in $((SECONDS - t0))s"
