package challenges

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestCustomPackageValidation(t *testing.T) {
	base := "id: c\ntitle: {en: C}\ncategory: data\nkind: custom\npoints: 10\nlanguages: [text]\n"
	tests := []struct {
		name, custom, want string
	}{
		{"no section", "", "custom: missing"},
		{"no image", "custom: {command: [x]}", "custom.image: missing"},
		{"bad image", "custom: {image: 'Bad Image', command: [x]}", "not an image reference"},
		{"no command", "custom: {image: skillarena/python3:latest}", "custom.command: missing"},
		{"escaping file", "custom: {image: a, command: [x], files: [../etc]}", "relative path inside the package"},
		{"solutions", "custom: {image: a, command: [x], files: [solutions]}", "outside solutions/"},
		{"missing file", "custom: {image: a, command: [x], files: [hidden/nope.py]}", "hidden/nope.py"},
		{"bad submission name", "custom: {image: a, command: [x], submission: /etc/passwd}", "custom.submission"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{
				"challenge.yaml":  {Data: []byte(base + tt.custom + "\n")},
				"statement.md":    {Data: []byte("# C\n")},
				"hidden/grade.py": {Data: []byte("print(1)\n")},
			}
			_, err := Load(fsys)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want a problem with %q", err, tt.want)
			}
		})
	}
}
