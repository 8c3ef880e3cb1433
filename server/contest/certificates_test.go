package contest

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/skillarena/arena/server/certificate/rules"
)

func TestFileTierAndCertificates(t *testing.T) {
	base := "id: c1\ntitle: {en: C}\nstart: 2025-05-31T09:00:00+08:00\nend: 2025-05-31T12:00:00+08:00\nchallenges: [{package: a}]\n"
	resolve := func(_ context.Context, ref string) (Challenge, error) {
		return Challenge{Slug: ref, Kind: "program", Points: 100, Languages: []string{"python3"}, Package: "x"}, nil
	}
	build := func(extra string) (*Contest, error) {
		f, err := ParseFile([]byte(base + extra))
		if err != nil {
			return nil, err
		}
		return f.Build(context.Background(), resolve, nil)
	}
	for _, tc := range []struct{ extra, want string }{
		{"tier: galactic\n", "contest.yaml: tier: \"galactic\" is not one of"},
		{"certificates: {occupation: x, levels: [{level: 三级, top_n: 1}]}\n", "contest.yaml: tier: required with certificates"},
		{"tier: city\ncertificates: {occupation: x, levels: [{level: 三级, top_percent: 101}]}\n", "contest.yaml: certificates.levels[0].top_percent: must be in 0..100"},
		{"tier: city\ncertificates: {occupation: x, parts: [{name: t, weight: 0.5}, {name: p, weight: 0.5, challenges: [b]}]}\n", "contest.yaml: certificates.parts[1].challenges[0]: \"b\" is not a challenge"},
		{"tier: city\ncertificates: {occupation: x, colour: red}\n", "field colour not found"},
	} {
		if _, err := build(tc.extra); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %q", tc.extra, err, tc.want)
		}
	}
	c, err := build("tier: 省级一类竞赛\ncertificates: {occupation: 区块链应用操作员, lowest_level: 四级, levels: [{level: 技师, top_n: 3}]}\n")
	if err != nil {
		t.Fatal(err)
	}
	if c.Tier != "provincial-1" || c.Certificates.LowestLevel != rules.Level4 || c.Certificates.Levels[0].Level != rules.Level2 {
		t.Fatalf("built: %+v %+v", c.Tier, c.Certificates)
	}
	// Stored as JSON and read back, the rules still hold.
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var back Contest
	if err := json.Unmarshal(b, &back); err != nil || back.Validate() != nil || back.Certificates.Levels[0].Level != rules.Level2 || back.Tier != "provincial-1" {
		t.Fatalf("round trip: %v %+v", err, back.Certificates)
	}
}
