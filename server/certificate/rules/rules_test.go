package rules

import (
	"bytes"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

const goodYAML = `
occupation: 区块链应用操作员
occupation_code: 4-04-05-06
work_type: 区块链应用操作员
lowest_level: 四级
parts:
  - {name: theory, title: 理论知识, weight: 0.3}
  - {name: practical, title: 操作技能, weight: 0.7, challenges: [chain, ai]}
tie_break: [practical, time]
qualify: {min_parts: {theory: 60, practical: 60}}
levels:
  - {level: 技师, who: worker, top_n: 10}
  - {level: 三级/高级工, who: student, top_n: 10}
  - {level: 3, top_percent: 30, min_total: 70}
`

func parse(t *testing.T, src string) *Rules {
	t.Helper()
	var r Rules
	dec := yaml.NewDecoder(bytes.NewReader([]byte(src)))
	dec.KnownFields(true)
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("decode: %v", err)
	}
	return &r
}

func TestValidateAcceptsGoodRulesAndFillsDefaults(t *testing.T) {
	r := parse(t, goodYAML)
	if err := r.Validate([]string{"chain", "ai"}); err != nil {
		t.Fatal(err)
	}
	if r.LowestLevel != Level4 || r.HighestLevel != Level1 || r.Number != DefaultNumber || r.PercentRounding != RoundDown {
		t.Fatalf("defaults: %+v", r)
	}
	if r.Levels[0].Level != Level2 || r.Levels[1].Level != Level3 || r.Levels[2].Level != Level3 {
		t.Fatalf("levels read as %v %v %v", r.Levels[0].Level, r.Levels[1].Level, r.Levels[2].Level)
	}
	if len(r.Awards) != 4 || r.Awards[3].Title != "优胜奖" || !r.Awards[3].Qualified || r.Awards[3].TopPercent != 50 {
		t.Fatalf("default awards: %+v", r.Awards)
	}
	if r.IntervalMonths() != 12 || !r.Official() {
		t.Fatalf("interval %d official %v", r.IntervalMonths(), r.Official())
	}
}

