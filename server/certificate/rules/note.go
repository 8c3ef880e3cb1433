package rules

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// NoteCode names one reason the rules give for a flag; the edges (pages,
// exports) put it into words in their own language.
type NoteCode string

// The reasons the rules give.
const (
	NoteDisqualified NoteCode = "disqualified" // no args
	NoteUnofficial   NoteCode = "unofficial"   // no args
	NoteAbsent       NoteCode = "absent"       // no args
	NoteUnqualified  NoteCode = "unqualified"  // below the qualifying scores; no args
	NoteStepUp       NoteCode = "step_up"      // args: level held, level stepped up to
	NoteTop          NoteCode = "top"          // args: level held, the highest
	NoteInterval     NoteCode = "interval"     // args: last promotion date (YYYY-MM-DD), months
	NoteOverride     NoteCode = "override"     // args: by whom, reason
	// NoteText is a note written as a sentence before notes had codes; its
	// one arg is the sentence.
	NoteText NoteCode = "text"
)

// Note is one reason, with the values it names.
type Note struct {
	Code NoteCode `json:"code"`
	Args []string `json:"args,omitempty"`
}

// String says the note in English.
func (n Note) String() string {
	arg := func(i int) string {
		if i < len(n.Args) {
			return n.Args[i]
		}
		return "?"
	}
	switch n.Code {
	case NoteDisqualified:
		return "disqualified"
	case NoteUnofficial:
		return "unofficial: competes out of competition"
	case NoteAbsent:
		return "did not take part"
	case NoteUnqualified:
		return "below the qualifying scores: no promotion"
	case NoteStepUp:
		return fmt.Sprintf("holds %s: steps up to %s", arg(0), arg(1))
	case NoteTop:
		return fmt.Sprintf("already holds %s, the highest level: no promotion", arg(0))
	case NoteInterval:
		return fmt.Sprintf("last promoted on %s: at most one promotion in %s months, none now", arg(0), arg(1))
	case NoteOverride:
		return fmt.Sprintf("overridden by %s: %s", arg(0), arg(1))
	}
	return arg(0)
}

// Months is a NoteInterval's number of months.
func (n Note) Months() int {
	if n.Code != NoteInterval || len(n.Args) < 2 {
		return 0
	}
	m, _ := strconv.Atoi(n.Args[1])
	return m
}

// UnmarshalJSON reads a note, or a sentence stored before notes had codes
// (a finalized review keeps its notes as they were).
func (n *Note) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*n = Note{Code: NoteText, Args: []string{s}}
		return nil
	}
	type plain Note
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return fmt.Errorf("decode note: %w", err)
	}
	*n = Note(p)
	return nil
}

// NoteStrings says notes in English, for logs and tests.
func NoteStrings(notes []Note) []string {
	out := make([]string, len(notes))
	for i, n := range notes {
		out[i] = n.String()
	}
	return out
}
