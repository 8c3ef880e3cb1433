package rules

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestNoteJSON(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Note
		text string
	}{
		{"code", `{"code":"disqualified"}`, Note{Code: NoteDisqualified}, "disqualified"},
		{"args", `{"code":"interval","args":["2025-06-02","12"]}`, Note{Code: NoteInterval, Args: []string{"2025-06-02", "12"}},
			"last promoted on 2025-06-02: at most one promotion in 12 months, none now"},
		{"sentence stored before codes", `"did not take part"`, Note{Code: NoteText, Args: []string{"did not take part"}}, "did not take part"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var n Note
			if err := json.Unmarshal([]byte(tt.in), &n); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(n, tt.want) || n.String() != tt.text {
				t.Fatalf("got %+v %q, want %+v %q", n, n.String(), tt.want, tt.text)
			}
			out, err := json.Marshal(n)
			if err != nil {
				t.Fatal(err)
			}
			var back Note
			if err := json.Unmarshal(out, &back); err != nil || !reflect.DeepEqual(back, n) {
				t.Fatalf("round trip %s -> %+v, %v", out, back, err)
			}
		})
	}
	if m := (Note{Code: NoteInterval, Args: []string{"2025-06-02", "6"}}).Months(); m != 6 {
		t.Errorf("months %d", m)
	}
	var n Note
	if err := json.Unmarshal([]byte(`[1]`), &n); err == nil {
		t.Error("a list decoded as a note")
	}
}
