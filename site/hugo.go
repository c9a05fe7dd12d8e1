package site

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"sync"

	"github.com/gohugoio/hugo/commands"
)

// hugoMu serialises calls into Hugo: its commands package is built for one
// invocation per process and keeps state (loggers, file systems) we must not race.
var hugoMu sync.Mutex

// runHugo runs the linked-in Hugo with the given command-line arguments.
func runHugo(args []string) error {
	hugoMu.Lock()
	defer hugoMu.Unlock()
	// Hugo points the standard logger at its own output (nowhere, with --quiet);
	// put it back so that the caller's messages and fatal errors are still seen.
	w, prefix, flags := log.Writer(), log.Prefix(), log.Flags()
	defer func() {
		log.SetOutput(w)
		log.SetPrefix(prefix)
		log.SetFlags(flags)
	}()
	return commands.Execute(args)
}

// Build renders the Hugo project at root into dest, a directory that must not
// exist yet: the caller publishes it only when the whole build succeeded.
func Build(ctx context.Context, root, dest string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	root, err := filepath.Abs(root)
	if err != nil {
		return fmt.Errorf("finding project root: %w", err)
	}
	dest, err = filepath.Abs(dest)
	if err != nil {
		return fmt.Errorf("finding output directory: %w", err)
	}
	if _, err := os.Stat(dest); err == nil {
		return fmt.Errorf("building site: %s already exists; a site is built into a new directory", dest)
	}
	args := []string{
		"build",
		"--source", root,
		"--destination", dest,
		"--quiet",
		// The caller's build lock (package buildstore) already excludes other
		// builds; Hugo's own lock file would only be left behind in the project.
		"--noBuildLock",
		"--cacheDir", filepath.Join(os.TempDir(), "buyin-hugo-cache"),
	}
	if err := runHugo(args); err != nil {
		return fmt.Errorf("building site from %s: %w", root, err)
	}
	return nil
}
