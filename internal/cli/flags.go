package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// command is one arena subcommand.
type command struct {
	name    string
	summary string
	usage   string // arguments after the flags, e.g. "FILE"
	setup   func(fs *flag.FlagSet) func(ctx context.Context, env *Env, args []string) error
}

// envName is the ARENA_* twin of a flag.
func envName(flagName string) string {
	return "ARENA_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// parse applies ARENA_* environment variables as defaults, then the
// command line, so a flag given explicitly wins. Flags may come before,
// between or after the arguments ("challenge try DIR FILE --language go");
// everything after "--" is an argument. It returns the arguments.
func parse(fs *flag.FlagSet, args []string, getenv func(string) string) ([]string, error) {
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if v := getenv(envName(f.Name)); v != "" && err == nil {
			if e := f.Value.Set(v); e != nil {
				err = fmt.Errorf("%s=%q: %w", envName(f.Name), v, e)
			}
		}
	})
	if err != nil {
		return nil, err
	}
	var positional, tail []string
	if i := slices.Index(args, "--"); i >= 0 {
		args, tail = args[:i], args[i+1:]
	}
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return append(positional, tail...), nil
		}
		positional, args = append(positional, args[0]), args[1:]
	}
}

func usageFor(w io.Writer, c command, fs *flag.FlagSet) func() {
	return func() {
		fmt.Fprintf(w, "Usage: arena %s [flags] %s\n\n%s\n\nFlags (each also read from its ARENA_* environment variable):\n", c.name, c.usage, c.summary)
		fs.VisitAll(func(f *flag.Flag) {
			def := ""
			if f.DefValue != "" && f.DefValue != "false" {
				def = fmt.Sprintf(" (default %q)", f.DefValue)
			}
			fmt.Fprintf(w, "  --%s  [%s]%s\n      %s\n", f.Name, envName(f.Name), def, f.Usage)
		})
	}
}

func homeDefault(rel string) string {
	if h, err := os.UserHomeDir(); err == nil {
		return h + "/" + rel
	}
	return rel
}
