package builder

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/buyin/playbook/internal/buildstore"
)

// TestDiskFullSaysHowMuchABuildNeeds: when the disk runs out, the error says
// how much room a build takes and what to do, and keeps the cause.
func TestDiskFullSaysHowMuchABuildNeeds(t *testing.T) {
	store, err := buildstore.Open(filepath.Join(t.TempDir(), "builds"))
	if err != nil {
		t.Fatal(err)
	}
	st, _ := store.Begin()
	os.WriteFile(filepath.Join(st.Dir, "site"), make([]byte, 3<<20), 0o644)
	if _, err := st.Publish("build"); err != nil {
		t.Fatal(err)
	}
	cause := fmt.Errorf("writing public/index.html: %w", syscall.ENOSPC)
	err = diskFull(cause, store)
	if !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("the cause is lost: %v", err)
	}
	for _, want := range []string{"about 3 MB", "keep_builds", store.Dir()} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if other := errors.New("other"); diskFull(other, store) != other {
		t.Error("an error other than a full disk was changed")
	}
}
