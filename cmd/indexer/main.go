// The indexer command builds the Buy-In Playbook and serves it.
//
//	indexer build    [-config config.toml] [-builds DIR]
//	indexer serve    [-config config.toml] [-builds DIR] [-addr HOST:PORT] [-no-build] [-log-queries] [-watch]
//	indexer rollback [-config config.toml] [-builds DIR]
//	indexer check    [-config config.toml]
//
// build validates the content, renders the site with the linked-in Hugo, indexes
// what Hugo rendered, and publishes the two together as one build. serve builds
// the same way unless -no-build is given, then serves the current build and
// switches to each newly published one; with -watch it also rebuilds whenever
// an author changes the content. rollback makes the previous build
// current; a running serve follows. check validates the content and prints every
// problem. Defaults come from [params.search] in config.toml.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/buyin/playbook/builder"
	"github.com/buyin/playbook/internal/buildstore"
	"github.com/buyin/playbook/playbook"
	"github.com/buyin/playbook/searchindex"
	"github.com/buyin/playbook/server"
	"github.com/buyin/playbook/settings"
	"github.com/buyin/playbook/watch"
)

const usageText = `usage:
  indexer build    [-config FILE] [-builds DIR]
      validate, render and index the playbook, and publish it as the current build
  indexer serve    [-config FILE] [-builds DIR] [-addr HOST:PORT] [-no-build] [-log-queries] [-watch]
      build (unless -no-build), then serve the current build and follow new ones;
      with -watch, rebuild whenever the content changes
  indexer rollback [-config FILE] [-builds DIR]
      make the previous build current again
  indexer check    [-config FILE]
      validate the content and print every problem
`

func usage() {
	fmt.Fprint(os.Stderr, usageText)
	os.Exit(2)
}

func main() {
	log.SetPrefix("indexer: ")
	log.SetFlags(0)
	if len(os.Args) < 2 {
		usage()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1], os.Args[2:], os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) || errors.Is(err, errUsage) {
			os.Exit(2)
		}
		log.Fatal(err)
	}
}

var errUsage = errors.New("usage")

// options are the command's flags.
type options struct {
	config     string
	builds     string
	addr       string
	noBuild    bool
	logQueries bool
	watch      bool
}

func run(ctx context.Context, cmd string, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.StringVar(&o.config, "config", "config.toml", "the site's config file; its directory is the project root")
	switch cmd {
	case "build", "rollback":
		fs.StringVar(&o.builds, "builds", "", "directory of builds (default: [params.search] builds)")
	case "serve":
		fs.StringVar(&o.builds, "builds", "", "directory of builds (default: [params.search] builds)")
		fs.StringVar(&o.addr, "addr", "", "address to listen on, HOST:PORT (default: [params.search] addr)")
		fs.BoolVar(&o.noBuild, "no-build", false, "serve what was built before instead of building first")
		fs.BoolVar(&o.logQueries, "log-queries", false, "put search text in the access log")
		fs.BoolVar(&o.watch, "watch", false, "rebuild when content, data, layouts or config.toml change (for authors)")
	case "check":
	default:
		fmt.Fprint(stderr, usageText)
		return errUsage
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%s: unexpected arguments %q", cmd, fs.Args())
	}
	root := filepath.Dir(o.config)
	if cmd == "check" {
		return check(root, stderr)
	}
	s, err := settings.Load(o.config)
	if err != nil {
		return err
	}
	if o.builds != "" {
		s.Builds = o.builds
	}
	if o.addr != "" {
		s.Addr = o.addr
	}
	s.LogQueries = s.LogQueries || o.logQueries
	store, err := buildstore.Open(s.Builds)
	if err != nil {
		return err
	}
	switch cmd {
	case "rollback":
		b, err := builder.Rollback(ctx, store)
		if err != nil {
			return err
		}
		log.Printf("build %s is current again", b.ID)
		return nil
	case "build":
		return build(ctx, root, store, s, nil)
	}
	// Under -watch, each build keeps its documents' analysis for the next,
	// which analyses only the documents an edit changed.
	var analyses *searchindex.Analyses
	if o.watch {
		analyses = searchindex.NewAnalyses()
	}
	if !o.noBuild {
		if err := build(ctx, root, store, s, analyses); err != nil {
			return err
		}
	}
	var rebuild func(context.Context) (builder.Result, error)
	if o.watch {
		rebuild = func(ctx context.Context) (builder.Result, error) {
			s, err := settings.Load(o.config) // config.toml may be what changed
			if err != nil {
				return builder.Result{}, err
			}
			res, err := builder.Build(ctx, builder.Config{Root: root, Store: store, Synonyms: s.Synonyms, Keep: s.KeepBuilds, Incremental: true, Analyses: analyses})
			return res, err
		}
	}
	return serve(ctx, store, s, stderr, root, rebuild)
}

