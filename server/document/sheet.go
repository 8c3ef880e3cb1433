package document

// Spreadsheets: CSV that Chinese Excel reads as UTF-8 (a BOM, CRLF line
// ends) and where no text cell runs as a formula, styled XLSX, and tables
// read back from either.

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/skillarena/arena/internal/message"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/width"
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

// Table is one sheet: a header row, then rows of cells, each a string, an
// int or a float64.
type Table struct {
	// Name names the sheet in XLSX.
	Name   string
	Header []string
	Rows   [][]any
	// Numeric marks the columns that hold numbers: written as numbers in
	// XLSX, and not guarded by Safe in CSV (a leading "-" there is a sign).
	Numeric []bool
}

func (t Table) numeric(col int) bool { return col < len(t.Numeric) && t.Numeric[col] }

// cellText is a cell as text.
func cellText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int:
		return strconv.Itoa(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// WriteCSV writes the table with WriteCSV.
func (t Table) WriteCSV(w io.Writer) error {
	rows := make([][]string, len(t.Rows))
	for r, row := range t.Rows {
		rows[r] = make([]string, len(row))
		for i, v := range row {
			rows[r][i] = cellText(v)
		}
	}
	return WriteCSV(w, t.Header, rows, t.numeric)
}

// displayWidth counts wide (CJK) characters twice, as a spreadsheet shows them.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

// WriteXLSX writes the table as an XLSX workbook: a styled header, the
// first row frozen, columns as wide as their contents, the cells of text
// columns (ID and phone numbers) as text so no digit is lost.
func (t Table) WriteXLSX(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := t.Name
	if err := f.SetSheetName(f.GetSheetName(0), sheet); err != nil {
		return fmt.Errorf("write XLSX: %w", err)
	}
	head, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true, Color: "FFFFFF", Size: 11},
		Fill:      excelize.Fill{Type: "pattern", Color: []string{"8B1A1A"}, Pattern: 1},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
		Border: []excelize.Border{{Type: "left", Color: "D9D9D9", Style: 1}, {Type: "right", Color: "D9D9D9", Style: 1},
			{Type: "top", Color: "D9D9D9", Style: 1}, {Type: "bottom", Color: "D9D9D9", Style: 1}},
	})
	if err != nil {
		return fmt.Errorf("write XLSX: %w", err)
	}
	textStyle, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@": text
	if err != nil {
		return fmt.Errorf("write XLSX: %w", err)
	}
	widths := make([]int, len(t.Header))
	for i, h := range t.Header {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		if err := f.SetCellStr(sheet, cell, h); err != nil {
			return fmt.Errorf("write XLSX: %w", err)
		}
		widths[i] = displayWidth(h)
	}
	for r, row := range t.Rows {
		for i, v := range row {
			cell, _ := excelize.CoordinatesToCellName(i+1, r+2)
			var err error
			switch x := v.(type) {
			case int:
				err = f.SetCellInt(sheet, cell, int64(x))
			case float64:
				err = f.SetCellFloat(sheet, cell, x, -1, 64)
			default:
				err = f.SetCellStr(sheet, cell, cellText(v))
			}
			if err != nil {
				return fmt.Errorf("write XLSX: %w", err)
			}
			widths[i] = max(widths[i], displayWidth(cellText(v)))
		}
	}
	last, _ := excelize.ColumnNumberToName(len(t.Header))
	if err := f.SetCellStyle(sheet, "A1", last+"1", head); err != nil {
		return fmt.Errorf("write XLSX: %w", err)
	}
	if len(t.Rows) > 0 {
		for i := range t.Header {
			if t.numeric(i) {
				continue
			}
			col, _ := excelize.ColumnNumberToName(i + 1)
			if err := f.SetCellStyle(sheet, col+"2", col+strconv.Itoa(len(t.Rows)+1), textStyle); err != nil {
				return fmt.Errorf("write XLSX: %w", err)
			}
		}
	}
	for i, wd := range widths {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(sheet, col, col, float64(min(max(wd+2, 6), 48))); err != nil {
			return fmt.Errorf("write XLSX: %w", err)
		}
	}
	if err := f.SetRowHeight(sheet, 1, 22); err != nil {
		return fmt.Errorf("write XLSX: %w", err)
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("write XLSX: %w", err)
	}
	if err := f.AutoFilter(sheet, "A1:"+last+strconv.Itoa(max(len(t.Rows)+1, 2)), nil); err != nil {
		return fmt.Errorf("write XLSX: %w", err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("write XLSX: %w", err)
	}
	return nil
}

