package frontend

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"text/template/parse"

	"github.com/skillarena/arena/internal/message"
	"github.com/skillarena/arena/sandbox/verdict"
	"github.com/skillarena/arena/server/account"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/roster"
	"github.com/skillarena/arena/server/submission"
)

func newUI(t *testing.T) *UI {
	t.Helper()
	u, err := New()
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestAssetsHashed(t *testing.T) {
	u := newUI(t)
	for name, a := range u.assets {
		if !strings.HasPrefix(a.url, "/static/") || strings.HasSuffix(a.url, "/"+name) {
			t.Errorf("%s served at %s: want a content-hashed name", name, a.url)
		}
		data, ctype, ok := u.Asset(a.url)
		if !ok || len(data) == 0 || ctype == "" {
			t.Errorf("%s: not served at its URL", name)
		}
	}
	if _, _, ok := u.Asset("/static/board.js"); ok {
		t.Error("unhashed name served")
	}
	// Modules import each other by hashed name: the browser can fetch only those.
	board := string(u.assets["board.js"].data)
	if !strings.Contains(board, `from '`+u.assets["live.js"].url+`'`) || strings.Contains(board, "'./live.js'") {
		t.Errorf("board.js imports are not rewritten to hashed names:\n%.300s", board)
	}
}

func TestImportsChangeTheImportersHash(t *testing.T) {
	a, err := hashAssets(mapFS(map[string]string{"static/a.js": "import { x } from './b.js';\n", "static/b.js": "export const x = 1;\n"}))
	if err != nil {
		t.Fatal(err)
	}
	b, err := hashAssets(mapFS(map[string]string{"static/a.js": "import { x } from './b.js';\n", "static/b.js": "export const x = 2;\n"}))
	if err != nil {
		t.Fatal(err)
	}
	if a["a.js"].url == b["a.js"].url {
		t.Error("a.js kept its name although the module it imports changed")
	}
	if _, err := hashAssets(mapFS(map[string]string{"static/a.js": "import './missing.js';\n"})); err == nil {
		t.Error("an import of a missing module was accepted")
	}
}

func TestTranslationsComplete(t *testing.T) {
	u := newUI(t)
	for _, p := range u.msgs.Check() {
		t.Error(p)
	}
	if got := u.T("en", "no.such.key"); got != "no.such.key" {
		t.Errorf("unknown key gives %q", got)
	}
	if u.T("zh", "nav.login") == u.T("en", "nav.login") {
		t.Error("zh and en give the same text for nav.login")
	}
}

// dynamic lists every value a template builds a key from with
// (print "prefix." .Value); a new prefix must be added here.
func dynamic() map[string][]string {
	outcomes := []string{}
	for _, o := range []verdict.Outcome{verdict.Accepted, verdict.WrongAnswer, verdict.TimeLimit, verdict.MemoryLimit,
		verdict.RuntimeError, verdict.OutputLimit, verdict.CompileError, verdict.InvalidSubmission, verdict.Scored,
		verdict.SystemError, verdict.Skipped} {
		outcomes = append(outcomes, string(o))
	}
	fields := []string{}
	for _, f := range []roster.Field{roster.FieldName, roster.FieldIDNumber, roster.FieldOrganization, roster.FieldPhone,
		roster.FieldEmail, roster.FieldTeam, roster.FieldUsername, roster.FieldGender, roster.FieldIDType,
		roster.FieldCategory, roster.FieldLevel, roster.FieldPromoted} {
		fields = append(fields, string(f))
	}
	return map[string][]string{
		"outcome.":       outcomes,
		"status.":        {string(submission.Queued), string(submission.Judging), string(submission.Done)},
		"state.":         {string(contest.NotStarted), string(contest.Running), string(contest.Ended)},
		"role.":          {string(account.Organizer), string(account.Judge), string(account.Contestant)},
		"category.":      {"blockchain", "ai", "data"},
		"scoring.":       {contest.ScoringPoints, contest.ScoringICPC},
		"own.":           {"none", "pending", "solved", "partial", "tried"},
		"rejudge.state_": {submission.BatchRunning, submission.BatchReady, submission.BatchApplied, submission.BatchCancelled},
		"import.col.":    fields,
	}
}

// TestTemplatesUseKnownKeys walks every parsed template for calls of t and
// tf: a literal key must exist in every language, and a key built from a
// prefix must exist for every value the prefix takes.
func TestTemplatesUseKnownKeys(t *testing.T) {
	u := newUI(t)
	dyn := dynamic()
	used := map[string]bool{}
	for view, tmpl := range u.tmpl {
		for _, tt := range tmpl.Templates() {
			if tt.Tree == nil {
				continue
			}
			walk(tt.Tree.Root, func(cmd *parse.CommandNode) {
				id, ok := cmd.Args[0].(*parse.IdentifierNode)
				if !ok || (id.Ident != "t" && id.Ident != "tf") || len(cmd.Args) < 3 {
					return
				}
				switch k := cmd.Args[2].(type) {
				case *parse.StringNode:
					used[k.Text] = true
					if !u.msgs.Has(k.Text) {
						t.Errorf("%s/%s: key %q is not translated", view, tt.Name(), k.Text)
					}
				case *parse.PipeNode:
					prefix := printPrefix(k)
					values, ok := dyn[prefix]
					if !ok {
						t.Errorf("%s/%s: key built as %s: list its values in dynamic()", view, tt.Name(), k)
						return
					}
					for _, v := range values {
						used[prefix+v] = true
						if !u.msgs.Has(prefix + v) {
							t.Errorf("%s/%s: key %q is not translated", view, tt.Name(), prefix+v)
						}
					}
				default:
					t.Errorf("%s/%s: key given as %s: use a literal or (print \"prefix.\" .Value)", view, tt.Name(), k)
				}
			})
		}
	}
	if len(used) < 100 {
		t.Fatalf("found only %d keys in the templates: the walk is broken", len(used))
	}
}

func printPrefix(p *parse.PipeNode) string {
	if len(p.Cmds) != 1 || len(p.Cmds[0].Args) < 2 {
		return ""
	}
	if id, ok := p.Cmds[0].Args[0].(*parse.IdentifierNode); !ok || id.Ident != "print" {
		return ""
	}
	s, _ := p.Cmds[0].Args[1].(*parse.StringNode)
	if s == nil {
		return ""
	}
	return s.Text
}

func walk(n parse.Node, fn func(*parse.CommandNode)) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			walk(c, fn)
		}
	case *parse.ActionNode:
		walk(n.Pipe, fn)
	case *parse.PipeNode:
		if n == nil {
			return
		}
		for _, c := range n.Cmds {
			walk(c, fn)
		}
	case *parse.CommandNode:
		fn(n)
		for _, a := range n.Args {
			walk(a, fn)
		}
	case *parse.IfNode:
		walk(n.Pipe, fn)
		walk(n.List, fn)
		walk(n.ElseList, fn)
	case *parse.RangeNode:
		walk(n.Pipe, fn)
		walk(n.List, fn)
		walk(n.ElseList, fn)
	case *parse.WithNode:
		walk(n.Pipe, fn)
		walk(n.List, fn)
		walk(n.ElseList, fn)
	case *parse.TemplateNode:
		walk(n.Pipe, fn)
	}
}

