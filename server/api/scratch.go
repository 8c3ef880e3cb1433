package api

import (
	"io/fs"
	"os"
)

// scratchDir makes a temporary directory and returns a func that removes it.
func scratchDir() (string, func(), error) {
	dir, err := os.MkdirTemp("", "arena-upload-*")
	if err != nil {
		return "", nil, err
	}
	return dir, func() { os.RemoveAll(dir) }, nil
}

func osDirFS(dir string) fs.FS { return os.DirFS(dir) }
