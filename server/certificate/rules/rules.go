// Package rules holds a contest's certificate rules as contest.yaml writes
// them — the occupation and its levels, awards by placing, promotion rules,
// ties, eligibility — checks them, and computes from final standings who
// gets which award and which certificate level. It is pure: no Redis, no
// clock; package certificate feeds it and keeps what it decides.
package rules

import (
	"fmt"
	"github.com/skillarena/arena/internal/message"
	"maps"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Rules are the `certificates:` block of contest.yaml.
type Rules struct {
	// Occupation is the occupation's name (职业), e.g. 区块链应用操作员.
	Occupation string `yaml:"occupation" json:"occupation"`
	// OccupationCode is its code in the national classification, e.g. 4-04-05-06.
	OccupationCode string `yaml:"occupation_code" json:"occupation_code"`
	// WorkType is the 工种; the occupation's name when empty.
	WorkType string `yaml:"work_type" json:"work_type,omitempty"`
	// LowestLevel is the occupation's lowest level (五级 unless it starts
	// higher, e.g. 四级); no certificate is issued below it.
	LowestLevel Level `yaml:"lowest_level" json:"lowest_level"`
	// HighestLevel is the occupation's highest level (一级 unless it stops lower).
	HighestLevel Level `yaml:"highest_level" json:"highest_level"`
	// Issuer is who issues the certificates, printed on them.
	Issuer string `yaml:"issuer" json:"issuer,omitempty"`
	// Number is the pattern of certificate numbers; see FormatNumber.
	Number string `yaml:"number" json:"number"`

	// OfficialOnly limits awards and certificates to official contestants
	// (default true): those listed in Unofficial compete out of competition.
	OfficialOnly *bool    `yaml:"official_only" json:"official_only,omitempty"`
	Unofficial   []string `yaml:"unofficial" json:"unofficial,omitempty"`
	// Disqualified contestants get nothing and take no place.
	Disqualified []string `yaml:"disqualified" json:"disqualified,omitempty"`

	// Parts split the score, e.g. theory and practical; the total is then
	// their weighted sum. Without parts the total is the board's.
	Parts []Part `yaml:"parts" json:"parts,omitempty"`
	// TieBreak orders contestants who tie at a cutoff: part names (higher
	// first), "time" (earlier first) or "board" (board rank). Empty: all
	// tied contestants are included.
	TieBreak []string `yaml:"tie_break" json:"tie_break,omitempty"`
	// PercentRounding turns top_percent into a number of places: down
	// (the default), up or nearest.
	PercentRounding string `yaml:"percent_rounding" json:"percent_rounding,omitempty"`
	// Qualify is the bar every promotion needs (and awards marked qualified).
	Qualify Minimums `yaml:"qualify" json:"qualify"`
	// Awards by placing, best first; the first that a contestant meets is
	// theirs. Default: gold, silver, bronze for ranks 1–3, then 优胜奖 for
	// qualified contestants in the top half.
	Awards []Award `yaml:"awards" json:"awards"`
	// Levels are the promotion rules; a contestant gets the highest level of
	// the rules they meet.
	Levels []Promotion `yaml:"levels" json:"levels"`
	// PromotionIntervalMonths is the least time between two promotions of
	// one person (default 12: one a year); 0 allows any.
	PromotionIntervalMonths *int `yaml:"promotion_interval_months" json:"promotion_interval_months,omitempty"`
}

// Part is a share of the total: a group of the contest's challenges, or a
// score imported from elsewhere (e.g. a theory exam) when Challenges is empty.
type Part struct {
	Name   string  `yaml:"name" json:"name"`
	Title  string  `yaml:"title" json:"title,omitempty"`
	Weight float64 `yaml:"weight" json:"weight"`
	// Challenges are the slugs whose scores make the part; the part's score
	// is their share of the points, out of 100.
	Challenges []string `yaml:"challenges" json:"challenges,omitempty"`
	// Max is the full mark of an imported part (default 100); imported
	// scores are scaled to 100.
	Max float64 `yaml:"max" json:"max,omitempty"`
}

// Imported reports whether the part's scores are imported rather than judged here.
func (p Part) Imported() bool { return len(p.Challenges) == 0 }

// Label is the part's title, or its name.
func (p Part) Label() string {
	if p.Title != "" {
		return p.Title
	}
	return p.Name
}

// Minimums are score thresholds.
type Minimums struct {
	// MinTotal is the least total.
	MinTotal *float64 `yaml:"min_total" json:"min_total,omitempty"`
	// MinParts is the least score per part (out of 100), by part name.
	MinParts map[string]float64 `yaml:"min_parts" json:"min_parts,omitempty"`
}

// Placing limits by rank; both limits apply when both are set.
type Placing struct {
	// TopN: rank N or better.
	TopN int `yaml:"top_n" json:"top_n,omitempty"`
	// TopPercent: within the best P percent of participants (see PercentRounding).
	TopPercent float64 `yaml:"top_percent" json:"top_percent,omitempty"`
	// TieBreak overrides the rules' TieBreak at this cutoff; an empty list
	// (not a missing one) includes all tied contestants.
	TieBreak []string `yaml:"tie_break" json:"tie_break"`
	// RankWithin says where a rule with who counts places: among its group
	// (group, the default: 学生组 and 职工组 each have their own top N) or
	// among all participants (overall).
	RankWithin string `yaml:"rank_within" json:"rank_within,omitempty"`
}

// Ways of counting places of a rule with who.
const (
	RankGroup   = "group"
	RankOverall = "overall"
)

// grouped reports whether a rule for who counts places within that group.
func (p Placing) grouped(who Category) bool { return who != "" && p.RankWithin != RankOverall }

// Award is one award by placing.
type Award struct {
	// Name is the award's code: gold, silver, bronze, excellence, or any slug.
	Name string `yaml:"name" json:"name"`
	// Title is how the award is printed, e.g. 金牌 or 一等奖.
	Title   string `yaml:"title" json:"title,omitempty"`
	TitleEn string `yaml:"title_en" json:"title_en,omitempty"`
	// Who is worker, student, or empty for everyone (a 学生组 award).
	Who      Category `yaml:"who" json:"who,omitempty"`
	Placing  `yaml:",inline"`
	Minimums `yaml:",inline"`
	// Qualified asks for the rules' Qualify bar too.
	Qualified bool `yaml:"qualified" json:"qualified,omitempty"`
}

// Promotion is one promotion rule: who, by placing or award, reaching which
// minimums, gets which level.
type Promotion struct {
	// Level is the target level; holders of it (or of a higher one) step up one.
	Level Level `yaml:"level" json:"level"`
	// Who is worker, student, or empty for everyone.
	Who      Category `yaml:"who" json:"who,omitempty"`
	Placing  `yaml:",inline"`
	Minimums `yaml:",inline"`
	// Awards: the contestant's award must be one of these.
	Awards []string `yaml:"awards" json:"awards,omitempty"`
}

// Rounding modes of top_percent.
const (
	RoundDown    = "down"
	RoundUp      = "up"
	RoundNearest = "nearest"
)

// Tie-break keys besides part names.
const (
	KeyTime  = "time"
	KeyBoard = "board"
)

// DefaultNumber is the certificate number pattern when none is given.
const DefaultNumber = "{contest}-{year}-{seq:4}"

// DefaultAwards are the awards when none are given.
func DefaultAwards() []Award {
	return []Award{
		{Name: "gold", Title: "金牌", TitleEn: "Gold", Placing: Placing{TopN: 1}},
		{Name: "silver", Title: "银牌", TitleEn: "Silver", Placing: Placing{TopN: 2}},
		{Name: "bronze", Title: "铜牌", TitleEn: "Bronze", Placing: Placing{TopN: 3}},
		{Name: "excellence", Title: "优胜奖", TitleEn: "Excellence Award", Placing: Placing{TopPercent: 50}, Qualified: true},
	}
}

var (
	nameRE           = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,31}$`)
	occupationCodeRE = regexp.MustCompile(`^[0-9]-[0-9]{2}-[0-9]{2}-[0-9]{2}(-[0-9]{2})?$`)
)

// InvalidError is a rule that cannot be applied; its message names the
// field, from certificates on: "certificates.levels[2].top_percent: must be in 0..100".
type InvalidError struct {
	// Text is the message as a code: the field's problem said inside
	// "certificates.FIELD: " (internal/message).
	Text message.Text
}

func (e *InvalidError) Error() string { return e.Text.String() }

// invalid is field's problem, said as message code with args.
func invalid(field, code string, args ...any) error {
	return invalidOf(field, message.New(code, args...))
}

// invalidOf is field's problem why.
func invalidOf(field string, why message.Text) error {
	return &InvalidError{Text: message.Wrap("rules.field", why, field)}
}

// Normalize fills in the defaults. Validate calls it.
func (r *Rules) Normalize() {
	if r.LowestLevel == NoLevel {
		r.LowestLevel = Level5
	}
	if r.HighestLevel == NoLevel {
		r.HighestLevel = Level1
	}
	if r.Number == "" {
		r.Number = DefaultNumber
	}
	if r.PercentRounding == "" {
		r.PercentRounding = RoundDown
	}
	if r.Awards == nil {
		r.Awards = DefaultAwards()
	}
	if r.WorkType == "" {
		r.WorkType = r.Occupation
	}
}

// Official reports whether only official contestants may win.
func (r *Rules) Official() bool { return r.OfficialOnly == nil || *r.OfficialOnly }

// IntervalMonths is the least number of months between two promotions.
func (r *Rules) IntervalMonths() int {
	if r.PromotionIntervalMonths == nil {
		return 12
	}
	return *r.PromotionIntervalMonths
}

// Part returns the part named name.
func (r *Rules) Part(name string) (Part, bool) {
	for _, p := range r.Parts {
		if p.Name == name {
			return p, true
		}
	}
	return Part{}, false
}

// Award returns the award named name.
func (r *Rules) Award(name string) (Award, bool) {
	for _, a := range r.Awards {
		if a.Name == name {
			return a, true
		}
	}
	return Award{}, false
}

// AwardTitle is how award name is printed in language lang.
func (r *Rules) AwardTitle(name, lang string) string {
	a, ok := r.Award(name)
	if !ok {
		return name
	}
	if lang == "en" && a.TitleEn != "" {
		return a.TitleEn
	}
	if a.Title != "" {
		return a.Title
	}
	return a.Name
}

// Validate fills in defaults and checks the rules against the contest's
// challenge slugs; the error names the first wrong field.
func (r *Rules) Validate(slugs []string) error {
	r.Normalize()
	if strings.TrimSpace(r.Occupation) == "" {
		return invalid("occupation", "rules.no_occupation")
	}
	if r.OccupationCode != "" && !occupationCodeRE.MatchString(r.OccupationCode) {
		return invalid("occupation_code", "rules.occupation_code", strconv.Quote(r.OccupationCode))
	}
	if !r.LowestLevel.Valid() {
		return invalid("lowest_level", "rules.not_level")
	}
	if !r.HighestLevel.Valid() {
		return invalid("highest_level", "rules.not_level")
	}
	if r.HighestLevel > r.LowestLevel {
		return invalid("highest_level", "rules.highest_below_lowest", r.HighestLevel, r.LowestLevel)
	}
	if err := CheckPattern(r.Number); err != nil {
		return invalidOf("number", TextOf(err))
	}
	if r.PromotionIntervalMonths != nil && (*r.PromotionIntervalMonths < 0 || *r.PromotionIntervalMonths > 120) {
		return invalid("promotion_interval_months", "rules.interval", *r.PromotionIntervalMonths)
	}
	for field, names := range map[string][]string{"unofficial": r.Unofficial, "disqualified": r.Disqualified} {
		for i, n := range names {
			if strings.TrimSpace(n) == "" {
				return invalid(fmt.Sprintf("%s[%d]", field, i), "rules.empty_username")
			}
		}
	}
	if err := r.validateParts(slugs); err != nil {
		return err
	}
	switch r.PercentRounding {
	case RoundDown, RoundUp, RoundNearest:
	default:
		return invalid("percent_rounding", "rules.rounding", strconv.Quote(r.PercentRounding))
	}
	if err := r.validateKeys("tie_break", r.TieBreak); err != nil {
		return err
	}
	if err := r.validateMinimums("qualify", r.Qualify); err != nil {
		return err
	}
	seen := map[string]bool{}
	for i, a := range r.Awards {
		f := fmt.Sprintf("awards[%d]", i)
		if !nameRE.MatchString(a.Name) {
			return invalid(f+".name", "rules.award_name", strconv.Quote(a.Name))
		}
		if seen[a.Name] {
			return invalid(f+".name", "rules.twice", strconv.Quote(a.Name))
		}
		seen[a.Name] = true
		if a.Who != "" && a.Who != Worker && a.Who != Student {
			return invalid(f+".who", "rules.who", strconv.Quote(string(a.Who)))
		}
		if err := r.validatePlacing(f, a.Placing, a.Who); err != nil {
			return err
		}
		if err := r.validateMinimums(f, a.Minimums); err != nil {
			return err
		}
		if a.TopN == 0 && a.TopPercent == 0 && a.MinTotal == nil && len(a.MinParts) == 0 && !a.Qualified {
			return invalid(f, "rules.award_open")
		}
	}
	for i, p := range r.Levels {
		f := fmt.Sprintf("levels[%d]", i)
		if p.Level == NoLevel {
			return invalid(f+".level", "rules.no_level")
		}
		if !p.Level.Valid() {
			return invalid(f+".level", "rules.not_level")
		}
		if p.Level > r.LowestLevel {
			return invalid(f+".level", "rules.level_below", p.Level, r.LowestLevel)
		}
		if p.Level < r.HighestLevel {
			return invalid(f+".level", "rules.level_above", p.Level, r.HighestLevel)
		}
		if p.Who != "" && p.Who != Worker && p.Who != Student {
			return invalid(f+".who", "rules.who", strconv.Quote(string(p.Who)))
		}
		if err := r.validatePlacing(f, p.Placing, p.Who); err != nil {
			return err
		}
		if err := r.validateMinimums(f, p.Minimums); err != nil {
			return err
		}
		for j, a := range p.Awards {
			if _, ok := r.Award(a); !ok {
				return invalid(fmt.Sprintf("%s.awards[%d]", f, j), "rules.no_award", strconv.Quote(a))
			}
		}
		if p.TopN == 0 && p.TopPercent == 0 && len(p.Awards) == 0 && p.MinTotal == nil && len(p.MinParts) == 0 {
			return invalid(f, "rules.promotion_open")
		}
	}
	return nil
}

func (r *Rules) validateParts(slugs []string) error {
	if len(r.Parts) == 0 {
		return nil
	}
	if len(r.Parts) == 1 {
		return invalid("parts", "rules.parts_two")
	}
	names := map[string]bool{}
	used := map[string]string{}
	sum := 0.0
	for i, p := range r.Parts {
		f := fmt.Sprintf("parts[%d]", i)
		if !nameRE.MatchString(p.Name) {
			return invalid(f+".name", "rules.part_name", strconv.Quote(p.Name))
		}
		if p.Name == KeyTime || p.Name == KeyBoard {
			return invalid(f+".name", "rules.part_reserved", strconv.Quote(p.Name))
		}
		if names[p.Name] {
			return invalid(f+".name", "rules.twice", strconv.Quote(p.Name))
		}
		names[p.Name] = true
		if math.IsNaN(p.Weight) || p.Weight <= 0 || p.Weight > 1 {
			return invalid(f+".weight", "rules.weight", p.Weight)
		}
		sum += p.Weight
		if p.Max < 0 || math.IsNaN(p.Max) {
			return invalid(f+".max", "rules.positive")
		}
		if p.Max != 0 && !p.Imported() {
			return invalid(f+".max", "rules.max_imported")
		}
		for j, s := range p.Challenges {
			if !slices.Contains(slugs, s) {
				return invalid(fmt.Sprintf("%s.challenges[%d]", f, j), "rules.not_challenge", strconv.Quote(s))
			}
			if other, ok := used[s]; ok {
				return invalid(fmt.Sprintf("%s.challenges[%d]", f, j), "rules.challenge_twice", strconv.Quote(s), other)
			}
			used[s] = p.Name
		}
	}
	if math.Abs(sum-1) > 1e-9 {
		return invalid("parts", "rules.weights_sum", math.Round(sum*1e6)/1e6)
	}
	for _, s := range slugs {
		if _, ok := used[s]; !ok {
			return invalid("parts", "rules.challenge_no_part", strconv.Quote(s))
		}
	}
	return nil
}

func (r *Rules) validateKeys(field string, keys []string) error {
	for i, k := range keys {
		if k == KeyTime || k == KeyBoard {
			continue
		}
		if _, ok := r.Part(k); !ok {
			return invalid(fmt.Sprintf("%s[%d]", field, i), "rules.tie_break", strconv.Quote(k))
		}
	}
	return nil
}

func (r *Rules) validatePlacing(field string, p Placing, who Category) error {
	switch p.RankWithin {
	case "", RankOverall:
	case RankGroup:
		if who == "" {
			return invalid(field+".rank_within", "rules.group_needs_who")
		}
	default:
		return invalid(field+".rank_within", "rules.rank_within", strconv.Quote(p.RankWithin))
	}
	if p.TopN < 0 {
		return invalid(field+".top_n", "rules.not_negative")
	}
	if math.IsNaN(p.TopPercent) || p.TopPercent < 0 || p.TopPercent > 100 {
		return invalid(field+".top_percent", "rules.percent")
	}
	return r.validateKeys(field+".tie_break", p.TieBreak)
}

func (r *Rules) validateMinimums(field string, m Minimums) error {
	if m.MinTotal != nil && (math.IsNaN(*m.MinTotal) || *m.MinTotal < 0) {
		return invalid(field+".min_total", "rules.not_negative")
	}
	if len(m.MinParts) > 0 && len(r.Parts) == 0 {
		return invalid(field+".min_parts", "rules.no_parts")
	}
	for _, name := range slices.Sorted(maps.Keys(m.MinParts)) {
		if _, ok := r.Part(name); !ok {
			return invalid(field+".min_parts."+name, "rules.no_part", strconv.Quote(name))
		}
		if v := m.MinParts[name]; math.IsNaN(v) || v < 0 || v > 100 {
			return invalid(field+".min_parts."+name, "rules.percent")
		}
	}
	return nil
}