// TestScriptsUseKnownKeys: every tr('key') of the browser modules is
// translated and reaches the page (its prefix is one the page carries).
func TestScriptsUseKnownKeys(t *testing.T) {
	u := newUI(t)
	re := regexp.MustCompile(`\btr\('([a-z_.]+)'`)
	n := 0
	for name, a := range u.assets {
		for _, m := range re.FindAllStringSubmatch(string(a.data), -1) {
			n++
			if _, ok := u.msgs.JS("en")[m[1]]; !ok || !u.msgs.Has(m[1]) {
				t.Errorf("%s: tr('%s') is not translated for the browser", name, m[1])
			}
		}
	}
	if n == 0 {
		t.Fatal("no tr() calls found")
	}
}

func TestMarkdownIsSafe(t *testing.T) {
	u := newUI(t)
	src := "# Task\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n" +
		"[click](javascript:alert(1)) [ok](https://example.com)\n\n" +
		"| a | b |\n|---|---|\n| 1 | 2 |\n\n```python\nprint(\"<b>\")\n```\n"
	out, err := u.Markdown(src)
	if err != nil {
		t.Fatal(err)
	}
	html := string(out)
	for _, bad := range []string{"<script", "onerror", "javascript:", "<b>"} {
		if strings.Contains(html, bad) {
			t.Errorf("rendered statement contains %q:\n%s", bad, html)
		}
	}
	for _, good := range []string{"<table>", "<td>1</td>", `<code class="language-python">`, "&lt;b&gt;", `href="https://example.com"`} {
		if !strings.Contains(html, good) {
			t.Errorf("rendered statement lacks %q:\n%s", good, html)
		}
	}
}

