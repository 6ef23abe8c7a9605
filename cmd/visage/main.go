// Command visage is Visage's native command-line tool: face encoding,
// comparison, enrollment, verification and identification, LFW evaluation,
// neural style transfer, and the static page server.
//
// Each subcommand lives in its own file and adds itself to the command table in
// an init function. Exit status: 0 success, 1 error, 2 bad usage, 3 no face found.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"sort"
)

// Exit statuses shared by every subcommand.
const (
	exitError  = 1
	exitUsage  = 2
	exitNoFace = 3
)

// command is one subcommand: a one-line summary and the function that runs it
// with the arguments after its name.
type command struct {
	summary string
	run     func(args []string) error
}

// commands is the table filled by register; it is written only during init.
var commands = map[string]command{}

func register(name, summary string, run func(args []string) error) {
	if _, dup := commands[name]; dup {
		panic("visage: command registered twice: " + name)
	}
	commands[name] = command{summary, run}
}

// usageError marks an error caused by bad arguments (exit status 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

// exitCoder is implemented by errors that carry their own exit status.
type exitCoder interface{ ExitCode() int }

func main() {
	if len(os.Args) < 2 || os.Args[1] == "help" || os.Args[1] == "-h" || os.Args[1] == "--help" {
		printUsage()
		if len(os.Args) < 2 {
			os.Exit(exitUsage)
		}
		return
	}
	cmd, ok := commands[os.Args[1]]
	if !ok {
		fmt.Fprintf(os.Stderr, "visage: unknown command %q (see `visage help`)\n", os.Args[1])
		os.Exit(exitUsage)
	}
	if err := cmd.run(os.Args[2:]); err != nil {
		if errors.Is(err, flag.ErrHelp) { // -h: the flag set already printed its usage
			return
		}
		fmt.Fprintf(os.Stderr, "visage %s: %v\n", os.Args[1], err)
		var ue usageError
		var ec exitCoder
		switch {
		case errors.As(err, &ue):
			os.Exit(exitUsage)
		case errors.As(err, &ec):
			os.Exit(ec.ExitCode())
		}
		os.Exit(exitError)
	}
}

func printUsage() {
	fmt.Fprintln(os.Stderr, "usage: visage COMMAND [flags] [args]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(os.Stderr, "  %-14s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(os.Stderr, "\nrun `visage COMMAND -h` for a command's flags")
}
