package store

import (
	"os"
	"syscall"
)

// datasync flushes f's data, and its metadata only where reading the data needs it (fdatasync).
func datasync(f *os.File) error {
	for {
		err := syscall.Fdatasync(int(f.Fd()))
		if err != syscall.EINTR {
			return err
		}
	}
}
