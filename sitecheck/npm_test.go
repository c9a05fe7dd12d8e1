package sitecheck_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// The checkers, from npm at pinned versions: the accessibility engine that
// Lighthouse and browser extensions use, and the Nu Html Checker (W3C's
// validator) as a jar.
var npmPackages = map[string]string{
	"axe-core": "4.14.1",
	"vnu-jar":  "26.9.27",
}

var npmOnce struct {
	sync.Once
	dir string
	err error
}

// npmDir is the directory whose node_modules hold npmPackages: $BUYIN_NPM_DIR,
// or buyin-sitecheck in the user's cache directory. Missing or other versions
// are installed there once (npm install --no-save, without install scripts:
// vnu-jar's would fetch a Java runtime), which needs npm and the registry.
func npmDir(t *testing.T) string {
	t.Helper()
	npmOnce.Do(func() {
		dir := os.Getenv("BUYIN_NPM_DIR")
		if dir == "" {
			cache, err := os.UserCacheDir()
			if err != nil {
				npmOnce.err = err
				return
			}
			dir = filepath.Join(cache, "buyin-sitecheck")
		}
		npmOnce.dir = dir
		var args []string
		for name, version := range npmPackages {
			if installed(dir, name) != version {
				args = append(args, name+"@"+version)
			}
		}
		if len(args) == 0 {
			return
		}
		npm, err := exec.LookPath("npm")
		if err != nil {
			npmOnce.err = err
			return
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			npmOnce.err = err
			return
		}
		cmd := exec.Command(npm, append([]string{"install", "--no-save", "--no-package-lock", "--ignore-scripts", "--no-audit", "--no-fund", "--prefix", dir}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			npmOnce.err = &npmError{err, out}
		}
	})
	if npmOnce.err != nil {
		missing(t, "installing %v with npm into %s (or set BUYIN_NPM_DIR to where they are): %v", npmPackages, npmOnce.dir, npmOnce.err)
	}
	return npmOnce.dir
}

type npmError struct {
	err error
	out []byte
}

func (e *npmError) Error() string { return e.err.Error() + "\n" + string(e.out) }

// installed is the version of an npm package in dir, or "".
func installed(dir, name string) string {
	b, err := os.ReadFile(filepath.Join(dir, "node_modules", name, "package.json"))
	if err != nil {
		return ""
	}
	var p struct{ Version string }
	json.Unmarshal(b, &p)
	return p.Version
}

// npmFile is a file of an npm package, installing the packages if need be.
func npmFile(t *testing.T, name, file string) string {
	t.Helper()
	return filepath.Join(npmDir(t), "node_modules", name, file)
}
