// Package sheet writes CSV that spreadsheets open safely: Chinese Excel reads
// it as UTF-8 (a BOM, CRLF line ends), and no text cell runs as a formula.
package sheet

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
)

// Safe keeps a spreadsheet from reading a text cell as a formula.
func Safe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// WriteCSV writes header and rows. Cells are passed through Safe, except in
// the columns where numeric reports true (a leading "-" there is a sign).
func WriteCSV(w io.Writer, header []string, rows [][]string, numeric func(col int) bool) error {
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString("\ufeff"); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	for _, r := range rows {
		safe := make([]string, len(r))
		for i, c := range r {
			if numeric != nil && numeric(i) {
				safe[i] = c
			} else {
				safe[i] = Safe(c)
			}
		}
		if err := cw.Write(safe); err != nil {
			return fmt.Errorf("write CSV: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	return nil
}
