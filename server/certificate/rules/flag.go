package rules

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Status is where a contestant stands for awards and certificates.
type Status string

// Statuses.
const (
	// Official contestants compete for awards and certificates.
	Official Status = "official"
	// Unofficial contestants compete out of competition (打星): no place,
	// award or certificate unless official_only is false.
	Unofficial Status = "unofficial"
	// Disqualified contestants get nothing and take no place.
	Disqualified Status = "disqualified"
)

// ParseStatus reads a status.
func ParseStatus(s string) (Status, error) {
	switch Status(strings.ToLower(strings.TrimSpace(s))) {
	case Official, "正式":
		return Official, nil
	case Unofficial, "非正式", "打星":
		return Unofficial, nil
	case Disqualified, "取消资格":
		return Disqualified, nil
	}
	return "", says("rules.status", strconv.Quote(s))
}

// Entrant is one contestant of the final standings, with what the rules
// need to know about them.
type Entrant struct {
	ID   string
	Name string
	// Category is worker or student, if known.
	Category Category
	// Level is the level the contestant holds now.
	Level Level
	// Promoted is when the contestant was last promoted; zero if never or unknown.
	Promoted time.Time
	// Status, when set, overrides the rules' unofficial and disqualified lists.
	Status Status
	// BoardRank is the rank on the final (jury) board.
	BoardRank int
	// Total is the board total; Time when it was reached, in seconds from the start.
	Total float64
	Time  int64
	// Parts are the part scores out of 100, for rules with parts.
	Parts map[string]float64
	// Absent names the imported parts the contestant was absent from (缺考):
	// they count 0 in the total and fail any minimum on that part.
	Absent []string
	// TookPart says the contestant competed (submitted, or has an imported score).
	TookPart bool
}

// Flag is what the rules decide for one contestant.
type Flag struct {
	Contestant string `json:"contestant"`
	Name       string `json:"name"`
	Status     Status `json:"status"`
	// Eligible contestants take places and may win.
	Eligible bool `json:"eligible"`
	// Rank among the eligible participants; equal totals share a rank.
	Rank int `json:"rank,omitempty"`
	// GroupRank is the place among the eligible participants of the same
	// category, of GroupSize, when a rule ranks within groups.
	GroupRank int                `json:"group_rank,omitempty"`
	GroupSize int                `json:"group_size,omitempty"`
	BoardRank int                `json:"board_rank,omitempty"`
	Total     float64            `json:"total"`
	Parts     map[string]float64 `json:"parts,omitempty"`
	// Absent names the parts the contestant was absent from (缺考).
	Absent []string `json:"absent,omitempty"`
	// Qualified: the total and part scores reach the rules' qualify bar.
	Qualified bool   `json:"qualified"`
	Award     string `json:"award,omitempty"`
	// Current is the level held before the contest.
	Current Level `json:"current_level,omitempty"`
	// Target is the level of the best promotion rule met.
	Target Level `json:"target_level,omitempty"`
	// Level is the certificate level to issue, after stepping up, caps and
	// the interval between promotions; 0 for none.
	Level Level `json:"level,omitempty"`
	// Notes say why; the review page puts them into words.
	Notes []Note `json:"notes,omitempty"`
}

// Outcome is what the rules decide for a contest.
type Outcome struct {
	// Participants is how many eligible contestants took part: the base of top_percent.
	Participants int    `json:"participants"`
	Flags        []Flag `json:"flags"`
}

