package message

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func TestString(t *testing.T) {
	tests := []struct {
		name string
		text Text
		want string
	}{
		{"no args", New("checker.ends_early"), "output ends early"},
		{"args", New("checker.token_differs_quoted", 3, "abc"), "token 3: abc differs"},
		{"inner first", Wrap("grader.sql_at_sample", New("sql.error", "near x"), 5, "shop.db"), "SQL error: near x (query from line 5, on the sample database shop.db)"},
		{"rejudge skipped", New("rejudge.changed_meanwhile"), "its result changed after the rejudge started"},
		{"certificate file problem", New("cert.score_duplicate", 4, "ann", 2), "line 4: ann already has a score on line 2"},
		{"inside a refusal", Wrap("cert.level", New("rules.level", `"七级"`)), `level: "七级" is not a level: use 五级…一级, 初级工…高级技师 or 5…1`},
		{"plain", Plain("a package's own words"), "a package's own words"},
		{"unknown code", Text{Code: "no.such", Args: []string{"kept"}}, "kept"},
		{"empty", Text{}, ""},
	}
	for _, tt := range tests {
		if got := tt.text.String(); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

// Every code's English takes only %s and %[n]s verbs, so every argument,
// a string, fills one; and it says each of its arguments.
func TestEnglishVerbs(t *testing.T) {
	for _, c := range Codes() {
		f, _ := English(c)
		if rest := verbRE.ReplaceAllString(f, ""); strings.Contains(rest, "%") {
			t.Errorf("%s: %q has a verb other than %%s", c, f)
		}
		for i, n := range Arguments(f) {
			if n != i+1 {
				t.Errorf("%s: %q leaves out argument %d", c, f, i+1)
				break
			}
		}
	}
}

func TestArguments(t *testing.T) {
	tests := []struct {
		format string
		want   string
	}{
		{"no arguments, 100%%", "[]"},
		{"%s of %s", "[1 2]"},
		{"line %[2]s: %[1]s", "[1 2]"},
		{"%[3]s, then %s", "[3 4]"},
		{"%s again %[1]s", "[1]"},
	}
	for _, tt := range tests {
		if got := fmt.Sprint(Arguments(tt.format)); got != tt.want {
			t.Errorf("Arguments(%q) = %s, want %s", tt.format, got, tt.want)
		}
	}
}

// A message embedded in a record adds message_code, message_args and,
// for a wrapped one, message_inner; an empty one adds nothing.
func TestJSON(t *testing.T) {
	type record struct {
		Message string `json:"message"`
		Text
	}
	b, _ := json.Marshal(record{Message: "m", Text: Wrap("grader.sql_at_hidden", New("sql.memory"), 1, 2)})
	if got := string(b); got != `{"message":"m","message_code":"grader.sql_at_hidden","message_args":["1","2"],"message_inner":{"message_code":"sql.memory"}}` {
		t.Errorf("wrapped: %s", got)
	}
	b, _ = json.Marshal(record{Message: "old"})
	if got := string(b); got != `{"message":"old"}` {
		t.Errorf("without a code: %s", got)
	}
}
