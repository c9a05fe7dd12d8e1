// Package gaps counts what readers searched for and did not find, for the
// playbook's owners, and keeps as little as that needs.
//
// # What is kept
//
// For each query, only its normalised text (case and spacing folded, see
// Normalize), how many times it was counted, and the day (UTC) it was last
// counted. No address, cookie, user agent or time of day is ever given to this
// package, so none can be kept. The number of queries kept is capped: past the
// cap, the oldest and rarest are dropped first.
//
// # Where and when it is written
//
// A Recorder holds the counts made since its last write in memory and, at
// least once a minute and when it is closed, adds them to its file: it reads
// the file, adds, writes the whole to a temporary file beside it and renames
// that into place, so a crash leaves the last whole file, never half of one.
// Because every write reads the file first, emptying the file (Reset) takes
// effect under a running server too. A file that cannot be read as a gap file
// is logged, kept aside under another name, and counting starts afresh; a
// directory that cannot be written is logged, and the counts wait in memory
// (within the cap) for the next write. Neither ever reaches the caller: a
// problem here must never break search.
//
// # The report
//
// Read reads a file; Merge adds up several (one per replica); Report keeps the
// queries counted at least a minimum number of times, most searched first.
package gaps
