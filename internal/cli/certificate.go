package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/skillarena/arena/server/certificate"
)

// newCertificateService is the certificate service of the stores: its
// signing key lives in DATA/keys; ARENA_CERT_FONT names the PDF font
// (found among the installed fonts otherwise); links point under publicURL.
func newCertificateService(st *stores, dataDir, publicURL string) *certificate.Service {
	return certificate.New(certificate.Config{Redis: st.rdb, Contests: st.contests, Board: st.board, Accounts: st.accounts,
		Audit: st.audit, KeyDir: filepath.Join(dataDir, "keys"), FontPath: os.Getenv("ARENA_CERT_FONT"), PublicURL: publicURL})
}

// readRecords reads one exported certificate record, or a JSON array of them.
func readRecords(data []byte) ([]certificate.Record, error) {
	trimmed := strings.TrimSpace(string(data))
	var recs []certificate.Record
	if strings.HasPrefix(trimmed, "[") {
		if err := json.Unmarshal([]byte(trimmed), &recs); err != nil {
			return nil, err
		}
	} else {
		var r certificate.Record
		if err := json.Unmarshal([]byte(trimmed), &r); err != nil {
			return nil, err
		}
		recs = append(recs, r)
	}
	for i, r := range recs {
		if r.Number == "" || r.Signature == "" {
			return nil, fmt.Errorf("record %d is not a signed certificate record (no number or signature)", i+1)
		}
	}
	return recs, nil
}

func certificateVerifyCommand() command {
	return command{
		name: "certificate verify", usage: "FILE",
		summary: "check exported certificate records (JSON) offline against the public signing key",
		setup: func(fs *flag.FlagSet) func(context.Context, *Env, []string) error {
			key := fs.String("key", "", "public key: the PEM file (DATA/keys/"+certificate.PublicKeyFile+") or the JSON of GET /api/certificates/keys (default: the one in --data)")
			dataDir := fs.String("data", "data", "data directory whose keys/ holds the public key, when --key is not given")
			return func(ctx context.Context, env *Env, args []string) error {
				if len(args) != 1 {
					return errors.New("give exactly one FILE: a record from GET /api/certificates/NUMBER/record, or a JSON array of them")
				}
				data, err := os.ReadFile(args[0])
				if err != nil {
					return fmt.Errorf("read %s: %w", args[0], err)
				}
				recs, err := readRecords(data)
				if err != nil {
					return fmt.Errorf("%s: %w", args[0], err)
				}
				keyPath := *key
				if keyPath == "" {
					keyPath = filepath.Join(*dataDir, "keys", certificate.PublicKeyFile)
				}
				keyData, err := os.ReadFile(keyPath)
				if err != nil {
					return fmt.Errorf("public key: %w (give --key: the PEM file, or save GET /api/certificates/keys)", err)
				}
				keys, err := certificate.ParsePublicKeys(keyData)
				if err != nil {
					return fmt.Errorf("%s: %w", keyPath, err)
				}
				bad := 0
				for _, r := range recs {
					what := r.Level.String()
					if r.AwardTitle != "" {
						what = strings.TrimPrefix(what+" "+r.AwardTitle, " ")
					}
					if err := certificate.VerifyRecord(r, keys...); err != nil {
						bad++
						fmt.Fprintf(env.Stdout, "INVALID  %s  %s: %v\n", r.Number, certificate.MaskName(r.Holder.Name), err)
						continue
					}
					fmt.Fprintf(env.Stdout, "valid    %s  %s  %s  %s  issued %s  key %s\n", r.Number, certificate.MaskName(r.Holder.Name),
						what, r.ContestTitle, r.Issued, r.KeyID)
					if r.Revoked != nil {
						fmt.Fprintf(env.Stdout, "         the file marks it revoked (%s): revocation is checked online at /verify/%s\n", r.Revoked.Reason, r.Number)
					}
				}
				if bad > 0 {
					return fmt.Errorf("%d of %d certificate(s) do not match their signature", bad, len(recs))
				}
				fmt.Fprintf(env.Stderr, "%d certificate(s) signed by a known key; revocations are shown only by the verification page\n", len(recs))
				return nil
			}
		},
	}
}
