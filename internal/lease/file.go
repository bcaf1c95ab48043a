//go:build unix

package lease

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// File leases are flock(2) locks on files in Dir (next to the SQLite
// database): the kernel drops them when the holding process exits, however
// it exits.
type File struct {
	Dir string
}

// TryLock implements Locker.
func (f File) TryLock(_ context.Context, name string) (Held, bool, error) {
	path := filepath.Join(f.Dir, ".kefu-lease-"+strings.NewReplacer("/", "_", ":", "_", "@", "_").Replace(name))
	fd, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, false, fmt.Errorf("lease %s: %w", name, err)
	}
	if err := syscall.Flock(int(fd.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		fd.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, false, nil
		}
		return nil, false, fmt.Errorf("lease %s: flock: %w", name, err)
	}
	return fileHeld{fd}, true, nil
}

type fileHeld struct{ f *os.File }

func (fileHeld) Check(context.Context) error { return nil } // the kernel holds it for us

func (h fileHeld) Release() error {
	_ = syscall.Flock(int(h.f.Fd()), syscall.LOCK_UN)
	return h.f.Close()
}
