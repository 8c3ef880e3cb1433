package rules

import (
	"testing"
	"time"
)

func TestFormatNumber(t *testing.T) {
	f := NumberFields{Contest: "bc-2025", Issued: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), Level: Level3, Code: "4-04-05-06", Seq: 7}
	for _, tc := range []struct{ pattern, want string }{
		{DefaultNumber, "bc-2025-2025-0007"},
		{"S{yy}{code}{level}{seq:6}", "S2540405063000007"},
		{"{date}_{seq}", "20250601_7"},
		{"X{seq:2}", "X07"},
	} {
		if err := CheckPattern(tc.pattern); err != nil {
			t.Fatalf("%s: %v", tc.pattern, err)
		}
		if got := FormatNumber(tc.pattern, f); got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.pattern, got, tc.want)
		}
	}
	for _, bad := range []string{"", "{contest}", "{seq}{seq}", "{seq:0}", "{seq:10}", "{year:4}{seq}", "a b{seq}", "{who}{seq}"} {
		if CheckPattern(bad) == nil {
			t.Errorf("pattern %q accepted", bad)
		}
	}
}

func TestCheckNationalNumber(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"S000044010001245001234", true},
		{"Y123456789012345678901", true},
		{"S00004401000124500123", false},   // 21 characters
		{"S0000440100012450012345", false}, // 23
		{"s000044010001245001234", false},  // lower-case letter
		{"1000044010001245001234", false},  // no letter
		{"SS00044010001245001234", false},  // two letters
		{"S00004401000124500123X", false},
		{"Ｓ000044010001245001234", false}, // full-width letter
	} {
		if err := CheckNationalNumber(tc.in); (err == nil) != tc.ok {
			t.Errorf("%q: %v, want ok=%v", tc.in, err, tc.ok)
		}
	}
}
