package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/skillarena/arena/server/account"
	"github.com/skillarena/arena/server/audit"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/privacy"
	"github.com/skillarena/arena/server/roster"
	"github.com/skillarena/arena/server/scoreboard"
)

// slipsPath is where the login slips of FILE go by default: list.xlsx -> list.passwords.csv.
func slipsPath(file string) string {
	return strings.TrimSuffix(file, filepath.Ext(file)) + ".passwords.csv"
}

func usersImportCommand() command {
	return command{
		name: "users import", usage: "FILE",
		summary: "create contestants from a CSV or XLSX list (name, ID number, organization, phone, email, team)",
		setup: func(fs *flag.FlagSet) func(context.Context, *Env, []string) error {
			redisAddr := fs.String("redis", "127.0.0.1:6379", redisHelp)
			cid := fs.String("contest", "", "register the new contestants for this contest")
			prefix := fs.String("prefix", "", "start of generated usernames (default: the contest id, else \"user\")")
			dryRun := fs.Bool("dry-run", false, "check the file and show the usernames it would get; import nothing")
			who := fs.String("as", "admin", "username recorded in the contest's audit log")
			out := fs.String("out", "", "where to write the login slips (CSV with the passwords; default FILE.passwords.csv; - for standard output)")
			return func(ctx context.Context, env *Env, args []string) error {
				if len(args) != 1 {
					return errors.New("give exactly one FILE to import")
				}
				data, err := os.ReadFile(args[0])
				if err != nil {
					return fmt.Errorf("read %s: %w", args[0], err)
				}
				slips := *out
				if slips == "" {
					slips = slipsPath(args[0])
				}
				// Open the slips file first: passwords that cannot be written down are lost.
				var w io.Writer = env.Stdout
				var file *os.File
				if !*dryRun && slips != "-" {
					file, err = os.OpenFile(slips, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
					if err != nil {
						return fmt.Errorf("login slips: %w (choose another --out)", err)
					}
					defer file.Close()
					w = file
				}
				rdb, err := newRedis(*redisAddr)
				if err != nil {
					return err
				}
				defer rdb.Close()
				pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
				err = rdb.Ping(pctx).Err()
				cancel()
				if err == nil {
					err = importUsers(ctx, env, rdb, data, roster.Options{Contest: *cid, Prefix: *prefix, DryRun: *dryRun, Who: *who}, w, slips)
				} else {
					err = fmt.Errorf("Redis at %s does not answer: %w", redactURL(*redisAddr), err)
				}
				if file != nil {
					if st, serr := file.Stat(); serr == nil && st.Size() == 0 {
						os.Remove(slips) // nothing was imported
					}
				}
				return err
			}
		},
	}
}

func importUsers(ctx context.Context, env *Env, rdb *redis.Client, data []byte, opt roster.Options, w io.Writer, slips string) error {
	im := &roster.Importer{Accounts: account.NewStore(rdb), Contests: contest.NewStore(rdb), Board: scoreboard.NewStore(rdb), Audit: audit.New(rdb)}
	res, err := im.Import(ctx, data, opt)
	if res == nil {
		return err
	}
	if len(res.Problems) > 0 {
		fmt.Fprintln(env.Stderr, res.ProblemList())
		return fmt.Errorf("nothing imported: %d problem(s) in the file", len(res.Problems))
	}
	if opt.DryRun {
		tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "LINE\tUSERNAME\tNAME\tORGANIZATION\tTEAM\tID NUMBER")
		for _, e := range res.Entries {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", e.Line, e.Username, e.Name, e.Organization, e.Team, privacy.MaskIDNumber(e.IDNumber))
		}
		tw.Flush()
		fmt.Fprintf(env.Stdout, "the file is clean: %d contestant(s) would be imported (dry run: nothing written)\n", len(res.Entries))
		return nil
	}
	if !res.Imported {
		return err
	}
	if werr := roster.WritePasswords(w, res); werr != nil {
		return fmt.Errorf("the accounts were created, but writing the login slips failed (reset the passwords): %w", werr)
	}
	where := "for no contest"
	if opt.Contest != "" {
		where = "registered for " + opt.Contest
	}
	msg, to := fmt.Sprintf("login slips with the passwords in %s (shown this once: print them, then delete the file)", slips), env.Stdout
	if slips == "-" {
		msg, to = "login slips with the passwords above (shown this once)", env.Stderr
	}
	fmt.Fprintf(to, "imported %d contestant(s), %s; %s\n", len(res.Entries), where, msg)
	return err
}

