package web_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/skillarena/arena/internal/message"
	"github.com/skillarena/arena/sandbox/verdict"
)

// TestIntegrationMessagesInTheReadersLanguage: a result's messages with a
// code read in the page's language; a result stored before messages had
// codes keeps its English; the API gives both the English and the code.
func TestIntegrationMessagesInTheReadersLanguage(t *testing.T) {
	f := newFixture(t, time.Now())
	coded := f.Submit(t, "ann", "print(1)\n")
	res := verdict.Result{Outcome: verdict.WrongAnswer, MaxScore: 100,
		Tests: []verdict.Test{{Name: "01", Outcome: verdict.WrongAnswer, MaxScore: 100}}}
	res.Tests[0].Say(message.New("checker.line_differs", 3))
	res.Say(message.New("grader.sql_right", 0, 1))
	f.Grade(t, res)
	old := f.Submit(t, "ann", "print(2)\n")
	f.Grade(t, verdict.Result{Outcome: verdict.WrongAnswer, MaxScore: 100,
		Tests: []verdict.Test{{Name: "01", Outcome: verdict.WrongAnswer, MaxScore: 100, Message: "line 3 differs"}}})

	for _, tc := range []struct {
		sid, lang string
		want      []string
	}{
		{coded, "zh", []string{"第 3 行与答案不同", "答对 0 问，共 1 问"}},
		{coded, "en", []string{"line 3 differs", "0 of 1 questions right"}},
		{old, "zh", []string{"line 3 differs"}},
	} {
		status, body, _ := f.page(t, "/submissions/"+tc.sid, "ann", tc.lang)
		if status != 200 {
			t.Fatalf("%s (%s): %d", tc.sid, tc.lang, status)
		}
		for _, w := range tc.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s (%s): %q is not on the page", tc.sid, tc.lang, w)
			}
		}
		if tc.sid == coded && tc.lang == "zh" && strings.Contains(body, "differs") {
			t.Errorf("%s (zh): the English message is on the Chinese page", tc.sid)
		}
	}

	var sub struct {
		Message     string   `json:"message"`
		MessageCode string   `json:"message_code"`
		MessageArgs []string `json:"message_args"`
		Tests       []struct {
			Message     string   `json:"message"`
			MessageCode string   `json:"message_code"`
			MessageArgs []string `json:"message_args"`
		} `json:"tests"`
	}
	if st := f.JSON(t, "GET", "/api/submissions/"+coded, "ann", "", &sub); st != 200 {
		t.Fatalf("the submission from the API: %d", st)
	}
	if sub.Message != "0 of 1 questions right" || sub.MessageCode != "grader.sql_right" || strings.Join(sub.MessageArgs, ",") != "0,1" {
		t.Errorf("the API's result message: %q %q %v", sub.Message, sub.MessageCode, sub.MessageArgs)
	}
	if len(sub.Tests) != 1 || sub.Tests[0].Message != "line 3 differs" || sub.Tests[0].MessageCode != "checker.line_differs" {
		t.Errorf("the API's test message: %+v", sub.Tests)
	}
}

// TestIntegrationLongOutputCollapsed: a long message is folded behind its
// line count, with a download of the whole text; a short one is shown.
func TestIntegrationLongOutputCollapsed(t *testing.T) {
	f := newFixture(t, time.Now())
	long := f.Submit(t, "ann", "print(1)\n")
	text := strings.Repeat("row,value\n", 800)
	f.Grade(t, verdict.Result{Outcome: verdict.CompileError, MaxScore: 100, Message: text})
	short := f.Submit(t, "ann", "print(2)\n")
	f.Grade(t, verdict.Result{Outcome: verdict.CompileError, MaxScore: 100, Message: "one line"})

	_, body, _ := f.page(t, "/submissions/"+long, "jury", "en")
	if !strings.Contains(body, `<details class="long-text"><summary>Show all 800 lines</summary>`) {
		t.Error("a message of 800 lines is not folded behind its line count")
	}
	m := regexp.MustCompile(`<a href="(data:text/plain;charset=utf-8,[^"]*)" download="` + long + `-message.txt">`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no download of the long message")
	}
	if n := strings.Count(m[1], "row%2Cvalue%0A"); n != 800 {
		t.Errorf("the download holds %d of the 800 lines: %.80s", n, m[1])
	}
	_, body, _ = f.page(t, "/submissions/"+short, "jury", "en")
	if strings.Contains(body, `class="long-text"`) || !strings.Contains(body, `<pre class="output">one line</pre>`) {
		t.Error("a one-line message is folded, or not shown as it is")
	}
}
