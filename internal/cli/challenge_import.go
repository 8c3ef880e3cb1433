package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"sort"

	"github.com/skillarena/arena/challenges/kattis"
)

func challengeImportCommand() command {
	return command{
		name: "challenge import", usage: "kattis SRC DST",
		summary: "convert a Kattis / ICPC problem package into a program challenge package",
		setup: func(fs *flag.FlagSet) func(context.Context, *Env, []string) error {
			id := fs.String("id", "", "challenge id (default: SRC's directory name)")
			category := fs.String("category", "data", "challenge category: blockchain, ai or data")
			points := fs.Float64("points", 100, "points the challenge is worth (scoring problems: split over groups without their own)")
			timeMS := fs.Int64("time-ms", 0, "time limit in ms (default: the package's, else 2000)")
			return func(ctx context.Context, env *Env, args []string) error {
				if len(args) != 3 || args[0] != "kattis" {
					return errors.New("usage: arena challenge import kattis SRC DST")
				}
				rep, err := kattis.Import(args[1], args[2], kattis.Options{ID: *id, Category: *category, Points: *points, TimeMS: *timeMS})
				if err != nil {
					return err
				}
				fmt.Fprintf(env.Stdout, "imported %s into %s: challenge %s, %d tests\n", args[1], args[2], rep.ID, rep.Tests)
				var kinds []string
				for k := range rep.Solutions {
					kinds = append(kinds, k)
				}
				sort.Strings(kinds)
				for _, k := range kinds {
					fmt.Fprintf(env.Stdout, "  solutions/%s: %d\n", k, rep.Solutions[k])
				}
				for _, w := range rep.Warnings {
					fmt.Fprintf(env.Stdout, "warning: %s\n", w)
				}
				fmt.Fprintf(env.Stdout, "check it with: arena challenge verify %s\n", args[2])
				return nil
			}
		},
	}
}
