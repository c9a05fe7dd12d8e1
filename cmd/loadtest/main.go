// The loadtest command drives a running playbook server with the searches people
// type and, in the same run, with its health check, the ceiling that any
// handler can reach on this machine, and prints requests per second and
// latency percentiles for both side by side.
//
//	loadtest [-url http://127.0.0.1:8080] [-c 1,16,64] [-d 10s] [-queries FILE] [-pid PID]
//	loadtest -start 'servebuilds -addr 127.0.0.1:8090' -url http://127.0.0.1:8090 [-runs 3]
//
// The searches are the relevance cases' queries, each whole, typed letter by
// letter, with a typo and with filters (package queryset): hundreds of
// different URLs, taken in turn so that no URL is sent twice in a row. Only
// addresses on this machine may be targeted, and every run stops by itself.
//
// With -start, it measures cold start instead: it runs the command (which must
// serve at -url) -runs times and prints, each time and as a median, how long
// from starting the process to the first search answered. The ceiling for
// that is a process that answers every request at once, which loadtest itself
// is with -serve-empty:
//
//	loadtest -start 'loadtest -serve-empty 127.0.0.1:8090' -url http://127.0.0.1:8090
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/buyin/playbook/internal/queryset"
)

func main() {
	log.SetPrefix("loadtest: ")
	log.SetFlags(0)
	var (
		base    = flag.String("url", "http://127.0.0.1:8080", "the server, on this machine")
		levels  = flag.String("c", "1,16,64", "concurrency levels, comma-separated")
		dur     = flag.Duration("d", 10*time.Second, "duration of each run (at most 2m)")
		queries = flag.String("queries", "cmd/indexer/testdata/relevance.toml", "relevance cases whose queries to send")
		pid     = flag.Int("pid", 0, "server process id, to report its resident memory")
		start   = flag.String("start", "", "measure cold start of this server command instead (it must serve at -url)")
		runs    = flag.Int("runs", 3, "cold starts to measure with -start")
		empty   = flag.String("serve-empty", "", "serve an empty handler at this address, the ceiling for -start")
	)
	flag.Parse()
	if *empty != "" {
		log.Fatal(serveEmpty(*empty))
	}
	if *start != "" {
		if err := checkLocal(*base); err != nil {
			log.Fatal(err)
		}
		if err := coldStart(*base, *start, max(*runs, 1)); err != nil {
			log.Fatal(err)
		}
		return
	}
	if err := run(*base, *levels, *dur, *queries, *pid); err != nil {
		log.Fatal(err)
	}
}

func run(base, levels string, dur time.Duration, queriesFile string, pid int) error {
	if err := checkLocal(base); err != nil {
		return err
	}
	dur = min(dur, 2*time.Minute)
	var cs []int
	for _, f := range strings.Split(levels, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 256 {
			return fmt.Errorf("-c: %q is not a concurrency from 1 to 256", f)
		}
		cs = append(cs, n)
	}
	qs, err := queryset.Load(queriesFile)
	if err != nil {
		return err
	}
	set := queryset.Mix(qs)
	searchURLs := make([]string, len(set))
	for i, s := range set {
		searchURLs[i] = strings.TrimRight(base, "/") + "/api/search?" + s.Query()
	}
	health := []string{strings.TrimRight(base, "/") + "/healthz"}
	fmt.Printf("%d distinct searches; %v per run\n\n", len(searchURLs), dur)
	fmt.Printf("%-5s %-8s %9s %9s %8s %8s %8s %8s %7s %7s\n", "conc", "target", "ok", "ok/s", "p50 ms", "p95 ms", "p99 ms", "errors", "shed", "5xx")
	for _, c := range cs {
		h := load(health, c, dur)
		s := load(searchURLs, c, dur)
		for _, r := range []struct {
			name string
			st   stats
		}{{"healthz", h}, {"search", s}} {
			fmt.Printf("%-5d %-8s %9d %9.0f %8.2f %8.2f %8.2f %8d %7d %7d\n", c, r.name, len(r.st.lat), r.st.rps, r.st.p(50), r.st.p(95), r.st.p(99), r.st.errors, r.st.shed, r.st.status5xx)
		}
		fmt.Printf("%-5d search/healthz throughput (answers 200 only): %.1f%%\n\n", c, 100*s.rps/h.rps)
	}
	if pid > 0 {
		if rss, hwm, err := memory(pid); err == nil {
			fmt.Printf("server resident memory: %s now, %s peak\n", rss, hwm)
		} else {
			fmt.Printf("server memory: %v\n", err)
		}
	}
	return nil
}

// checkLocal refuses a -url that is not on this machine.
func checkLocal(base string) error {
	u, err := url.Parse(base)
	if err != nil {
		return fmt.Errorf("-url: %w", err)
	}
	if !loopback(u.Hostname()) {
		return fmt.Errorf("-url %s: load tests may target only this machine (127.0.0.0/8, ::1, localhost)", base)
	}
	return nil
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// stats describe one run. Latencies and the rate are of answers 200 OK; a
// search shed with 503 (every search slot busy) is counted apart, since it is
// answered at once by design and would flatter the percentiles.
type stats struct {
	rps                     float64
	lat                     []time.Duration // sorted
	errors, shed, status5xx int64
}

func (s stats) p(q float64) float64 {
	if len(s.lat) == 0 {
		return 0
	}
	i := min(len(s.lat)-1, int(float64(len(s.lat))*q/100))
	return float64(s.lat[i].Microseconds()) / 1000
}

// load sends the URLs in turn from c clients for d and measures each request.
func load(urls []string, c int, d time.Duration) stats {
	tr := &http.Transport{MaxIdleConns: c, MaxIdleConnsPerHost: c, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var (
		next              atomic.Int64
		errs, shed, fives atomic.Int64
		mu                sync.Mutex
		all               []time.Duration
		wg                sync.WaitGroup
	)
	start := time.Now()
	for range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lat := make([]time.Duration, 0, 4096)
			for ctx.Err() == nil {
				u := urls[int(next.Add(1))%len(urls)]
				t := time.Now()
				res, err := client.Get(u)
				if err != nil {
					if ctx.Err() == nil {
						errs.Add(1)
					}
					continue
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				switch {
				case res.StatusCode == 200:
					lat = append(lat, time.Since(t))
				case res.StatusCode == http.StatusServiceUnavailable:
					shed.Add(1)
				case res.StatusCode >= 500:
					fives.Add(1)
				default:
					errs.Add(1)
				}
			}
			mu.Lock()
			all = append(all, lat...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	took := time.Since(start)
	slices.Sort(all)
	return stats{rps: float64(len(all)) / took.Seconds(), lat: all, errors: errs.Load(), shed: shed.Load(), status5xx: fives.Load()}
}

// memory reads a process's resident set size, now and at its peak.
func memory(pid int) (rss, hwm string, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return "", "", err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			rss = strings.TrimSpace(v)
		}
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			hwm = strings.TrimSpace(v)
		}
	}
	return rss, hwm, nil
}
