package series

import (
	"bufio"
	"strings"
)

// delimiters are the separators a CSV export uses: commas, semicolons
// (spreadsheets in locales where the comma is the decimal mark write
// those), and tabs.
var delimiters = []rune{',', ';', '\t'}

// sniffDelimiter reads the header line ahead, without consuming it, and
// picks the delimiter that splits it into the most fields outside quotes;
// a comma when none does.
func sniffDelimiter(br *bufio.Reader) rune {
	header := peekLine(br)
	best, most := ',', 0
	for _, d := range delimiters {
		if n := countUnquoted(header, d); n > most {
			best, most = d, n
		}
	}
	return best
}

// peekLine is the first line of br (at most 64 KiB of it) without
// consuming it.
func peekLine(br *bufio.Reader) string {
	for size := 512; ; size *= 2 {
		b, err := br.Peek(size)
		if i := strings.IndexByte(string(b), '\n'); i >= 0 {
			return string(b[:i])
		}
		if err != nil || size >= 64<<10 {
			return string(b)
		}
	}
}

func countUnquoted(line string, d rune) int {
	n, quoted := 0, false
	for _, c := range line {
		switch {
		case c == '"':
			quoted = !quoted
		case c == d && !quoted:
			n++
		}
	}
	return n
}

// delimiterName says which delimiter was used, for the data report.
func delimiterName(d rune) string {
	switch d {
	case ';':
		return "semicolon"
	case '\t':
		return "tab"
	}
	return "comma"
}

// decimalComma turns "1,5" into "1.5" in a file whose delimiter is not the
// comma: such files come from locales that write the comma as the decimal
// mark. A value with both marks ("1.234,5") keeps its dots as thousands
// separators only if every dot comes before the comma.
func decimalComma(s string) string {
	i := strings.LastIndexByte(s, ',')
	if i < 0 || strings.Count(s, ",") > 1 || strings.Contains(s[i:], ".") {
		return s
	}
	return strings.ReplaceAll(s[:i], ".", "") + "." + s[i+1:]
}
