package roster

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/width"

	"github.com/skillarena/arena/server/certificate/rules"
)

// idWeights are the GB 11643-1999 weights of the first 17 digits (2^(17-i) mod 11).
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// idCheckChars maps the weighted sum mod 11 to the check character.
const idCheckChars = "10X98765432"

// excelNumberRE matches what a spreadsheet makes of a long number: 1.10105E+17.
var excelNumberRE = regexp.MustCompile(`^\d(\.\d+)?[eE]\+?\d+$`)

// IDCheckDigit returns the GB 11643-1999 check character of the first 17
// digits of an ID number.
func IDCheckDigit(first17 string) byte {
	sum := 0
	for i := range 17 {
		sum += int(first17[i]-'0') * idWeights[i]
	}
	return idCheckChars[sum%11]
}

// IDGender is the gender an 18-character resident ID number (or residence
// permit number) records in its 17th digit: odd for male, even for female;
// "" for a number of another form.
func IDGender(id string) string {
	if len(id) != 18 || id[16] < '0' || id[16] > '9' {
		return ""
	}
	if (id[16]-'0')%2 == 1 {
		return rules.Male
	}
	return rules.Female
}

// CheckIDNumber checks a Chinese resident ID number (GB 11643-1999): 18
// characters, 17 digits then a digit or X, a real birth date that is not in
// the future (relative to today), and the check digit. It returns the number
// normalized (full-width characters narrowed, x upper-cased, spaces and the
// spreadsheet text markers '... and ="..." removed).
func CheckIDNumber(s string, today time.Time) (string, error) {
	s = strings.ToUpper(width.Narrow.String(strings.TrimSpace(s)))
	// Spreadsheet ways of keeping digits as text: '110105... and ="110105...".
	s = strings.TrimPrefix(s, "'")
	if inner, ok := strings.CutPrefix(s, `="`); ok && strings.HasSuffix(inner, `"`) {
		s = strings.TrimSuffix(inner, `"`)
	}
	if excelNumberRE.MatchString(s) {
		return "", textErr("roster.id_as_number", s)
	}
	r := []rune(s)
	if len(r) != 18 {
		return "", textErr("roster.id_length", len(r))
	}
	for i, c := range r[:17] {
		if c < '0' || c > '9' {
			return "", textErr("roster.id_digit", i+1, strconv.QuoteRune(c))
		}
	}
	if last := r[17]; (last < '0' || last > '9') && last != 'X' {
		return "", textErr("roster.id_last", strconv.QuoteRune(last))
	}
	birth, err := time.Parse("20060102", s[6:14])
	if err != nil || birth.Year() < 1900 {
		return "", textErr("roster.id_birth", s[6:14])
	}
	y, m, d := today.Date()
	if birth.After(time.Date(y, m, d, 0, 0, 0, 0, time.UTC)) {
		return "", textErr("roster.id_birth_future", s[6:14])
	}
	if want := IDCheckDigit(s); s[17] != want {
		return "", textErr("roster.id_check", string(want))
	}
	return s, nil
}
