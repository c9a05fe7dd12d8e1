package gaps

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// format names the file's layout, so that a file of another kind, or of a
// later layout, is not taken for this one.
const format = "buyin-gaps/1"

// file is what a gap file holds.
type file struct {
	Format  string  `json:"format"`
	Entries []Entry `json:"entries"`
}

// ErrCorrupt is wrapped by Read's error when a file is not a gap file.
var ErrCorrupt = errors.New("not a gap file")

// Read reads the entries of the gap file at path. A missing file is an error
// wrapping fs.ErrNotExist; a file that is not a gap file, one wrapping
// ErrCorrupt.
func Read(path string) ([]Entry, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the gap file: %w", err)
	}
	var f file
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrCorrupt, path, err)
	}
	if f.Format != format {
		return nil, fmt.Errorf("%w: %s: format is %q, want %q", ErrCorrupt, path, f.Format, format)
	}
	for i, e := range f.Entries {
		if _, err := time.Parse(dayLayout, e.Last); err != nil || e.Query == "" || e.Query != Normalize(e.Query) || e.Count < 1 {
			return nil, fmt.Errorf("%w: %s: entry %d is not a normalised query with a count of 1 or more and a day", ErrCorrupt, path, i+1)
		}
	}
	return f.Entries, nil
}

// Reset empties the gap file at path. A running Recorder adds to the empty
// file only what it counted since its last write.
func Reset(path string) error {
	return write(path, nil)
}

// write replaces the file at path with entries, whole: it writes a temporary
// file in the same directory, flushes it to disk and renames it over path, so
// that a reader or a crash sees the old file or the new one, never a mix. The
// directory is made if it is missing. The file is readable by its owner only.
func write(path string, entries []Entry) error {
	if entries == nil {
		entries = []Entry{}
	}
	b, err := json.MarshalIndent(file{Format: format, Entries: entries}, "", " ")
	if err != nil {
		return fmt.Errorf("encoding the gap file: %w", err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("writing the gap file: %w", err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*") // 0600
	if err != nil {
		return fmt.Errorf("writing the gap file: %w", err)
	}
	_, err = tmp.Write(append(b, '\n'))
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("writing the gap file %s: %w", path, err)
	}
	// The rename is durable once the directory is on disk too; a file system
	// that cannot sync a directory still has the whole file, old or new.
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// setAside renames a file that is not a gap file out of the way, keeping it for
// a person to look at, and returns its new name.
func setAside(path string, now time.Time) (string, error) {
	aside := path + ".corrupt-" + now.UTC().Format("20060102T150405")
	if err := os.Rename(path, aside); err != nil {
		return "", fmt.Errorf("setting the unreadable gap file aside: %w", err)
	}
	return aside, nil
}
