package job

import (
	"context"
	"fmt"
	"strings"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// reuseCandidates parses EnvReuseCandidates; the first entry of a digest
// (the most recent run) wins.
func reuseCandidates(list string) map[string]string {
	m := map[string]string{}
	for _, entry := range strings.Split(list, ",") {
		digest, name, ok := strings.Cut(strings.TrimSpace(entry), "=")
		if ok && digest != "" && name != "" && m[digest] == "" {
			m[digest] = name
		}
	}
	return m
}

// reuse ends the shard without computing: the data it read is the data
// source computed its result from, and the run asked for reuse. The result
// names source; the controller takes source's result when the Job ends.
func (r *Runner) reuse(ctx context.Context, source string, plan Plan, rep *progressReporter) error {
	mine := len(plan.Mine)
	r.Log.Info("the data is unchanged: reusing a result", "from", source, "dataDigest", plan.DataDigest)
	result := v1alpha1.Result{ReusedFrom: source, DataDigest: plan.DataDigest, FencingToken: r.Env.FencingToken}
	if err := (statusWriter{c: r.Client, env: r.Env}).applyResult(ctx, result); err != nil {
		return err
	}
	rep.set(shardProgress{done: mine, total: mine, message: fmt.Sprintf("the data is unchanged since %s: reusing its result", source)})
	return nil
}
