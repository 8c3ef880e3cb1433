// Package message is what SkillArena tells a user, as a code with its
// arguments: the web UI says it in the reader's language (frontend/i18n,
// key "msg.CODE"), the API and the logs in English (String). Whatever
// stores a message keeps its English beside its code, so a record written
// before messages had codes still reads, in English.
package message

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
)

// Text is one message: a code and the values it names. Embedded in a
// record beside its English "message", it adds "message_code" and
// "message_args".
type Text struct {
	Code string   `json:"message_code,omitempty"`
	Args []string `json:"message_args,omitempty"`
	// Inner, when set, is a message said first and put before Args: a
	// message about where another one happened.
	Inner *Text `json:"message_inner,omitempty"`
}

// New is the message code with args, each in its text form.
func New(code string, args ...any) Text {
	t := Text{Code: code}
	for _, a := range args {
		t.Args = append(t.Args, fmt.Sprint(a))
	}
	return t
}

// Wrap is the message code saying inner first, then args.
func Wrap(code string, inner Text, args ...any) Text {
	t := New(code, args...)
	t.Inner = &inner
	return t
}

// Plain is a message that has no code: its one argument is the English
// sentence, said as it is in every language.
func Plain(sentence string) Text { return Text{Code: CodePlain, Args: []string{sentence}} }

// CodePlain is the code of a message without a code of its own.
const CodePlain = "plain"

// IsZero reports whether t says nothing.
func (t Text) IsZero() bool { return t.Code == "" }

// String says t in English.
func (t Text) String() string {
	format, ok := english[t.Code]
	if !ok || t.Code == CodePlain {
		if len(t.Args) > 0 {
			return t.Args[0]
		}
		return t.Code
	}
	var args []any
	if t.Inner != nil {
		args = append(args, t.Inner.String())
	}
	for _, a := range t.Args {
		args = append(args, a)
	}
	return fmt.Sprintf(format, args...)
}

// English is the English format of code (its arguments are %s verbs, in
// order, or %[n]s naming the nth: a message said inside another, always
// the first argument, may so come anywhere), and whether code is known.
func English(code string) (string, bool) {
	f, ok := english[code]
	return f, ok
}

// Codes lists every known code, sorted.
func Codes() []string {
	out := make([]string, 0, len(english))
	for c := range english {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// verbRE matches a format's verbs: %s or %[n]s (and %% to skip).
var verbRE = regexp.MustCompile(`%(\[(\d+)\])?s|%%`)

// Arguments lists the arguments a format says, by their number from 1,
// each once and in order, as fmt counts them: %s is the one after the
// last said, %[n]s the nth.
func Arguments(format string) []int {
	seen := map[int]bool{}
	last := 0
	for _, m := range verbRE.FindAllStringSubmatch(format, -1) {
		switch {
		case m[0] == "%%":
			continue
		case m[2] != "":
			last, _ = strconv.Atoi(m[2])
		default:
			last++
		}
		seen[last] = true
	}
	out := make([]int, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Ints(out)
	return out
}
