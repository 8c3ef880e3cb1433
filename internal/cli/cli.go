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
	"strings"
	"syscall"
)

// Env is what a command may touch of the outside world.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	Log    *slog.Logger
	// Program is how the user ran arena (e.g. bin/arena), for the commands
	// it prints; "arena" when unset.
	Program string
}

// program is the command to print for running arena again.
func (e *Env) program() string {
	if e.Program == "" {
		return "arena"
	}
	return e.Program
}

func commands() []command {
	return []command{
		serveCommand(), judgeCommand(), upCommand(),
		loginCommand(), submitCommand(),
		imagesBuildCommand(), imagesSaveCommand(), imagesLoadCommand(), imagesCheckCommand(),
		contestLoadCommand(),
		usersImportCommand(), usersAddCommand(), usersPasswordCommand(), usersDisableCommand(),
		certificateVerifyCommand(), exportWinnersCommand(),
		challengeTryCommand(), challengeVerifyCommand(), challengeImportCommand(),
	}
}

// Main runs the arena command and returns its exit code.
func Main(args []string) int {
	env := &Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv,
		Log: slog.New(slog.NewJSONHandler(os.Stderr, nil)), Program: programName(os.Args[0])}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return Run(ctx, env, args)
}

// programName is how to print the running binary: as invoked when that
// was a path (bin/arena, ./arena), else "arena" (found on PATH).
func programName(argv0 string) string {
	if strings.ContainsRune(argv0, os.PathSeparator) {
		return argv0
	}
	return "arena"
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
		positional, err := parse(fs, rest, env.Getenv)
		if err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			fmt.Fprintf(env.Stderr, "arena %s: %v\n", c.name, err)
			return 2
		}
		if err := run(ctx, env, positional); err != nil {
			if errors.Is(err, context.Canceled) {
				return 0
			}
			fmt.Fprintf(env.Stderr, "arena %s: %v\n", c.name, err)
			return 1
		}
		return 0
	}
	if group := subcommands(cmds, name); len(group) > 0 {
		if len(rest) > 0 && (rest[0] == "-h" || rest[0] == "--help" || rest[0] == "help") {
			groupUsage(env.Stdout, name, group)
			return 0
		}
		if len(rest) == 0 {
			groupUsage(env.Stderr, name, group)
		} else {
			fmt.Fprintf(env.Stderr, "arena %s: unknown subcommand %q (see arena %s --help)\n", name, rest[0], name)
		}
		return 2
	}
	fmt.Fprintf(env.Stderr, "arena: unknown command %q (see arena --help)\n", args[0])
	return 2
}

// subcommands are the commands named "group SOMETHING".
func subcommands(cmds []command, group string) []command {
	var out []command
	for _, c := range cmds {
		if strings.HasPrefix(c.name, group+" ") {
			out = append(out, c)
		}
	}
	return out
}

func groupUsage(w io.Writer, group string, cmds []command) {
	fmt.Fprintf(w, "Usage: arena %s SUBCOMMAND [flags]\n\nSubcommands:\n", group)
	for _, c := range cmds {
		fmt.Fprintf(w, "  %-19s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun 'arena %s SUBCOMMAND --help' for its flags.\n", group)
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
