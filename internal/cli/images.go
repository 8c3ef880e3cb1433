package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
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
				cli, err := dockerClient()
				if err != nil {
					return err
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

// dockerClient connects to the local Docker engine.
func dockerClient() (*client.Client, error) {
	cli, err := client.NewClientWithOpts(client.FromEnv, client.WithAPIVersionNegotiation())
	if err != nil {
		return nil, fmt.Errorf("Docker client: %w", err)
	}
	return cli, nil
}

// imageNames turns short image names ("python3") into recipe names
// ("skillarena/python3").
func imageNames(args []string) []string {
	var out []string
	for _, a := range args {
		for _, n := range strings.Split(a, ",") {
			if n = strings.TrimSpace(n); n == "" {
				continue
			}
			if !strings.Contains(n, "/") {
				n = "skillarena/" + n
			}
			out = append(out, n)
		}
	}
	return out
}

func imagesSaveCommand() command {
	return command{
		name: "images save", summary: "write the sandbox images (and skillarena/arena if built) with their recipe hashes into one bundle file, for hosts without a mirror or registry",
		usage: "FILE",
		setup: func(fs *flag.FlagSet) func(context.Context, *Env, []string) error {
			only := fs.String("only", "", "comma-separated images to save, e.g. python3,sqlite (default: all)")
			compress := fs.String("compress", images.CompressZstd, "compression: zstd or none")
			return func(ctx context.Context, env *Env, args []string) error {
				if len(args) != 1 {
					return fmt.Errorf("want one bundle FILE, got %d arguments", len(args))
				}
				cli, err := dockerClient()
				if err != nil {
					return err
				}
				defer cli.Close()
				start := time.Now()
				m, err := images.Save(ctx, cli, args[0], images.SaveOptions{Only: imageNames([]string{*only}), Compression: *compress, Log: env.Log})
				if err != nil {
					return err
				}
				var size int64
				if fi, err := os.Stat(args[0]); err == nil {
					size = fi.Size()
				}
				tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "IMAGE\tRECIPE\tSIZE")
				var total int64
				for _, img := range m.Images {
					total += img.Size
					fmt.Fprintf(tw, "%s\t%s\t%s\n", img.Image, shortRecipe(img.Labels[images.LabelRecipe]), units.HumanSize(float64(img.Size)))
				}
				tw.Flush()
				fmt.Fprintf(env.Stdout, "saved %d images (%s) to %s: %s in %s\n", len(m.Images), units.HumanSize(float64(total)),
					args[0], units.HumanSize(float64(size)), time.Since(start).Round(100*time.Millisecond))
				return nil
			}
		},
	}
}

func imagesLoadCommand() command {
	return command{
		name: "images load", summary: "check an image bundle of arena images save and load its images into the local Docker engine; refuses a broken bundle or one stale for this arena",
		usage: "FILE",
		setup: func(fs *flag.FlagSet) func(context.Context, *Env, []string) error {
			allowStale := fs.Bool("allow-stale", false, "load a bundle whose images are not current for this arena's recipes (with a warning)")
			return func(ctx context.Context, env *Env, args []string) error {
				if len(args) != 1 {
					return fmt.Errorf("want one bundle FILE, got %d arguments", len(args))
				}
				cli, err := dockerClient()
				if err != nil {
					return err
				}
				defer cli.Close()
				start := time.Now()
				res, err := images.Load(ctx, cli, args[0], images.LoadOptions{AllowStale: *allowStale, Log: env.Log})
				if err != nil {
					return err
				}
				printImageStatus(env, res.Images)
				fmt.Fprintf(env.Stdout, "loaded %d images saved by arena %s on %s, in %s\n", len(res.Images), res.Manifest.Arena,
					res.Manifest.Created.Format(time.DateOnly), time.Since(start).Round(100*time.Millisecond))
				for _, s := range res.Stale {
					fmt.Fprintf(env.Stderr, "warning: stale image loaded: %s\n", s)
				}
				return nil
			}
		},
	}
}

func imagesCheckCommand() command {
	return command{
		name: "images check", summary: "say whether each sandbox image on the local Docker engine is current for its recipe (what arena judge checks at start-up); exits non-zero when one is not",
		usage: "[IMAGE...]",
		setup: func(fs *flag.FlagSet) func(context.Context, *Env, []string) error {
			return func(ctx context.Context, env *Env, args []string) error {
				cli, err := dockerClient()
				if err != nil {
					return err
				}
				defer cli.Close()
				rs, err := images.SandboxRecipes()
				if len(args) > 0 && err == nil {
					rs, err = images.Recipes()
				}
				if err != nil {
					return err
				}
				if len(args) > 0 {
					rs = slices.DeleteFunc(rs, func(r images.Recipe) bool { return !slices.Contains(imageNames(args), r.Name) })
				}
				sts, err := images.Check(ctx, cli, rs)
				if err != nil {
					return err
				}
				printImageStatus(env, sts)
				var bad []string
				for _, st := range sts {
					if p := st.Problem(); p != "" {
						bad = append(bad, p)
					}
				}
				if len(bad) > 0 {
					return fmt.Errorf("%d image(s) not current:\n  %s", len(bad), strings.Join(bad, "\n  "))
				}
				return nil
			}
		},
	}
}

// printImageStatus writes one line per image: its recipe hash, whether it
// is current, its size.
func printImageStatus(env *Env, sts []images.Status) {
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "IMAGE\tRECIPE\tSTATUS\tSIZE")
	for _, st := range sts {
		status, size := "current", units.HumanSize(float64(st.Size))
		switch {
		case !st.Present:
			status, size = "missing", "-"
		case !st.Current:
			status = "stale (expects " + shortRecipe(st.Want) + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", st.Image, shortRecipe(st.Labels[images.LabelRecipe]), status, size)
	}
	tw.Flush()
}

// shortRecipe is the first 16 hex digits of a recipe hash, "-" for none.
func shortRecipe(h string) string {
	if h == "" {
		return "-"
	}
	return h[:min(16, len(h))]
}

// checkJudgeImages logs, at start-up, every sandbox image that is missing
// or not current for its recipe: grading in it would fail or use the
// wrong tools.
func checkJudgeImages(ctx context.Context, env *Env) {
	cli, err := dockerClient()
	if err != nil {
		env.Log.Warn("sandbox images not checked", "err", err)
		return
	}
	defer cli.Close()
	rs, err := images.SandboxRecipes()
	if err != nil {
		env.Log.Warn("sandbox images not checked", "err", err)
		return
	}
	sts, err := images.Check(ctx, cli, rs)
	if err != nil {
		env.Log.Warn("sandbox images not checked", "err", err)
		return
	}
	bad := 0
	for _, st := range sts {
		if p := st.Problem(); p != "" {
			bad++
			env.Log.Warn("sandbox image not current", "image", st.Image, "problem", p)
		}
	}
	if bad == 0 {
		env.Log.Info("sandbox images current", "images", len(sts))
	}
}
