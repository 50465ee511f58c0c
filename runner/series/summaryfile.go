package series

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"unsafe"
)

// summaryMagic starts a summary file; its last digit is the format's
// version.
const summaryMagic = "forecastrun-summary-1\n"

// summaryHead is a summary file's first line after the magic.
type summaryHead struct {
	Frequency Frequency `json:"frequency"`
	Report    Report    `json:"report"`
	Digest    string    `json:"digest"`
	End       int64     `json:"end"`
	Items     int       `json:"items"`
}

// WriteSummary writes ds's Summary with its frequency and report, for
// ReadSummary: one shard of a run reads the input and every other shard
// takes what that read learnt of every item from the file, in a few
// bytes per item. ds must come from a read with ReadOptions.Keep.
func (ds *Dataset) WriteSummary(w io.Writer) error {
	sum := ds.Summary
	if sum == nil {
		return errors.New("writing a summary: the dataset has none (it was not read with ReadOptions.Keep)")
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	head, err := json.Marshal(summaryHead{Frequency: ds.Frequency, Report: ds.Report, Digest: sum.Digest, End: sum.end, Items: len(sum.Items)})
	if err != nil {
		return err
	}
	bw.WriteString(summaryMagic)
	bw.Write(append(head, '\n'))
	var buf []byte
	for i, s := range sum.Items {
		buf = appendSummaryItem(buf[:0], s, sum.Demand[i])
		if _, err := bw.Write(buf); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// appendSummaryItem encodes an item as its ID, start, laid-out length
// and demand sizes.
func appendSummaryItem(b []byte, s Series, d DemandSizes) []byte {
	b = binary.AppendUvarint(b, uint64(len(s.ID)))
	b = append(b, s.ID...)
	if s.Start.IsZero() {
		b = append(b, 0)
		b = binary.AppendVarint(b, s.StartIndex)
	} else {
		t, _ := s.Start.MarshalBinary() // fails only for zone offsets beyond ±546 hours, which no parsed time has
		b = append(b, byte(len(t)))
		b = append(b, t...)
	}
	b = binary.AppendUvarint(b, uint64(len(s.Values)))
	b = binary.AppendUvarint(b, uint64(d.Observed))
	b = binary.AppendUvarint(b, uint64(d.Demands))
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(d.Sum))
	return binary.LittleEndian.AppendUint64(b, math.Float64bits(d.SumSq))
}

// ReadSummary reads what WriteSummary wrote: a Dataset with its
// Frequency, Report and Summary, and no Items.
func ReadSummary(r io.Reader) (*Dataset, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	head, err := readSummaryHead(br)
	if err != nil {
		return nil, err
	}
	sum := &Summary{Items: make([]Series, head.Items), Demand: make([]DemandSizes, head.Items), Digest: head.Digest, freq: head.Frequency, end: head.End}
	var zeros []float64
	var ids idArena
	for i := range sum.Items {
		n, err := readSummaryItem(br, &sum.Items[i], &sum.Demand[i], &ids)
		if err != nil {
			return nil, fmt.Errorf("reading item %d of %d of a summary: %w", i+1, head.Items, err)
		}
		if n > len(zeros) {
			zeros = make([]float64, 2*n) // as summarise shares them
		}
		sum.Items[i].Values = zeros[:n:n]
	}
	return &Dataset{Frequency: head.Frequency, Report: head.Report, Summary: sum}, nil
}

// ReadSummaryLayout reads the start of what WriteSummary wrote: a Dataset
// with its Frequency and Report, the Layout of its Summary, which a read
// with ReadOptions.Known needs, and no items; and the number of items the
// summary describes. A shard that forecasts every item of the input needs
// no more until it merges.
func ReadSummaryLayout(r io.Reader) (*Dataset, int, error) {
	head, err := readSummaryHead(bufio.NewReader(r))
	if err != nil {
		return nil, 0, err
	}
	sum := &Summary{Digest: head.Digest, freq: head.Frequency, end: head.End}
	return &Dataset{Frequency: head.Frequency, Report: head.Report, Summary: sum}, head.Items, nil
}

func readSummaryHead(br *bufio.Reader) (summaryHead, error) {
	var head summaryHead
	magic := make([]byte, len(summaryMagic))
	if _, err := io.ReadFull(br, magic); err != nil || string(magic) != summaryMagic {
		return head, fmt.Errorf("reading a summary: not a summary file of this version")
	}
	line, err := br.ReadBytes('\n')
	if err != nil {
		return head, fmt.Errorf("reading a summary's head: %w", err)
	}
	if err := json.Unmarshal(line, &head); err != nil {
		return head, fmt.Errorf("reading a summary's head: %w", err)
	}
	return head, nil
}

// readSummaryItem decodes what appendSummaryItem wrote and returns the
// item's laid-out length.
func readSummaryItem(br *bufio.Reader, s *Series, d *DemandSizes, ids *idArena) (int, error) {
	fixed := &ids.scratch // on the stack, it escaped to the heap once per item
	var err error
	if s.ID, err = ids.read(br); err != nil {
		return 0, err
	}
	kind, err := br.ReadByte()
	switch {
	case err != nil:
		return 0, err
	case int(kind) > len(fixed):
		return 0, fmt.Errorf("a start time of %d bytes", kind)
	case kind == 0:
		s.StartIndex, err = binary.ReadVarint(br)
	default:
		t := fixed[:kind]
		if _, err = io.ReadFull(br, t); err == nil {
			err = s.Start.UnmarshalBinary(t)
		}
	}
	if err != nil {
		return 0, err
	}
	var n, observed, demands uint64
	for _, v := range []*uint64{&n, &observed, &demands} {
		if *v, err = binary.ReadUvarint(br); err != nil {
			return 0, err
		}
	}
	if _, err := io.ReadFull(br, fixed[:16]); err != nil {
		return 0, err
	}
	*d = DemandSizes{Observed: int(observed), Demands: int(demands),
		Sum: math.Float64frombits(binary.LittleEndian.Uint64(fixed[:8])), SumSq: math.Float64frombits(binary.LittleEndian.Uint64(fixed[8:]))}
	return int(n), nil
}

// idArena holds the IDs of a summary in a few large blocks rather than a
// string each: a million small objects cost every garbage collection of
// a shard's run a pass over them.
type idArena struct {
	block []byte
	// scratch holds an item's fixed-size fields while they are decoded.
	scratch [16]byte
}

const idBlock = 1 << 20

// read reads a length and that many bytes, and returns them as a string
// in the arena.
func (a *idArena) read(br *bufio.Reader) (string, error) {
	n, err := binary.ReadUvarint(br)
	switch {
	case err != nil:
		return "", err
	case n > idBlock:
		return "", fmt.Errorf("an ID of %d bytes", n)
	case n == 0:
		return "", errors.New("an empty ID")
	}
	if cap(a.block)-len(a.block) < int(n) {
		a.block = make([]byte, 0, idBlock)
	}
	start := len(a.block)
	a.block = a.block[:start+int(n)]
	if _, err := io.ReadFull(br, a.block[start:]); err != nil {
		return "", err
	}
	// The block's bytes are never written again once read.
	return unsafe.String(&a.block[start], int(n)), nil
}
