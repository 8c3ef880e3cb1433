package loadtest

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/skillarena/arena/server/roster"
)

// Login is an account's username and password.
type Login struct{ Username, Password string }

// contestantList returns a CSV contestant list of n made-up contestants with
// valid, distinct resident ID numbers.
func contestantList(n int) []byte {
	var b bytes.Buffer
	b.WriteString("name,id_number,organization\n")
	birth := time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		first17 := "110105" + birth.AddDate(0, 0, i/999).Format("20060102") + fmt.Sprintf("%03d", i%999+1)
		fmt.Fprintf(&b, "Contestant %05d,%s%c,College %d\n", i+1, first17, roster.IDCheckDigit(first17), i%50+1)
	}
	return b.Bytes()
}

// Imported is what an import took: wall and CPU time (user and system).
type Imported struct {
	Wall, CPU time.Duration
	Logins    []Login
}

// Import runs arena users import for n new contestants with usernames
// starting with prefix.
func (t *Target) Import(ctx context.Context, prefix string, n int) (*Imported, error) {
	list := filepath.Join(t.Dir, prefix+".csv")
	slips := filepath.Join(t.Dir, prefix+".passwords.csv")
	if err := os.WriteFile(list, contestantList(n), 0o600); err != nil {
		return nil, fmt.Errorf("write contestant list: %w", err)
	}
	_ = os.Remove(slips)
	cmd := exec.CommandContext(ctx, t.Arena, "users", "import", "--redis", t.Redis, "--prefix", prefix, "--out", slips, list)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	im := &Imported{Wall: time.Since(start)}
	if err != nil {
		return nil, fmt.Errorf("arena users import: %w: %s", err, bytes.TrimSpace(out))
	}
	im.CPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	if im.Logins, err = readSlips(slips); err != nil {
		return nil, err
	}
	if len(im.Logins) != n {
		return nil, fmt.Errorf("import of %d gave %d login slips", n, len(im.Logins))
	}
	return im, nil
}

// readSlips reads the usernames and passwords of a login slips CSV.
func readSlips(path string) ([]Login, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("login slips: %w", err)
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff")))).ReadAll()
	if err != nil || len(recs) == 0 || !strings.EqualFold(recs[0][0], "username") || len(recs[0]) < 2 {
		return nil, fmt.Errorf("login slips %s: not username,password,… (%v)", path, err)
	}
	out := make([]Login, 0, len(recs)-1)
	for _, r := range recs[1:] {
		out = append(out, Login{Username: r[0], Password: r[1]})
	}
	return out, nil
}