// withAccounts runs fn with the accounts on the Redis at addr.
func withAccounts(ctx context.Context, addr string, fn func(*account.Store) error) error {
	rdb, err := newRedis(addr)
	if err != nil {
		return err
	}
	defer rdb.Close()
	return fn(account.NewStore(rdb))
}

func usersAddCommand() command {
	return command{
		name: "users add", usage: "USERNAME",
		summary: "create an admin, organizer or judge account (--role); its generated password is printed once (contestants come by users import)",
		setup: func(fs *flag.FlagSet) func(context.Context, *Env, []string) error {
			redisAddr := fs.String("redis", "127.0.0.1:6379", redisHelp)
			role := fs.String("role", "", "admin, organizer or judge")
			name := fs.String("name", "", "the name shown (default: the username)")
			org := fs.String("organization", "", "the organization shown")
			return func(ctx context.Context, env *Env, args []string) error {
				if len(args) != 1 {
					return errors.New("give exactly one USERNAME")
				}
				r := account.Role(*role)
				if !r.Staff() {
					return fmt.Errorf("--role %q: give admin, organizer or judge (contestants come by arena users import)", *role)
				}
				pw, err := roster.GeneratePassword()
				if err != nil {
					return err
				}
				u := account.User{Username: args[0], Name: *name, Organization: *org, Role: r}
				err = withAccounts(ctx, *redisAddr, func(a *account.Store) error { return a.CreateAll(ctx, []account.User{u}, []string{pw}) })
				if err != nil {
					return fmt.Errorf("%s: %w", args[0], err)
				}
				fmt.Fprintf(env.Stdout, "%s\t%s\n", args[0], pw)
				fmt.Fprintf(env.Stderr, "%s account %s created; list it in a contest's organizers or judges to give it work there\n", r, args[0])
				return nil
			}
		},
	}
}

func usersPasswordCommand() command {
	return command{
		name: "users password", usage: "USERNAME",
		summary: "give a user a new password (generated and printed, or read from stdin); ends their sessions and API tokens",
		setup: func(fs *flag.FlagSet) func(context.Context, *Env, []string) error {
			redisAddr := fs.String("redis", "127.0.0.1:6379", redisHelp)
			fromStdin := fs.Bool("password-stdin", false, "read the new password from the first line of standard input instead of generating one")
			return func(ctx context.Context, env *Env, args []string) error {
				if len(args) != 1 {
					return errors.New("give exactly one USERNAME")
				}
				pw, err := roster.GeneratePassword()
				if err != nil {
					return err
				}
				if *fromStdin {
					line, err := bufio.NewReader(env.Stdin).ReadString('\n')
					if err != nil && !errors.Is(err, io.EOF) {
						return fmt.Errorf("read the password: %w", err)
					}
					pw = strings.TrimRight(line, "\r\n")
				}
				err = withAccounts(ctx, *redisAddr, func(a *account.Store) error { return a.SetPassword(ctx, args[0], pw) })
				if err != nil {
					return fmt.Errorf("%s: %w", args[0], err)
				}
				if !*fromStdin {
					fmt.Fprintf(env.Stdout, "%s\t%s\n", args[0], pw)
				}
				fmt.Fprintf(env.Stderr, "new password for %s; their sessions and API tokens are ended\n", args[0])
				return nil
			}
		},
	}
}

func usersDisableCommand() command {
	return command{
		name: "users disable", usage: "USERNAME",
		summary: "disable a user: no more logins, every session and API token ended (--enable undoes it)",
		setup: func(fs *flag.FlagSet) func(context.Context, *Env, []string) error {
			redisAddr := fs.String("redis", "127.0.0.1:6379", redisHelp)
			enable := fs.Bool("enable", false, "enable the user again")
			return func(ctx context.Context, env *Env, args []string) error {
				if len(args) != 1 {
					return errors.New("give exactly one USERNAME")
				}
				err := withAccounts(ctx, *redisAddr, func(a *account.Store) error { return a.SetDisabled(ctx, args[0], !*enable) })
				if err != nil {
					return fmt.Errorf("%s: %w", args[0], err)
				}
				state := "disabled; their sessions and API tokens are ended"
				if *enable {
					state = "enabled"
				}
				fmt.Fprintf(env.Stderr, "%s is %s\n", args[0], state)
				return nil
			}
		},
	}
}
