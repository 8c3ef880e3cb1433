package document

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
)

func TestWriteCSV(t *testing.T) {
	var b bytes.Buffer
	rows := [][]string{{"=HYPERLINK(1)", "-5", "张三"}, {"+1", "9", "@x"}}
	if err := WriteCSV(&b, []string{"a", "n", "name"}, rows, func(col int) bool { return col == 1 }); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.HasPrefix(out, "\ufeff") || !strings.Contains(out, "\r\n") {
		t.Fatalf("no BOM or CRLF: %q", out)
	}
	got, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"a", "n", "name"}, {"'=HYPERLINK(1)", "-5", "张三"}, {"'+1", "9", "'@x"}}
	for i := range want {
		for j := range want[i] {
			if got[i][j] != want[i][j] {
				t.Errorf("cell %d,%d = %q, want %q", i, j, got[i][j], want[i][j])
			}
		}
	}
}
