package contest

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/skillarena/arena/challenges"
	"github.com/skillarena/arena/internal/message"
	"github.com/skillarena/arena/server/blob"
	"github.com/skillarena/arena/server/certificate/rules"
)

// File is contest.yaml, as organizers write it.
type File struct {
	ID     string          `yaml:"id"`
	Title  challenges.Text `yaml:"title"`
	Start  time.Time       `yaml:"start"`
	End    time.Time       `yaml:"end"`
	Freeze *time.Time      `yaml:"freeze"`
	// Timezone is where the contest takes place (an IANA name; default
	// Asia/Shanghai): its pages show times there.
	Timezone       string   `yaml:"timezone"`
	Scoring        string   `yaml:"scoring"`
	PenaltyMinutes int64    `yaml:"penalty_minutes"`
	Languages      []string `yaml:"languages"`
	Submissions    Limits   `yaml:"submissions"`
	// AttemptsAfterAccept defaults to true.
	AttemptsAfterAccept *bool           `yaml:"attempts_after_accept"`
	Challenges          []FileChallenge `yaml:"challenges"`
	// Contestants are usernames to register (accounts must exist).
	Contestants []string `yaml:"contestants"`
	// Tier is how high the competition ranks: a code (national-1,
	// national-2, provincial-1, provincial-2, city, industry) or its Chinese name.
	Tier string `yaml:"tier"`
	// Certificates are the award and certificate rules (see package rules).
	Certificates *rules.Rules `yaml:"certificates"`
	// Organizers and Judges are the contest's staff (usernames); when both
	// are left out, a reload keeps the staff as it is.
	Organizers []string `yaml:"organizers"`
	Judges     []string `yaml:"judges"`
}

// FileChallenge names a challenge package and, optionally, its points here.
type FileChallenge struct {
	// Package is a directory (relative to contest.yaml) or "sha256:HASH" of an uploaded package.
	Package string  `yaml:"package"`
	Points  float64 `yaml:"points"`
}

// ParseFile reads contest.yaml; errors name the field.
func ParseFile(data []byte) (*File, error) {
	var f File
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, inYAML(err)
	}
	for i, ch := range f.Challenges {
		if strings.TrimSpace(ch.Package) == "" {
			return nil, inYAML(invalidField(fmt.Sprintf("challenges[%d].package", i), "contest.missing"))
		}
		if ch.Points < 0 {
			return nil, inYAML(invalidField(fmt.Sprintf("challenges[%d].points", i), "contest.not_negative"))
		}
	}
	if f.Tier != "" {
		if _, err := rules.ParseTier(f.Tier); err != nil {
			return nil, inYAML(invalidText(message.Wrap("contest.field", textOf(err), "tier")))
		}
	}
	localTimes(&f, data)
	return &f, nil
}

// zonedRE matches a timestamp that ends in a zone: Z or an offset after the time of day.
var zonedRE = regexp.MustCompile(`(?i)\d:\d{2}(:\d{2}(\.\d+)?)?\s*(z|[+-]\d{1,2}(:?\d{2})?)$`)

// localTimes makes the times contest.yaml writes without a zone
// (2026-05-01 09:00:00, or a date alone) times in the contest's zone; yaml
// reads them as UTC. An unknown zone is left for Build to refuse.
func localTimes(f *File, data []byte) {
	loc, err := LoadZone(f.Timezone)
	if err != nil {
		return
	}
	var raw struct {
		Start  yaml.Node `yaml:"start"`
		End    yaml.Node `yaml:"end"`
		Freeze yaml.Node `yaml:"freeze"`
	}
	if yaml.Unmarshal(data, &raw) != nil {
		return
	}
	local := func(t time.Time, n yaml.Node) time.Time {
		if n.Kind != yaml.ScalarNode || t.IsZero() || zonedRE.MatchString(strings.TrimSpace(n.Value)) {
			return t
		}
		return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc)
	}
	f.Start, f.End = local(f.Start, raw.Start), local(f.End, raw.End)
	if f.Freeze != nil {
		t := local(*f.Freeze, raw.Freeze)
		f.Freeze = &t
	}
}

// Resolver turns a FileChallenge's package reference into a challenge.
type Resolver func(ctx context.Context, ref string) (Challenge, error)

// Build makes the contest a File describes, resolving each package. Runtime
// state (unfreeze, reveal) is taken from old when the contest exists.
func (f *File) Build(ctx context.Context, resolve Resolver, old *Contest) (*Contest, error) {
	c := &Contest{ID: f.ID, Title: f.Title, Start: f.Start.UTC(), End: f.End.UTC(), Scoring: f.Scoring,
		PenaltyMinutes: f.PenaltyMinutes, Languages: f.Languages, Limits: f.Submissions, AttemptsAfterAccept: true,
		Certificates: f.Certificates, Timezone: f.Timezone}
	if f.Tier != "" {
		c.Tier, _ = rules.ParseTier(f.Tier)
	}
	if f.Freeze != nil {
		t := f.Freeze.UTC()
		c.Freeze = &t
	}
	if f.AttemptsAfterAccept != nil {
		c.AttemptsAfterAccept = *f.AttemptsAfterAccept
	}
	for i, fc := range f.Challenges {
		ch, err := resolve(ctx, fc.Package)
		if err != nil {
			return nil, inYAML(invalidText(message.Wrap("contest.field", textOf(err), fmt.Sprintf("challenges[%d].package", i))))
		}
		if fc.Points > 0 {
			ch.Points = fc.Points
		}
		if len(c.Languages) > 0 {
			var langs []string
			for _, l := range ch.Languages {
				if slices.Contains(c.Languages, l) {
					langs = append(langs, l)
				}
			}
			if len(langs) == 0 && ch.Kind == challenges.KindProgram {
				return nil, inYAML(invalidField(fmt.Sprintf("challenges[%d]", i), "contest.no_language", strings.Join(ch.Languages, ", ")))
			}
			if len(langs) > 0 {
				ch.Languages = langs
			}
		}
		c.Challenges = append(c.Challenges, ch)
	}
	c.Staff = Staff{Organizers: f.Organizers, Judges: f.Judges}
	if old != nil {
		c.Unfrozen, c.Revealing = old.Unfrozen, old.Revealing
		if f.Organizers == nil && f.Judges == nil {
			c.Staff = old.Staff
		}
	}
	if err := c.Validate(); err != nil {
		return nil, inYAML(err)
	}
	return c, nil
}

// FromPackage loads a challenge package, stores its archive as a blob, and
// returns it as a contest challenge.
func FromPackage(ctx context.Context, blobs *blob.Store, fsys fs.FS) (Challenge, error) {
	pkg, err := challenges.Load(fsys)
	if err != nil {
		return Challenge{}, err
	}
	archive, err := challenges.Archive(fsys)
	if err != nil {
		return Challenge{}, err
	}
	hash, err := blobs.Put(ctx, archive)
	if err != nil {
		return Challenge{}, err
	}
	s := pkg.Spec
	return Challenge{Slug: s.ID, Title: s.Title, Category: s.Category, Kind: s.Kind,
		Points: s.Points, Languages: s.Languages, Package: hash}, nil
}
