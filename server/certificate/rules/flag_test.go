package rules

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

var contestDay = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

func ptr[T any](v T) *T { return &v }

// board makes entrants ranked 1..n by total, each with a distinct board rank
// unless totals repeat.
func board(totals ...float64) []Entrant {
	es := make([]Entrant, len(totals))
	for i, tot := range totals {
		rank := i + 1
		if i > 0 && tot == totals[i-1] {
			rank = es[i-1].BoardRank
		}
		es[i] = Entrant{ID: fmt.Sprintf("c%d", i+1), Name: fmt.Sprintf("C%d", i+1), BoardRank: rank, Total: tot, TookPart: true, Time: int64(100 * (i + 1))}
	}
	return es
}

func flagsByID(o Outcome) map[string]Flag {
	m := map[string]Flag{}
	for _, f := range o.Flags {
		m[f.Contestant] = f
	}
	return m
}

func mustValid(t *testing.T, r *Rules, slugs ...string) *Rules {
	t.Helper()
	if err := r.Validate(slugs); err != nil {
		t.Fatal(err)
	}
	return r
}

// who lists, in standings order, the contestants whose flag passes pick.
func who(o Outcome, pick func(Flag) bool) string {
	var ids []string
	for _, f := range o.Flags {
		if pick(f) {
			ids = append(ids, f.Contestant)
		}
	}
	return strings.Join(ids, ",")
}

func TestPlacesRounding(t *testing.T) {
	for _, tc := range []struct {
		n    int
		pct  float64
		mode string
		want int
	}{
		{7, 30, RoundDown, 2}, {7, 30, RoundUp, 3}, {7, 30, RoundNearest, 2},
		{10, 30, RoundUp, 3}, // 0.3*10 is 3.0000000000000004 in floats: must stay 3
		{10, 30, RoundDown, 3},
		{5, 50, RoundNearest, 3}, {5, 50, RoundDown, 2}, {5, 50, RoundUp, 3},
		{3, 10, RoundDown, 0}, {3, 10, RoundUp, 1},
		{100, 33.33, RoundDown, 33}, {100, 33.33, RoundUp, 34},
		{0, 50, RoundUp, 0}, {9, 100, RoundDown, 9},
	} {
		if got := Places(tc.n, tc.pct, tc.mode); got != tc.want {
			t.Errorf("Places(%d, %v, %s) = %d, want %d", tc.n, tc.pct, tc.mode, got, tc.want)
		}
	}
}

func TestTiesAtACutoff(t *testing.T) {
	parts := []Part{{Name: "theory", Weight: 0.5}, {Name: "practical", Weight: 0.5, Challenges: []string{"p"}}}
	// c2, c3 and c4 tie on the total (80) across the top-2 cutoff; c3 has the best practical,
	// c2 and c4 tie on practical too and differ only in time.
	es := []Entrant{
		{ID: "c1", Name: "A", Parts: map[string]float64{"theory": 90, "practical": 90}, TookPart: true, Time: 50},
		{ID: "c2", Name: "B", Parts: map[string]float64{"theory": 80, "practical": 80}, TookPart: true, Time: 300},
		{ID: "c3", Name: "C", Parts: map[string]float64{"theory": 70, "practical": 90}, TookPart: true, Time: 400},
		{ID: "c4", Name: "D", Parts: map[string]float64{"theory": 80, "practical": 80}, TookPart: true, Time: 200},
		{ID: "c5", Name: "E", Parts: map[string]float64{"theory": 60, "practical": 60}, TookPart: true, Time: 10},
	}
	for _, tc := range []struct {
		name     string
		tieBreak []string
		topN     int
		want     string
	}{
		{"all tied included", nil, 2, "c1,c2,c3,c4"},
		{"broken by practical", []string{"practical"}, 2, "c1,c3"},
		{"practical then time", []string{"practical", "time"}, 3, "c1,c3,c4"},
		{"still tied after the keys: all in", []string{"practical"}, 3, "c1,c3,c2,c4"},
		{"cutoff before the tie", []string{"practical"}, 1, "c1"},
		{"cutoff after the tie", nil, 4, "c1,c2,c3,c4"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := mustValid(t, &Rules{Occupation: "x", Parts: parts, TieBreak: tc.tieBreak,
				Awards: []Award{{Name: "place", Placing: Placing{TopN: tc.topN}}}}, "p")
			o := r.Compute(es, contestDay)
			got := who(o, func(f Flag) bool { return f.Award == "place" })
			// order of tied contestants in the listing follows the standings (name)
			if !sameSet(got, tc.want) {
				t.Fatalf("awarded %s, want %s", got, tc.want)
			}
			if f := flagsByID(o)["c4"]; f.Rank != 2 || f.Total != 80 {
				t.Fatalf("c4 rank %d total %v: ties share rank 2", f.Rank, f.Total)
			}
		})
	}
	// A per-rule tie_break overrides the rules' own.
	r := mustValid(t, &Rules{Occupation: "x", Parts: parts, TieBreak: []string{"practical"},
		Awards: []Award{{Name: "place", Placing: Placing{TopN: 2, TieBreak: []string{KeyTime}}}}}, "p")
	if got := who(r.Compute(es, contestDay), func(f Flag) bool { return f.Award == "place" }); !sameSet(got, "c1,c4") {
		t.Fatalf("per-rule tie_break by time: %s", got)
	}
}

