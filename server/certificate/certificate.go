// Package certificate turns a contest's final standings into awards and
// vocational skill level certificates: it computes the flags the contest's
// rules (package rules) give, keeps the organizers' overrides and imported
// part scores, finalizes — locking the results and issuing one signed
// record per winner — and verifies, revokes and exports those records (CSV,
// XLSX, JSON, PDF with a QR code to the verification page). Each record
// carries a verification code (code.go): by number alone the public
// verification says only whether a certificate holds; with the code, what
// it says of its holder.
//
// Records are signed with Ed25519. The private key is created on first use
// in the key directory (under the data dir); its public half is published
// in Redis so that every server can verify, and through the API.
//
// Redis keys:
//
//	arena:{cid}:cert:overrides        HASH    username -> override JSON (status, award, level, reason, by, at)
//	arena:{cid}:cert:scores:{part}    HASH    username -> imported score of an imported part, or "absent" (缺考)
//	arena:{cid}:cert:final            STRING  the finalized review JSON; its presence locks the results
//	arena:{cid}:cert:template         STRING  the certificate template JSON (title, issuer lines, logo)
//	arena:{cid}:cert:records          HASH    certificate number -> record JSON (signed fields with the verification code, signature, revocation)
//	arena:certificates                HASH    certificate number -> contest id (looking numbers up)
//	arena:certificates:holder:{hash}  SET     numbers issued to one person (hash: SHA-256 of the ID number)
//	arena:certificates:keys           HASH    key id -> Ed25519 public key (base64)
//	arena:certificates:agency         HASH    agency (national) number -> certificate number: one national number, one certificate
package certificate

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/skillarena/arena/internal/message"
	"github.com/skillarena/arena/server/account"
	"github.com/skillarena/arena/server/audit"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/document"
	"github.com/skillarena/arena/server/ratelimit"
	"github.com/skillarena/arena/server/scoreboard"
)

// Errors callers map to HTTP statuses.
var (
	// ErrNoRules: the contest's contest.yaml has no certificates block.
	ErrNoRules = errors.New("this contest has no certificates: add a certificates block to its contest.yaml")
	// ErrNotFinal: flags need the final standings.
	ErrNotFinal = errors.New("results are not final yet: certificates follow the end of the contest and the unfreeze of its board")
	// ErrFinalized: the contest's certificates are issued and its results locked.
	ErrFinalized = errors.New("certificates of this contest are finalized: the results are locked")
	// ErrNotFinalized: records exist only after finalizing.
	ErrNotFinalized = errors.New("certificates of this contest are not finalized yet")
	// ErrNotFound: no certificate has that number.
	ErrNotFound = errors.New("no certificate with that number")
	// ErrRevoked: the certificate is already revoked.
	ErrRevoked = errors.New("the certificate is already revoked")
)

// InputError is a request that cannot be carried out as given; its message
// says what to change.
type InputError struct {
	msg string
	// Text is the message as a code and its arguments (internal/message);
	// where the message lists a file's problems, Text says how many and
	// Problems says each.
	Text     message.Text
	Problems []message.Text
}

func (e *InputError) Error() string { return e.msg }

// badInput refuses with the message code and its arguments.
func badInput(code string, args ...any) error {
	t := message.New(code, args...)
	return &InputError{msg: t.String(), Text: t}
}

// badInputOf refuses with the message code saying inner first (a
// problem found elsewhere, e.g. in rules), then args.
func badInputOf(code string, inner message.Text, args ...any) error {
	t := message.Wrap(code, inner, args...)
	return &InputError{msg: t.String(), Text: t}
}

// fileText is what keeps a file from being read, as a message.
func fileText(err error) message.Text {
	var te *document.TableError
	if errors.As(err, &te) {
		return te.Text
	}
	return message.Plain(err.Error())
}

// nothingImported refuses a file with problems: the English lists the
// first maxProblems of them, Problems all of those.
func nothingImported(problems []message.Text) error {
	n := len(problems)
	en := make([]string, 0, n)
	for i, p := range problems {
		if i == maxProblems {
			more := message.New("cert.more_problems", len(problems)-maxProblems)
			en = append(en, more.String())
			problems = append(problems[:maxProblems:maxProblems], more)
			break
		}
		en = append(en, p.String())
	}
	return &InputError{msg: "nothing imported:\n" + strings.Join(en, "\n"),
		Text: message.New("cert.nothing_imported", n), Problems: problems}
}

