// Package dirswap replaces a directory with a freshly built one, so that builders
// can write into a staging directory and publish only complete output.
package dirswap

import (
	"fmt"
	"os"
)

// Replace moves the directory staging to dest, replacing what was at dest. If the
// final rename fails, the previous dest is put back. Between the two renames dest
// is briefly absent; readers holding open files in the old directory keep them.
func Replace(staging, dest string) error {
	old := dest + ".old"
	if err := os.RemoveAll(old); err != nil {
		return fmt.Errorf("removing %s: %w", old, err)
	}
	if _, err := os.Stat(dest); err == nil {
		if err := os.Rename(dest, old); err != nil {
			return fmt.Errorf("moving %s aside: %w", dest, err)
		}
	}
	if err := os.Rename(staging, dest); err != nil {
		if _, statErr := os.Stat(old); statErr == nil {
			os.Rename(old, dest)
		}
		return fmt.Errorf("moving %s into place: %w", staging, err)
	}
	if err := os.RemoveAll(old); err != nil {
		return fmt.Errorf("removing previous %s: %w", old, err)
	}
	return nil
}