func sameSet(a, b string) bool {
	as, bs := strings.Split(a, ","), strings.Split(b, ",")
	if len(as) != len(bs) {
		return false
	}
	m := map[string]int{}
	for _, x := range as {
		m[x]++
	}
	for _, x := range bs {
		m[x]--
	}
	for _, v := range m {
		if v != 0 {
			return false
		}
	}
	return true
}

func TestDefaultAwardsAndPercentBase(t *testing.T) {
	r := mustValid(t, &Rules{Occupation: "x", Qualify: Minimums{MinTotal: ptr(50.0)}})
	es := board(100, 90, 80, 70, 60, 40, 30, 20)
	es = append(es, Entrant{ID: "absent", Name: "Z", BoardRank: 9}) // did not take part: not in the base
	o := r.Compute(es, contestDay)
	if o.Participants != 8 {
		t.Fatalf("participants %d, want 8", o.Participants)
	}
	got := map[string]string{}
	for _, f := range o.Flags {
		got[f.Contestant] = f.Award
	}
	want := map[string]string{"c1": "gold", "c2": "silver", "c3": "bronze", "c4": "excellence", "c5": "", "c6": "", "absent": ""}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s: award %q, want %q", id, got[id], w)
		}
	}
	// top half of 8 is 4 places: c4 is the only other qualifier there.
	if f := flagsByID(o)["absent"]; f.Eligible || f.Rank != 0 || !strings.Contains(strings.Join(NoteStrings(f.Notes), ";"), "did not take part") {
		t.Fatalf("absent contestant: %+v", f)
	}
}

func TestEligibility(t *testing.T) {
	es := board(100, 90, 80, 70)
	es[1].Status = "" // c2 listed as unofficial below
	r := mustValid(t, &Rules{Occupation: "x", Unofficial: []string{"c2"}, Disqualified: []string{"c1"},
		Levels: []Promotion{{Level: Level3, Placing: Placing{TopN: 1}}}})
	o := r.Compute(es, contestDay)
	f := flagsByID(o)
	if f["c1"].Eligible || f["c1"].Status != Disqualified || f["c1"].Award != "" || f["c1"].Level != NoLevel {
		t.Fatalf("disqualified: %+v", f["c1"])
	}
	if f["c2"].Eligible || f["c2"].Status != Unofficial {
		t.Fatalf("unofficial: %+v", f["c2"])
	}
	if f["c3"].Rank != 1 || f["c3"].Award != "gold" || f["c3"].Level != Level3 || f["c4"].Rank != 2 {
		t.Fatalf("official contestants move up: c3 %+v c4 %+v", f["c3"], f["c4"])
	}
	if o.Flags[0].Contestant != "c3" {
		t.Fatalf("standings order starts with %s", o.Flags[0].Contestant)
	}
	// official_only: false lets unofficial contestants win; an override status beats the lists.
	r.OfficialOnly = ptr(false)
	es[0].Status = Official
	f = flagsByID(r.Compute(es, contestDay))
	if !f["c2"].Eligible || f["c1"].Rank != 1 || f["c2"].Rank != 2 {
		t.Fatalf("official_only false and override: c1 %+v c2 %+v", f["c1"], f["c2"])
	}
}

