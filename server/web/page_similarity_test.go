package web_test

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

const (
	// solution and its copy with renamed names, other comments and blank lines.
	solution = "import sys\n\ndef solve(nums):\n    # running best\n    best = 0\n    total = 0\n    for v in sorted(nums):\n        total += v\n        if total > best:\n            best = total\n    return best\n\nprint(solve([int(x) for x in sys.stdin.read().split()]))\n"
	copied   = "import sys\ndef answer(xs):\n    result = 0\n    acc = 0  # sum\n\n    for item in sorted(xs):\n        acc += item\n        if acc > result:\n            result = acc\n    return result\n\n\nprint(answer([int(t) for t in sys.stdin.read().split()]))\n"
)

// TestIntegrationSimilarityPages: the jury's list shows the copied pair
// with a link to the side-by-side page, which highlights the shared lines
// on both sides; a contestant is refused both.
func TestIntegrationSimilarityPages(t *testing.T) {
	f := newFixture(t, time.Now())
	a := f.Submit(t, "ann", solution)
	b := f.Submit(t, "ben", copied)
	for _, lang := range []string{"en", "zh"} {
		status, body, _ := f.page(t, "/contests/run/similarity?challenge=hello", "jury", lang)
		if status != 200 {
			t.Fatalf("list in %s: %d %.300s", lang, status, body)
		}
		link := `href="/contests/run/similarity/` + b + `/` + a + `"`
		if !strings.Contains(body, `class="sim-pair"`) || !strings.Contains(body, link) || !strings.Contains(body, ">ben ") && !strings.Contains(body, "ben <a") {
			t.Fatalf("list in %s lacks the pair %s: %.2000s", lang, link, body)
		}
		// The rule for shared code is said, in the page's language.
		if want := map[string]string{"en": "more than 10 submissions in one language and more than 50%", "zh": "超过 10 份、且超过 50%"}[lang]; !strings.Contains(body, want) {
			t.Errorf("list in %s does not say what shared code is left out (%q)", lang, want)
		}
	}
	status, body, _ := f.page(t, "/contests/run/similarity/"+b+"/"+a, "jury", "en")
	if status != 200 {
		t.Fatalf("pair: %d %.300s", status, body)
	}
	// ben's "def answer" is line 2, ann's "def solve" line 3: both highlighted.
	for _, want := range []string{
		`<span class="line sim-match sim-c0" id="a-L2" data-fragment="1">def answer(xs):</span>`,
		`<span class="line sim-match sim-c0" id="b-L3" data-fragment="1">def solve(nums):</span>`,
		`href="#a-L1"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("pair page lacks %s", want)
		}
	}
	if n := len(regexp.MustCompile(`class="line sim-match`).FindAllString(body, -1)); n < 15 {
		t.Errorf("%d highlighted lines, want nearly all of both", n)
	}
	for _, path := range []string{"/contests/run/similarity?challenge=hello", "/contests/run/similarity/" + b + "/" + a} {
		if status, _, _ := f.page(t, path, "ann", "en"); status != 403 {
			t.Errorf("%s as ann: %d, want 403", path, status)
		}
	}
	if status, _, _ := f.page(t, "/contests/run/similarity/"+b+"/run-999", "jury", "en"); status != 404 {
		t.Errorf("unknown submission: %d, want 404", status)
	}
	if status, _, _ := f.page(t, "/contests/run/similarity?challenge=nope", "jury", "en"); status != 400 {
		t.Errorf("unknown challenge: %d, want 400", status)
	}
}