// Places is how many places pct percent of n participants gives, rounded
// by mode. Percentages count to 1/100 of a percent, in integers, so 30% of
// 10 is 3 whichever way it is rounded.
func Places(n int, pct float64, mode string) int {
	bp := int64(math.Round(pct * 100)) // basis points
	num, den := int64(n)*bp, int64(10000)
	switch mode {
	case RoundUp:
		return int((num + den - 1) / den)
	case RoundNearest:
		return int((2*num + den) / (2 * den))
	default:
		return int(num / den)
	}
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

type ranked struct {
	e     Entrant
	total float64
	parts map[string]float64
	rank  int
}

// Compute decides places, awards and certificate levels from the final
// standings. on is the date of the contest's result: promotions less than
// the promotion interval before it block another. Flags come back in
// standings order: eligible participants by rank, then everyone else.
func (r *Rules) Compute(es []Entrant, on time.Time) Outcome {
	r.Normalize()
	flags := make([]Flag, len(es))
	var field []*ranked
	for i, e := range es {
		f := Flag{Contestant: e.ID, Name: e.Name, Status: r.status(e), Current: e.Level, BoardRank: e.BoardRank}
		rk := &ranked{e: e, total: e.Total}
		if len(r.Parts) > 0 {
			rk.parts = map[string]float64{}
			sum := 0.0
			for _, p := range r.Parts {
				if slices.Contains(e.Absent, p.Name) {
					f.Absent = append(f.Absent, p.Name)
					continue
				}
				v := round2(e.Parts[p.Name])
				rk.parts[p.Name] = v
				sum += p.Weight * v
			}
			rk.total = round2(sum)
		}
		f.Total, f.Parts = rk.total, rk.parts
		switch {
		case f.Status == Disqualified:
			f.Notes = append(f.Notes, Note{Code: NoteDisqualified})
		case f.Status == Unofficial && r.Official():
			f.Notes = append(f.Notes, Note{Code: NoteUnofficial})
		case !e.TookPart:
			f.Notes = append(f.Notes, Note{Code: NoteAbsent})
		default:
			f.Eligible = true
			field = append(field, rk)
		}
		for _, p := range f.Absent {
			f.Notes = append(f.Notes, Note{Code: NoteAbsentPart, Args: []string{p}})
		}
		flags[i] = f
	}
	r.rank(field)
	n := len(field)
	cut := r.newCutoffs(field, "")
	groups := map[Category]*cutoffs{}
	if r.groupRanked() {
		for _, g := range []Category{Worker, Student} {
			var sub []*ranked
			for _, rk := range field {
				if rk.e.Category == g {
					sub = append(sub, rk)
				}
			}
			groups[g] = r.newCutoffs(sub, g)
		}
	}
	cutFor := func(p Placing, who Category) *cutoffs {
		if p.grouped(who) {
			return groups[who]
		}
		return cut
	}
	byID := make(map[string]*ranked, n)
	for _, rk := range field {
		byID[rk.e.ID] = rk
	}
	for i := range flags {
		f := &flags[i]
		rk, ok := byID[f.Contestant]
		if !ok {
			continue
		}
		f.Rank = rk.rank
		if g, ok := groups[rk.e.Category]; ok {
			f.GroupRank, f.GroupSize = g.ranks[rk.e.ID], g.n
		}
		f.Qualified = r.meets(rk, r.Qualify)
		for _, a := range r.Awards {
			if a.Who != "" && a.Who != rk.e.Category {
				continue
			}
			in, tie := cutFor(a.Placing, a.Who).within(rk, a.Placing)
			if tie != nil {
				f.Notes = append(f.Notes, tie.note("award", a.Name))
			}
			if in && a.Placing.limited() {
				if n, short := r.shortOf(rk, a.Minimums); short {
					f.Notes = append(f.Notes, n.on("award", a.Name))
				} else if a.Qualified && !f.Qualified {
					f.Notes = append(f.Notes, shortfall{what: "qualify"}.on("award", a.Name))
				}
			}
			if in && r.meets(rk, a.Minimums) && (!a.Qualified || f.Qualified) {
				f.Award = a.Name
				break
			}
		}
		r.promote(f, rk, cutFor, on)
	}
	// Standings order: eligible by rank, then the rest as given.
	order := make(map[string]int, len(es))
	for i, f := range flags {
		order[f.Contestant] = i
	}
	slices.SortStableFunc(flags, func(a, b Flag) int {
		switch {
		case a.Eligible != b.Eligible:
			if a.Eligible {
				return -1
			}
			return 1
		case a.Eligible && a.Rank != b.Rank:
			return cmp.Compare(a.Rank, b.Rank)
		}
		return cmp.Compare(order[a.Contestant], order[b.Contestant])
	})
	return Outcome{Participants: n, Flags: flags}
}

// groupRanked reports whether any rule counts places within a group.
func (r *Rules) groupRanked() bool {
	for _, a := range r.Awards {
		if a.grouped(a.Who) {
			return true
		}
	}
	for _, p := range r.Levels {
		if p.grouped(p.Who) {
			return true
		}
	}
	return false
}

func (r *Rules) status(e Entrant) Status {
	switch {
	case e.Status != "":
		return e.Status
	case slices.Contains(r.Disqualified, e.ID):
		return Disqualified
	case slices.Contains(r.Unofficial, e.ID):
		return Unofficial
	}
	return Official
}

// rank sorts the field best first and ranks it: by the weighted total
// with parts, else by board rank; equal keys share a rank.
func (r *Rules) rank(field []*ranked) {
	slices.SortStableFunc(field, func(a, b *ranked) int {
		if c := r.order(a, b); c != 0 {
			return c
		}
		return cmp.Or(cmp.Compare(a.e.Name, b.e.Name), cmp.Compare(a.e.ID, b.e.ID))
	})
	for i, rk := range field {
		if i > 0 && r.order(field[i-1], rk) == 0 {
			rk.rank = field[i-1].rank
		} else {
			rk.rank = i + 1
		}
	}
}

// order compares two contestants by what places them: the weighted total
// with parts, else the board rank.
func (r *Rules) order(a, b *ranked) int {
	if len(r.Parts) > 0 {
		return cmp.Compare(b.total, a.total)
	}
	return cmp.Compare(a.e.BoardRank, b.e.BoardRank)
}

func (r *Rules) meets(rk *ranked, m Minimums) bool {
	if m.MinTotal != nil && rk.total < *m.MinTotal {
		return false
	}
	for name, min := range m.MinParts {
		if v, ok := rk.parts[name]; !ok || v < min {
			return false
		}
	}
	return true
}

// shortfall is the first minimum a contestant misses: what (total or a
// part's name), their score and the minimum.
type shortfall struct{ what, got, min string }

// on is the shortfall as a NoteShort on the rule of kind named name.
func (s shortfall) on(kind, name string) Note {
	return Note{Code: NoteShort, Args: []string{kind, name, s.what, s.got, s.min}}
}

// shortOf finds the first minimum of m that rk misses; a part rk was
// absent from misses any minimum on it.
func (r *Rules) shortOf(rk *ranked, m Minimums) (shortfall, bool) {
	num := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	if m.MinTotal != nil && rk.total < *m.MinTotal {
		return shortfall{"total", num(rk.total), num(*m.MinTotal)}, true
	}
	for _, p := range r.Parts {
		min, ok := m.MinParts[p.Name]
		if !ok {
			continue
		}
		if v, has := rk.parts[p.Name]; !has {
			return shortfall{p.Name, "absent", num(min)}, true
		} else if v < min {
			return shortfall{p.Name, num(v), num(min)}, true
		}
	}
	return shortfall{}, false
}

// limited reports whether the placing limits places.
func (p Placing) limited() bool { return p.TopN > 0 || p.TopPercent > 0 }

// promote finds the best promotion rule f meets and the level it leads to.
func (r *Rules) promote(f *Flag, rk *ranked, cutFor func(Placing, Category) *cutoffs, on time.Time) {
	if !f.Qualified && len(r.Levels) > 0 && (r.Qualify.MinTotal != nil || len(r.Qualify.MinParts) > 0) {
		f.Notes = append(f.Notes, Note{Code: NoteUnqualified})
		return
	}
	for _, p := range r.Levels {
		if p.Who != "" && p.Who != rk.e.Category {
			continue
		}
		if len(p.Awards) > 0 && !slices.Contains(p.Awards, f.Award) {
			continue
		}
		in, tie := cutFor(p.Placing, p.Who).within(rk, p.Placing)
		if tie != nil {
			f.Notes = append(f.Notes, tie.note("level", p.Level.String()))
		}
		if !in {
			continue
		}
		if n, short := r.shortOf(rk, p.Minimums); short {
			if p.Placing.limited() || len(p.Awards) > 0 {
				f.Notes = append(f.Notes, n.on("level", p.Level.String()))
			}
			continue
		}
		if f.Target == NoLevel || p.Level < f.Target {
			f.Target = p.Level
		}
	}
	if f.Target == NoLevel {
		return
	}
	lvl := f.Target
	if cur := rk.e.Level; cur.Valid() && cur <= f.Target {
		lvl = cur.Above()
		if lvl != NoLevel && lvl >= r.HighestLevel {
			f.Notes = append(f.Notes, Note{Code: NoteStepUp, Args: []string{cur.String(), lvl.String()}})
		}
	}
	if lvl == NoLevel || lvl < r.HighestLevel {
		f.Notes = append(f.Notes, Note{Code: NoteTop, Args: []string{rk.e.Level.String()}})
		return
	}
	lvl = min(lvl, r.LowestLevel)
	if months := r.IntervalMonths(); months > 0 && !rk.e.Promoted.IsZero() && on.Before(rk.e.Promoted.AddDate(0, months, 0)) {
		f.Notes = append(f.Notes, Note{Code: NoteInterval, Args: []string{rk.e.Promoted.Format("2006-01-02"), strconv.Itoa(months)}})
		return
	}
	f.Level = lvl
}

// cutoffs decides who is within a placing, ties at the cutoff included or
// broken, and remembers the answer per placing. It counts places within
// one group, or among everyone when group is empty.
type cutoffs struct {
	r     *Rules
	group Category
	field []*ranked // sorted
	ranks map[string]int
	n     int
	memo  map[string]*cut
}

// cut is who is in the first places of one placing, and the ties decided at its edge.
type cut struct {
	in   map[string]bool
	ties map[string]*Tie
}

// newCutoffs ranks field (sorted best first) on its own.
func (r *Rules) newCutoffs(field []*ranked, group Category) *cutoffs {
	c := &cutoffs{r: r, group: group, field: field, ranks: make(map[string]int, len(field)), n: len(field), memo: map[string]*cut{}}
	for i, rk := range field {
		if i > 0 && r.order(field[i-1], rk) == 0 {
			c.ranks[rk.e.ID] = c.ranks[field[i-1].e.ID]
		} else {
			c.ranks[rk.e.ID] = i + 1
		}
	}
	return c
}

// places is how many places p gives; -1: no limit.
func (c *cutoffs) places(p Placing) int {
	k := -1
	if p.TopN > 0 {
		k = p.TopN
	}
	if p.TopPercent > 0 {
		pk := Places(c.n, p.TopPercent, c.r.PercentRounding)
		if k < 0 || pk < k {
			k = pk
		}
	}
	return k
}

// within reports whether rk is in the placing p and, when rk was tied
// with others across its cutoff, how the tie was decided.
func (c *cutoffs) within(rk *ranked, p Placing) (bool, *Tie) {
	if c == nil {
		return false, nil
	}
	k := c.places(p)
	if k < 0 {
		return true, nil
	}
	keys := p.TieBreak
	if keys == nil {
		keys = c.r.TieBreak
	}
	id := fmt.Sprint(k, keys)
	ct, ok := c.memo[id]
	if !ok {
		ct = c.take(k, keys)
		c.memo[id] = ct
	}
	return ct.in[rk.e.ID], ct.ties[rk.e.ID]
}

// take returns who is in the first k places. A group tied across the
// cutoff is ordered by keys and cut; contestants still tied at the cutoff
// after every key (or with no keys) are all in.
func (c *cutoffs) take(k int, keys []string) *cut {
	out := &cut{in: map[string]bool{}, ties: map[string]*Tie{}}
	pos := 0
	for i := 0; i < len(c.field) && pos < k; {
		j := i
		for j < len(c.field) && c.ranks[c.field[j].e.ID] == c.ranks[c.field[i].e.ID] {
			j++
		}
		group := slices.Clone(c.field[i:j])
		if pos+len(group) > k {
			c.decide(out, group, pos, k, keys)
			break
		}
		for _, rk := range group {
			out.in[rk.e.ID] = true
		}
		pos += len(group)
		i = j
	}
	return out
}

// decide cuts a group tied across the cutoff (pos places taken before it,
// k in all) and says for each of them how the tie went.
func (c *cutoffs) decide(out *cut, group []*ranked, pos, k int, keys []string) {
	base := Tie{Places: k, Place: c.ranks[group[0].e.ID], Group: c.group, Keys: keys}
	var in, outs []*ranked
	if len(keys) == 0 {
		in = group
	} else {
		slices.SortStableFunc(group, func(a, b *ranked) int { return c.compare(a, b, keys) })
		for g := 0; g < len(group); {
			h := g
			for h < len(group) && c.compare(group[g], group[h], keys) == 0 {
				h++
			}
			if pos < k {
				in = append(in, group[g:h]...)
			} else {
				outs = append(outs, group[g:h]...)
			}
			pos += h - g
			g = h
		}
	}
	ids := func(rs []*ranked, except string) []string {
		var s []string
		for _, rk := range rs {
			if rk.e.ID != except {
				s = append(s, rk.e.ID)
			}
		}
		return s
	}
	for _, rk := range in {
		out.in[rk.e.ID] = true
		t := base
		if len(outs) == 0 {
			t.Outcome, t.Others = TieAllIn, ids(group, rk.e.ID)
		} else {
			t.Outcome, t.Others = TieWon, ids(outs, "")
			t.Key, t.Mine, t.Theirs = c.decisive(rk, outs[0], keys)
		}
		out.ties[rk.e.ID] = &t
	}
	for _, rk := range outs {
		t := base
		t.Outcome, t.Others = TieLost, ids(in, "")
		t.Key, t.Mine, t.Theirs = c.decisive(rk, in[len(in)-1], keys)
		out.ties[rk.e.ID] = &t
	}
}

// decisive is the first key on which a and b differ, and their values on it.
func (c *cutoffs) decisive(a, b *ranked, keys []string) (key, va, vb string) {
	for _, k := range keys {
		if c.compare(a, b, []string{k}) != 0 {
			return k, c.value(a, k), c.value(b, k)
		}
	}
	return "", "", ""
}

// value is a contestant's value on a tie-break key, as notes show it.
func (c *cutoffs) value(rk *ranked, key string) string {
	switch key {
	case KeyTime:
		s := rk.e.Time
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s%3600/60, s%60)
	case KeyBoard:
		return strconv.Itoa(rk.e.BoardRank)
	}
	return strconv.FormatFloat(rk.parts[key], 'f', -1, 64)
}

// compare orders two tied contestants by the tie-break keys, better first.
func (c *cutoffs) compare(a, b *ranked, keys []string) int {
	for _, key := range keys {
		var d int
		switch key {
		case KeyTime:
			d = cmp.Compare(a.e.Time, b.e.Time)
		case KeyBoard:
			d = cmp.Compare(a.e.BoardRank, b.e.BoardRank)
		default:
			d = cmp.Compare(b.parts[key], a.parts[key])
		}
		if d != 0 {
			return d
		}
	}
	return 0
}