func TestRenderRefusesUnknownView(t *testing.T) {
	u := newUI(t)
	var b bytes.Buffer
	if err := u.Render(&b, "nope", nil); err == nil {
		t.Fatal("unknown view rendered")
	}
	if err := u.Render(&b, "board", struct{}{}); err == nil || b.Len() != 0 {
		t.Fatalf("a failing render must write nothing (err %v, wrote %d bytes)", err, b.Len())
	}
	for _, v := range Views {
		if !u.HasBlock(v, "content") {
			t.Errorf("view %s defines no content", v)
		}
	}
	if !slices.Contains(Views, "error") {
		t.Error("no error view")
	}
}

func TestDuration(t *testing.T) {
	for in, want := range map[int64]string{0: "0:00:00", 59: "0:00:59", 3661: "1:01:01", 90061: "1d 1:01:01", -5: "-0:00:05"} {
		if got := duration(in); got != want {
			t.Errorf("duration(%d) = %q, want %q", in, got, want)
		}
	}
	if got := number(45.666); got != "45.67" {
		t.Errorf("number(45.666) = %q", got)
	}
}

// mapFS makes a file system of text files for tests.
func mapFS(files map[string]string) fstest.MapFS {
	m := fstest.MapFS{}
	for name, text := range files {
		m[name] = &fstest.MapFile{Data: []byte(text)}
	}
	return m
}

// Every message code (internal/message) has words in every language, with
// as many arguments as its English, and a message says itself in each.
func TestMessagesTranslated(t *testing.T) {
	u := newUI(t)
	for _, code := range message.Codes() {
		english, _ := message.English(code)
		n := fmt.Sprint(message.Arguments(english))
		for _, l := range Langs {
			s, ok := u.msgs.byLang[l]["msg."+code]
			if !ok {
				t.Errorf("msg.%s: missing in %s", code, l)
				continue
			}
			if got := fmt.Sprint(message.Arguments(s)); got != n {
				t.Errorf("msg.%s in %s says arguments %s, its English %s", code, l, got, n)
			}
		}
	}
	tests := []struct {
		text     message.Text
		lang     string
		want     string
		wantSaid bool
	}{
		{message.New("checker.line_differs", 3), "zh", "第 3 行与答案不同", true},
		{message.New("checker.line_differs", 3), "en", "line 3 differs", true},
		{message.New("refusal.rate", 5), "zh", "提交太频繁：请 5 秒后再试", true},
		{message.Wrap("grader.sql_at_hidden", message.New("sql.rows", 3, 4), 7, 2), "zh", "结果有 3 行，应为 4 行（第 7 行起的查询，隐藏数据库 2）", true},
		{message.Wrap("grader.sql_at_hidden", message.New("sql.rows", 3, 4), 7, 2), "en", "the result has 3 rows, expected 4 (query from line 7, on hidden database 2)", true},
		{message.Plain("a package's own words"), "zh", "", false},
		{message.Text{}, "zh", "", false},
		{message.Text{Code: "no.such.code"}, "zh", "", false},
	}
	for _, tt := range tests {
		got, ok := u.Say(tt.lang, tt.text)
		if got != tt.want || ok != tt.wantSaid {
			t.Errorf("Say(%s, %+v) = %q, %v; want %q, %v", tt.lang, tt.text, got, ok, tt.want, tt.wantSaid)
		}
	}
	if got := u.msgs.SayOr("zh", message.Text{}, "stored before codes"); got != "stored before codes" {
		t.Errorf("a message without a code says %q, want its English", got)
	}
}
