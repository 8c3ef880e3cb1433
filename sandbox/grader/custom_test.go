package grader

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/skillarena/arena/challenges"
	"github.com/skillarena/arena/sandbox/verdict"
)

// customGradePy is a custom package's grading command: what it prints
// depends on the submission, so that one package covers every case.
const customGradePy = `import json, sys, time
sub = open("answer.txt").read().strip()
lang = sys.argv[1]
secret = open("hidden/expected.txt").read().strip()
def out(obj):
    print(json.dumps(obj))
if sub == secret:
    out({"outcome": "accepted", "message": "right, in " + lang})
elif sub == "half":
    out({"outcome": "scored", "score": 0.5, "message": "half right",
         "tests": [{"name": "t1", "outcome": "accepted", "score": 1, "max_score": 1},
                   {"name": "t2", "outcome": "wrong_answer", "score": 0, "max_score": 1, "message": "off by one"}]})
elif sub == "bad-json":
    print("{outcome: accepted")
elif sub == "two-values":
    out({"outcome": "accepted"}); out({"outcome": "accepted"})
elif sub == "unknown-outcome":
    out({"outcome": "great"})
elif sub == "score-mismatch":
    out({"outcome": "accepted", "score": 0.3})
elif sub == "score-missing":
    out({"outcome": "scored"})
elif sub == "unknown-field":
    out({"outcome": "accepted", "points": 3})
elif sub == "silent":
    pass
elif sub == "crash":
    sys.stderr.write("grader bug\n"); sys.exit(3)
elif sub == "loop":
    while True: pass
else:
    out({"outcome": "wrong_answer", "message": "not the answer"})
`

func customPackage(t *testing.T) *challenges.Package {
	t.Helper()
	fsys := fstest.MapFS{
		"challenge.yaml": {Data: []byte(`id: secret-word
title: {en: Secret word}
category: data
kind: custom
points: 40
languages: [text]
limits: {time_ms: 1000, memory_mb: 128, output_kb: 64}
custom:
  image: skillarena/python3:latest
  command: [python3, hidden/grade.py, "{language}"]
  submission: answer.txt
`)},
		"statement.md":        {Data: []byte("# Secret word\n")},
		"hidden/grade.py":     {Data: []byte(customGradePy)},
		"hidden/expected.txt": {Data: []byte("swordfish\n")},
	}
	pkg, err := challenges.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	return pkg
}

// customCases are submissions to customPackage and what they must give.
var customCases = []struct {
	name, src string
	outcome   verdict.Outcome
	score     float64
	msg       string
}{
	{"accepted", "swordfish", verdict.Accepted, 40, "right, in text"},
	{"scored", "half", verdict.Scored, 20, "half right"},
	{"wrong", "trout", verdict.WrongAnswer, 0, "not the answer"},
	{"bad json", "bad-json", verdict.SystemError, 0, "result JSON is invalid"},
	{"two values", "two-values", verdict.SystemError, 0, "more than one JSON value"},
	{"unknown outcome", "unknown-outcome", verdict.SystemError, 0, `outcome "great"`},
	{"score mismatch", "score-mismatch", verdict.SystemError, 0, "does not fit outcome accepted"},
	{"score missing", "score-missing", verdict.SystemError, 0, "needs a score"},
	{"unknown field", "unknown-field", verdict.SystemError, 0, "points"},
	{"silent", "silent", verdict.SystemError, 0, "printed nothing"},
	{"crash", "crash", verdict.SystemError, 0, "exit code 3"},
}

func checkCustomCase(t *testing.T, res verdict.Result, outcome verdict.Outcome, score float64, msg string) {
	t.Helper()
	if res.Outcome != outcome || res.Score != score || !strings.Contains(res.Message, msg) {
		t.Errorf("got %s %v %q, want %s %v with %q", res.Outcome, res.Score, res.Message, outcome, score, msg)
	}
	if outcome == verdict.SystemError && !strings.Contains(res.Message, "not the contestant's fault") {
		t.Errorf("a package error must say it is not the contestant's fault: %q", res.Message)
	}
}

func TestCustomOnHost(t *testing.T) {
	h := &dataHostSandbox{python: hostPython(t)}
	pkg := customPackage(t)
	g := &Grader{Sandbox: h}
	for _, tc := range customCases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := g.Grade(context.Background(), pkg, "text", []byte(tc.src))
			if err != nil {
				t.Fatal(err)
			}
			checkCustomCase(t, res, tc.outcome, tc.score, tc.msg)
			if tc.name == "scored" && (len(res.Tests) != 2 || res.Tests[1].Message != "off by one") {
				t.Errorf("tests not kept: %+v", res.Tests)
			}
			// The grader's stderr is for the jury, not in the contestant's message.
			if tc.name == "crash" && (strings.Contains(res.Message, "grader bug") || len(res.Tests) != 1 || !strings.Contains(res.Tests[0].Output, "grader bug")) {
				t.Errorf("crash: message %q, tests %+v: want stderr in the test output only", res.Message, res.Tests)
			}
		})
	}
	req := h.reqs[0]
	names := map[string]bool{}
	for _, f := range req.Files {
		names[f.Name] = true
	}
	if !names["hidden/grade.py"] || !names["hidden/expected.txt"] || !names["answer.txt"] || len(names) != 3 {
		t.Errorf("work dir files %v: want the package's hidden/ files and answer.txt", names)
	}
	if res, _ := g.Grade(context.Background(), pkg, "python3", []byte("x")); res.Outcome != verdict.InvalidSubmission {
		t.Errorf("language not listed: got %s", res.Outcome)
	}
}