func TestPromotionLevels(t *testing.T) {
	base := func() *Rules {
		return &Rules{Occupation: "x", Levels: []Promotion{
			{Level: Level2, Who: Worker, Placing: Placing{TopN: 2}},
			{Level: Level3, Who: Student, Placing: Placing{TopN: 2}},
			{Level: Level4, Placing: Placing{TopPercent: 50}},
		}}
	}
	for _, tc := range []struct {
		name     string
		rules    func(*Rules)
		category Category
		current  Level
		promoted time.Time
		rank     int // 1, 2 or 3 of 4
		want     Level
		note     string
	}{
		{name: "worker top 2", category: Worker, rank: 1, want: Level2},
		{name: "student top 2", category: Student, rank: 2, want: Level3},
		{name: "unknown category falls to the general rule", rank: 1, want: Level4},
		{name: "outside every rule", rules: func(r *Rules) { r.Levels[0].RankWithin = RankOverall }, category: Worker, rank: 3, want: NoLevel},
		{name: "the only worker is first among workers", category: Worker, rank: 3, want: Level2},
		{name: "holder of the target steps up", category: Worker, current: Level2, rank: 1, want: Level1, note: "holds 二级/技师: steps up to 一级/高级技师"},
		{name: "holder of a higher level steps up from it", category: Student, current: Level2, rank: 1, want: Level1},
		{name: "holder of a lower level gets the target", category: Worker, current: Level4, rank: 1, want: Level2},
		{name: "never above 一级", category: Worker, current: Level1, rank: 1, want: NoLevel, note: "already holds 一级/高级技师"},
		{name: "capped at the occupation's highest", rules: func(r *Rules) { r.HighestLevel = Level2 }, category: Worker, current: Level2, rank: 1, want: NoLevel, note: "the highest level"},
		{name: "never below the lowest", rules: func(r *Rules) { r.LowestLevel = Level4 }, current: Level5, rank: 2, want: Level4},
		{name: "one a year: promoted 9 months ago", category: Worker, promoted: contestDay.AddDate(0, -9, 0), rank: 1, want: NoLevel, note: "at most one promotion in 12 months"},
		{name: "one a year: exactly 12 months ago", category: Worker, promoted: contestDay.AddDate(-1, 0, 0), rank: 1, want: Level2},
		{name: "one a year: 13 months ago", category: Worker, promoted: contestDay.AddDate(0, -13, 0), rank: 1, want: Level2},
		{name: "interval 0 allows any", rules: func(r *Rules) { r.PromotionIntervalMonths = ptr(0) }, category: Worker, promoted: contestDay.AddDate(0, -1, 0), rank: 1, want: Level2},
		{name: "interval 24", rules: func(r *Rules) { r.PromotionIntervalMonths = ptr(24) }, category: Worker, promoted: contestDay.AddDate(0, -13, 0), rank: 1, want: NoLevel},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := base()
			if tc.rules != nil {
				tc.rules(r)
			}
			mustValid(t, r)
			es := board(100, 90, 80, 70)
			es[tc.rank-1].Category, es[tc.rank-1].Level, es[tc.rank-1].Promoted = tc.category, tc.current, tc.promoted
			f := flagsByID(r.Compute(es, contestDay))[es[tc.rank-1].ID]
			if f.Level != tc.want {
				t.Fatalf("level %v (target %v), want %v; notes %v", f.Level, f.Target, tc.want, f.Notes)
			}
			if tc.note != "" && !strings.Contains(strings.Join(NoteStrings(f.Notes), "; "), tc.note) {
				t.Fatalf("notes %q lack %q", NoteStrings(f.Notes), tc.note)
			}
		})
	}
}

