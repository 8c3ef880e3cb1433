package certificate

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/skillarena/arena/server/certificate/rules"
	"github.com/skillarena/arena/server/privacy"
)

// Holder is the person a certificate is for. Records keep the full ID
// number; views show Masked.
type Holder struct {
	Username     string `json:"username"`
	Name         string `json:"name"`
	Gender       string `json:"gender,omitempty"`
	IDType       string `json:"id_type,omitempty"`
	IDNumber     string `json:"id_number"`
	Organization string `json:"organization,omitempty"`
	// Category is worker or student.
	Category string `json:"category,omitempty"`
	// Contact details go into exports for the agency, never into records.
	Phone string `json:"phone,omitempty"`
	Email string `json:"email,omitempty"`
}

// Masked is the holder as anyone may see them: name, ID number and
// contact details masked.
func (h Holder) Masked() Holder {
	h.Name = MaskName(h.Name)
	h.IDNumber = privacy.MaskIDNumber(h.IDNumber)
	if h.Phone != "" {
		h.Phone = privacy.MaskPhone(h.Phone)
	}
	if h.Email != "" {
		h.Email = privacy.MaskEmail(h.Email)
	}
	return h
}

// MaskName keeps the first and last character of a name: 张*丰, 张*, A***e.
func MaskName(s string) string {
	r := []rune(strings.TrimSpace(s))
	switch len(r) {
	case 0:
		return ""
	case 1:
		return "*"
	case 2:
		return string(r[0]) + "*"
	}
	return string(r[0]) + strings.Repeat("*", len(r)-2) + string(r[len(r)-1])
}

// PartScore is one part of a total.
type PartScore struct {
	Name  string  `json:"name"`
	Title string  `json:"title,omitempty"`
	Score float64 `json:"score"`
	// Absent: 缺考, the score counts 0.
	Absent bool `json:"absent,omitempty"`
}

// Signed is what a certificate's signature covers.
type Signed struct {
	Version        int         `json:"version"`
	Number         string      `json:"number"`
	AgencyNumber   string      `json:"agency_number,omitempty"`
	Contest        string      `json:"contest"`
	ContestTitle   string      `json:"contest_title"`
	ContestTitleEn string      `json:"contest_title_en,omitempty"`
	Tier           rules.Tier  `json:"tier"`
	Occupation     string      `json:"occupation"`
	OccupationCode string      `json:"occupation_code,omitempty"`
	WorkType       string      `json:"work_type,omitempty"`
	Level          rules.Level `json:"level,omitempty"`
	Award          string      `json:"award,omitempty"`
	AwardTitle     string      `json:"award_title,omitempty"`
	Rank           int         `json:"rank,omitempty"`
	Parts          []PartScore `json:"parts,omitempty"`
	Total          float64     `json:"total"`
	Holder         Holder      `json:"holder"`
	// Issued is the date of issue, YYYY-MM-DD, in the contest's zone.
	Issued string `json:"issued"`
	Issuer string `json:"issuer,omitempty"`
	// Code is the verification code (see code.go): with it the public
	// verification shows the holder. Records of version 1 have none; empty,
	// it is left out of the signed JSON, so their signatures still hold.
	Code string `json:"code,omitempty"`
}

// Revocation says a certificate no longer holds, and why.
type Revocation struct {
	At     time.Time `json:"at"`
	By     string    `json:"by,omitempty"`
	Reason string    `json:"reason"`
}

// Record is an issued certificate: the signed fields, the signature, and
// its revocation if any (revocation is a state, not part of what is signed).
type Record struct {
	Signed
	KeyID     string      `json:"key_id"`
	Signature string      `json:"signature"`
	Revoked   *Revocation `json:"revoked,omitempty"`
}

// recordVersion is the version of the signed layout: 2 carries a
// verification code; 1, records issued before codes, has none.
const recordVersion = 2

// payload is the exact bytes signed: a domain tag and the signed fields as JSON.
func payload(s Signed) ([]byte, error) {
	b, err := json.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("encode certificate %s: %w", s.Number, err)
	}
	return append([]byte("skillarena-certificate-v1\n"), b...), nil
}

// sign signs r's fields with priv.
func sign(r *Record, priv ed25519.PrivateKey, keyID string) error {
	r.Holder.Phone, r.Holder.Email = "", ""
	p, err := payload(r.Signed)
	if err != nil {
		return err
	}
	r.KeyID = keyID
	r.Signature = base64.StdEncoding.EncodeToString(ed25519.Sign(priv, p))
	return nil
}

// ErrBadSignature: the record does not match its signature, or no known key made it.
var ErrBadSignature = errors.New("the signature does not hold: the record was changed after signing, or another key signed it")

