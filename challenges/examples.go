package challenges

import (
	"embed"
	"io/fs"
)

//go:embed all:hello
//go:embed all:fault-diagnosis all:sales-indicators
//go:embed all:reentrancy-drain all:skill-token
//go:embed all:fault-training all:order-cleaning
var examples embed.FS

// Example returns the example package named slug, built into the binary.
func Example(slug string) (fs.FS, error) {
	return fs.Sub(examples, slug)
}