// ReadTable reads the rows of the first sheet of an XLSX file, or of a CSV
// file (UTF-8 with or without a BOM, or GB18030), told apart by content.
func ReadTable(data []byte) ([][]string, error) {
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		f, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			return nil, tableErr(err, "table.not_xlsx", err)
		}
		defer f.Close()
		return f.GetRows(f.GetSheetName(0))
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		d, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
		if err != nil {
			return nil, tableErr(err, "table.not_text")
		}
		data = d
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		return nil, tableErr(err, "table.not_csv", err)
	}
	return rows, nil
}

// TableError is a file ReadTable cannot read, said as a message code
// (internal/message); it wraps the reader's own error.
type TableError struct {
	Text  message.Text
	cause error
}

func (e *TableError) Error() string { return e.Text.String() }
func (e *TableError) Unwrap() error { return e.cause }

func tableErr(cause error, code string, args ...any) error {
	return &TableError{Text: message.New(code, args...), cause: cause}
}

// Row is one row of a sheet, numbered as a spreadsheet numbers it (from 1).
type Row struct {
	Line  int
	Cells []string
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// ReadRows reads the rows of a CSV file (UTF-8 with or without BOM, or
// GB18030, the separator sniffed from the first line) or of the first sheet
// of an XLSX workbook, told apart by content; a file of more than maxRows
// rows (and a few more for headers and blank lines) is refused.
func ReadRows(data []byte, maxRows int) ([]Row, error) {
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return readXLSX(data, maxRows)
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return nil, errors.New("this is an old Excel .xls file: save it as .xlsx or as CSV")
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return nil, errors.New("this is UTF-16 text: save it as CSV (UTF-8 or the default Chinese encoding) or as .xlsx")
	}
	return readCSV(data, maxRows)
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

func readCSV(data []byte, maxRows int) ([]Row, error) {
	text, err := decodeText(data)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(bytes.NewReader(text))
	r.Comma = sniffComma(text)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	var out []Row
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
		out = append(out, Row{Line: line, Cells: cells})
		if len(out) > maxRows+10 {
			return nil, fmt.Errorf("more than %d rows: split the file", maxRows)
		}
	}
	return out, nil
}

func readXLSX(data []byte, maxRows int) ([]Row, error) {
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
	if len(rows) > maxRows+10 {
		return nil, fmt.Errorf("more than %d rows: split the file", maxRows)
	}
	out := make([]Row, 0, len(rows))
	for i, cells := range rows {
		out = append(out, Row{Line: i + 1, Cells: cells})
	}
	return out, nil
}

// WriteTextXLSX writes header and rows as an XLSX workbook of text cells
// only, streamed, so that ID and phone numbers stay exactly as they are.
func WriteTextXLSX(w io.Writer, header []string, rows [][]string) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("write XLSX: %w", err)
	}
	row := func(n int, cells []string) error {
		vals := make([]any, len(cells))
		for i, c := range cells {
			vals[i] = excelize.Cell{Value: c}
		}
		cell, _ := excelize.CoordinatesToCellName(1, n)
		return sw.SetRow(cell, vals)
	}
	if err := row(1, header); err != nil {
		return fmt.Errorf("write XLSX: %w", err)
	}
	for i, r := range rows {
		if err := row(i+2, r); err != nil {
			return fmt.Errorf("write XLSX: %w", err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("write XLSX: %w", err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("write XLSX: %w", err)
	}
	return nil
}
