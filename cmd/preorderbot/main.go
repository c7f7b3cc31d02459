// Command preorderbot finds why a HotWax pre-order product reached the parent Shopify shop but not its child
// shops, from Slack (serve), a terminal (check), or a local demo workspace (demo).
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"syscall"
)

// Set at build time with -ldflags "-X main.version=… -X main.commit=…".
var (
	version = "dev"
	commit  = "none"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// command is one subcommand: its one-line summary and the function that runs it.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int
}

func commands() []command {
	return []command{
		{"serve", "run the Slack bot (Socket Mode)", runServe},
		{"check", "run the diagnostic chain for SKUs and print the verdict", runCheckCommand},
		{"sweep", "check every pre-order SKU of a store and list the ones with a problem", runSweep},
		{"doctor", "probe the HotWax tenant read-only and say what the bot needs fixed", runDoctor},
		{"demo", "run the bot against a simulated Slack and OMS, with a local web workspace", runDemo},
		{"fake-oms", "serve a simulated HotWax OMS on loopback", func(ctx context.Context, args []string, _ func(string) string, stdout, stderr io.Writer) int {
			return runFakeOMS(ctx, args, stdout, stderr)
		}},
		{"backup", "write a consistent copy of the bot's database", runBackup},
		{"healthcheck", "exit 0 when the local bot answers /healthz", runHealthcheck},
		{"version", "print version, commit and Go version", runVersion},
	}
}

// run dispatches to a subcommand and returns the process exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], getenv, stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "preorderbot: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: preorderbot <command> [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-12s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'preorderbot <command> -h' for a command's flags.")
}

func runVersion(_ context.Context, args []string, _ func(string) string, stdout, stderr io.Writer) int {
	fs := newFlagSet("version", "", stderr)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	fmt.Fprintf(stdout, "preorderbot %s (commit %s, %s)\n", version, commit, runtime.Version())
	return 0
}
