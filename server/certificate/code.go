package certificate

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/skillarena/arena/server/audit"
	"github.com/skillarena/arena/server/ratelimit"
	"github.com/skillarena/arena/server/refusal"
)

// Verification codes. A certificate's number is sequential, so anyone can
// walk the numbers: by number alone a verification says only whether the
// certificate holds. What it says of the holder needs the certificate's
// verification code, printed on it beside the number and carried in its QR
// code's link: CodeLength characters of crypto/rand in Crockford's base32
// (no I, L, O or U, so it reads and types back without confusion), 100
// bits. Wrong codes count against the client's address (Config.WrongCodes),
// so they cannot be tried in bulk.
//
// The code is stored in the record and covered by its signature (record
// version 2). Records issued before codes (version 1) get one lazily: the
// first time their contest's records are listed (review page, exports,
// PDF) or the holder's PDF or record is fetched, signed again with it.
// Until then they verify by number alone. Revoked records get none.
const (
	// CodeLength is the number of characters of a verification code.
	CodeLength   = 20
	codeAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	codeGroup    = 5
)

// Default verification limits per client address.
const (
	// DefaultLookupsPerMinute limits verifications of any kind.
	DefaultLookupsPerMinute = 60
	// DefaultWrongCodesPerHour limits failed verification codes.
	DefaultWrongCodesPerHour = 20
)

// NewCode returns a fresh verification code.
func NewCode() string {
	b := make([]byte, CodeLength)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	for i := range b {
		b[i] = codeAlphabet[b[i]&31] // 256 is a multiple of 32: no bias
	}
	return string(b)
}

// NormalizeCode reads a code as a person may type it: any case, with
// dashes or spaces, O for 0 and I or L for 1.
func NormalizeCode(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch r {
		case '-', ' ', '\t':
			continue
		case 'O':
			r = '0'
		case 'I', 'L':
			r = '1'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// FormatCode writes a code in groups of five for print: 7K2QD-...
func FormatCode(code string) string {
	var b strings.Builder
	for i, r := range code {
		if i > 0 && i%codeGroup == 0 {
			b.WriteByte('-')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// codeMatches reports, in constant time, whether given is r's code; a
// record without a code matches nothing.
func codeMatches(r *Record, given string) bool {
	if r.Code == "" || given == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(r.Code), []byte(NormalizeCode(given))) == 1
}

// Lookup is one public verification request.
type Lookup struct {
	Number string
	// Code is the verification code as given, if any.
	Code string
	// Client is the caller's address, the key of the rate limits.
	Client string
}

// Verify answers a public verification: by number alone, or with a wrong
// code, only whether the certificate holds (Scope "status"); with its
// code, the masked holder and what the certificate says (Scope "full").
// Every lookup counts against the client's address, and so does every
// code that does not match; past either limit the answer is a refusal of
// kind Limited — for a request with a code even when the code is right, so
// that the limit is no oracle. An unknown number is ErrNotFound.
func (s *Service) Verify(ctx context.Context, q Lookup) (*Verification, error) {
	ok, wait, err := s.lookups.Allow(ctx, q.Client)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, refusal.New(refusal.Limited, "refusal.verify_rate", int(wait.Seconds())+1)
	}
	code := strings.TrimSpace(q.Code)
	if code != "" {
		// Counted before the check, so attempts at once cannot all pass
		// it; a right code takes its count back.
		n, wait, err := s.wrongCodes.Hit(ctx, q.Client)
		if err != nil {
			return nil, err
		}
		if s.wrongCodes.Max > 0 && n > s.wrongCodes.Max {
			return nil, refusal.New(refusal.Limited, "refusal.verify_codes", int(wait.Seconds())+1)
		}
	}
	r, err := s.Record(ctx, q.Number)
	if err != nil {
		return nil, err
	}
	full := codeMatches(r, code)
	if full {
		if err := s.wrongCodes.Undo(ctx, q.Client); err != nil {
			return nil, err
		}
	}
	return s.verification(ctx, r, full)
}

// verifyLimits are the limiters of c, or the defaults.
func verifyLimits(c Config) (lookups, wrongCodes *ratelimit.Limiter) {
	lookups, wrongCodes = c.Lookups, c.WrongCodes
	if lookups == nil {
		lookups = ratelimit.New(c.Redis, "verify-addr", DefaultLookupsPerMinute, time.Minute)
	}
	if wrongCodes == nil {
		wrongCodes = ratelimit.New(c.Redis, "verify-code", DefaultWrongCodesPerHour, time.Hour)
	}
	return lookups, wrongCodes
}

// codeAuditor is who the audit log names for codes given lazily.
const codeAuditor = "arena"

// withCodes gives every record of recs that lacks a verification code
// (issued before codes) and is not revoked one, signed again, and returns
// recs as stored after. Each is audited in the record's contest.
func (s *Service) withCodes(ctx context.Context, recs []Record) ([]Record, error) {
	var priv ed25519.PrivateKey
	var keyID string
	for i := range recs {
		if recs[i].Code != "" || recs[i].Revoked != nil {
			continue
		}
		if priv == nil {
			p, id, err := s.keys.Signer(ctx)
			if err != nil {
				return nil, err
			}
			priv, keyID = p, id
		}
		var given bool
		var r *Record
		var err error
		for range 3 { // another server may be writing the same records
			r, err = s.update(ctx, recs[i].Number, func(r *Record) error {
				if r.Code != "" || r.Revoked != nil {
					given = false
					return nil
				}
				r.Code, r.Version, given = NewCode(), recordVersion, true
				return sign(r, priv, keyID)
			})
			if !errors.Is(err, redis.TxFailedErr) {
				break
			}
		}
		if err != nil {
			return nil, fmt.Errorf("give certificate %s a verification code: %w", recs[i].Number, err)
		}
		recs[i] = *r
		if given {
			if err := s.audit.Append(ctx, r.Contest, audit.Entry{Who: codeAuditor, Action: "certificate.code", Target: r.Number,
				Reason: "verification code for a certificate issued before codes; signed again", Details: map[string]any{"key_id": keyID}}); err != nil {
				return nil, err
			}
		}
	}
	return recs, nil
}

// Issued returns the certificate with number for its holder or an
// organizer to print or download: as stored, given a verification code
// first if it was issued before codes.
func (s *Service) Issued(ctx context.Context, number string) (*Record, error) {
	r, err := s.Record(ctx, number)
	if err != nil {
		return nil, err
	}
	recs, err := s.withCodes(ctx, []Record{*r})
	if err != nil {
		return nil, err
	}
	return &recs[0], nil
}
