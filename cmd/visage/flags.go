package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
)

// newFlagSet returns a flag set for the subcommand name whose Usage prints
// "usage: visage NAME ARGS" and the flags' defaults to fs.Output().
func newFlagSet(name, args string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: visage %s %s\n", name, args)
		fs.PrintDefaults()
	}
	return fs
}

// helpShown is returned once -h has printed a command's flags: exit status 0.
type helpShown struct{}

func (helpShown) Error() string { return "help requested" }
func (helpShown) ExitCode() int { return 0 }
func (helpShown) Unwrap() error { return flag.ErrHelp }

// parseFlags parses args into fs and checks that the number of positional
// arguments is within [minArgs, maxArgs] (maxArgs < 0: no limit). A bad flag
// or count is a one-line usage error (exit 2); -h prints the flags and
// returns helpShown.
func parseFlags(fs *flag.FlagSet, args []string, minArgs, maxArgs int) error {
	fs.SetOutput(io.Discard) // main reports the error, once
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(os.Stderr)
			fs.Usage()
			return helpShown{}
		}
		return usagef("%v (see `visage %s -h`)", err, fs.Name())
	}
	n := fs.NArg()
	if n >= minArgs && (maxArgs < 0 || n <= maxArgs) {
		return nil
	}
	var want string
	switch {
	case minArgs == maxArgs:
		want = fmt.Sprint(minArgs)
	case maxArgs < 0:
		want = fmt.Sprintf("at least %d", minArgs)
	default:
		want = fmt.Sprintf("%d to %d", minArgs, maxArgs)
	}
	return usagef("expected %s arguments, found %d (see `visage %s -h`)", want, n, fs.Name())
}

// thresholdFlag is a --threshold value, a number, and whether it was given.
// Its range depends on what decides (plain distance, or a head's score), so
// headWithThreshold checks it once that is known.
type thresholdFlag struct {
	value float64
	set   bool
}

func (t *thresholdFlag) String() string {
	if !t.set {
		return ""
	}
	return strconv.FormatFloat(t.value, 'g', -1, 64)
}

func (t *thresholdFlag) Set(s string) error {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("expected a number, found %q", s)
	}
	t.value, t.set = v, true
	return nil
}

// printJSON writes v to stdout as one line of JSON.
func printJSON(v any) error {
	return json.NewEncoder(os.Stdout).Encode(v)
}

// stringList is a repeatable flag: each use adds one value.
type stringList []string

func (l *stringList) String() string     { return fmt.Sprint([]string(*l)) }
func (l *stringList) Set(s string) error { *l = append(*l, s); return nil }
