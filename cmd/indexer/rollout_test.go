package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/buyin/playbook/internal/buildstore"
)

// TestRolloutBehindNginx is a rollout as an operator runs it: three replicas
// (servebuilds processes, each with its own builds directory) behind Debian's
// nginx configured with deploy/nginx.conf, under load from clients that load
// pages with every asset they reference and search. A build that changes
// content and the stylesheet is published on each replica in turn with
// `indexer publish`. No request may fail; 503s (load shedding) are counted
// apart.
func TestRolloutBehindNginx(t *testing.T) {
	nginx := lookNginx(t)
	root := projectRoot(t)
	dir := t.TempDir()

	// The servebuilds binary, as deployed.
	bin := filepath.Join(dir, "servebuilds")
	if out, err := exec.Command("go", "build", "-o", bin, filepath.Join(root, "cmd", "servebuilds")).CombinedOutput(); err != nil {
		t.Fatalf("go build servebuilds: %v\n%s", err, out)
	}

	// The new build: new content and a new stylesheet.
	proj := copyProject(t)
	css := filepath.Join(proj, "assets", "css", "site.css")
	b, err := os.ReadFile(css)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(css, append(b, []byte("\n/* rollout */ .rollout-marker { color: inherit; }\n")...), 0o644)
	os.WriteFile(filepath.Join(proj, "content", "foundations", "rolloutmarker.md"),
		[]byte("+++\ntitle = \"Rolloutmarker\"\nsummary = \"A page only in the new build.\"\nsources = [\"house\"]\n+++\nThe word rolloutmarker is only in the new build.\n"), 0o644)
	newStore := filepath.Join(dir, "made")
	if err := run(context.Background(), "build", []string{"-config", filepath.Join(proj, "config.toml"), "-builds", newStore}, io.Discard); err != nil {
		t.Fatal(err)
	}
	made, _ := buildstore.Open(newStore)
	next, _ := made.Current()
	old := playbookSite.build

	// Three replicas on the old build.
	var replicas []string
	for i := range 3 {
		store := filepath.Join(dir, fmt.Sprintf("replica%d", i))
		if err := run(context.Background(), "publish", []string{"-builds", store, old.Dir}, io.Discard); err != nil {
			t.Fatal(err)
		}
		addr := freeAddr(t)
		cmd := exec.Command(bin, "-builds", store, "-addr", addr)
		logf, _ := os.Create(filepath.Join(dir, fmt.Sprintf("replica%d.log", i)))
		cmd.Stdout, cmd.Stderr = logf, logf
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait(); logf.Close() })
		waitHealthy(t, "http://"+addr)
		replicas = append(replicas, addr)
	}

	// nginx with the shipped configuration, pointed at them.
	front := freeAddr(t)
	conf, err := os.ReadFile(filepath.Join(root, "deploy", "nginx.conf"))
	if err != nil {
		t.Fatal(err)
	}
	upstream := regexp.MustCompile(`(?m)^\s*server 127\.0\.0\.1:808\d (.*)$`)
	i := 0
	site := upstream.ReplaceAllStringFunc(string(conf), func(line string) string {
		m := upstream.FindStringSubmatch(line)
		s := fmt.Sprintf("    server %s %s", replicas[i%3], m[1])
		i++
		return s
	})
	site = strings.Replace(site, "listen 80;", "listen "+front+";", 1)
	if i != 3 || !strings.Contains(site, front) {
		t.Fatalf("deploy/nginx.conf no longer has three upstream servers and listen 80: cannot point it at the test replicas")
	}
	os.WriteFile(filepath.Join(dir, "buyin.conf"), []byte(site), 0o644)
	user := ""
	if os.Geteuid() == 0 {
		user = "user root;"
	}
	for _, d := range []string{"body", "proxy", "fastcgi", "uwsgi", "scgi"} {
		os.MkdirAll(filepath.Join(dir, "tmp", d), 0o777)
	}
	main := fmt.Sprintf(`%s
daemon off;
worker_processes 1;
pid %[2]s/nginx.pid;
error_log %[2]s/nginx-error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path %[2]s/tmp/body;
    proxy_temp_path %[2]s/tmp/proxy;
    fastcgi_temp_path %[2]s/tmp/fastcgi;
    uwsgi_temp_path %[2]s/tmp/uwsgi;
    scgi_temp_path %[2]s/tmp/scgi;
    include %[2]s/buyin.conf;
}
`, user, dir)
	os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(main), 0o644)
	ng := exec.Command(nginx, "-e", filepath.Join(dir, "nginx-error.log"), "-p", dir, "-c", filepath.Join(dir, "nginx.conf"))
	if err := ng.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ng.Process.Signal(syscall.SIGTERM) // the master stops its workers
		ng.Wait()
		if t.Failed() {
			b, _ := os.ReadFile(filepath.Join(dir, "nginx-error.log"))
			t.Logf("nginx error log:\n%s", b)
		}
	})
	base := "http://" + front
	waitHealthy(t, base)

	// Load, and the rollout in the middle of it.
	var (
		ok, shed, fromNew atomic.Int64
		mu                sync.Mutex
		failures          []string
		stop              = make(chan struct{})
		wg                sync.WaitGroup
	)
	fail := func(s string) {
		mu.Lock()
		defer mu.Unlock()
		if len(failures) < 20 {
			failures = append(failures, s)
		}
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 32}, Timeout: 10 * time.Second}
	get := func(p string) (string, bool) {
		res, err := client.Get(base + p)
		if err != nil {
			fail(fmt.Sprintf("GET %s: %v", p, err))
			return "", false
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		switch {
		case res.StatusCode == http.StatusServiceUnavailable && res.Header.Get("Retry-After") != "":
			shed.Add(1)
			return "", false
		case res.StatusCode != http.StatusOK:
			fail(fmt.Sprintf("GET %s: %d from build %q", p, res.StatusCode, res.Header.Get("X-Build")))
			return "", false
		}
		ok.Add(1)
		if res.Header.Get("X-Build") == next.ID {
			fromNew.Add(1)
		}
		return string(body), true
	}
	asset := regexp.MustCompile(`(?:href|src)="(/(?:css|js)/[^"]+)"`)
	pages := []string{"/", "/techniques/invite-the-lions/", "/situations/customer-upset/", "/foundations/", "/checklists/"}
	queries := []string{"customer+upset", "partner+not+delivering", "lions", "rolloutmarker", "say+yes+nothing+happens"}
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := w; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				if body, good := get(pages[n%len(pages)]); good {
					for _, m := range asset.FindAllStringSubmatch(body, -1) {
						get(m[1])
					}
				}
				get("/api/search?q=" + queries[n%len(queries)])
			}
		}()
	}
	time.Sleep(time.Second)
	start := time.Now()
	for _, r := range []int{0, 1, 2} {
		store := filepath.Join(dir, fmt.Sprintf("replica%d", r))
		if err := run(context.Background(), "publish", []string{"-builds", store, next.Dir}, io.Discard); err != nil {
			t.Fatalf("publish on replica %d: %v", r, err)
		}
		time.Sleep(300 * time.Millisecond)
	}
	for _, addr := range replicas {
		waitFor(t, "replica "+addr+" on the new build", func() bool {
			res, err := http.Get("http://" + addr + "/healthz")
			if err != nil {
				return false
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			return strings.Contains(string(b), `"build":"`+next.ID+`"`) && strings.Contains(string(b), `"status":"ok"`)
		})
	}
	t.Logf("rollout took %v", time.Since(start).Round(time.Millisecond))
	time.Sleep(time.Second)
	close(stop)
	wg.Wait()
	t.Logf("%d answers (%d from the new build), %d shed (503), %d failed", ok.Load(), fromNew.Load(), shed.Load(), len(failures))
	for _, f := range failures {
		t.Error(f)
	}
	if fromNew.Load() == 0 {
		t.Error("no answer came from the new build")
	}
	if body, _ := get("/api/search?q=rolloutmarker+"); !strings.Contains(body, "/foundations/rolloutmarker/") {
		t.Errorf("after the rollout, search does not find the new page: %.200s", body)
	}
}

func lookNginx(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"nginx", "/usr/sbin/nginx"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("BUYIN_REQUIRE_BROWSER") != "" {
		t.Fatal("nginx is not installed (apt-get install nginx-light); CI must run the rollout test")
	}
	t.Skip("nginx is not installed")
	return ""
}

func waitHealthy(t *testing.T, base string) {
	t.Helper()
	waitFor(t, base+"/healthz", func() bool {
		res, err := http.Get(base + "/healthz")
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == 200
	})
}
