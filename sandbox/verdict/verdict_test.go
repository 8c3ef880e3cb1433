package verdict

import (
	"encoding/json"
	"testing"
)

func TestParse(t *testing.T) {
	for _, s := range []string{"accepted", "wrong_answer", "time_limit", "memory_limit", "runtime_error",
		"output_limit", "compile_error", "invalid_submission", "scored", "system_error"} {
		o, err := Parse(s)
		if err != nil || o.String() != s {
			t.Errorf("Parse(%q) = %q, %v", s, o, err)
		}
	}
	for _, bad := range []string{"", "Accepted", "ok", "wrong answer"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
	var r Result
	if err := json.Unmarshal([]byte(`{"outcome":"bogus"}`), &r); err == nil {
		t.Error("unknown outcome decoded")
	}
	if err := json.Unmarshal([]byte(`{"outcome":"accepted","score":1}`), &r); err != nil || r.Outcome != Accepted {
		t.Errorf("decode: %+v, %v", r, err)
	}
}
