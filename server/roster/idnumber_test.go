package roster

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// withCheck completes 17 digits with their check character, computed here
// the ISO 7064 MOD 11-2 way (independently of IDCheckDigit): weights
// 2^(17-i) mod 11, check value (12 - sum mod 11) mod 11, 10 written X.
func withCheck(first17 string) string {
	sum := 0
	for i := range 17 {
		w := 1
		for range 17 - i {
			w = w * 2 % 11
		}
		sum += int(first17[i]-'0') * w
	}
	c := (12 - sum%11) % 11
	if c == 10 {
		return first17 + "X"
	}
	return first17 + strconv.Itoa(c)
}

// wrongCheck replaces the check character of a valid number with another one.
func wrongCheck(id string) (string, byte) {
	good := id[17]
	bad := byte('0')
	if good == '0' {
		bad = '1'
	}
	return id[:17] + string(bad), good
}

func TestCheckIDNumber(t *testing.T) {
	today := time.Date(2026, 5, 1, 15, 0, 0, 0, time.UTC)
	valid1 := withCheck("11010519900307123")
	valid2 := withCheck("44030420000229456") // 2000 is a leap year
	bad1, want1 := wrongCheck(valid1)
	xID := ""
	for n := 100; xID == ""; n++ { // find a number whose check character is X
		if id := withCheck("3201021985061" + strconv.Itoa(n) + "1"); id[17] == 'X' {
			xID = id
		}
	}
	for _, tt := range []struct {
		name, in, want, err string
	}{
		{"published example", "11010519491231002X", "11010519491231002X", ""},
		{"computed", valid1, valid1, ""},
		{"leap day", valid2, valid2, ""},
		{"check X", xID, xID, ""},
		{"lower-case x", strings.ToLower(xID), xID, ""},
		{"spaces around", "  " + valid1 + " ", valid1, ""},
		{"apostrophe text marker", "'" + valid1, valid1, ""},
		{"formula text marker", `="` + valid1 + `"`, valid1, ""},
		{"full-width digits", strings.Map(func(r rune) rune { return r - '0' + '０' }, valid1[:17]) + valid1[17:], valid1, ""},
		{"wrong check digit", bad1, "", "check digit should be " + string(want1)},
		{"bad date 19990230", withCheck("11010519990230123"), "", "birth date 19990230 is not a valid date"},
		{"bad month", withCheck("11010519991301123"), "", "birth date 19991301 is not a valid date"},
		{"not a leap year", withCheck("11010519000229123"), "", "birth date 19000229 is not a valid date"},
		{"before 1900", withCheck("11010518991231123"), "", "is not a valid date"},
		{"future", withCheck("11010520260502123"), "", "in the future"},
		{"today is fine", withCheck("11010520260501123"), withCheck("11010520260501123"), ""},
		{"17 characters", valid1[:17], "", "must have 18 characters, has 17"},
		{"19 characters", valid1 + "1", "", "must have 18 characters, has 19"},
		{"15-digit old format", "110105900307123", "", "must have 18 characters, has 15"},
		{"letter inside", valid1[:5] + "A" + valid1[6:], "", "character 6 is 'A'"},
		{"bad last", valid1[:17] + "Y", "", "last character must be a digit or X"},
		{"excel number", "1.10105E+17", "", "stored 1.10105E+17 as a number"},
	} {
		got, err := CheckIDNumber(tt.in, today)
		if tt.err == "" {
			if err != nil || got != tt.want {
				t.Errorf("%s: CheckIDNumber(%q) = %q, %v; want %q", tt.name, tt.in, got, err, tt.want)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%s: CheckIDNumber(%q) error = %v; want one containing %q", tt.name, tt.in, err, tt.err)
		}
	}
}

func TestIDCheckDigitMatchesReference(t *testing.T) {
	for n := range 2000 {
		first := "3301061990" + strconv.Itoa(1000000 + n*37)[:7]
		if got, want := string(IDCheckDigit(first)), withCheck(first)[17:]; got != want {
			t.Fatalf("IDCheckDigit(%s) = %s, want %s", first, got, want)
		}
	}
}
