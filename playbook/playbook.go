package playbook

import "io/fs"

// Validate checks the structured content under root.
func Validate(root fs.FS) error { return nil }
