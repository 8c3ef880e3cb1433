package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/docker/docker/client"
	"github.com/skillarena/arena/sandbox/images"
)

func imagesBuildCommand() command {
	return command{
		name: "images build", summary: "build the sandbox images offline from a Debian mirror (skips those up to date)",
		setup: func(fs *flag.FlagSet) func(context.Context, *Env, []string) error {
			mirror := fs.String("mirror", "", "Debian mirror URL (default: the one in /etc/apt/sources.list.d)")
			runnerPath := fs.String("runner", "", "static arena-runner binary to put in the images (default: beside this binary)")
			force := fs.Bool("force", false, "rebuild even when up to date")
			return func(ctx context.Context, env *Env, args []string) error {
				rp := *runnerPath
				if rp == "" {
					exe, err := os.Executable()
					if err != nil {
						return fmt.Errorf("find arena-runner: %w (pass --runner)", err)
					}
					rp = filepath.Join(filepath.Dir(exe), "arena-runner")
				}
				cli, err := client.NewClientWithOpts(client.FromEnv, client.WithAPIVersionNegotiation())
				if err != nil {
					return fmt.Errorf("Docker client: %w", err)
				}
				defer cli.Close()
				return images.Build(ctx, cli, images.Options{Mirror: *mirror, RunnerPath: rp, Force: *force, Log: env.Log})
			}
		},
	}
}
