package predictions

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
)

// RunnerFlag, first on arena-runner's command line, selects the scoring
// mode: `arena-runner --score-predictions TASK.json`.
const RunnerFlag = "--score-predictions"

// Main is the scoring mode of arena-runner, run inside the sandbox: it reads
// the Task from the JSON file named by args[0], scores the submission named
// in it against the labels, and writes one Report as JSON to stdout. It
// returns 0 when it wrote a Report (a malformed submission included) and
// non-zero, with the reason on stderr, when the task, the labels or the
// scorer itself failed.
func Main(args []string, stdout, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "%s: internal error: %v\n%s", RunnerFlag, r, debug.Stack())
			code = 3
		}
	}()
	if len(args) != 1 {
		fmt.Fprintf(stderr, "usage: arena-runner %s TASK.json\n", RunnerFlag)
		return 2
	}
	rep, err := scoreFiles(args[0])
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", RunnerFlag, err)
		return 1
	}
	if err := json.NewEncoder(stdout).Encode(rep); err != nil {
		fmt.Fprintf(stderr, "%s: write report: %v\n", RunnerFlag, err)
		return 1
	}
	return 0
}

func scoreFiles(taskPath string) (Report, error) {
	raw, err := os.ReadFile(taskPath)
	if err != nil {
		return Report{}, fmt.Errorf("read task: %w", err)
	}
	var t Task
	if err := json.Unmarshal(raw, &t); err != nil {
		return Report{}, fmt.Errorf("decode task %s: %w", taskPath, err)
	}
	dir := filepath.Dir(taskPath)
	labels, err := os.ReadFile(filepath.Join(dir, t.Labels))
	if err != nil {
		return Report{}, fmt.Errorf("read labels: %w", err)
	}
	sub, err := os.ReadFile(filepath.Join(dir, t.Submission))
	if err != nil {
		return Report{}, fmt.Errorf("read submission: %w", err)
	}
	return Score(t, labels, sub)
}
