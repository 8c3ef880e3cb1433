package challenges

// SQLSpec is the `sql:` section: queries run read-only against the package's
// SQLite database(s).
type SQLSpec struct{}
