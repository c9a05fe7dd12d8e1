package main

import (
	"strings"
	"testing"
	"time"
)

func TestOnlyThisMachine(t *testing.T) {
	for host, ok := range map[string]bool{"127.0.0.1": true, "localhost": true, "::1": true, "127.0.0.2": true,
		"10.0.0.1": false, "192.168.1.1": false, "example.com": false, "8.8.8.8": false} {
		if got := loopback(host); got != ok {
			t.Errorf("loopback(%q) = %v, want %v", host, got, ok)
		}
	}
	if err := run("http://10.1.2.3:8080", "1", 0, "x", 0); err == nil {
		t.Error("a load test against another machine was not refused")
	}
}

func TestPercentiles(t *testing.T) {
	s := stats{lat: nil}
	if s.p(50) != 0 {
		t.Error("percentile of nothing")
	}
	for i := 1; i <= 100; i++ {
		s.lat = append(s.lat, 1000000*timeDuration(i)) // i ms
	}
	if got := s.p(50); got != 51 {
		t.Errorf("p50 = %v ms, want 51", got)
	}
	if got := s.p(99); got != 100 {
		t.Errorf("p99 = %v ms, want 100", got)
	}
}

func timeDuration(i int) time.Duration { return time.Duration(i) }

// TestColdStartRefuses checks that -start reports a command that does not
// serve, rather than waiting or printing a time.
func TestColdStartRefuses(t *testing.T) {
	tests := []struct{ name, command, want string }{
		{"no command", "  ", "no command"},
		{"exits at once", "true", "exited before answering"},
		{"not a program", "/nonexistent/server", "starting"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := coldStart("http://127.0.0.1:1", tt.command, 1)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("coldStart(%q) = %v, want an error saying %q", tt.command, err, tt.want)
			}
		})
	}
}
