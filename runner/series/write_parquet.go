package series

import (
	"fmt"
	"io"
	"math"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"
)

// ParquetRowGroupRows is how many rows WriteParquet puts in a row group:
// about 10 MB of column data, which a reader holds one group at a time.
const ParquetRowGroupRows = 1 << 20

// WriteParquet writes ds as a Parquet file with the columns Write gives a
// CSV file (empty names fall back to DefaultColumns), so that ReadParquet
// gives the dataset back: item IDs as dictionary-encoded strings; times
// as DATE for daily and coarser data whose items start at midnight UTC,
// TIMESTAMP (milliseconds, UTC) otherwise and INT64 period indexes for an
// integer index; values as optional DOUBLE, a missing value being null.
// Columns are Zstandard-compressed.
func WriteParquet(w io.Writer, ds *Dataset, cols Columns) error {
	cols = cols.withDefaults()
	kind := parquetTimeKind(ds)
	timeNode := map[timeKind]parquet.Node{
		kindIndex: parquet.Int(64), kindDate: parquet.Date(), kindDateTime: parquet.TimestampAdjusted(parquet.Millisecond, true),
	}[kind]
	schema := parquet.NewSchema("dataset", parquet.Group{
		cols.Item:  parquet.Encoded(parquet.String(), &parquet.RLEDictionary),
		cols.Time:  timeNode,
		cols.Value: parquet.Optional(parquet.Leaf(parquet.DoubleType)),
	})
	var at [3]int
	for role := range at {
		leaf, _ := schema.Lookup(cols.name(role))
		at[role] = leaf.ColumnIndex
	}
	pw := parquet.NewWriter(w, schema, parquet.Compression(&zstd.Codec{}), parquet.MaxRowsPerRowGroup(ParquetRowGroupRows))
	row := make(parquet.Row, 3)
	for _, s := range ds.Items {
		id := parquet.ValueOf(s.ID).Level(0, 0, at[0])
		for k, v := range s.Values {
			row[at[0]] = id
			row[at[1]] = parquetTime(ds.Frequency, s, k, kind).Level(0, 0, at[1])
			row[at[2]] = parquet.NullValue().Level(0, 0, at[2])
			if !math.IsNaN(v) {
				row[at[2]] = parquet.ValueOf(v).Level(0, 1, at[2])
			}
			if _, err := pw.WriteRows([]parquet.Row{row}); err != nil {
				return fmt.Errorf("writing item %q: %w", s.ID, err)
			}
		}
	}
	if err := pw.Close(); err != nil {
		return fmt.Errorf("writing dataset: %w", err)
	}
	return nil
}

// parquetTimeKind picks the time column's type as timeLayout picks the
// CSV notation.
func parquetTimeKind(ds *Dataset) timeKind {
	for _, s := range ds.Items {
		if s.Start.IsZero() {
			return kindIndex
		}
	}
	if timeLayout(ds) == time.DateOnly {
		return kindDate
	}
	return kindDateTime
}

func parquetTime(freq Frequency, s Series, k int, kind timeKind) parquet.Value {
	switch kind {
	case kindIndex:
		return parquet.Int64Value(s.StartIndex + int64(k))
	case kindDate:
		return parquet.Int32Value(int32(floorDiv64(freq.Step(s.Start, k).Unix(), secondsPerDay)))
	}
	return parquet.Int64Value(freq.Step(s.Start, k).UnixMilli())
}
