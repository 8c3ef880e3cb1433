// Command arena-runner is the SkillArena in-container test runner. Built
// static (CGO_ENABLED=0) and copied into every sandbox image, it reads one
// JSON runner.Request on stdin and writes one JSON runner.Result on stdout.
// Invoked as `arena-runner --exec ... -- cmd` it is the exec shim that sets a
// contestant process's limits before becoming that process. Invoked as
// `arena-runner --score-predictions TASK.json` it is the predictions scorer
// (package predictions), run as a step inside the sandbox.
package main

import (
	"context"
	"os"

	"github.com/skillarena/arena/sandbox/predictions"
	"github.com/skillarena/arena/sandbox/runner"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == predictions.RunnerFlag {
		os.Exit(predictions.Main(os.Args[2:], os.Stdout, os.Stderr))
	}
	os.Exit(runner.Main(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
