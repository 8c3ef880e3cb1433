package similarity

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// template is what a challenge hands out: reading and printing around an
// empty solve.
const template = `import sys
from collections import defaultdict

def read_ints():
    return list(map(int, sys.stdin.readline().split()))

def main():
    n, m = read_ints()
    grid = [read_ints() for _ in range(n)]
    seen = defaultdict(int)
    answer = solve(n, m, grid, seen)
    sys.stdout.write(str(answer) + "\n")
    sys.stdout.flush()

if __name__ == "__main__":
    main()
`

// solveBody writes a random solve: each seed a different one.
func solveBody(seed uint64) string {
	r := rand.New(rand.NewPCG(seed, seed*7+1))
	names := []string{"a", "b", "c", "d", "e"}
	var expr func(depth int) string
	expr = func(depth int) string {
		if depth == 0 {
			if r.IntN(2) == 0 {
				return names[r.IntN(len(names))]
			}
			return fmt.Sprint(r.IntN(9))
		}
		switch r.IntN(6) {
		case 0:
			return expr(depth-1) + " + " + expr(depth-1)
		case 1:
			return "max(" + expr(depth-1) + ", " + expr(depth-1) + ")"
		case 2:
			return names[r.IntN(len(names))] + "[" + expr(depth-1) + "]"
		case 3:
			return "(" + expr(depth-1) + " * " + expr(depth-1) + ")"
		case 4:
			return "sorted(" + expr(depth-1) + ")"
		}
		return expr(depth-1) + " % " + expr(depth-1)
	}
	var b strings.Builder
	b.WriteString("def solve(n, m, grid, seen):\n")
	for range 14 {
		switch r.IntN(4) {
		case 0:
			fmt.Fprintf(&b, "    for %s in range(%s):\n        %s += %s\n", names[r.IntN(5)], expr(1), names[r.IntN(5)], expr(2))
		case 1:
			fmt.Fprintf(&b, "    if %s > %s:\n        %s = %s\n", expr(1), expr(2), names[r.IntN(5)], expr(2))
		default:
			fmt.Fprintf(&b, "    %s = %s\n", names[r.IntN(5)], expr(2))
		}
	}
	b.WriteString("    return a\n\n")
	return b.String()
}

// withTemplate puts a solve where the template leaves room for it.
func withTemplate(solve string) string {
	return strings.Replace(template, "if __name__", solve+"if __name__", 1)
}

func TestSharedCodeIsLeftOut(t *testing.T) {
	var sources []Source
	for i := range 10 {
		sources = append(sources, Source{Contestant: fmt.Sprintf("u%d", i), Submission: fmt.Sprintf("s%02d", i), Language: "python3", Text: withTemplate(solveBody(uint64(i + 1)))})
	}
	// cat copied dog's solve, renamed.
	copied := solveBody(99)
	sources = append(sources,
		Source{Contestant: "dog", Submission: "s10", Language: "python3", Text: withTemplate(copied)},
		Source{Contestant: "cat", Submission: "s11", Language: "python3", Text: withTemplate(strings.NewReplacer("a", "x", "b", "y").Replace(copied))})
	templates := []Template{{Name: "attachments/main.py", Family: "python", Text: template}}

	for _, tc := range []struct {
		name      string
		templates []Template
		o         Options
		// leftOut says the template pairs fall under the threshold.
		leftOut bool
	}{
		{"nothing left out", nil, Options{CommonMin: -1, MinScore: -1}, false},
		{"common code left out", nil, Options{MinScore: -1}, true},
		{"template left out", templates, Options{CommonMin: -1, MinScore: -1}, true},
		{"both", templates, Options{MinScore: -1}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := Report(sources, tc.templates, tc.o)
			if len(res.Pairs) == 0 {
				t.Fatal("no pairs")
			}
			top := res.Pairs[0]
			if top.A.Submission != "s10" || top.B.Submission != "s11" || top.Score < 0.9 {
				t.Fatalf("top pair %s/%s scores %.2f, want s10/s11 at least 0.9", top.A.Submission, top.B.Submission, top.Score)
			}
			worst := 0.0
			for _, p := range res.Pairs[1:] {
				worst = max(worst, p.Score)
			}
			if tc.leftOut != (worst < 0.3) {
				t.Errorf("the best template-only pair scores %.2f; left out %v", worst, tc.leftOut)
			}
			if tc.leftOut != (res.Shared.Excluded > 0) {
				t.Errorf("%d fingerprints excluded", res.Shared.Excluded)
			}
			if (tc.templates != nil) != (res.Shared.FromTemplates > 0) || res.Shared.FromTemplates > res.Shared.Excluded {
				t.Errorf("%d of %d excluded from templates", res.Shared.FromTemplates, res.Shared.Excluded)
			}
			if !tc.leftOut {
				return
			}
			// The copy's fragments hold solve (lines 15 on) but not main
			// (lines 7 to 13), though both sides hold main too.
			for _, f := range top.Fragments {
				if f.A[0] < 14 || f.B[0] < 14 {
					t.Errorf("fragment %+v reaches into the template", f)
				}
			}
			if len(top.Fragments) == 0 || top.Fragments[0].A[0] > 16 {
				t.Errorf("fragments %+v miss the start of solve", top.Fragments)
			}
		})
	}
}

