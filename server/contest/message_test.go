package contest

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/skillarena/arena/internal/message"
)

// chain lists a message's code and those said inside it, outermost first.
func chain(t message.Text) string {
	var out []string
	for p := &t; p != nil; p = p.Inner {
		out = append(out, p.Code)
	}
	return strings.Join(out, " > ")
}

// contest.yaml's problems are codes, the field's problem said inside the
// field, inside "contest.yaml: "; their English is the message as it was.
func TestFileProblemsAsCodes(t *testing.T) {
	base := "id: c1\ntitle: {en: C}\nstart: 2025-05-31T09:00:00+08:00\nend: 2025-05-31T12:00:00+08:00\nchallenges: [{package: a}]\n"
	resolve := func(_ context.Context, ref string) (Challenge, error) {
		return Challenge{Slug: ref, Kind: "program", Points: 100, Languages: []string{"python3"}, Package: "x"}, nil
	}
	for _, tc := range []struct{ extra, codes, english string }{
		{"tier: city\ncertificates: {occupation: x, levels: [{level: 三级, top_percent: 101}]}\n",
			"contest.yaml > rules.field > rules.percent", "contest.yaml: certificates.levels[0].top_percent: must be in 0..100"},
		{"tier: galactic\n", "contest.yaml > contest.field > rules.tier",
			`contest.yaml: tier: "galactic" is not one of national-1, national-2, provincial-1, provincial-2, city, industry (or their Chinese names, e.g. 省级一类竞赛)`},
		{"certificates: {occupation: x, levels: [{level: 三级, top_n: 1}]}\n", "contest.yaml > contest.field > contest.tier_required",
			"contest.yaml: tier: required with certificates (national-1, national-2, provincial-1, provincial-2, city, industry)"},
		{"timezone: Mars/Olympus\n", "contest.yaml > contest.field > contest.zone_unknown",
			`contest.yaml: timezone: "Mars/Olympus" is not a known time zone: use an IANA name such as Asia/Shanghai or Europe/Berlin`},
		{"scoring: golf\n", "contest.yaml > contest.field > contest.scoring", `contest.yaml: scoring: "golf" is not one of points, icpc`},
	} {
		var c *Contest
		f, err := ParseFile([]byte(base + tc.extra))
		if err == nil {
			c, err = f.Build(context.Background(), resolve, nil)
		}
		var inv *InvalidError
		if !errors.As(err, &inv) {
			t.Errorf("%q: %v (%v), want an InvalidError", tc.extra, err, c)
			continue
		}
		if got := chain(inv.Text); got != tc.codes || inv.Error() != tc.english || inv.Text.String() != tc.english {
			t.Errorf("%q: %s %q (%q), want %s %q", tc.extra, got, inv.Error(), inv.Text.String(), tc.codes, tc.english)
		}
	}
}
