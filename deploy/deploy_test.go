// Package deploy holds the files that run the playbook on a host (a systemd
// unit), in a container and behind nginx; its tests check them.
package deploy

import (
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/buyin/playbook/settings"
)

func read(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestUnitIsSandboxed runs systemd's own rating of the unit: 3.5 or less.
func TestUnitIsSandboxed(t *testing.T) {
	if _, err := exec.LookPath("systemd-analyze"); err != nil {
		if os.Getenv("BUYIN_REQUIRE_BROWSER") != "" {
			t.Fatal("systemd-analyze not installed (apt-get install systemd)")
		}
		t.Skip("systemd-analyze not installed")
	}
	out, err := exec.Command("systemd-analyze", "security", "--offline=yes", "buyin.service").CombinedOutput()
	if err != nil {
		t.Fatalf("systemd-analyze security: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`Overall exposure level for buyin.service: ([0-9.]+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("no exposure level in:\n%s", out)
	}
	level, _ := strconv.ParseFloat(string(m[1]), 64)
	if level > 3.5 {
		t.Errorf("exposure level %.1f, want 3.5 or less:\n%s", level, out)
	}
	t.Logf("exposure level %.1f", level)
}

// TestUnitStopsAfterTheDrain: systemd must not kill the server while it drains,
// and a server that cannot start must not restart for ever.
func TestUnitStopsAfterTheDrain(t *testing.T) {
	unit := read(t, "buyin.service")
	m := regexp.MustCompile(`(?m)^TimeoutStopSec=(\d+)$`).FindStringSubmatch(unit)
	if m == nil {
		t.Fatal("no TimeoutStopSec in the unit")
	}
	stop, _ := strconv.Atoi(m[1])
	s, err := settings.Load("../config.toml")
	if err != nil {
		t.Fatal(err)
	}
	if time.Duration(stop)*time.Second <= s.Drain.Duration+2*time.Second {
		t.Errorf("TimeoutStopSec=%d is not above the drain deadline %v with room to spare", stop, s.Drain.Duration)
	}
	for _, want := range []string{"StartLimitBurst=", "StartLimitIntervalSec="} {
		if !strings.Contains(unit, want) {
			t.Errorf("the unit has no %s: a bad build could become a restart loop", want)
		}
	}
}

// TestContainerContext: builds and history stay out of the image's context,
// for Docker and for Podman, and the image checks its own health without a shell.
func TestContainerContext(t *testing.T) {
	for _, f := range []string{"../.dockerignore", "../.containerignore"} {
		lines := strings.Fields(read(t, f))
		for _, want := range []string{".git", "builds"} {
			found := false
			for _, l := range lines {
				found = found || l == want
			}
			if !found {
				t.Errorf("%s does not leave out %s", f, want)
			}
		}
	}
	if cf := read(t, "Containerfile"); !strings.Contains(cf, `HEALTHCHECK`) || !strings.Contains(cf, `"-healthcheck"`) {
		t.Error("the Containerfile has no HEALTHCHECK running servebuilds -healthcheck")
	}
}
