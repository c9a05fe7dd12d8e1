package gaps

import (
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Options configure a Recorder.
type Options struct {
	// Path is the gap file. Its directory must be writable by the process.
	Path string
	// MaxEntries caps the queries kept in the file; zero means 10000. The
	// counts waiting in memory are capped at twice as many.
	MaxEntries int
	// Interval is how often counts are written; zero means a minute.
	Interval time.Duration
	// Logger receives the problems met; nil means slog.Default(). Queries are
	// never logged.
	Logger *slog.Logger
	// Now is the clock, for tests; nil means time.Now.
	Now func() time.Time
}

// Recorder counts queries and adds the counts to its file in the background.
// It is safe for concurrent use. A nil *Recorder counts nothing.
type Recorder struct {
	opts Options
	log  *slog.Logger

	mu      sync.Mutex
	pending *table // counted since the last write

	writeMu sync.Mutex // one write at a time
	failing string     // the last write's error, to log a failure once

	stop      chan struct{}
	done      chan struct{}
	closeOnce sync.Once
}

// Open starts a Recorder writing to opts.Path. It does not fail: a file it
// cannot read is set aside and logged, and a directory it cannot write is
// logged, so that counting can never stop a server from starting.
func Open(opts Options) *Recorder {
	if opts.MaxEntries <= 0 {
		opts.MaxEntries = 10000
	}
	if opts.Interval <= 0 {
		opts.Interval = time.Minute
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	r := &Recorder{opts: opts, log: opts.Logger, pending: newTable(), stop: make(chan struct{}), done: make(chan struct{})}
	r.check()
	go r.loop()
	return r
}

// check reads the file and tries the directory, so that a problem is in the
// log at start-up rather than a minute later.
func (r *Recorder) check() {
	if _, err := r.read(); err != nil {
		r.log.Error("gap report: cannot read the gap file; counts wait in memory until it can be written", "file", r.opts.Path, "err", err)
		return
	}
	dir := filepath.Dir(r.opts.Path)
	err := os.MkdirAll(dir, 0o700)
	if err == nil {
		var f *os.File
		if f, err = os.CreateTemp(dir, ".probe-*"); err == nil {
			f.Close()
			os.Remove(f.Name())
		}
	}
	if err != nil {
		r.log.Error("gap report: cannot write the gap file's directory; counts wait in memory until it can", "dir", dir, "err", err)
		return
	}
	r.log.Info("gap report: counting searches that find too little", "file", r.opts.Path)
}

// read reads the file for adding to it: a missing file is empty, and a file
// that is not a gap file is set aside (and logged), so counting starts afresh.
func (r *Recorder) read() ([]Entry, error) {
	es, err := Read(r.opts.Path)
	switch {
	case err == nil:
		return es, nil
	case errors.Is(err, fs.ErrNotExist):
		return nil, nil
	case errors.Is(err, ErrCorrupt):
		aside, aerr := setAside(r.opts.Path, r.opts.Now())
		if aerr != nil {
			return nil, errors.Join(err, aerr)
		}
		r.log.Error("gap report: the gap file was not readable; it is kept aside and counting starts afresh", "file", r.opts.Path, "kept_as", aside, "err", err)
		return nil, nil
	default:
		return nil, err
	}
}

// Count counts one search for query. It only touches memory.
func (r *Recorder) Count(query string) {
	if r == nil {
		return
	}
	q := Normalize(query)
	if q == "" {
		return
	}
	day := Day(r.opts.Now())
	r.mu.Lock()
	defer r.mu.Unlock()
	r.pending.add(q, 1, day)
	if len(r.pending.m) > 2*r.opts.MaxEntries {
		r.pending.trim(r.opts.MaxEntries)
	}
}

// Flush adds the counts made since the last write to the file now. If the
// file cannot be written, they are kept for the next try.
func (r *Recorder) Flush() error {
	if r == nil {
		return nil
	}
	r.writeMu.Lock()
	defer r.writeMu.Unlock()
	r.mu.Lock()
	delta := r.pending
	r.pending = newTable()
	r.mu.Unlock()
	if len(delta.m) == 0 {
		return nil
	}
	err := r.addToFile(delta)
	if err != nil {
		r.mu.Lock()
		for _, e := range r.pending.m {
			delta.add(e.Query, e.Count, e.Last)
		}
		delta.trim(2 * r.opts.MaxEntries)
		r.pending = delta
		r.mu.Unlock()
	}
	return err
}

func (r *Recorder) addToFile(delta *table) error {
	base, err := r.read()
	if err != nil {
		return err
	}
	t := newTable()
	t.addAll(base)
	for _, e := range delta.m {
		t.add(e.Query, e.Count, e.Last)
	}
	t.trim(r.opts.MaxEntries)
	return write(r.opts.Path, t.entries())
}

// loop writes every Interval until Close.
func (r *Recorder) loop() {
	defer close(r.done)
	tick := time.NewTicker(r.opts.Interval)
	defer tick.Stop()
	for {
		select {
		case <-r.stop:
			return
		case <-tick.C:
			r.flushAndLog()
		}
	}
}

// flushAndLog writes, logging a failure once rather than every minute, and
// logging when writing works again.
func (r *Recorder) flushAndLog() error {
	err := r.Flush()
	r.writeMu.Lock()
	defer r.writeMu.Unlock()
	switch {
	case err != nil && err.Error() != r.failing:
		r.failing = err.Error()
		r.log.Error("gap report: cannot write the gap file; counts wait in memory and are tried again", "file", r.opts.Path, "err", err)
	case err == nil && r.failing != "":
		r.failing = ""
		r.log.Info("gap report: the gap file is written again", "file", r.opts.Path)
	}
	return err
}

// Close stops the background writes and writes what is left. It is for
// shutdown, after the server has stopped counting.
func (r *Recorder) Close() error {
	if r == nil {
		return nil
	}
	r.closeOnce.Do(func() { close(r.stop) })
	<-r.done
	return r.flushAndLog()
}
