package challenges

import (
	"embed"
	"io/fs"
)

//go:embed all:hello
var examples embed.FS

// Example returns the example package named slug, built into the binary.
func Example(slug string) (fs.FS, error) {
	return fs.Sub(examples, slug)
}
