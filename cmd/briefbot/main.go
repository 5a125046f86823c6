// Command briefbot turns news articles into short briefs, keeps them in Redis
// and serves them on Discord, on a console and on the command line.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	_ "time/tzdata" // time zones work on machines without a zoneinfo database
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args, os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// exitCode prints err as one line for a person and maps it to an exit code:
// 0 success or --help, 2 usage errors, 1 every other failure.
func exitCode(err error, stderr *os.File) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	fmt.Fprintln(stderr, "briefbot: "+userMessage(err))
	var u usageError
	if errors.As(err, &u) {
		return 2
	}
	return 1
}
