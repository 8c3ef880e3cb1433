package similarity

import (
	"slices"
	"strings"
	"testing"
)

func syms(toks []Token) string {
	s := make([]string, len(toks))
	for i, t := range toks {
		s[i] = t.Sym
	}
	return strings.Join(s, " ")
}

func TestTokenize(t *testing.T) {
	for _, tc := range []struct {
		lang, src, want string
		lines           []int
	}{
		{"python3", "x = 1  # one\n\ny = 'a'\n", "I = N I = S", []int{1, 1, 1, 3, 3, 3}},
		{"python3", "def f(a):\n    \"\"\"doc\nstring\"\"\"\n    return a\n", "def I ( I ) : return I", []int{1, 1, 1, 1, 1, 1, 4, 4}},
		{"python3", "s = '''a\nb'''\nt = 2", "I = S I = N", []int{1, 1, 1, 3, 3, 3}},
		{"cpp", "int main() { /* c\n */ return 0; } // x\n", "int I ( ) { return N ; }", []int{1, 1, 1, 1, 1, 2, 2, 2, 2}},
		{"go", "s := `a\nb`\nfmt.Println(s)", "I : = S fmt . I ( I )", []int{1, 1, 1, 1, 3, 3, 3, 3, 3, 3}},
		{"sql", "SELECT name -- who\nFROM t WHERE x > 3.5", "select I from I where I > N", []int{1, 1, 2, 2, 2, 2, 2, 2}},
		{"node", "const 名字 = \"x\\\"y\";", "const I = S ;", []int{1, 1, 1, 1, 1}},
		{"solidity", "function f() public pure returns (uint) { return 1; }", "function I ( ) public pure returns ( uint ) { return N ; }", nil},
		// JavaScript regular expressions are one symbol; a slash after a value divides.
		{"node", "const re = /ab+c/g;\nx = a / b / c;", "const I = R ; I = I / I / I ;", []int{1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2}},
		{"javascript", "if (/[/]x\\/y/.test(s)) return s.replace(/for (i = 0; i < n; i++)/g, '')", "if ( R . I ( I ) ) return I . I ( R , S )", nil},
		{"js", "x = (a + b) / 2 / c[1] / f(y) / this", "I = ( I + I ) / N / I [ N ] / I ( I ) / this", nil},
		{"node", "a++ / 2 / b; c = d-- / e / 3", "I + + / N / I ; I = I - - / I / N", nil},
		{"node", "return /a b/i.test(x) ? x : y / 2", "return R . I ( I ) ? I : I / N", nil},
		{"node", "x = y /\nz / 2", "I = I / I / N", []int{1, 1, 1, 1, 2, 2, 2}},
		{"node", "[1, 2].map(v => v / 2); s = s.split(/,\\s*/)", "[ N , N ] . I ( I = > I / N ) ; I = I . I ( R )", nil},
		// A slash in Python or C++ always divides.
		{"python3", "x = a / b / c", "I = I / I / I", nil},
		{"cpp", "x = a / b / c;", "I = I / I / I ;", nil},
		// C++ raw strings are one symbol, whatever quotes and lines they hold.
		{"cpp", "auto s = R\"x(a \"quoted\" )\" still)x\"; int y;", "auto I = S ; int I ;", nil},
		{"cpp17", "s = R\"(for (int i = 0;\n i < n; i++) {})\";\nint z;", "I = S ; int I ;", []int{1, 1, 1, 2, 3, 3, 3}},
		{"cpp", "f(u8R\"--(a)\")--\", LR\"(b)\");", "I ( S , S ) ;", nil},
		{"cpp", "int R = 1; g(R, \"s\");", "int I = N ; I ( I , S ) ;", nil},
	} {
		got := Tokenize(tc.lang, tc.src)
		if syms(got) != tc.want {
			t.Errorf("%s %q: got %q, want %q", tc.lang, tc.src, syms(got), tc.want)
			continue
		}
		if tc.lines != nil {
			lines := make([]int, len(got))
			for i, tok := range got {
				lines[i] = tok.Line
			}
			if !slices.Equal(lines, tc.lines) {
				t.Errorf("%s %q: lines %v, want %v", tc.lang, tc.src, lines, tc.lines)
			}
		}
	}
}