func TestValidateNamesTheField(t *testing.T) {
	for _, tc := range []struct {
		name, yaml, want string
	}{
		{"no occupation", "levels: [{level: 三级, top_n: 3}]", "certificates.occupation: missing"},
		{"bad code", "occupation: x\noccupation_code: 4040506", "certificates.occupation_code:"},
		{"bad lowest", "occupation: x\nlowest_level: 六级", "certificates.lowest_level: not a level"},
		{"highest below lowest", "occupation: x\nlowest_level: 四级\nhighest_level: 五级", "certificates.highest_level: 五级/初级工 is below"},
		{"percent", "occupation: x\nlevels: [{level: 三级, top_n: 3}, {level: 四级, top_n: 5}, {level: 五级, top_percent: 120}]", "certificates.levels[2].top_percent: must be in 0..100"},
		{"negative top_n", "occupation: x\nawards: [{name: gold, top_n: -1}]", "certificates.awards[0].top_n: must not be negative"},
		{"bad level text", "occupation: x\nlevels: [{level: 七级, top_n: 3}]", "certificates.levels[0].level: not a level"},
		{"missing level", "occupation: x\nlevels: [{top_n: 3}]", "certificates.levels[0].level: missing"},
		{"level below lowest", "occupation: x\nlowest_level: 四级\nlevels: [{level: 五级, top_n: 3}]", "certificates.levels[0].level: 五级/初级工 is below the occupation's lowest level 四级/中级工"},
		{"bad who", "occupation: x\nlevels: [{level: 三级, top_n: 3, who: teacher}]", "certificates.levels[0].who:"},
		{"unknown award", "occupation: x\nlevels: [{level: 三级, awards: [platinum]}]", "certificates.levels[0].awards[0]: no award named \"platinum\""},
		{"rule without condition", "occupation: x\nlevels: [{level: 三级}]", "certificates.levels[0]: give top_n"},
		{"one part", "occupation: x\nparts: [{name: theory, weight: 1}]", "certificates.parts: give at least two parts"},
		{"weights", "occupation: x\nparts: [{name: theory, weight: 0.3}, {name: practical, weight: 0.6, challenges: [chain, ai]}]", "certificates.parts: weights must add up to 1, got 0.9"},
		{"unknown challenge", "occupation: x\nparts: [{name: theory, weight: 0.3}, {name: practical, weight: 0.7, challenges: [chain, nope]}]", "certificates.parts[1].challenges[1]: \"nope\" is not a challenge"},
		{"challenge in no part", "occupation: x\nparts: [{name: theory, weight: 0.3}, {name: practical, weight: 0.7, challenges: [chain]}]", "certificates.parts: challenge \"ai\" is in no part"},
		{"min part without parts", "occupation: x\nqualify: {min_parts: {theory: 60}}", "certificates.qualify.min_parts: the rules define no parts"},
		{"min part unknown", "occupation: x\nparts: [{name: theory, weight: 0.3}, {name: practical, weight: 0.7, challenges: [chain, ai]}]\nlevels: [{level: 三级, top_n: 1, min_parts: {oral: 60}}]", "certificates.levels[0].min_parts.oral: no part named"},
		{"min part range", "occupation: x\nparts: [{name: theory, weight: 0.3}, {name: practical, weight: 0.7, challenges: [chain, ai]}]\nqualify: {min_parts: {theory: 160}}", "certificates.qualify.min_parts.theory: must be in 0..100"},
		{"tie key", "occupation: x\ntie_break: [speed]", "certificates.tie_break[0]: \"speed\" is not a part name, time or board"},
		{"rounding", "occupation: x\npercent_rounding: sideways", "certificates.percent_rounding:"},
		{"number seq", "occupation: x\nnumber: \"{contest}-{year}\"", "certificates.number:"},
		{"number placeholder", "occupation: x\nnumber: \"{contest}-{month}-{seq}\"", "certificates.number: unknown placeholder {month}"},
		{"number chars", "occupation: x\nnumber: \"{contest}/{seq}\"", "certificates.number:"},
		{"interval", "occupation: x\npromotion_interval_months: -1", "certificates.promotion_interval_months: must be in 0..120"},
		{"award name", "occupation: x\nawards: [{name: Gold Medal, top_n: 1}]", "certificates.awards[0].name:"},
		{"award twice", "occupation: x\nawards: [{name: gold, top_n: 1}, {name: gold, top_n: 2}]", "certificates.awards[1].name: \"gold\" appears twice"},
		{"award for all", "occupation: x\nawards: [{name: all}]", "certificates.awards[0]: give top_n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := parse(t, tc.yaml).Validate([]string{"chain", "ai"})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestParseLevel(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Level
		ok   bool
	}{
		{"五级", Level5, true}, {"初级工", Level5, true}, {"四级/中级工", Level4, true},
		{"三级（高级工）", Level3, true}, {"技师", Level2, true}, {"高级技师", Level1, true},
		{"一级", Level1, true}, {"2", Level2, true}, {"Level 4", Level4, true}, {"职业技能三级", Level3, true},
		{"", NoLevel, true}, {"无", NoLevel, true},
		{"六级", badLevel, false}, {"三级/技师", badLevel, false}, {"7", badLevel, false}, {"master", badLevel, false},
	} {
		got, err := ParseLevel(tc.in)
		if got != tc.want || (err == nil) != tc.ok {
			t.Errorf("ParseLevel(%q) = %v, %v; want %v ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
	if Level3.String() != "三级/高级工" || Level3.Above() != Level2 || Level1.Above() != NoLevel || Level2.English() != "Level 2 (Technician)" {
		t.Fatal("level names")
	}
}

func TestParsePersonFields(t *testing.T) {
	if c, err := ParseCategory("在校生"); c != Student || err != nil {
		t.Fatal(c, err)
	}
	if c, err := ParseCategory("职工"); c != Worker || err != nil {
		t.Fatal(c, err)
	}
	if _, err := ParseCategory("retired"); err == nil {
		t.Fatal("retired accepted as a category")
	}
	if g, err := ParseGender("女"); g != Female || err != nil || GenderIn(g, "zh") != "女" {
		t.Fatal(g, err)
	}
	if id, err := ParseIDType("护照"); id != IDPassport || err != nil || ChecksLikeResidentID(id) {
		t.Fatal(id, err)
	}
	if id, err := ParseIDType(""); id != IDResident || err != nil || !ChecksLikeResidentID(id) {
		t.Fatal(id, err)
	}
	if tier, err := ParseTier("省级一类竞赛"); tier != "provincial-1" || err != nil || tier.In("zh") != "省级一类竞赛" {
		t.Fatal(tier, err)
	}
	if _, err := ParseTier("galactic"); err == nil {
		t.Fatal("unknown tier accepted")
	}
}
