// The servebuilds command serves published builds of the Buy-In Playbook and
// nothing else: it cannot build, so it does not link Hugo, and it starts and
// stays small (see BENCHMARKS.md). It is what a read-only replica runs; the
// builds come from `indexer build` on any machine.
//
//	servebuilds [-config config.toml] [-builds DIR] [-addr HOST:PORT] [-log-queries]
//	servebuilds -healthcheck URL
//
// It serves the store's current build and switches to each newly published one,
// as `indexer serve -no-build` does. Without a config file, -builds is enough:
// the other settings take their defaults. With -healthcheck it serves nothing:
// it asks URL (a server's /healthz) and exits 0 if the server answers 200, 1
// if not, for a container's health check, which has no shell or curl.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/buyin/playbook/internal/buildstore"
	"github.com/buyin/playbook/server"
	"github.com/buyin/playbook/settings"
)

func main() {
	log.SetPrefix("servebuilds: ")
	log.SetFlags(0)
	config := flag.String("config", "config.toml", "the site's config file")
	builds := flag.String("builds", "", "directory of builds (default: [params.search] builds)")
	addr := flag.String("addr", "", "address to listen on (default: [params.search] addr)")
	logQueries := flag.Bool("log-queries", false, "put search text in the access log")
	healthcheck := flag.String("healthcheck", "", "only check the server at this /healthz URL: exit 0 if it answers 200")
	flag.Parse()
	if flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	if *healthcheck != "" {
		if err := checkHealth(*healthcheck, 5*time.Second); err != nil {
			log.Print(err)
			os.Exit(1)
		}
		return
	}
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "config" })
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, settings.Optional(*config, given, *builds), *builds, *addr, *logQueries); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, config, builds, addr string, logQueries bool) error {
	s, err := settings.LoadForBuilds(config, builds)
	if err != nil {
		return err
	}
	if addr != "" {
		s.Addr = addr
	}
	store, err := buildstore.Open(s.Builds)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	s.LogQueries = s.LogQueries || logQueries
	cfg := server.ConfigFrom(s, store, logger)
	cfg.Gaps = server.OpenGaps(s, logger) // nil when record_gaps is off
	defer cfg.Gaps.Close()                // after the server: its last counts are written
	srv, err := server.New(cfg)

	if errors.Is(err, buildstore.ErrNoBuild) {
		return fmt.Errorf("%w; publish one with: indexer build -builds %s", err, s.Builds)
	}
	if err != nil {
		return err
	}
	server.TuneMemory()
	if err := srv.Open(s.Addr); err != nil {
		srv.Close(time.Second)
		return err
	}
	logger.Info("serving the playbook", "url", "http://"+srv.Addr()+"/", "build", srv.BuildID())
	<-ctx.Done()
	return srv.Close(s.Drain.Duration)
}

// checkHealth asks url and says why the answer is not a 200.
func checkHealth(url string, timeout time.Duration) error {
	c := &http.Client{Timeout: timeout}
	res, err := c.Get(url)
	if err != nil {
		return fmt.Errorf("health check: %w", err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("health check: %s answered %s: %s", url, res.Status, body)
	}
	return nil
}
