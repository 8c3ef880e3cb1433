package roster

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/width"

	"github.com/skillarena/arena/server/certificate/rules"
)

// checkPerson reads the optional columns certificates need: gender, ID
// type, worker or student, the level held and the last promotion's date.
func checkPerson(sh *Sheet, line int, cell func(Field) string, today time.Time, row *Row) {
	if g, err := rules.ParseGender(cell(FieldGender)); err != nil {
		sh.problemOf(line, FieldGender, err)
	} else {
		row.Gender = g
	}
	if t, err := rules.ParseIDType(cell(FieldIDType)); err != nil {
		sh.problemOf(line, FieldIDType, err)
	} else if t != rules.IDResident {
		row.IDType = t
	}
	if c, err := rules.ParseCategory(cell(FieldCategory)); err != nil {
		sh.problemOf(line, FieldCategory, err)
	} else {
		row.Category = string(c)
	}
	if l, err := rules.ParseLevel(cell(FieldLevel)); err != nil {
		sh.problemOf(line, FieldLevel, err)
	} else {
		row.Level = int(l)
	}
	if raw := cell(FieldPromoted); raw != "" {
		d, ok := parseDate(raw)
		switch {
		case !ok:
			sh.problem(line, FieldPromoted, "roster.not_date", strconv.Quote(raw))
		case d.After(today):
			sh.problem(line, FieldPromoted, "roster.future", d.Format(time.DateOnly))
		case row.Level == 0:
			sh.problem(line, FieldPromoted, "roster.date_no_level")
		default:
			row.Promoted = d.Format(time.DateOnly)
		}
	}
	row.LevelNumber, row.Education = cell(FieldLevelNumber), cell(FieldEducation)
	if row.LevelNumber != "" && row.Level == 0 {
		sh.problem(line, FieldLevelNumber, "roster.number_no_level")
	}
	if raw := cell(FieldBirthDate); raw != "" {
		if d, ok := parseDate(raw); !ok || d.After(today) {
			sh.problem(line, FieldBirthDate, "roster.not_birth_date", strconv.Quote(raw))
		} else {
			row.BirthDate = d.Format(time.DateOnly)
		}
	}
}

var dateFormats = []string{"2006-1-2", "2006/1/2", "2006.1.2", "20060102", "2006年1月2日", "1-2-06"}

// parseDate reads a date the way people and spreadsheets write them.
func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(width.Narrow.String(s))
	if day, _, ok := strings.Cut(s, " "); ok {
		s = day // "2024-06-01 00:00:00"
	}
	for _, f := range dateFormats {
		if t, err := time.Parse(f, s); err == nil && t.Year() >= 1950 {
			return t, true
		}
	}
	return time.Time{}, false
}

var documentRE = regexp.MustCompile(`^[A-Z0-9()-]{5,32}$`)

// normalizeDocument checks the number of a document other than a resident
// ID card (passport, travel permit): letters, digits, brackets and hyphens.
func normalizeDocument(s string) (string, bool) {
	s = strings.ToUpper(width.Narrow.String(strings.TrimSpace(s)))
	s = strings.ReplaceAll(s, " ", "")
	return s, documentRE.MatchString(s)
}
