package certificate

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/skillarena/arena/server/account"
	"github.com/skillarena/arena/server/certificate/rules"
)

// held is what this platform's own certificates say of one person: the
// best level it issued them and that certificate's number, and the date of
// their latest promotion.
type held struct {
	Level    rules.Level
	Number   string
	Promoted time.Time
}

// heldBy returns what the certificates with a level issued to the person
// with idNumber by other contests than except, and not revoked, say;
// issue dates are days in loc.
func (s *Service) heldBy(ctx context.Context, idNumber, except string, loc *time.Location) (held, error) {
	var h held
	if idNumber == "" {
		return h, nil
	}
	numbers, err := s.rdb.SMembers(ctx, holderKey(idNumber)).Result()
	if err != nil {
		return h, fmt.Errorf("read earlier certificates: %w", err)
	}
	for _, n := range numbers {
		r, err := s.Record(ctx, n)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return h, err
		}
		if r.Contest == except || r.Revoked != nil || !r.Level.Valid() {
			continue
		}
		d, err := time.ParseInLocation(time.DateOnly, r.Issued, loc)
		if err != nil {
			continue
		}
		if d.After(h.Promoted) {
			h.Promoted = d
		}
		if !h.Level.Valid() || r.Level < h.Level || r.Level == h.Level && r.Number > h.Number {
			h.Level, h.Number = r.Level, r.Number
		}
	}
	return h, nil
}

// withHeld completes e, the entrant of account u in contest cid, with the
// certificates this platform issued them: the level held is the higher of
// the imported one and the last this platform issued (matched by ID
// number), the last promotion the later of both. numbers gets the number
// of the certificate of the level held: this platform's, or the imported one.
func (s *Service) withHeld(ctx context.Context, e *rules.Entrant, u account.User, cid string, loc *time.Location, numbers map[string]string) error {
	h, err := s.heldBy(ctx, u.IDNumber, cid, loc)
	if err != nil {
		return err
	}
	if u.LevelNumber != "" && e.Level.Valid() {
		numbers[u.Username] = u.LevelNumber
	}
	if h.Promoted.After(e.Promoted) {
		e.Promoted = h.Promoted
	}
	if h.Level.Valid() && (!e.Level.Valid() || h.Level <= e.Level) {
		e.Level = h.Level
		numbers[u.Username] = h.Number
	}
	return nil
}

// HeldBy reports whether r is the certificate of account u: issued to that
// account, or to the person with its ID number.
func HeldBy(r Record, u account.User) bool {
	if u.Username != "" && r.Holder.Username == u.Username {
		return true
	}
	return u.IDNumber != "" && strings.EqualFold(u.IDNumber, r.Holder.IDNumber)
}

// Holding is one of a person's own certificates, as their account page lists it.
type Holding struct {
	Number         string      `json:"number"`
	AgencyNumber   string      `json:"agency_number,omitempty"`
	Contest        string      `json:"contest"`
	ContestTitle   string      `json:"contest_title"`
	ContestTitleEn string      `json:"contest_title_en,omitempty"`
	Occupation     string      `json:"occupation"`
	Level          rules.Level `json:"level,omitempty"`
	LevelName      string      `json:"level_name,omitempty"`
	Award          string      `json:"award,omitempty"`
	AwardTitle     string      `json:"award_title,omitempty"`
	Rank           int         `json:"rank,omitempty"`
	Issued         string      `json:"issued"`
	Revoked        *Revocation `json:"revoked,omitempty"`
	// Code and VerifyURL are for sharing; none for a revoked certificate.
	Code      string `json:"verification_code,omitempty"`
	VerifyURL string `json:"verification_url,omitempty"`
	// PDF and Record are where the holder downloads it.
	PDF    string `json:"pdf,omitempty"`
	Record string `json:"record"`
}

// HeldCertificates returns account u's own certificates of every contest,
// newest first.
func (s *Service) HeldCertificates(ctx context.Context, u account.User) ([]Holding, error) {
	out := []Holding{}
	if u.IDNumber == "" {
		return out, nil
	}
	numbers, err := s.rdb.SMembers(ctx, holderKey(u.IDNumber)).Result()
	if err != nil {
		return nil, fmt.Errorf("read the certificates of %s: %w", u.Username, err)
	}
	for _, n := range numbers {
		r, err := s.Issued(ctx, n)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if !HeldBy(*r, u) {
			continue
		}
		h := Holding{Number: r.Number, AgencyNumber: r.AgencyNumber, Contest: r.Contest, ContestTitle: r.ContestTitle,
			ContestTitleEn: r.ContestTitleEn, Occupation: r.Occupation, Level: r.Level, Award: r.Award, AwardTitle: r.AwardTitle,
			Rank: r.Rank, Issued: r.Issued, Revoked: r.Revoked, Record: "/api/certificates/" + url.PathEscape(r.Number) + "/record"}
		if r.Level.Valid() {
			h.LevelName = r.Level.String()
		}
		if r.Revoked == nil {
			h.Code, h.VerifyURL = r.Code, VerifyURL(s.public, r.Number, r.Code)
			h.PDF = "/api/certificates/" + url.PathEscape(r.Number) + "/pdf"
		}
		out = append(out, h)
	}
	slices.SortFunc(out, func(a, b Holding) int {
		return cmp.Or(strings.Compare(b.Issued, a.Issued), strings.Compare(a.Number, b.Number))
	})
	return out, nil
}