// check validates the content and prints every problem, not only the first few.
func check(root string, stderr io.Writer) error {
	if err := playbook.ValidateAll(os.DirFS(root)); err != nil {
		return err
	}
	fmt.Fprintln(stderr, "indexer: content is valid")
	return nil
}

func build(ctx context.Context, root string, store *buildstore.Store, s settings.Search, analyses *searchindex.Analyses) error {
	res, err := builder.Build(ctx, builder.Config{Root: root, Store: store, Synonyms: s.Synonyms, Keep: s.KeepBuilds, Analyses: analyses})
	if err != nil {
		return err
	}
	log.Printf("published build %s (%d documents) in %s in %v (validate %v, site %v, index %v)", res.ID, res.Documents, store.Dir(),
		res.Took.Round(time.Millisecond), res.Phases["validate"].Round(time.Millisecond), res.Phases["site"].Round(time.Millisecond), res.Phases["index"].Round(time.Millisecond))
	return nil
}

// serve serves the store's current build until ctx is done. With rebuild, it
// watches the project at root and rebuilds on every change: a good build is
// served at once; a failed one is logged and shown on every page, and the last
// good build keeps serving.
func serve(ctx context.Context, store *buildstore.Store, s settings.Search, stderr io.Writer, root string, rebuild func(context.Context) (builder.Result, error)) error {
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	srv, err := server.New(server.ConfigFrom(s, store, logger))

	if errors.Is(err, buildstore.ErrNoBuild) {
		return fmt.Errorf("%w; build it with: go run ./cmd/indexer build (or run serve without -no-build)", err)
	}
	if err != nil {
		return err
	}
	server.TuneMemory()
	var changes <-chan struct{}
	if rebuild != nil {
		// Watch from before the server answers, so that no edit made once it
		// is up can be taken for the state it started from.
		// The system reports an edit at once; 20 ms of quiet is enough for
		// an editor's writes and renames of one save.
		changes = watch.Changes(ctx, root, 100*time.Millisecond, 20*time.Millisecond)
	}
	if err := srv.Open(s.Addr); err != nil {
		srv.Close(time.Second)
		return err
	}
	logger.Info("serving the playbook", "url", "http://"+srv.Addr()+"/", "build", srv.BuildID(), "watch", rebuild != nil)
	if rebuild != nil {
		go func() {
			for range changes {
				start := time.Now()
				res, err := rebuild(ctx)
				if err == nil {
					err = srv.Switch(res.Build)
				}
				srv.SetBuildError(err)
				if err != nil {
					logger.Error("rebuild failed; still serving the last good build", "err", err)
					continue
				}
				logger.Info("rebuilt", "build", res.ID, "documents_changed", res.Changed, "ms", time.Since(start).Milliseconds(),
					"site_ms", res.Phases["site"].Milliseconds(), "index_ms", res.Phases["index"].Milliseconds())
			}
		}()
	}
	<-ctx.Done()
	log.Printf("shutting down: finishing requests in flight")
	return srv.Close(10 * time.Second)
}
