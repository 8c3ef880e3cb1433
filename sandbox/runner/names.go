package runner

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
)

// ValidateName reports whether name may be used for a File: a relative,
// slash-separated path that stays inside the work directory. Absolute paths,
// any ".." component, empty components, NUL bytes and the work directory
// itself are rejected.
func ValidateName(name string) error {
	switch {
	case name == "":
		return errors.New("empty file name")
	case strings.ContainsRune(name, 0):
		return fmt.Errorf("file name %q contains a NUL byte", name)
	case strings.HasPrefix(name, "/") || filepath.IsAbs(name):
		return fmt.Errorf("file name %q is absolute", name)
	case strings.Contains(name, `\`):
		return fmt.Errorf("file name %q contains a backslash", name)
	}
	for _, part := range strings.Split(name, "/") {
		switch part {
		case "..":
			return fmt.Errorf("file name %q contains \"..\"", name)
		case "", ".":
			return fmt.Errorf("file name %q has an empty or \".\" component", name)
		}
	}
	if !filepath.IsLocal(name) {
		return fmt.Errorf("file name %q is not local to the work directory", name)
	}
	return nil
}