// VerifyRecord checks r's signature against the public keys, offline.
func VerifyRecord(r Record, keys ...ed25519.PublicKey) error {
	sig, err := base64.StdEncoding.DecodeString(r.Signature)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return ErrBadSignature
	}
	p, err := payload(r.Signed)
	if err != nil {
		return err
	}
	for _, k := range keys {
		if KeyID(k) == r.KeyID && ed25519.Verify(k, p, sig) {
			return nil
		}
	}
	return ErrBadSignature
}

// verify checks r against the published key it names.
func (s *Service) verify(ctx context.Context, r Record) (bool, error) {
	pub, ok, err := s.keys.Lookup(ctx, r.KeyID)
	if err != nil || !ok {
		return false, err
	}
	return VerifyRecord(r, pub) == nil, nil
}

// Verification is what a verification shows of a certificate. By its
// number alone (Scope "status") only Number, Status, SignatureValid, KeyID
// and the date of a revocation are set; with its verification code (Scope
// "full") also the masked holder and what the certificate says.
type Verification struct {
	Number string `json:"number"`
	// Status is valid, revoked, or invalid (the signature does not hold).
	Status         string `json:"status"`
	SignatureValid bool   `json:"signature_valid"`
	// Scope is ScopeStatus or ScopeFull.
	Scope          string      `json:"scope"`
	AgencyNumber   string      `json:"agency_number,omitempty"`
	Holder         *Holder     `json:"holder,omitempty"`
	Level          rules.Level `json:"level,omitempty"`
	LevelName      string      `json:"level_name,omitempty"`
	Award          string      `json:"award,omitempty"`
	AwardTitle     string      `json:"award_title,omitempty"`
	Rank           int         `json:"rank,omitempty"`
	Contest        string      `json:"contest,omitempty"`
	ContestTitle   string      `json:"contest_title,omitempty"`
	ContestTitleEn string      `json:"contest_title_en,omitempty"`
	Tier           rules.Tier  `json:"tier,omitempty"`
	TierName       string      `json:"tier_name,omitempty"`
	Occupation     string      `json:"occupation,omitempty"`
	OccupationCode string      `json:"occupation_code,omitempty"`
	WorkType       string      `json:"work_type,omitempty"`
	Issued         string      `json:"issued,omitempty"`
	Issuer         string      `json:"issuer,omitempty"`
	Revoked        *Revocation `json:"revoked,omitempty"`
	KeyID          string      `json:"key_id"`
}

// Statuses of a verification.
const (
	StatusValid   = "valid"
	StatusRevoked = "revoked"
	StatusInvalid = "invalid"
)

// Scopes of a verification: what it shows.
const (
	// ScopeStatus: the number alone (or a wrong code): valid, revoked or invalid, nothing of the holder.
	ScopeStatus = "status"
	// ScopeFull: the right code: the masked holder and what the certificate says.
	ScopeFull = "full"
)

// Full looks a certificate up by number and shows all a verification may
// show (the holder masked), without asking for its code: for organizers
// and the holder, never for the public page (see Verify).
func (s *Service) Full(ctx context.Context, number string) (*Verification, error) {
	r, err := s.Record(ctx, number)
	if err != nil {
		return nil, err
	}
	return s.verification(ctx, r, true)
}

// verification is what r shows: with full, the masked holder and what the
// certificate says; otherwise only whether it holds.
func (s *Service) verification(ctx context.Context, r *Record, full bool) (*Verification, error) {
	ok, err := s.verify(ctx, *r)
	if err != nil {
		return nil, err
	}
	v := &Verification{Number: r.Number, SignatureValid: ok, Scope: ScopeStatus, KeyID: r.KeyID}
	switch {
	case !ok:
		v.Status = StatusInvalid
	case r.Revoked != nil:
		v.Status = StatusRevoked
		// The reason may name the holder: only with the code.
		v.Revoked = &Revocation{At: r.Revoked.At}
	default:
		v.Status = StatusValid
	}
	if !full {
		return v, nil
	}
	h := r.Holder.Masked()
	h.Username, h.Phone, h.Email = "", "", ""
	v.Scope, v.AgencyNumber, v.Holder = ScopeFull, r.AgencyNumber, &h
	v.Level, v.LevelName, v.Award, v.AwardTitle, v.Rank = r.Level, r.Level.String(), r.Award, r.AwardTitle, r.Rank
	v.Contest, v.ContestTitle, v.ContestTitleEn, v.Tier, v.TierName = r.Contest, r.ContestTitle, r.ContestTitleEn, r.Tier, r.Tier.In("zh")
	v.Occupation, v.OccupationCode, v.WorkType, v.Issued, v.Issuer = r.Occupation, r.OccupationCode, r.WorkType, r.Issued, r.Issuer
	if v.Revoked != nil {
		v.Revoked.Reason = r.Revoked.Reason
	}
	return v, nil
}