func TestWinnowKeepsOneOfEveryWindow(t *testing.T) {
	h := []uint64{77, 74, 42, 17, 98, 50, 17, 98, 8, 88, 67, 39, 77, 74, 42, 17, 98}
	got := Winnow(h, 4)
	var pos []int
	for _, f := range got {
		pos = append(pos, f.Pos)
	}
	// The paper's example: 17 17 8 39 17.
	if want := []int{3, 6, 8, 11, 15}; !slices.Equal(pos, want) {
		t.Fatalf("positions %v, want %v", pos, want)
	}
	for s := 0; s+4 <= len(h); s++ {
		if !slices.ContainsFunc(got, func(f Fingerprint) bool { return f.Pos >= s && f.Pos < s+4 }) {
			t.Errorf("window at %d has no fingerprint", s)
		}
	}
}

// The original solution and four distinct others to the same task.
const original = `import sys

def solve(numbers):
    # sort and take the running maximum of pair sums
    best = 0
    total = 0
    for value in sorted(numbers):
        total += value
        if total > best:
            best = total
    return best

def parse(text):
    parts = text.split()
    count = int(parts[0])
    return [int(p) for p in parts[1:count + 1]]

if __name__ == "__main__":
    data = parse(sys.stdin.read())
    print(solve(data))
`

// copied is original with renamed identifiers, other comments and moved
// blank lines: solve and parse start at lines 7 and 18.
const copied = `# my own work
import sys


def answer(xs):
    """Compute it."""
    result = 0
    acc = 0
    for item in sorted(xs):   # loop
        acc += item
        if acc > result:
            result = acc
    return result


def read_input(s):
    tokens = s.split()

    n = int(tokens[0])
    return [int(t) for t in tokens[1:n + 1]]
if __name__ == "__main__":
    arr = read_input(sys.stdin.read())
    print(answer(arr))
`

var others = []string{
	`n = int(input())
a = list(map(int, input().split()))
print(max(a) if a else 0)
`,
	`import sys
from collections import Counter

def main():
    words = sys.stdin.read().split()
    c = Counter(words)
    for w, k in c.most_common(3):
        print(w, k)

main()
`,
	`def fib(n):
    a, b = 0, 1
    while n > 0:
        a, b = b, a + b
        n -= 1
    return a

print(fib(int(input())))
`,
	`class Graph:
    def __init__(self, n):
        self.adj = [[] for _ in range(n)]

    def add(self, u, v):
        self.adj[u].append(v)
        self.adj[v].append(u)

    def bfs(self, s):
        seen = {s}
        queue = [s]
        while queue:
            u = queue.pop(0)
            for v in self.adj[u]:
                if v not in seen:
                    seen.add(v)
                    queue.append(v)
        return len(seen)
`,
}

func TestReportRanksTheCopyFirst(t *testing.T) {
	sources := []Source{{Contestant: "ann", Submission: "c-1", Language: "python3", Text: original}}
	for i, o := range others {
		sources = append(sources, Source{Contestant: string(rune('p' + i)), Submission: "c-" + string(rune('2'+i)), Language: "python3", Text: o})
	}
	sources = append(sources, Source{Contestant: "ben", Submission: "c-9", Language: "python3", Text: copied},
		// The same contestant's other language, and another's C++: never paired with python.
		Source{Contestant: "ann", Submission: "c-10", Language: "cpp", Text: original})
	pairs := Report(sources, nil, Options{MinScore: -1}).Pairs
	if len(pairs) == 0 {
		t.Fatal("no pairs")
	}
	top := pairs[0]
	if top.A.Submission != "c-1" || top.B.Submission != "c-9" {
		t.Fatalf("top pair %s/%s (%.2f), want c-1/c-9", top.A.Submission, top.B.Submission, top.Score)
	}
	if top.Score < 0.9 {
		t.Errorf("copy scores %.2f, want at least 0.9", top.Score)
	}
	for _, p := range pairs[1:] {
		if p.Score > 0.3 {
			t.Errorf("unrelated %s/%s scores %.2f", p.A.Submission, p.B.Submission, p.Score)
		}
		if p.A.Language != p.B.Language || p.A.Contestant == p.B.Contestant {
			t.Errorf("pair %+v/%+v compared", p.A, p.B)
		}
	}
	if n := len(Report(sources, nil, Options{}).Pairs); n != 1 {
		t.Errorf("default threshold keeps %d pairs, want 1", n)
	}
}

