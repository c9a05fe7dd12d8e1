package watch

import (
	"context"
	"time"
)

// PollChanges is Changes by polling, as where the system cannot report changes.
func PollChanges(ctx context.Context, root string, interval, settle time.Duration) <-chan struct{} {
	out := make(chan struct{})
	go poll(ctx, root, interval, settle, out)
	return out
}
