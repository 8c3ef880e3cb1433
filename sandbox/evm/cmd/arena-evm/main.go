// Command arena-evm grades one evm submission inside the sandbox: it reads
// an evm.Task as JSON on stdin, runs it on an in-memory go-ethereum chain
// and writes an evm.Report as JSON on stdout. It needs no network, no disk
// and no privileges; the hidden suite reaches it only through stdin.
//
// Build it static for the evm image:
//
//	CGO_ENABLED=0 go build -trimpath -o bin/arena-evm ./sandbox/evm/cmd/arena-evm
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/skillarena/arena/sandbox/evm"
	"github.com/skillarena/arena/sandbox/evm/chain"
)

// maxTask bounds the task read from stdin.
const maxTask = 64 << 20

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Stdin, os.Stdout))
}

func run(ctx context.Context, stdin io.Reader, stdout io.Writer) int {
	var rep evm.Report
	var task evm.Task
	data, err := io.ReadAll(io.LimitReader(stdin, maxTask+1))
	switch {
	case err != nil:
		rep.Error = fmt.Sprintf("read task: %v", err)
	case len(data) > maxTask:
		rep.Error = fmt.Sprintf("task is larger than %d bytes", maxTask)
	default:
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber() // arguments keep every digit
		if err := dec.Decode(&task); err != nil {
			rep.Error = fmt.Sprintf("decode task: %v", err)
		} else {
			rep = evm.Run(ctx, task, chain.New)
		}
	}
	if err := json.NewEncoder(stdout).Encode(rep); err != nil {
		fmt.Fprintf(os.Stderr, "arena-evm: write report: %v\n", err)
		return 1
	}
	return 0
}
