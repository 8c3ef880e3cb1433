package frontend

import "strings"

// DiffRow is one row of a side-by-side line diff: the expected line and
// the actual one, either absent (Left or Right false) where the other side
// has a line of its own.
type DiffRow struct {
	Expected, Actual string
	// HasExpected and HasActual say which sides have a line in this row.
	HasExpected, HasActual bool
	// Same: both sides have this line alike.
	Same bool
}

// maxDiffLines bounds the lines compared (the LCS table is their product).
const maxDiffLines = 400

// LineDiff aligns expected and actual line by line on their longest common
// subsequence, pairing a run of removed lines with the run of added lines
// that follows it, as a jury reads an answer against an output. Trailing
// spaces, CRs and blank lines at the end do not count as differences, as
// the exact checker treats them.
func LineDiff(expected, actual string) []DiffRow {
	a, b := diffLines(expected), diffLines(actual)
	n, m := len(a), len(b)
	// lcs[i][j] is the LCS length of a[i:] and b[j:].
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if norm(a[i]) == norm(b[j]) {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var rows []DiffRow
	var del, add []string
	flush := func() {
		for k := 0; k < len(del) || k < len(add); k++ {
			var r DiffRow
			if k < len(del) {
				r.Expected, r.HasExpected = del[k], true
			}
			if k < len(add) {
				r.Actual, r.HasActual = add[k], true
			}
			rows = append(rows, r)
		}
		del, add = del[:0], add[:0]
	}
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && norm(a[i]) == norm(b[j]):
			flush()
			rows = append(rows, DiffRow{Expected: a[i], Actual: b[j], HasExpected: true, HasActual: true, Same: true})
			i, j = i+1, j+1
		case j == m || i < n && lcs[i+1][j] >= lcs[i][j+1]:
			del = append(del, a[i])
			i++
		default:
			add = append(add, b[j])
			j++
		}
	}
	flush()
	return rows
}

func diffLines(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	lines := strings.Split(s, "\n")
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	if len(lines) > maxDiffLines {
		lines = lines[:maxDiffLines]
	}
	return lines
}

func norm(s string) string { return strings.TrimRight(s, " \t") }