func TestCommonLimit(t *testing.T) {
	for _, tc := range []struct {
		n    int
		o    Options
		want int
	}{
		{3, Options{}, 10},
		{20, Options{}, 10},
		{21, Options{}, 10},
		{23, Options{}, 11},
		{300, Options{}, 150},
		{300, Options{CommonMin: 5, CommonShare: 0.1}, 30},
	} {
		if got := commonLimit(tc.n, tc.o.withDefaults()); got != tc.want {
			t.Errorf("%d sources, %+v: limit %d, want %d", tc.n, tc.o, got, tc.want)
		}
	}
}

func TestCodeBlocks(t *testing.T) {
	md := "# Task\n\n```python\nimport sys\nprint(1)\n```\n\nSample:\n\n```\n1 2\n```\n\n~~~ cpp {.numberLines}\nint main() {}\n~~~\n\n```text\nhello\n```\n"
	got := CodeBlocks("statement.en.md", md)
	want := []Template{
		{Name: "statement.en.md#1", Family: "python", Text: "import sys\nprint(1)\n"},
		{Name: "statement.en.md#3", Family: "c", Text: "int main() {}\n"},
	}
	if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestFamilies(t *testing.T) {
	for _, tc := range []struct{ lang, file, want string }{
		{"python3", "main.py", "python"},
		{"pypy3", "a/b.PY", "python"},
		{"cpp17", "tpl.hpp", "c"},
		{"c", "x.cc", "c"},
		{"javascript", "index.mjs", "js"},
		{"node", "x.ts", "js"},
		{"java", "Main.java", "java"},
		{"go", "main.go", "go"},
		{"mysql", "q.sql", "sql"},
		{"solidity", "C.sol", "solidity"},
	} {
		if got := Family(tc.lang); got != tc.want {
			t.Errorf("Family(%q) = %q, want %q", tc.lang, got, tc.want)
		}
		if got, ok := FileFamily(tc.file); !ok || got != tc.want {
			t.Errorf("FileFamily(%q) = %q %v, want %q", tc.file, got, ok, tc.want)
		}
	}
	for _, name := range []string{"train.csv", "README.md", "data", "x.txt"} {
		if f, ok := FileFamily(name); ok {
			t.Errorf("FileFamily(%q) = %q, want not source", name, f)
		}
	}
}

// BenchmarkReport300: a full report on 300 sources of one language, each
// the template and its own solve.
func BenchmarkReport300(b *testing.B) {
	sources := make([]Source, 300)
	for i := range sources {
		sources[i] = Source{Contestant: fmt.Sprint(i), Submission: fmt.Sprint(i), Language: "python3", Text: withTemplate(solveBody(uint64(i)) + solveBody(uint64(i+1000)))}
	}
	templates := []Template{{Name: "attachments/main.py", Family: "python", Text: template}}
	for b.Loop() {
		Report(sources, templates, Options{})
	}
}