func TestFragmentsPointAtTheLines(t *testing.T) {
	m := Compare(NewDoc("python3", original, Options{}), NewDoc("python3", copied, Options{}))
	if len(m.Fragments) == 0 {
		t.Fatal("no fragments")
	}
	// Together the fragments cover all the code on both sides: lines 1-20
	// of the original, 2-23 of the copy, but not the copy's first comment
	// and blank lines.
	covA, covB := map[int]bool{}, map[int]bool{}
	for _, f := range m.Fragments {
		if f.A[0] > f.A[1] || f.B[0] > f.B[1] {
			t.Fatalf("backwards fragment %+v", f)
		}
		for l := f.A[0]; l <= f.A[1]; l++ {
			covA[l] = true
		}
		for l := f.B[0]; l <= f.B[1]; l++ {
			covB[l] = true
		}
	}
	for _, tc := range []struct {
		side    string
		cov     map[int]bool
		in, out []int
	}{
		{"original", covA, []int{1, 3, 7, 10, 13, 16, 19, 20}, nil},
		{"copy", covB, []int{2, 5, 9, 12, 16, 20, 22, 23}, []int{1}},
	} {
		for _, l := range tc.in {
			if !tc.cov[l] {
				t.Errorf("%s line %d not in a fragment: %+v", tc.side, l, m.Fragments)
			}
		}
		for _, l := range tc.out {
			if tc.cov[l] {
				t.Errorf("%s line %d in a fragment: %+v", tc.side, l, m.Fragments)
			}
		}
	}
}

func TestEmptySources(t *testing.T) {
	m := Compare(NewDoc("go", "", Options{}), NewDoc("go", "package main", Options{}))
	if m.Score != 0 || len(m.Fragments) != 0 {
		t.Errorf("empty source: %+v", m)
	}
}

func TestLiteralsNeitherMakeNorHideACopy(t *testing.T) {
	const (
		jsLoop  = "function dot(a, b, n) {\n  let total = 0;\n  for (let i = 0; i < n; i++) { total += a[i] * b[i]; }\n  return total;\n}\n"
		jsOther = "const lines = require('fs').readFileSync(0, 'utf8').split('\\n');\nconsole.log(lines.length / 2);\n"
		cLoop   = "int dot(int *a, int *b, int n) {\n  int total = 0;\n  for (int i = 0; i < n; i++) { total += a[i] * b[i]; }\n  return total;\n}\n"
		cOther  = "int main() {\n  std::string line;\n  while (std::getline(std::cin, line)) std::cout << line.size() / 2 << std::endl;\n}\n"
	)
	for _, tc := range []struct {
		name, lang, a, b string
		copy             bool
	}{
		{"js: other regex contents hide no copy", "node",
			jsLoop + "const ok = /^[a-z]+$/i.test(process.argv[2]);\n" + jsOther,
			jsLoop + "const ok = /^\\d{3}-[0-9/]+(x|y)*$/gu.test(process.argv[2]);\n" + jsOther, true},
		{"js: code inside a regex makes no copy", "node",
			jsLoop,
			"const re = /function dot(a, b, n) { let total = 0; for (let i = 0; i < n; i++) { total += a[i] * b[i]; } return total; }/;\n" + jsOther, false},
		{"cpp: other raw string contents hide no copy", "cpp",
			cLoop + "const char *usage = R\"(usage: dot < input)\";\n" + cOther,
			cLoop + "const char *usage = R\"tpl(a \"quoted\" )\" line\nand another)tpl\";\n" + cOther, true},
		{"cpp: code inside a raw string makes no copy", "cpp",
			cLoop,
			"const char *code = R\"(int dot(int *a, int *b, int n) {\n  int total = 0;\n  for (int i = 0; i < n; i++) { total += a[i] * b[i]; }\n  return total;\n})\";\n" + cOther, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := Compare(NewDoc(tc.lang, tc.a, Options{}), NewDoc(tc.lang, tc.b, Options{}))
			if tc.copy && m.Score < 0.99 {
				t.Errorf("score %.2f, want 1: the literals differ, the code does not", m.Score)
			}
			if !tc.copy && (m.Score >= 0.3 || len(m.Fragments) > 0) {
				t.Errorf("score %.2f, fragments %+v: the code is only inside a literal", m.Score, m.Fragments)
			}
		})
	}
}
