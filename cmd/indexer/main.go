// The indexer command builds the Buy-In Playbook and serves it.
//
//	indexer build [-config config.toml] [-public DIR] [-index DIR]
//	indexer serve [-config config.toml] [-addr HOST:PORT] [-no-build] [-public DIR] [-index DIR]
//
// build renders the Hugo site (Hugo is linked into this program) into the public
// directory, then indexes what Hugo rendered into a Bleve index. serve builds the
// same way unless -no-build is given, then serves the site and the search API on
// one address. Defaults come from [params.search] in config.toml.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/buyin/playbook/playbook"
	"github.com/buyin/playbook/searchindex"
	"github.com/buyin/playbook/server"
	"github.com/buyin/playbook/settings"
	"github.com/buyin/playbook/site"
)

const usageText = `usage:
  indexer build [-config FILE] [-public DIR] [-index DIR]
      build the site into DIR (default public/) and the search index (default index.bleve/)
  indexer serve [-config FILE] [-addr HOST:PORT] [-no-build] [-public DIR] [-index DIR]
      build (unless -no-build), then serve the site and /api/search (default 127.0.0.1:8080)
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
	if err := run(ctx, os.Args[1], os.Args[2:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(2)
		}
		log.Fatal(err)
	}
}

// options are the flags both subcommands share.
type options struct {
	config        string
	public, index string
	addr          string
	noBuild       bool
}

func run(ctx context.Context, cmd string, args []string) error {
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	var o options
	fs.StringVar(&o.config, "config", "config.toml", "the site's config file; its directory is the project root")
	fs.StringVar(&o.public, "public", "", "directory for the built site (default: [params.search] public)")
	fs.StringVar(&o.index, "index", "", "directory for the search index (default: [params.search] index)")
	switch cmd {
	case "build":
	case "serve":
		fs.StringVar(&o.addr, "addr", "", "address to listen on, HOST:PORT (default: [params.search] addr)")
		fs.BoolVar(&o.noBuild, "no-build", false, "serve what was built before instead of building first")
	default:
		usage()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%s: unexpected arguments %q", cmd, fs.Args())
	}
	s, err := settings.Load(o.config)
	if err != nil {
		return err
	}
	if o.public != "" {
		s.Public = o.public
	}
	if o.index != "" {
		s.Index = o.index
	}
	if o.addr != "" {
		s.Addr = o.addr
	}
	root := filepath.Dir(o.config)
	if cmd == "build" || !o.noBuild {
		if err := build(ctx, root, s); err != nil {
			return err
		}
	}
	if cmd == "serve" {
		return serve(ctx, s)
	}
	return nil
}

// build validates the content, renders the site and indexes it.
func build(ctx context.Context, root string, s settings.Search) error {
	start := time.Now()
	if err := playbook.Validate(os.DirFS(root)); err != nil {
		return err
	}
	if err := site.Build(ctx, root, s.Public); err != nil {
		return err
	}
	docs, err := site.Documents(s.Public)
	if err != nil {
		return err
	}
	if err := searchindex.Build(ctx, s.Index, docs); err != nil {
		return fmt.Errorf("building index %s: %w", s.Index, err)
	}
	log.Printf("built %s and indexed %d documents into %s in %v", s.Public, len(docs), s.Index, time.Since(start).Round(time.Millisecond))
	return nil
}

func serve(ctx context.Context, s settings.Search) error {
	ix, err := searchindex.Open(s.Index, searchindex.Options{Synonyms: s.Synonyms, Timeout: s.Timeout.Duration})
	if errors.Is(err, searchindex.ErrNoIndex) {
		return fmt.Errorf("%w; build it with: go run ./cmd/indexer build (or run serve without -no-build)", err)
	}
	if err != nil {
		return err
	}
	defer ix.Close()
	if _, err := os.Stat(filepath.Join(s.Public, "index.html")); err != nil {
		return fmt.Errorf("no built site in %s; build it with: go run ./cmd/indexer build", s.Public)
	}
	h := server.New(server.Config{
		Public:   s.Public,
		Searcher: ix,
		Limits:   searchindex.Limits{MaxQueryBytes: s.MaxQueryBytes, DefaultSize: s.DefaultSize, MaxSize: s.MaxSize},
	})
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    16 << 10,
	}
	// Listen before serving so that a bad or busy address fails at once.
	ln, err := net.Listen("tcp", s.Addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", s.Addr, err)
	}
	log.Printf("serving the playbook at http://%s/ (search: /api/search?q=...)", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutting down: %w", err)
	}
	return nil
}