func TestPartMinimumsAndWeightedTotal(t *testing.T) {
	r := mustValid(t, &Rules{Occupation: "x",
		Parts:   []Part{{Name: "theory", Weight: 0.3}, {Name: "practical", Weight: 0.7, Challenges: []string{"p"}}},
		Qualify: Minimums{MinParts: map[string]float64{"theory": 60, "practical": 60}},
		Levels: []Promotion{
			{Level: Level3, Placing: Placing{TopN: 3}},
			{Level: Level2, Placing: Placing{TopN: 1}, Minimums: Minimums{MinTotal: ptr(90.0)}},
		}}, "p")
	es := []Entrant{
		{ID: "high", Parts: map[string]float64{"theory": 59.99, "practical": 100}, TookPart: true}, // 87.997 -> 88, theory short
		{ID: "mid", Parts: map[string]float64{"theory": 60, "practical": 90}, TookPart: true},      // 81
		{ID: "low", Parts: map[string]float64{"theory": 100, "practical": 59}, TookPart: true},     // 71.3
		{ID: "top", Parts: map[string]float64{"theory": 95, "practical": 95}, TookPart: true},      // 95
	}
	f := flagsByID(r.Compute(es, contestDay))
	for id, want := range map[string]struct {
		total     float64
		rank      int
		qualified bool
		award     string
		level     Level
	}{
		"top":  {95, 1, true, "gold", Level2},
		"high": {88, 2, false, "silver", NoLevel}, // 59.99 rounds to 59.99: below 60
		"mid":  {81, 3, true, "bronze", Level3},
		"low":  {71.3, 4, false, "", NoLevel},
	} {
		got := f[id]
		if got.Total != want.total || got.Rank != want.rank || got.Qualified != want.qualified || got.Award != want.award || got.Level != want.level {
			t.Errorf("%s: total %v rank %d qualified %v award %q level %v; want %+v (notes %v)", id, got.Total, got.Rank, got.Qualified, got.Award, got.Level, want, got.Notes)
		}
	}
	if !strings.Contains(strings.Join(NoteStrings(f["high"].Notes), ";"), "below the qualifying scores") {
		t.Fatalf("notes of high: %v", NoteStrings(f["high"].Notes))
	}
}

func TestPromotionByAward(t *testing.T) {
	r := mustValid(t, &Rules{Occupation: "x", Levels: []Promotion{{Level: Level2, Awards: []string{"gold", "silver"}}, {Level: Level3, Awards: []string{"bronze"}}}})
	f := flagsByID(r.Compute(board(10, 9, 8, 7), contestDay))
	if f["c1"].Level != Level2 || f["c2"].Level != Level2 || f["c3"].Level != Level3 || f["c4"].Level != NoLevel {
		t.Fatalf("levels by award: %v %v %v %v", f["c1"].Level, f["c2"].Level, f["c3"].Level, f["c4"].Level)
	}
}

func TestBoardTiesWithoutParts(t *testing.T) {
	// Without parts the board's order counts, and equal board ranks tie.
	r := mustValid(t, &Rules{Occupation: "x", Awards: []Award{{Name: "top2", Placing: Placing{TopN: 2}}}})
	es := board(100, 90, 90, 80)
	o := r.Compute(es, contestDay)
	if got := who(o, func(f Flag) bool { return f.Award == "top2" }); got != "c1,c2,c3" {
		t.Fatalf("tied board ranks at the cutoff: %s", got)
	}
	r.TieBreak = []string{KeyTime}
	if got := who(r.Compute(es, contestDay), func(f Flag) bool { return f.Award == "top2" }); got != "c1,c2" {
		t.Fatalf("broken by time: %s", got)
	}
}

