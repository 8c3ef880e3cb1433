// Package cli is the arena command: it parses flags (each with an ARENA_*
// environment twin) and hands over to the packages that do the work.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

// Env is what a command may touch of the outside world.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	Log    *slog.Logger
}

func commands() []command {
	return []command{
		serveCommand(), judgeCommand(), upCommand(),
		loginCommand(), submitCommand(),
		imagesBuildCommand(), imagesSaveCommand(), imagesLoadCommand(), imagesCheckCommand(),
		contestLoadCommand(),
		usersImportCommand(),
		certificateVerifyCommand(), exportWinnersCommand(),
		challengeTryCommand(), challengeVerifyCommand(), challengeImportCommand(),
	}
}

// Main runs the arena command and returns its exit code.
func Main(args []string) int {
	env := &Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv,
		Log: slog.New(slog.NewJSONHandler(os.Stderr, nil))}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return Run(ctx, env, args)
}

// Run runs the command named in args (without the program name).
func Run(ctx context.Context, env *Env, args []string) int {
	cmds := commands()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		topUsage(env.Stdout, cmds)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	name := args[0]
	rest := args[1:]
	// Two-word commands: "images build", "contest load", ...
	if len(rest) > 0 {
		for _, c := range cmds {
			if c.name == name+" "+rest[0] {
				name, rest = c.name, rest[1:]
				break
			}
		}
	}
	for _, c := range cmds {
		if c.name != name {
			continue
		}
		fs := flag.NewFlagSet("arena "+c.name, flag.ContinueOnError)
		fs.SetOutput(env.Stderr)
		run := c.setup(fs)
		fs.Usage = usageFor(env.Stdout, c, fs)
		if err := parse(fs, rest, env.Getenv); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			fmt.Fprintf(env.Stderr, "arena %s: %v\n", c.name, err)
			return 2
		}
		if err := run(ctx, env, fs.Args()); err != nil {
			if errors.Is(err, context.Canceled) {
				return 0
			}
			fmt.Fprintf(env.Stderr, "arena %s: %v\n", c.name, err)
			return 1
		}
		return 0
	}
	fmt.Fprintf(env.Stderr, "arena: unknown command %q (see arena --help)\n", args[0])
	return 2
}

func topUsage(w io.Writer, cmds []command) {
	fmt.Fprintln(w, "arena: SkillArena, a judging platform for skills competitions.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: arena COMMAND [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, c := range cmds {
		fmt.Fprintf(w, "  %-19s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'arena COMMAND --help' for a command's flags.")
}
