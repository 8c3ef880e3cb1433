package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/docker/docker/client"
	"github.com/docker/go-units"

	"github.com/skillarena/arena/sandbox/images"
)

func imagesBuildCommand() command {
	return command{
		name: "images build", summary: "build the sandbox images of deploy/images offline (skips those up to date); report sizes",
		usage: "[IMAGE...]",
		setup: func(fs *flag.FlagSet) func(context.Context, *Env, []string) error {
			mirror := fs.String("mirror", "", "Debian mirror URL (default: the one in /etc/apt/sources.list.d)")
			runnerPath := fs.String("runner", "", "static arena-runner binary to put in the images (default: beside this binary)")
			force := fs.Bool("force", false, "rebuild even when up to date")
			cache := fs.String("cache", "", "directory that keeps package archives (npm tarballs) for offline builds (default: $ARENA_DATA/cache, else data/cache)")
			registry := fs.Bool("from-registry", false, "build the base images with docker build from debian:<suite>-slim (needs a registry) instead of mmdebstrap")
			return func(ctx context.Context, env *Env, args []string) error {
				rp := *runnerPath
				if rp == "" {
					exe, err := os.Executable()
					if err != nil {
						return fmt.Errorf("find arena-runner: %w (pass --runner)", err)
					}
					rp = filepath.Join(filepath.Dir(exe), "arena-runner")
				}
				var only []string
				for _, a := range args {
					if !strings.Contains(a, "/") {
						a = "skillarena/" + a
					}
					only = append(only, a)
				}
				cli, err := client.NewClientWithOpts(client.FromEnv, client.WithAPIVersionNegotiation())
				if err != nil {
					return fmt.Errorf("Docker client: %w", err)
				}
				defer cli.Close()
				reports, err := images.Build(ctx, cli, images.Options{Mirror: *mirror, RunnerPath: rp, Force: *force,
					FromRegistry: *registry, Only: only, Log: env.Log, CacheDir: *cache})
				printImageReports(env, reports)
				return err
			}
		},
	}
}

// printImageReports writes one line per image: what was done and its size.
func printImageReports(env *Env, reports []images.Report) {
	if len(reports) == 0 {
		return
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "IMAGE\tRECIPE\tSTATUS\tSIZE")
	for _, r := range reports {
		status := "up to date"
		if r.Built {
			status = "built in " + r.Took.Round(time.Second).String()
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Image, r.Recipe, status, units.HumanSize(float64(r.Size)))
	}
	tw.Flush()
}