// TestGroupRanking: a rule with who counts places among its group unless
// it says rank_within: overall; the percent base is the group's size.
func TestGroupRanking(t *testing.T) {
	es := board(100, 95, 90, 85, 80, 75, 70, 65)
	for i, c := range []Category{Worker, Worker, Worker, Student, Worker, Student, Student, Student} {
		es[i].Category = c
	}
	for _, tc := range []struct {
		name  string
		rules []Promotion
		want  string // who reaches Level3, in standings order
	}{
		{"students top 2 among students", []Promotion{{Level: Level3, Who: Student, Placing: Placing{TopN: 2}}}, "c4,c6"},
		{"students top 2 overall", []Promotion{{Level: Level3, Who: Student, Placing: Placing{TopN: 2, RankWithin: RankOverall}}}, ""},
		{"workers top 50% of workers", []Promotion{{Level: Level3, Who: Worker, Placing: Placing{TopPercent: 50}}}, "c1,c2"},
		{"explicit group", []Promotion{{Level: Level3, Who: Worker, Placing: Placing{TopN: 3, RankWithin: RankGroup}}}, "c1,c2,c3"},
		{"no who: everyone", []Promotion{{Level: Level3, Placing: Placing{TopN: 3}}}, "c1,c2,c3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := mustValid(t, &Rules{Occupation: "x", Awards: []Award{{Name: "gold", Placing: Placing{TopN: 1}}}, Levels: tc.rules})
			o := r.Compute(es, contestDay)
			if got := who(o, func(f Flag) bool { return f.Level == Level3 }); got != tc.want {
				t.Fatalf("promoted %q, want %q", got, tc.want)
			}
		})
	}
	// Awards by group: each group has its own gold; the group place is on the flag.
	r := mustValid(t, &Rules{Occupation: "x", Awards: []Award{
		{Name: "gold-w", Who: Worker, Placing: Placing{TopN: 1}},
		{Name: "gold-s", Who: Student, Placing: Placing{TopN: 1}},
	}})
	f := flagsByID(r.Compute(es, contestDay))
	if f["c1"].Award != "gold-w" || f["c4"].Award != "gold-s" || f["c2"].Award != "" {
		t.Fatalf("group awards: c1 %q c4 %q c2 %q", f["c1"].Award, f["c4"].Award, f["c2"].Award)
	}
	if f["c6"].GroupRank != 2 || f["c6"].GroupSize != 4 || f["c6"].Rank != 6 {
		t.Fatalf("c6: group rank %d of %d, rank %d", f["c6"].GroupRank, f["c6"].GroupSize, f["c6"].Rank)
	}
}

func TestValidateRankWithin(t *testing.T) {
	for _, tc := range []struct{ yaml, want string }{
		{"occupation: x\nlevels: [{level: 三级, top_n: 3, who: student, rank_within: class}]", `certificates.levels[0].rank_within: "class" is not one of group, overall`},
		{"occupation: x\nlevels: [{level: 三级, top_n: 3, rank_within: group}]", "certificates.levels[0].rank_within: group needs who"},
		{"occupation: x\nawards: [{name: gold, top_n: 1, who: teacher}]", "certificates.awards[0].who:"},
	} {
		if err := parse(t, tc.yaml).Validate(nil); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.yaml, err, tc.want)
		}
	}
	if err := parse(t, "occupation: x\nlevels: [{level: 三级, top_n: 3, who: student, rank_within: overall}]").Validate(nil); err != nil {
		t.Fatal(err)
	}
}

// TestTieNotes: every tie at a cutoff says who won it and on what.
func TestTieNotes(t *testing.T) {
	parts := []Part{{Name: "theory", Weight: 0.5}, {Name: "practical", Weight: 0.5, Challenges: []string{"p"}}}
	es := []Entrant{
		{ID: "c1", Name: "A", Parts: map[string]float64{"theory": 90, "practical": 90}, TookPart: true, Time: 50},
		{ID: "c2", Name: "B", Parts: map[string]float64{"theory": 80, "practical": 80}, TookPart: true, Time: 300},
		{ID: "c3", Name: "C", Parts: map[string]float64{"theory": 70, "practical": 90}, TookPart: true, Time: 400},
		{ID: "c4", Name: "D", Parts: map[string]float64{"theory": 80, "practical": 80}, TookPart: true, Time: 200},
	}
	notes := func(o Outcome, id string) string { return strings.Join(NoteStrings(flagsByID(o)[id].Notes), "; ") }
	r := mustValid(t, &Rules{Occupation: "x", Parts: parts, TieBreak: []string{"practical", "time"},
		Awards: []Award{{Name: "first", Placing: Placing{TopN: 2}}}}, "p")
	o := r.Compute(es, contestDay)
	for id, want := range map[string]string{
		"c3": "tied at place 2 with c4, c2 at the cutoff of award first (top 2): in, ahead on practical (90 against 80)",
		"c4": "tied at place 2 with c3 at the cutoff of award first (top 2): out, behind on practical (80 against 90)",
		"c2": "tied at place 2 with c3 at the cutoff of award first (top 2): out, behind on practical (80 against 90)",
	} {
		if got := notes(o, id); !strings.Contains(got, want) {
			t.Errorf("%s: notes %q lack %q", id, got, want)
		}
	}
	if got := notes(o, "c1"); strings.Contains(got, "tied") {
		t.Errorf("c1 was not tied: %q", got)
	}
	// Decided on time, the second key: the values name the times.
	r.Awards[0].TopN = 3
	o = r.Compute(es, contestDay)
	if got, want := notes(o, "c4"), "in, ahead on time (0:03:20 against 0:05:00)"; !strings.Contains(got, want) {
		t.Errorf("c4: notes %q lack %q", got, want)
	}
	// No tie-break: all tied are in, and the note says so.
	r.TieBreak, r.Awards[0].TopN = nil, 2
	o = r.Compute(es, contestDay)
	if got, want := notes(o, "c2"), "tied at place 2 with c3, c4 at the cutoff of award first (top 2): all tied are in (no tie-break)"; !strings.Contains(got, want) {
		t.Errorf("c2: notes %q lack %q", got, want)
	}
	// A level rule's tie is noted with the level.
	r = mustValid(t, &Rules{Occupation: "x", Parts: parts, TieBreak: []string{"practical"}, Awards: []Award{{Name: "gold", Placing: Placing{TopN: 1}}},
		Levels: []Promotion{{Level: Level3, Placing: Placing{TopN: 3}}}}, "p")
	o = r.Compute(es, contestDay)
	if got, want := notes(o, "c4"), "at the cutoff of level 三级/高级工 (top 3): all tied are in (still tied on practical)"; !strings.Contains(got, want) {
		t.Errorf("c4: notes %q lack %q", got, want)
	}
}

