package challenges

// CustomSpec is the `custom:` section: the package's own image and command.
type CustomSpec struct{}
