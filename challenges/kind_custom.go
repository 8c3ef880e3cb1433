package challenges

import (
	"fmt"
	"io/fs"
	"regexp"
	"strings"
)

// CustomSpec is the `custom:` section: the package's own image and command
// grade the submission and print a result JSON. See challenges/README.md.
type CustomSpec struct {
	// Image is the sandbox image the command runs in; it must carry
	// arena-runner, as every image `arena images build` makes does.
	// Required.
	Image string `yaml:"image"`
	// Command runs in the work directory; "{language}" in an argument is
	// replaced by the submission's language. It prints the result JSON on
	// stdout. Required.
	Command []string `yaml:"command"`
	// Files are package paths (files, or directories taken whole) copied
	// into the work directory under the same paths before the command
	// runs, e.g. hidden/grade.py. Default: everything under hidden/.
	Files []string `yaml:"files"`
	// Submission is the file name the submission is written to in the
	// work directory. Default "submission".
	Submission string `yaml:"submission"`
}

// imageRefRE is a Docker image reference without a digest: name[:tag].
var imageRefRE = regexp.MustCompile(`^[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?$`)

// CustomFiles reads the files the custom command gets from the package, in
// a stable order.
func (s *CustomSpec) CustomFiles(fsys fs.FS) ([]PackageFile, error) {
	var out []PackageFile
	seen := map[string]bool{}
	for _, root := range s.Files {
		err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() || seen[p] {
				return nil
			}
			if !d.Type().IsRegular() {
				return fmt.Errorf("%s: not a regular file", p)
			}
			b, err := fs.ReadFile(fsys, p)
			if err != nil {
				return err
			}
			seen[p] = true
			out = append(out, PackageFile{Name: p, Data: b})
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("custom files: %w", err)
		}
	}
	return out, nil
}

func loadCustom(fsys fs.FS, pkg *Package, probs *Problems) {
	const f = "challenge.yaml"
	s := pkg.Spec.Custom
	if s == nil {
		probs.add(f, "custom", "missing: a custom challenge needs a custom section with image and command")
		return
	}
	if s.Image == "" {
		probs.add(f, "custom.image", "missing: name the sandbox image the command runs in, e.g. skillarena/python3:latest")
	} else if !imageRefRE.MatchString(s.Image) {
		probs.add(f, "custom.image", "%q is not an image reference (name[:tag])", s.Image)
	}
	if len(s.Command) == 0 || strings.TrimSpace(s.Command[0]) == "" {
		probs.add(f, "custom.command", "missing: the command that grades the submission, e.g. [python3, hidden/grade.py]")
	}
	dataDefault(&s.Submission, "submission")
	if !fs.ValidPath(s.Submission) || s.Submission == "." || strings.Contains(s.Submission, `\`) {
		probs.add(f, "custom.submission", "%q is not a relative file name inside the work directory", s.Submission)
	}
	if s.Files == nil {
		if _, err := fs.Stat(fsys, "hidden"); err == nil {
			s.Files = []string{"hidden"}
		}
	}
	for i, p := range s.Files {
		field := fmt.Sprintf("custom.files[%d]", i)
		if !fs.ValidPath(p) || p == "." || p == "solutions" || strings.HasPrefix(p, "solutions/") {
			probs.add(f, field, "%q must be a relative path inside the package, outside solutions/", p)
			continue
		}
		if _, err := fs.Stat(fsys, p); err != nil {
			probs.add(f, field, "%q: %v", p, err)
		}
		if p == s.Submission || strings.HasPrefix(s.Submission, p+"/") {
			probs.add(f, "custom.submission", "%q clashes with the package file %q", s.Submission, p)
		}
	}
	if _, err := s.CustomFiles(fsys); err != nil {
		probs.add(f, "custom.files", "%v", err)
	}
}
