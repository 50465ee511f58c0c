package checkpoint

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"

	"github.com/forecastrun/forecastrun/runner/series"
)

// Run identifies a run's configuration. Two runs whose Runs differ in any
// field must not share checkpointed items.
type Run struct {
	// Dataset identifies the input data; DatasetDigest of the loaded data
	// is the safe choice, as it changes whenever the data does.
	Dataset string    `json:"dataset"`
	Mode    string    `json:"mode"`
	Seed    uint64    `json:"seed"`
	Horizon int       `json:"horizon"`
	Season  int       `json:"season"`
	Windows int       `json:"windows"`
	Step    int       `json:"step"`
	Metric  string    `json:"metric"`
	Models  []string  `json:"models"`
	Levels  []float64 `json:"levels"`
	// Shards is the number of shards (the Indexed Job's completions); the
	// shard index is recorded separately by Open.
	Shards int `json:"shards"`
}

// Fingerprint returns a short stable digest of r: "sha256:" and the first
// 32 hex digits of the SHA-256 of r's JSON encoding.
func (r Run) Fingerprint() string {
	b, err := json.Marshal(r)
	if err != nil { // only a NaN or infinite level; still a stable digest
		b = fmt.Appendf(nil, "%#v", r)
	}
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:16])
}

// DatasetDigest returns a digest of every item's ID, start and values and
// of the frequency, so that a checkpoint is never applied to changed data
// even when its source (a ConfigMap, a URL) keeps its name.
func DatasetDigest(ds *series.Dataset) string {
	h := sha256.New()
	var buf [8]byte
	h.Write([]byte(ds.Frequency))
	for _, s := range ds.Items {
		binary.LittleEndian.PutUint64(buf[:], uint64(len(s.ID)))
		h.Write(buf[:])
		h.Write([]byte(s.ID))
		start, _ := s.Start.MarshalBinary()
		h.Write(start)
		binary.LittleEndian.PutUint64(buf[:], uint64(s.StartIndex))
		h.Write(buf[:])
		binary.LittleEndian.PutUint64(buf[:], uint64(len(s.Values)))
		h.Write(buf[:])
		for _, v := range s.Values {
			binary.LittleEndian.PutUint64(buf[:], math.Float64bits(v))
			h.Write(buf[:])
		}
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}
