package roster

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// MaxRows is the most data rows one file may hold.
const MaxRows = 20000

// record is one row of a file, numbered as a spreadsheet numbers it (from 1).
type record struct {
	line  int
	cells []string
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// readRecords reads the rows of a CSV file (UTF-8 with or without BOM, or
// GB18030) or of the first sheet of an XLSX workbook, told apart by content.
func readRecords(data []byte) ([]record, error) {
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return readXLSX(data)
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return nil, errors.New("this is an old Excel .xls file: save it as .xlsx or as CSV")
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return nil, errors.New("this is UTF-16 text: save it as CSV (UTF-8 or the default Chinese encoding) or as .xlsx")
	}
	return readCSV(data)
}

// decodeText returns data as UTF-8: valid UTF-8 stays as it is (without a
// BOM), anything else is read as GB18030, which Chinese Excel writes.
func decodeText(data []byte) ([]byte, error) {
	data = bytes.TrimPrefix(data, utf8BOM)
	if utf8.Valid(data) {
		return data, nil
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err != nil {
		return nil, fmt.Errorf("the file is neither UTF-8 nor GB18030 text: %w", err)
	}
	return out, nil
}

// sniffComma picks the separator the header line uses most: comma, semicolon or tab.
func sniffComma(text []byte) rune {
	first, _, _ := bytes.Cut(text, []byte("\n"))
	best, n := ',', bytes.Count(first, []byte(","))
	for _, c := range []rune{';', '\t'} {
		if k := bytes.Count(first, []byte(string(c))); k > n {
			best, n = c, k
		}
	}
	return best
}

func readCSV(data []byte) ([]record, error) {
	text, err := decodeText(data)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(bytes.NewReader(text))
	r.Comma = sniffComma(text)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	var out []record
	for {
		cells, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("line %d: %v", pe.StartLine, pe.Err)
			}
			return nil, fmt.Errorf("read CSV: %w", err)
		}
		line, _ := r.FieldPos(0)
		out = append(out, record{line: line, cells: cells})
		if len(out) > MaxRows+10 {
			return nil, fmt.Errorf("more than %d rows: split the file", MaxRows)
		}
	}
	return out, nil
}

func readXLSX(data []byte) ([]record, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		RawCellValue: true, UnzipSizeLimit: 256 << 20, UnzipXMLSizeLimit: 64 << 20})
	if err != nil {
		return nil, fmt.Errorf("not a readable XLSX workbook: %w", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, errors.New("the workbook has no sheet")
	}
	rows, err := f.GetRows(sheets[0], excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, fmt.Errorf("read sheet %q: %w", sheets[0], err)
	}
	if len(rows) > MaxRows+10 {
		return nil, fmt.Errorf("more than %d rows: split the file", MaxRows)
	}
	out := make([]record, 0, len(rows))
	for i, cells := range rows {
		out = append(out, record{line: i + 1, cells: cells})
	}
	return out, nil
}

// blank reports whether every cell is empty or spaces.
func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
