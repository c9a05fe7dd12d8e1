// The indexer command builds the Buy-In Playbook and serves it.
//
//	indexer build    [-config config.toml] [-builds DIR]
//	indexer serve    [-config config.toml] [-builds DIR] [-addr HOST:PORT] [-no-build] [-log-queries] [-watch]
//	indexer rollback [-config config.toml] [-builds DIR] [-to ID]
//	indexer publish  [-config config.toml] [-builds DIR] SRC
//	indexer builds   [-config config.toml] [-builds DIR]
//	indexer check    [-config config.toml]
//	indexer gaps     [-config config.toml] [-json] [-reset] [-min N] [GAPFILE...]
//
// build validates the content, renders the site with the linked-in Hugo, indexes
// what Hugo rendered, and publishes the two together as one build. serve builds
// the same way unless -no-build is given, then serves the current build and
// switches to each newly published one; with -watch it also rebuilds whenever
// an author changes the content. rollback makes the build that was
// current before the current one current again (or build ID, with -to); a
// running serve follows. publish installs a build made elsewhere (a replica's
// rollout): it checks every file against the build's manifest, opens and probes
// the build, and only then makes it current. builds lists the builds and why
// each is kept. check validates the content and prints every problem. gaps
// reports what readers searched for and did not find (when record_gaps is on),
// merging the files of several servers, or empties them. Defaults
// come from [params.search] in config.toml; rollback, publish and builds work
// from -builds alone when there is no config file.
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
	"strings"
	"syscall"
	"text/tabwriter"
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
  indexer rollback [-config FILE] [-builds DIR] [-to ID]
      make the build that was current before the current one current again
      (or build ID)
  indexer publish  [-config FILE] [-builds DIR] [-keep N] SRC
      install the build directory SRC, made by indexer build elsewhere:
      check its files and open it, then make it current
  indexer builds   [-config FILE] [-builds DIR]
      list the builds: when each was published, its documents, which is
      current, and why each is kept
  indexer check    [-config FILE]
      validate the content and print every problem
  indexer gaps     [-config FILE] [-json] [-reset] [-min N] [GAPFILE...]
      list what readers searched for and did not find, most searched first
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
	to         string
	keep       int
}

func run(ctx context.Context, cmd string, args []string, stderr io.Writer) error {
	if cmd == "gaps" {
		return gapsCommand(ctx, args, os.Stdout, stderr)
	}
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.StringVar(&o.config, "config", "config.toml", "the site's config file; its directory is the project root")
	switch cmd {
	case "build", "builds":
		fs.StringVar(&o.builds, "builds", "", "directory of builds (default: [params.search] builds)")
	case "rollback":
		fs.StringVar(&o.builds, "builds", "", "directory of builds (default: [params.search] builds)")
		fs.StringVar(&o.to, "to", "", "the id of the build to make current (default: the one current before)")
	case "publish":
		fs.StringVar(&o.builds, "builds", "", "directory of builds (default: [params.search] builds)")
		fs.IntVar(&o.keep, "keep", 0, "builds to keep (default: [params.search] keep_builds)")
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
	var src string
	if cmd == "publish" {
		if fs.NArg() != 1 {
			return fmt.Errorf("publish: name one build directory to publish, as in: indexer publish -builds /srv/buyin/builds /tmp/20261206T051736.123456789Z")
		}
		src = fs.Arg(0)
	} else if fs.NArg() > 0 {
		return fmt.Errorf("%s: unexpected arguments %q", cmd, fs.Args())
	}
	root := filepath.Dir(o.config)
	if cmd == "check" {
		return check(root, stderr)
	}
	s, err := loadSettings(cmd, o, fs)
	if err != nil {
		return err
	}
	if o.addr != "" {
		s.Addr = o.addr
	}
	s.LogQueries = s.LogQueries || o.logQueries
	store, err := buildstore.Open(s.Builds)
	if err != nil {
		return err
	}
	if o.keep > 0 {
		s.KeepBuilds = o.keep
	}
	switch cmd {
	case "rollback":
		b, err := builder.Rollback(ctx, store, o.to, server.Check)
		if err != nil {
			return err
		}
		log.Printf("build %s is current again", b.ID)
		return nil
	case "publish":
		res, err := builder.Install(ctx, store, src, s.KeepBuilds, server.Check)
		if err != nil && res.ID == "" {
			return err
		}
		log.Printf("published build %s (%d documents) in %s", res.ID, res.Documents, store.Dir())
		return err
	case "builds":
		return listBuilds(store, s.KeepBuilds, os.Stdout)
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
			res, err := builder.Build(ctx, builder.Config{Root: root, Store: store, Synonyms: s.Synonyms, Keep: s.KeepBuilds, Incremental: true, Analyses: analyses, Verify: server.Check})
			return res, err
		}
	}
	return serve(ctx, store, s, stderr, root, rebuild)
}

// loadSettings reads config.toml. Commands that only handle builds
// (rollback, publish, builds) need none when -builds names the store and
// -config was not given: a replica has builds and no source.
func loadSettings(cmd string, o options, fs *flag.FlagSet) (settings.Search, error) {
	if cmd != "rollback" && cmd != "publish" && cmd != "builds" {
		s, err := settings.Load(o.config)
		if err == nil && o.builds != "" {
			s.Builds = o.builds
		}
		return s, err
	}
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == "config" })
	s, err := settings.LoadForBuilds(settings.Optional(o.config, given, o.builds), o.builds)
	if err != nil && o.builds == "" {
		err = fmt.Errorf("%w (or name the builds directory with -builds DIR)", err)
	}
	return s, err
}

// listBuilds prints each build: id, when it became current, documents,
// whether it is current, and why it is kept.
func listBuilds(store *buildstore.Store, keep int, w io.Writer) error {
	kept, err := store.Keeping(keep)
	if err != nil {
		return err
	}
	journal, err := store.Journal()
	if err != nil {
		return err
	}
	published := map[string]time.Time{}
	for _, e := range journal {
		if _, ok := published[e.ID]; !ok && e.How != "rollback" {
			published[e.ID] = e.Time
		}
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "BUILD\tPUBLISHED\tDOCUMENTS\tCURRENT\tKEPT BECAUSE")
	for _, k := range kept {
		when, docs := "-", "-"
		if t, ok := published[k.ID]; ok {
			when = t.Local().Format("2006-01-02 15:04:05")
		}
		if info, err := builder.ReadInfo(store.Build(k.ID)); err == nil {
			docs = fmt.Sprint(info.Documents)
		}
		cur := ""
		if k.Current {
			cur = "yes"
		}
		why := strings.Join(k.Reasons, ", ")
		if why == "" {
			why = "(removed at the next build)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", k.ID, when, docs, cur, why)
	}
	return tw.Flush()
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
	res, err := builder.Build(ctx, builder.Config{Root: root, Store: store, Synonyms: s.Synonyms, Keep: s.KeepBuilds, Analyses: analyses, Verify: server.Check})
	if err != nil && res.ID == "" {
		return err
	}
	if err != nil {
		log.Print(err) // published, but old builds were not all removed
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
	cfg := server.ConfigFrom(s, store, logger)
	cfg.Gaps = server.OpenGaps(s, logger) // nil when record_gaps is off
	defer cfg.Gaps.Close()                // after the server: its last counts are written
	srv, err := server.New(cfg)

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
	return srv.Close(s.Drain.Duration)
}