// Config is what a Service needs.
type Config struct {
	Redis    redis.UniversalClient
	Contests *contest.Store
	Board    *scoreboard.Store
	Accounts *account.Store
	Audit    *audit.Log
	// KeyDir holds the signing key, created there on first use.
	KeyDir string
	// FontPath, if set, is the font for PDF certificates; otherwise one is found (see document.FindFont).
	FontPath string
	// PublicURL is the address contestants and the agency reach the server
	// at: verification links and QR codes point under it. Empty:
	// DefaultPublicURL, which only the server's own machine reaches.
	PublicURL string
	// Now is the clock; time.Now if nil.
	Now func() time.Time
	// Lookups limits public verifications per client address, WrongCodes
	// the verification codes that do not match; nil: the defaults
	// (DefaultLookupsPerMinute, DefaultWrongCodesPerHour).
	Lookups, WrongCodes *ratelimit.Limiter
}

// Service reviews, issues, verifies and exports certificates.
type Service struct {
	rdb      redis.UniversalClient
	contests *contest.Store
	board    *scoreboard.Store
	accounts *account.Store
	audit    *audit.Log
	keys     *Keys
	fontPath string
	public   string
	now      func() time.Time
	// lookups and wrongCodes limit public verifications per client address.
	lookups, wrongCodes *ratelimit.Limiter

	fontMu sync.Mutex
	font   *document.Font
}

// New returns a service.
func New(c Config) *Service {
	now := c.Now
	if now == nil {
		now = time.Now
	}
	lookups, wrongCodes := verifyLimits(c)
	return &Service{rdb: c.Redis, contests: c.Contests, board: c.Board, accounts: c.Accounts, audit: c.Audit,
		keys: NewKeys(c.KeyDir, c.Redis), fontPath: c.FontPath, public: cmp.Or(c.PublicURL, DefaultPublicURL), now: now, lookups: lookups, wrongCodes: wrongCodes}
}

// DefaultPublicURL is where links point when no public address is set.
const DefaultPublicURL = "http://127.0.0.1:8080"

// PublicURL is the address verification links and QR codes point under.
func (s *Service) PublicURL() string { return s.public }

// SetPublicURL changes PublicURL, for a server that learns its address
// when it listens; call it before the server takes requests.
func (s *Service) SetPublicURL(u string) { s.public = cmp.Or(u, DefaultPublicURL) }

// Keys returns the service's signing keys.
func (s *Service) Keys() *Keys { return s.keys }

func prefix(cid string) string       { return "arena:{" + cid + "}:cert:" }
func overridesKey(cid string) string { return prefix(cid) + "overrides" }
func scoresKey(cid, part string) string {
	return prefix(cid) + "scores:" + part
}
func finalKey(cid string) string   { return prefix(cid) + "final" }
func recordsKey(cid string) string { return prefix(cid) + "records" }

const (
	indexKey  = "arena:certificates"
	keysKey   = "arena:certificates:keys"
	agencyKey = "arena:certificates:agency"
)

// holderKey is the set of numbers issued to the person with idNumber; the
// key holds a hash, not the ID number.
func holderKey(idNumber string) string {
	h := sha256.Sum256([]byte("arena-holder\x00" + idNumber))
	return "arena:certificates:holder:" + hex.EncodeToString(h[:16])
}

// contestWithRules loads a contest that has certificate rules.
func (s *Service) contestWithRules(ctx context.Context, cid string) (*contest.Contest, error) {
	ct, err := s.contests.Get(ctx, cid)
	if err != nil {
		return nil, err
	}
	if ct.Certificates == nil {
		return nil, ErrNoRules
	}
	ct.Certificates.Normalize()
	return ct, nil
}

// Final reports whether contest ct's results are final: ended, and the board unfrozen.
func (s *Service) Final(ct *contest.Contest) bool {
	return ct.StateAt(s.now()) == contest.Ended && ct.Unfrozen
}

// Finalized reports whether contest cid's certificates are finalized, which
// locks its results.
func (s *Service) Finalized(ctx context.Context, cid string) (bool, error) {
	n, err := s.rdb.Exists(ctx, finalKey(cid)).Result()
	if err != nil {
		return false, fmt.Errorf("check certificates of %s: %w", cid, err)
	}
	return n > 0, nil
}
