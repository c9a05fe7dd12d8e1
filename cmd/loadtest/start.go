package main

import (
	"errors"
	"fmt"
	"net/http"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"time"
)

// coldStart starts the server command runs times and measures, each time, how
// long from starting the process to the first search answered 200, which is
// what a person waiting for a restarted server feels. The command must serve
// at base; it is stopped after each run.
func coldStart(base, command string, runs int) error {
	args := strings.Fields(command)
	if len(args) == 0 {
		return errors.New("-start: no command")
	}
	probe := strings.TrimRight(base, "/") + "/api/search?q=customer+upset"
	client := &http.Client{Timeout: time.Second}
	var took []time.Duration
	for i := range runs {
		d, rss, err := startOnce(client, probe, args)
		if err != nil {
			return fmt.Errorf("run %d: %w", i+1, err)
		}
		fmt.Printf("run %d: first search answered %.0f ms after the process started; resident %s\n", i+1, ms(d), rss)
		took = append(took, d)
	}
	slices.Sort(took)
	fmt.Printf("cold start, median of %d: %.0f ms (min %.0f, max %.0f)\n", runs, ms(took[len(took)/2]), ms(took[0]), ms(took[len(took)-1]))
	return nil
}

func startOnce(client *http.Client, probe string, args []string) (time.Duration, string, error) {
	if res, err := client.Get(probe); err == nil {
		res.Body.Close()
		return 0, "", fmt.Errorf("something already answers %s; stop it first", probe)
	}
	cmd := exec.Command(args[0], args[1:]...)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, "", fmt.Errorf("starting %s: %w", args[0], err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	}()
	deadline := start.Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			done <- err
			return 0, "", fmt.Errorf("%s exited before answering: %v", args[0], err)
		default:
		}
		res, err := client.Get(probe)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				took := time.Since(start)
				rss, _, _ := memory(cmd.Process.Pid)
				return took, rss, nil
			}
		}
		time.Sleep(time.Millisecond)
	}
	return 0, "", fmt.Errorf("%s did not answer %s within a minute", args[0], probe)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// serveEmpty answers every request with 200 and nothing else: the fastest a
// process can start and answer on this machine.
func serveEmpty(addr string) error {
	if err := checkLocal("http://" + addr); err != nil {
		return err
	}
	return http.ListenAndServe(addr, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
}
