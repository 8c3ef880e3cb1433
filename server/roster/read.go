package roster

import "strings"

// MaxRows is the most data rows one file may hold.
const MaxRows = 20000

// blank reports whether every cell is empty or spaces.
func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
