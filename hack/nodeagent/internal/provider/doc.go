// Package provider is the node agent's virtual-kubelet provider: it runs each
// Pod's containers as local processes instead of containers.
//
// virtual-kubelet's PodController calls CreatePod, UpdatePod and DeletePod
// and receives status changes through NotifyPods; this package never writes
// Pod objects itself. Per Pod it
//
//   - maps volumes to local folders (emptyDir, configMap, secret,
//     downwardAPI and projected under the Pod's folder; persistentVolumeClaim
//     under STATE/pvc/<namespace>/<claim>; hostPath as is),
//   - obtains the ServiceAccount's token through the TokenRequest API, keeps
//     it fresh, and writes a kubeconfig for it,
//   - starts each container's command + args (the image only selects a
//     folder of binaries through the image map) with the Pod's environment
//     and the FORECASTRUN_* variables that describe the path mapping,
//   - reports phase, conditions and container states with exit codes, and
//   - on deletion sends SIGTERM to the process group, then SIGKILL after the
//     grace period.
//
// The exact contract seen by a process is written down in the node agent's
// README.md.
package provider
