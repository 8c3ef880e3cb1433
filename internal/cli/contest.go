package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/skillarena/arena/frontend"
	"github.com/skillarena/arena/server/account"
	"github.com/skillarena/arena/server/contest"
)

func contestLoadCommand() command {
	return command{
		name: "contest load", summary: "create or update a contest from contest.yaml (submissions are kept)", usage: "FILE",
		setup: func(fs *flag.FlagSet) func(context.Context, *Env, []string) error {
			var sf storeFlags
			sf.register(fs)
			who := fs.String("as", "admin", "username recorded in the audit log (the command acts as an admin: it runs where Redis is reachable)")
			return func(ctx context.Context, env *Env, args []string) error {
				if len(args) != 1 {
					return errors.New("give exactly one contest.yaml")
				}
				data, err := os.ReadFile(args[0])
				if err != nil {
					return fmt.Errorf("read %s: %w", args[0], err)
				}
				st, err := openStores(ctx, sf)
				if err != nil {
					return err
				}
				defer st.rdb.Close()
				base := filepath.Dir(args[0])
				resolve := func(ctx context.Context, ref string) (contest.Challenge, error) {
					if strings.HasPrefix(ref, "sha256:") {
						return contest.Challenge{}, fmt.Errorf("%s: uploaded packages are loaded through the API; give a directory here", ref)
					}
					dir := ref
					if !filepath.IsAbs(dir) {
						dir = filepath.Join(base, dir)
					}
					if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
						return contest.Challenge{}, fmt.Errorf("%s: not a package directory", dir)
					}
					return contest.FromPackage(ctx, st.blobs, os.DirFS(dir))
				}
				c, err := st.admin.Load(ctx, data, resolve, contest.AccountLookup(st.accounts), account.User{Username: *who, Role: account.Admin})
				if err != nil {
					return err
				}
				loc := c.Location()
				fmt.Fprintf(env.Stdout, "contest %s loaded: %d challenges (%s), %s to %s (%s), scoring %s\n",
					c.ID, len(c.Challenges), strings.Join(c.Slugs(), ", "),
					frontend.Clock(c.Start, loc), frontend.Clock(c.End, loc), loc, c.Scoring)
				return nil
			}
		},
	}
}
