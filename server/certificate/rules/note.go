package rules

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
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
	// NoteAbsentPart: absent (缺考) from an imported part; args: the part's name.
	NoteAbsentPart NoteCode = "absent_part"
	// Ties across a cutoff; args (see Tie.note): rule kind (award, level),
	// rule name (award name, level), places, tied place, group (worker,
	// student or ""), the others (usernames, comma-separated), then the
	// deciding key with this contestant's and the others' values, or for
	// tie_all_in the tie-break keys (comma-separated, "" for none).
	// NoteShort: placed within a rule but short of its minimum; args:
	// rule kind, rule name, total or a part's name ("qualify": the
	// qualifying bar), the score ("absent" for 缺考), the minimum.
	NoteShort    NoteCode = "short"
	NoteTieWon   NoteCode = "tie_won"
	NoteTieLost  NoteCode = "tie_lost"
	NoteTieAllIn NoteCode = "tie_all_in"
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
	case NoteShort:
		if arg(2) == "qualify" {
			return fmt.Sprintf("placed for %s %s but below the qualifying bar", arg(0), arg(1))
		}
		return fmt.Sprintf("placed for %s %s but %s %s is below its minimum %s", arg(0), arg(1), arg(2), arg(3), arg(4))
	case NoteAbsentPart:
		return fmt.Sprintf("absent (缺考) from %s: fails any minimum on it", arg(0))
	case NoteTieWon, NoteTieLost, NoteTieAllIn:
		among := ""
		if g := arg(4); g != "" {
			among = " among " + g + "s"
		}
		lead := fmt.Sprintf("tied at place %s%s with %s at the cutoff of %s %s (top %s)", arg(3), among, strings.ReplaceAll(arg(5), ",", ", "), arg(0), arg(1), arg(2))
		switch n.Code {
		case NoteTieWon:
			return fmt.Sprintf("%s: in, ahead on %s (%s against %s)", lead, arg(6), arg(7), arg(8))
		case NoteTieLost:
			return fmt.Sprintf("%s: out, behind on %s (%s against %s)", lead, arg(6), arg(7), arg(8))
		}
		if arg(6) == "" {
			return lead + ": all tied are in (no tie-break)"
		}
		return fmt.Sprintf("%s: all tied are in (still tied on %s)", lead, strings.ReplaceAll(arg(6), ",", ", "))
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

// Outcomes of a tie across a cutoff.
const (
	TieWon   = "won"    // in, ahead of the others on a tie-break key
	TieLost  = "lost"   // out, behind the others on a tie-break key
	TieAllIn = "all_in" // no key told them apart: all are in
)

// Tie is how a tie across a cutoff was decided for one contestant.
type Tie struct {
	Outcome string
	// Places is how many places the rule gives; Place the tied place.
	Places, Place int
	// Group is the category the places count in; "" for everyone.
	Group Category
	// Others are the contestants beaten (won), who won (lost) or tied (all in).
	Others []string
	// Keys are the tie-break keys; Key the one that decided, with this
	// contestant's value (Mine) and the others' (Theirs).
	Keys              []string
	Key, Mine, Theirs string
}

// note is the tie as a note on the rule of kind (award, level) named name.
func (t *Tie) note(kind, name string) Note {
	args := []string{kind, name, strconv.Itoa(t.Places), strconv.Itoa(t.Place), string(t.Group), strings.Join(t.Others, ",")}
	switch t.Outcome {
	case TieWon:
		return Note{Code: NoteTieWon, Args: append(args, t.Key, t.Mine, t.Theirs)}
	case TieLost:
		return Note{Code: NoteTieLost, Args: append(args, t.Key, t.Mine, t.Theirs)}
	}
	return Note{Code: NoteTieAllIn, Args: append(args, strings.Join(t.Keys, ","))}
}
