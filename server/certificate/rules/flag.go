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
	return "", fmt.Errorf("%q is not one of official, unofficial, disqualified", s)
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
	Rank      int                `json:"rank,omitempty"`
	BoardRank int                `json:"board_rank,omitempty"`
	Total     float64            `json:"total"`
	Parts     map[string]float64 `json:"parts,omitempty"`
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
		flags[i] = f
	}
	r.rank(field)
	n := len(field)
	cut := &cutoffs{r: r, field: field, n: n, memo: map[string]map[string]bool{}}
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
		f.Qualified = r.meets(rk, r.Qualify)
		for _, a := range r.Awards {
			if cut.within(rk, a.Placing) && r.meets(rk, a.Minimums) && (!a.Qualified || f.Qualified) {
				f.Award = a.Name
				break
			}
		}
		r.promote(f, rk, cut, on)
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
	key := func(a, b *ranked) int {
		if len(r.Parts) > 0 {
			return cmp.Compare(b.total, a.total)
		}
		return cmp.Compare(a.e.BoardRank, b.e.BoardRank)
	}
	slices.SortStableFunc(field, func(a, b *ranked) int {
		if c := key(a, b); c != 0 {
			return c
		}
		return cmp.Or(cmp.Compare(a.e.Name, b.e.Name), cmp.Compare(a.e.ID, b.e.ID))
	})
	for i, rk := range field {
		if i > 0 && key(field[i-1], rk) == 0 {
			rk.rank = field[i-1].rank
		} else {
			rk.rank = i + 1
		}
	}
}

func (r *Rules) meets(rk *ranked, m Minimums) bool {
	if m.MinTotal != nil && rk.total < *m.MinTotal {
		return false
	}
	for name, min := range m.MinParts {
		if rk.parts[name] < min {
			return false
		}
	}
	return true
}

// promote finds the best promotion rule f meets and the level it leads to.
func (r *Rules) promote(f *Flag, rk *ranked, cut *cutoffs, on time.Time) {
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
		if !cut.within(rk, p.Placing) || !r.meets(rk, p.Minimums) {
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
// broken, and remembers the answer per placing.
type cutoffs struct {
	r     *Rules
	field []*ranked // sorted and ranked
	n     int
	memo  map[string]map[string]bool
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

func (c *cutoffs) within(rk *ranked, p Placing) bool {
	k := c.places(p)
	if k < 0 {
		return true
	}
	keys := p.TieBreak
	if keys == nil {
		keys = c.r.TieBreak
	}
	id := fmt.Sprint(k, keys)
	in, ok := c.memo[id]
	if !ok {
		in = c.take(k, keys)
		c.memo[id] = in
	}
	return in[rk.e.ID]
}

// take returns who is in the first k places. A group tied across the
// cutoff is ordered by keys and cut; contestants still tied at the cutoff
// after every key (or with no keys) are all in.
func (c *cutoffs) take(k int, keys []string) map[string]bool {
	in := map[string]bool{}
	pos := 0
	for i := 0; i < len(c.field) && pos < k; {
		j := i
		for j < len(c.field) && c.field[j].rank == c.field[i].rank {
			j++
		}
		group := slices.Clone(c.field[i:j])
		if pos+len(group) > k && len(keys) > 0 {
			slices.SortStableFunc(group, func(a, b *ranked) int { return c.compare(a, b, keys) })
			for g := 0; g < len(group) && pos < k; {
				h := g
				for h < len(group) && c.compare(group[g], group[h], keys) == 0 {
					h++
				}
				for _, rk := range group[g:h] {
					in[rk.e.ID] = true
				}
				pos += h - g
				g = h
			}
			break
		}
		for _, rk := range group {
			in[rk.e.ID] = true
		}
		pos += len(group)
		i = j
	}
	return in
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
