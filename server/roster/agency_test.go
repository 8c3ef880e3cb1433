package roster

import (
	"slices"
	"strings"
	"testing"
)

// TestParseAgencyColumns reads the optional columns the agency's winner
// list asks for: the number of the level certificate held, the date of
// birth and the education.
func TestParseAgencyColumns(t *testing.T) {
	csv := "姓名,身份证号,现有等级,现有等级证书编号,出生日期,文化程度\n" +
		"张三," + idA + ",三级,S000044010001245001234,,本科\n" +
		"李四," + idB + ",,,1990年3月7日,大专\n"
	sh := Parse([]byte(csv), today)
	if len(sh.Problems) > 0 {
		t.Fatalf("problems: %v", problemStrings(sh))
	}
	for i, w := range []Row{
		{Name: "张三", IDNumber: idA, Level: 3, LevelNumber: "S000044010001245001234", Education: "本科"},
		{Name: "李四", IDNumber: idB, BirthDate: "1990-03-07", Education: "大专"},
	} {
		g := sh.Rows[i]
		g.Line = 0
		if g != w {
			t.Errorf("row %d: got %+v, want %+v", i+1, g, w)
		}
	}
	bad := "name,id_number,level_number,birth_date\n" +
		"A," + idA + ",X1,\n" +
		"B," + idB + ",,someday\n" +
		"C," + idC + ",,2999-01-01\n"
	got := problemStrings(Parse([]byte(bad), today))
	for _, want := range []string{
		"line 2: level certificate number: a certificate number without a level",
		`line 3: birth date: "someday" is not a date of birth`,
		`line 4: birth date: "2999-01-01" is not a date of birth`,
	} {
		if !slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, want) }) {
			t.Errorf("no problem %q in %q", want, got)
		}
	}
}
