package buildstore

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// File is one file of a build as its manifest records it.
type File struct {
	Path   string `json:"path"` // slash-separated, relative to the build
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Manifest lists every regular file under dir with its size and hash, sorted
// by path, leaving out the file named skip (the one the manifest goes in). It
// also makes every file readable by the group and every directory searchable,
// so that a server running as another user of the group can open the build.
func Manifest(dir, skip string) ([]File, error) {
	var files []File
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.Chmod(p, info.Mode().Perm()|0o750)
		}
		if !info.Mode().IsRegular() {
			return fmt.Errorf("%s is not a regular file", rel)
		}
		if err := os.Chmod(p, info.Mode().Perm()|0o640); err != nil {
			return err
		}
		if rel != skip {
			files = append(files, File{Path: rel, Size: info.Size()})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("listing the build's files: %w", err)
	}
	if err := hashAll(dir, files); err != nil {
		return nil, fmt.Errorf("listing the build's files: %w", err)
	}
	slices.SortFunc(files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	return files, nil
}

// hashAll fills in the hashes of files under dir, a few at a time.
func hashAll(dir string, files []File) error {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
		next = make(chan int)
	)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				sum, err := hashFile(filepath.Join(dir, filepath.FromSlash(files[i].Path)))
				if err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
					continue
				}
				files[i].SHA256 = sum
			}
		}()
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()
	return errors.Join(errs...)
}

func hashFile(name string) (string, error) {
	f, err := os.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Verify checks that the files under dir are exactly those the manifest
// lists, with the same sizes and hashes, leaving out skip. The error names
// every file that is missing, different, unreadable or not in the manifest
// (up to a dozen of each).
func Verify(dir, skip string, want []File) error {
	if len(want) == 0 {
		return fmt.Errorf("the build has no manifest of its files (build.json lists none): it was made by an older indexer; rebuild it")
	}
	wantBy := make(map[string]File, len(want))
	for _, f := range want {
		wantBy[f.Path] = f
	}
	var problems []string
	add := func(format string, args ...any) {
		if len(problems) < 12 {
			problems = append(problems, fmt.Sprintf(format, args...))
		} else if len(problems) == 12 {
			problems = append(problems, "and more")
		}
	}
	var have []File
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if err != nil {
			add("%s cannot be read: %v", rel, err)
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() || rel == skip {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			add("%s cannot be read: %v", rel, err)
			return nil
		}
		w, ok := wantBy[rel]
		switch {
		case !ok:
			add("%s is not in the manifest", rel)
		case !info.Mode().IsRegular():
			add("%s is not a regular file", rel)
		case info.Size() != w.Size:
			add("%s has %d bytes, the manifest says %d (a copy cut short?)", rel, info.Size(), w.Size)
		default:
			have = append(have, File{Path: rel, Size: info.Size()})
		}
		delete(wantBy, rel)
		return nil
	})
	if err != nil {
		return fmt.Errorf("checking the build's files: %w", err)
	}
	var missing []string
	for p := range wantBy {
		missing = append(missing, p)
	}
	slices.Sort(missing)
	for _, p := range missing {
		add("%s is missing", p)
	}
	if err := hashAll(dir, have); err != nil {
		add("%v", err)
	}
	for _, f := range have {
		if f.SHA256 != "" {
			if w := findFile(want, f.Path); f.SHA256 != w.SHA256 {
				add("%s differs from the manifest (sha256 %.12s…, want %.12s…)", f.Path, f.SHA256, w.SHA256)
			}
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("the build's files do not match its manifest: %s", strings.Join(problems, "; "))
	}
	return nil
}

func findFile(files []File, p string) File {
	i, _ := slices.BinarySearchFunc(files, p, func(f File, p string) int { return strings.Compare(f.Path, p) })
	if i < len(files) && files[i].Path == p {
		return files[i]
	}
	for _, f := range files { // an unsorted manifest
		if f.Path == p {
			return f
		}
	}
	return File{}
}