// TestAbsentPart: 缺考 counts 0 in the total and fails a minimum on that
// part, even a minimum of 0.
func TestAbsentPart(t *testing.T) {
	r := mustValid(t, &Rules{Occupation: "x",
		Parts:   []Part{{Name: "theory", Weight: 0.3}, {Name: "practical", Weight: 0.7, Challenges: []string{"p"}}},
		Qualify: Minimums{MinParts: map[string]float64{"theory": 0}},
		Levels:  []Promotion{{Level: Level3, Placing: Placing{TopN: 2}}}}, "p")
	es := []Entrant{
		{ID: "away", Parts: map[string]float64{"practical": 100}, Absent: []string{"theory"}, TookPart: true},
		{ID: "here", Parts: map[string]float64{"theory": 0, "practical": 90}, TookPart: true},
	}
	f := flagsByID(r.Compute(es, contestDay))
	if a := f["away"]; a.Total != 70 || a.Qualified || a.Level != NoLevel || len(a.Absent) != 1 || a.Rank != 1 ||
		!strings.Contains(strings.Join(NoteStrings(a.Notes), ";"), "absent (缺考) from theory") {
		t.Fatalf("absent: %+v", a)
	}
	if h := f["here"]; !h.Qualified || h.Level != Level3 {
		t.Fatalf("a score of 0 is not absence: %+v", h)
	}
	if _, ok := f["away"].Parts["theory"]; ok {
		t.Fatal("an absent part has a score")
	}
}

// TestShortNotes: a contestant placed within a rule but short of its
// minimums (or of the qualifying bar an award asks for) is told which.
func TestShortNotes(t *testing.T) {
	r := mustValid(t, &Rules{Occupation: "x", Qualify: Minimums{MinTotal: ptr(75.0)},
		Awards: []Award{{Name: "gold", Placing: Placing{TopN: 1}, Minimums: Minimums{MinTotal: ptr(95.0)}}, {Name: "merit", Placing: Placing{TopN: 3}, Qualified: true}},
		Levels: []Promotion{{Level: Level3, Placing: Placing{TopN: 3}, Minimums: Minimums{MinTotal: ptr(85.0)}}}})
	es := board(90, 80, 70, 60)
	o := r.Compute(es, contestDay)
	notes := func(id string) string { return strings.Join(NoteStrings(flagsByID(o)[id].Notes), "; ") }
	for id, want := range map[string]string{
		"c1": "placed for award gold but total 90 is below its minimum 95",
		"c2": "placed for level 三级/高级工 but total 80 is below its minimum 85",
		"c3": "placed for award merit but below the qualifying bar",
	} {
		if got := notes(id); !strings.Contains(got, want) {
			t.Errorf("%s: notes %q lack %q", id, got, want)
		}
	}
	if got := notes("c4"); strings.Contains(got, "placed for") {
		t.Errorf("c4 is placed for nothing: %q", got)
	}
}
