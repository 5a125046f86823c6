package main

import (
	"context"
	"fmt"
	"runtime/debug"
	"strings"
)

// cmdVersion: briefbot version (or briefbot --version)
func cmdVersion(_ context.Context, env *environment, args []string) error {
	fs := newFlags(env, "version", "", "Prints the version of this build: its module version, or devel, with the\nrevision and time of the commit it was built from when known.")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("version takes no arguments")
	}
	info, ok := debug.ReadBuildInfo()
	fmt.Fprintln(env.stdout, versionLine(info, ok))
	return nil
}

// versionLine describes a build: "briefbot v1.2.0", or "briefbot devel" for
// a build without a module version, followed by the commit when the build
// recorded one: "(rev 0123456789ab, 2025-03-04T05:06:07Z, modified)".
func versionLine(info *debug.BuildInfo, ok bool) string {
	version := "devel"
	if ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		version = info.Main.Version
	}
	var vcs []string
	if ok {
		var rev, at string
		modified := false
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.time":
				at = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
		if rev != "" {
			vcs = append(vcs, "rev "+rev[:min(len(rev), 12)])
		}
		if at != "" {
			vcs = append(vcs, at)
		}
		if modified {
			vcs = append(vcs, "modified")
		}
	}
	if len(vcs) == 0 {
		return "briefbot " + version
	}
	return "briefbot " + version + " (" + strings.Join(vcs, ", ") + ")"
}
