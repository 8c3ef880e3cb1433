package challenges

import (
	"bytes"
	"strconv"
	"strings"
)

// Checker compares a program's output with the expected answer.
type Checker func(output, answer []byte) (ok bool, message string)

// Checkers are the built-in checkers by name.
var Checkers = map[string]Checker{
	"exact":  exactCheck,
	"tokens": tokenCheck,
}

// exactCheck compares line by line, ignoring trailing spaces and trailing blank lines.
func exactCheck(output, answer []byte) (bool, string) {
	got, want := normLines(output), normLines(answer)
	for i := 0; i < len(got) || i < len(want); i++ {
		if i >= len(got) {
			return false, "output ends early"
		}
		if i >= len(want) {
			return false, "output has extra lines"
		}
		if got[i] != want[i] {
			return false, "line " + strconv.Itoa(i+1) + " differs"
		}
	}
	return true, ""
}

func normLines(b []byte) []string {
	lines := strings.Split(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n")
	for i := range lines {
		lines[i] = strings.TrimRight(lines[i], " \t")
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// tokenCheck compares whitespace-separated tokens.
func tokenCheck(output, answer []byte) (bool, string) {
	got, want := bytes.Fields(output), bytes.Fields(answer)
	for i := 0; i < len(got) || i < len(want); i++ {
		if i >= len(got) {
			return false, "output has too few tokens"
		}
		if i >= len(want) {
			return false, "output has too many tokens"
		}
		if !bytes.Equal(got[i], want[i]) {
			return false, "token " + strconv.Itoa(i+1) + " differs"
		}
	}
	return true, ""
}
