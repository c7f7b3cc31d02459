package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/preorderbot/preorderbot/store"
)

// defaultDBPath is where the bot keeps its state unless PREORDERBOT_DB_PATH says otherwise.
const defaultDBPath = "./preorderbot.db"

// runBackup implements `preorderbot backup --out FILE`: a consistent copy of the state file, taken while the
// bot is stopped (the running bot holds the file lock; it offers the same backup on its admin listener).
// The copy is written next to FILE and renamed into place, so FILE is never left half-written. It returns
// the process exit code.
func runBackup(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "file to write the backup to (required; - for standard output)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: preorderbot backup --out FILE\n\n"+
			"Copies the state file named by PREORDERBOT_DB_PATH (default %s) while the bot is not running.\n\n",
			defaultDBPath)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *out == "" || fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	path := getenv("PREORDERBOT_DB_PATH")
	if path == "" {
		path = defaultDBPath
	}
	n, err := backupFile(ctx, path, *out, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "preorderbot backup: %v\n", err)
		if errors.Is(err, store.ErrDamaged) {
			fmt.Fprintln(stderr, "preorderbot backup: nothing was copied: the file fails the consistency check")
		}
		return 1
	}
	if *out != "-" {
		fmt.Fprintf(stdout, "backed up %s to %s (%d bytes)\n", path, *out, n)
	}
	return 0
}

// backupFile copies the store at path to out ("-" writes to stdout).
func backupFile(ctx context.Context, path, out string, stdout io.Writer) (int64, error) {
	if _, err := os.Stat(path); err != nil {
		return 0, fmt.Errorf("state file: %w", err)
	}
	db, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		return 0, err
	}
	defer db.Close()
	if err := db.Check(ctx); err != nil {
		return 0, err
	}
	if out == "-" {
		return db.Backup(ctx, stdout)
	}

	tmp, err := os.CreateTemp(filepath.Dir(out), filepath.Base(out)+".*.tmp")
	if err != nil {
		return 0, fmt.Errorf("create backup file: %w", err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename this finds nothing
	n, err := db.Backup(ctx, tmp)
	if err != nil {
		_ = tmp.Close()
		return 0, fmt.Errorf("write %s: %w", out, err)
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		return 0, fmt.Errorf("sync %s: %w", out, err)
	}
	if err := tmp.Close(); err != nil {
		return 0, fmt.Errorf("close %s: %w", out, err)
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return 0, fmt.Errorf("rename to %s: %w", out, err)
	}
	return n, nil
}
