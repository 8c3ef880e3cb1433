package api

import (
	"context"
	"testing"
	"testing/fstest"
	"time"

	"github.com/skillarena/arena/challenges"
)

const (
	// solution and its copy with renamed names, other comments and blank lines.
	solution = "import sys\n\ndef solve(nums):\n    # running best\n    best = 0\n    total = 0\n    for v in sorted(nums):\n        total += v\n        if total > best:\n            best = total\n    return best\n\nprint(solve([int(x) for x in sys.stdin.read().split()]))\n"
	copied   = "import sys\ndef answer(xs):\n    result = 0\n    acc = 0  # sum\n\n    for item in sorted(xs):\n        acc += item\n        if acc > result:\n            result = acc\n    return result\n\n\nprint(answer([int(t) for t in sys.stdin.read().split()]))\n"
	other    = "n = int(input())\nprint(n * (n + 1) // 2)\n"
)

// TestIntegrationSimilarity: the jury gets the report over each
// contestant's last submission, the copy paired with its fragments; a
// contestant is refused; an unknown challenge is a bad request.
func TestIntegrationSimilarity(t *testing.T) {
	f := newFixture(t, time.Now())
	a := f.Submit(t, "ann", solution)
	f.Submit(t, "ben", other)
	b := f.Submit(t, "ben", copied) // ben's last
	type side struct{ Contestant, Submission, Language string }
	var r struct {
		Compared, Limit int
		Truncated       bool
		Pairs           []struct {
			A, B      side
			Score     float64
			Fragments []struct {
				A [2]int `json:"a_lines"`
				B [2]int `json:"b_lines"`
			}
		}
	}
	if st := f.JSON(t, "GET", "/api/contests/run/similarity?challenge=hello", "jury", "", &r); st != 200 {
		t.Fatalf("jury: %d", st)
	}
	if r.Compared != 2 || r.Limit == 0 || r.Truncated || len(r.Pairs) != 1 {
		t.Fatalf("report %+v: want ann's and ben's last compared, one pair", r)
	}
	p := r.Pairs[0]
	if p.A.Submission != b || p.B.Submission != a || p.A.Contestant != "ben" || p.A.Language != "python3" || p.Score < 0.8 {
		t.Fatalf("pair %+v: want ben's %s with ann's %s", p, b, a)
	}
	if len(p.Fragments) == 0 || p.Fragments[0].A[0] > 3 || p.Fragments[0].B[1] < 11 {
		t.Errorf("fragments %+v", p.Fragments)
	}
	for _, tc := range []struct {
		user, query string
		status      int
	}{
		{"ann", "?challenge=hello", 403},
		{"org", "?challenge=hello", 200},
		{"jury", "?challenge=nope", 400},
		{"jury", "", 400},
	} {
		if st := f.JSON(t, "GET", "/api/contests/run/similarity"+tc.query, tc.user, "", nil); st != tc.status {
			t.Errorf("%s %s: %d, want %d", tc.user, tc.query, st, tc.status)
		}
	}
}

// TestIntegrationSimilarityTemplate: the code of a template among the
// challenge's attachments counts for nothing, and the report says how
// much it left out.
func TestIntegrationSimilarityTemplate(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, time.Now())
	const tpl = "import sys\n\ndef read_all():\n    data = sys.stdin.read().split()\n    n = int(data[0])\n    return n, [int(x) for x in data[1:n + 1]]\n\ndef write(answer):\n    sys.stdout.write(str(answer) + \"\\n\")\n    sys.stdout.flush()\n\n"
	f.Submit(t, "ann", tpl+"n, xs = read_all()\nwrite(max(xs) - min(xs))\n")
	f.Submit(t, "ben", tpl+"n, xs = read_all()\nbest = 0\nfor i in range(n):\n    best = max(best, xs[i] * (i + 1))\nwrite(best)\n")
	type report struct {
		Compared            int
		SharedExcluded      int `json:"shared_excluded"`
		SharedFromTemplates int `json:"shared_from_templates"`
		Templates           []struct{ Name, Family string }
		Pairs               []struct{ Score float64 }
	}
	var before, after report
	if st := f.JSON(t, "GET", "/api/contests/run/similarity?challenge=hello", "jury", "", &before); st != 200 {
		t.Fatalf("jury: %d", st)
	}
	// The package is not in the store: no template, the pair looks alike.
	if before.Compared != 2 || len(before.Pairs) != 1 || before.Pairs[0].Score < 0.5 || before.SharedExcluded != 0 || len(before.Templates) != 0 {
		t.Fatalf("without the template: %+v", before)
	}
	data, err := challenges.Archive(fstest.MapFS{
		"challenge.yaml":          {Data: []byte("id: hello\n")},
		"statement.en.md":         {Data: []byte("# Hello\n\n```\n1 2\n```\n")},
		"attachments/template.py": {Data: []byte(tpl + "# your code here\n")},
		"attachments/train.csv":   {Data: []byte("a,b\n1,2\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	hash, err := f.Blobs.Put(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	ct, err := f.Contests.Get(ctx, "run")
	if err != nil {
		t.Fatal(err)
	}
	ct.Challenges[0].Package = hash
	if err := f.Contests.Put(ctx, ct); err != nil {
		t.Fatal(err)
	}
	if st := f.JSON(t, "GET", "/api/contests/run/similarity?challenge=hello", "jury", "", &after); st != 200 {
		t.Fatalf("jury: %d", st)
	}
	if len(after.Pairs) != 0 || after.SharedExcluded == 0 || after.SharedFromTemplates != after.SharedExcluded ||
		len(after.Templates) != 1 || after.Templates[0].Name != "attachments/template.py" || after.Templates[0].Family != "python" {
		t.Fatalf("with the template: %+v", after)
	}
}
