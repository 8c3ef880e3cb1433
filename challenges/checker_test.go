package challenges

import (
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestCheckerCompare(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	no := false
	tests := []struct {
		name     string
		spec     CheckerSpec
		out, ans string
		ok       bool
		msg      string
	}{
		{"exact same", CheckerSpec{Type: CheckExact}, "a b\nc\n", "a b\nc\n", true, ""},
		{"exact trailing space and CRLF", CheckerSpec{Type: CheckExact}, "a b  \r\nc\r\n\n", "a b\nc\n", true, ""},
		{"exact inner space", CheckerSpec{Type: CheckExact}, "a  b\nc\n", "a b\nc\n", false, "line 1 differs"},
		{"exact short", CheckerSpec{Type: CheckExact}, "a b\n", "a b\nc\n", false, "ends early"},
		{"tokens spacing", CheckerSpec{Type: CheckTokens}, "1\n2   3", "1 2 3\n", true, ""},
		{"tokens case sensitive", CheckerSpec{Type: CheckTokens}, "YES", "yes", false, "token 1 differs"},
		{"tokens case insensitive", CheckerSpec{Type: CheckTokens, CaseSensitive: &no}, "YES", "yes", true, ""},
		{"tokens too few", CheckerSpec{Type: CheckTokens}, "1 2", "1 2 3", false, "too few"},
		{"tokens too many", CheckerSpec{Type: CheckTokens}, "1 2 3 4", "1 2 3", false, "too many"},
		{"floats default within", CheckerSpec{Type: CheckFloats}, "0.3333334", "0.333333333", true, ""},
		{"floats default outside", CheckerSpec{Type: CheckFloats}, "0.3334", "0.333333333", false, "token 1"},
		{"floats relative", CheckerSpec{Type: CheckFloats, RelTolerance: f(1e-3)}, "1000000.5", "1000000", true, ""},
		{"floats relative only", CheckerSpec{Type: CheckFloats, RelTolerance: f(1e-3)}, "0.0011", "0.001", false, "tolerance"},
		{"floats absolute", CheckerSpec{Type: CheckFloats, AbsTolerance: f(0.01)}, "2.005", "2", true, ""},
		{"floats absolute only", CheckerSpec{Type: CheckFloats, AbsTolerance: f(0.01)}, "1000.5", "1000", false, "tolerance"},
		{"floats words exact", CheckerSpec{Type: CheckFloats}, "Case 1: 2.0000001", "Case 1: 2", true, ""},
		{"floats words case", CheckerSpec{Type: CheckFloats, CaseSensitive: &no}, "case 1: 2", "Case 1: 2", true, ""},
		{"floats not a number", CheckerSpec{Type: CheckFloats}, "abc", "1.5", false, "token 1 is not a number"},
		{"floats nan", CheckerSpec{Type: CheckFloats}, "nan", "1.5", false, "token 1 is not a number"},
		{"floats inf", CheckerSpec{Type: CheckFloats}, "1 +Inf", "1 1e308", false, "token 2 is not a number"},
		{"floats echoed input", CheckerSpec{Type: CheckFloats}, "secret-input-line", "3.5", false, "token 1 is not a number"},
		{"tokens echoed input", CheckerSpec{Type: CheckTokens}, "1 secret-input-line", "1 2", false, "token 2 differs"},
		{"exact echoed input", CheckerSpec{Type: CheckExact}, "secret-input-line\n", "42\n", false, "line 1 differs"},
		{"floats not a number, output shown", CheckerSpec{Type: CheckFloats, ShowOutput: true}, "1 abc", "1 1.5", false, `token 2: "abc" is not a number`},
		{"tokens too few, count shown", CheckerSpec{Type: CheckTokens, ShowOutput: true}, "1 2", "1 2 3", false, "too few tokens (2)"},
		{"floats exponent", CheckerSpec{Type: CheckFloats}, "1.5e3", "1500", true, ""},
		{"custom cannot compare", CheckerSpec{Type: CheckCustom}, "x", "x", false, "cannot compare"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, msg, detail := tt.spec.Compare([]byte(tt.out), []byte(tt.ans))
			if ok != tt.ok || !strings.Contains(msg, tt.msg) {
				t.Fatalf("Compare(%q, %q) = %v %q, want %v %q", tt.out, tt.ans, ok, msg, tt.ok, tt.msg)
			}
			if !ok && strings.Contains(msg, strconv.Quote(strings.TrimSpace(tt.ans))) {
				t.Errorf("message %q gives the answer away", msg)
			}
			if !ok && !tt.spec.ShowOutput {
				for _, tok := range strings.Fields(tt.out) {
					if len(tok) > 1 && strings.Contains(msg, tok) {
						t.Errorf("message %q quotes the output's %q", msg, tok)
					}
				}
			}
			// The jury still sees what differed.
			if !ok && tt.spec.Type != CheckCustom && strings.TrimSpace(tt.out) != "" && detail == "" {
				t.Errorf("no detail for the jury on a rejection")
			}
			if !ok && strings.Contains(tt.out, "secret") && !strings.Contains(detail, "secret-input-line") {
				t.Errorf("detail %q does not quote the output for the jury", detail)
			}
		})
	}
}

func TestCheckerSpecYAML(t *testing.T) {
	tests := []struct {
		src     string
		want    string
		wantErr string
	}{
		{"checker: tokens", "tokens", ""},
		{"checker: {type: floats, abs_tolerance: 0.5}", "floats", ""},
		{"checker: {type: custom, source: checker/c.py, args: [x]}", "custom", ""},
		{"checker: {type: floats, tolerance: 0.5}", "", "field tolerance not found"},
		{"checker: [a, b]", "", "must be a name"},
	}
	for _, tt := range tests {
		var v struct {
			Checker CheckerSpec `yaml:"checker"`
		}
		err := yaml.Unmarshal([]byte(tt.src), &v)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: err %v, want %q", tt.src, err, tt.wantErr)
			}
			continue
		}
		if err != nil || v.Checker.Type != tt.want {
			t.Errorf("%s: got %+v, %v", tt.src, v.Checker, err)
		}
	}
	abs, rel := CheckerSpec{}.Tolerances()
	if abs != DefaultFloatTolerance || rel != DefaultFloatTolerance {
		t.Errorf("default tolerances %v %v", abs, rel)
	}
	half := 0.5
	abs, rel = CheckerSpec{AbsTolerance: &half}.Tolerances()
	if abs != 0.5 || rel != 0 {
		t.Errorf("abs only: %v %v", abs, rel)
	}
}
