package testutil

import (
	"bytes"
	"strings"
	"testing"

	"github.com/forecastrun/forecastrun/runner/series"
)

// ParquetOf is a long CSV written as a Parquet file, as a data warehouse
// export of the same rows would be.
func ParquetOf(t testing.TB, csv string) []byte {
	t.Helper()
	ds, err := series.Read(strings.NewReader(csv), "data.csv", series.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := series.WriteParquet(&buf, ds, series.Columns{}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
