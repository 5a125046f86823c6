package main

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionLine(t *testing.T) {
	stamped := &debug.BuildInfo{Main: debug.Module{Path: "briefbot", Version: "v1.2.0"}, Settings: []debug.BuildSetting{
		{Key: "vcs", Value: "git"},
		{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
		{Key: "vcs.time", Value: "2025-03-04T05:06:07Z"},
		{Key: "vcs.modified", Value: "true"},
	}}
	for _, tt := range []struct {
		info *debug.BuildInfo
		ok   bool
		want string
	}{
		{stamped, true, "briefbot v1.2.0 (rev 0123456789ab, 2025-03-04T05:06:07Z, modified)"},
		{&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, true, "briefbot devel"},
		{&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "abc"}}}, true, "briefbot devel (rev abc)"},
		{nil, false, "briefbot devel"},
	} {
		if got := versionLine(tt.info, tt.ok); got != tt.want {
			t.Errorf("versionLine = %q, want %q", got, tt.want)
		}
	}
}

// --version and the version verb print one line and need no valid settings.
func TestVersionCommand(t *testing.T) {
	c := newCLI(t)
	c.env["REDIS_URL"] = "http://not-redis"
	for _, args := range [][]string{{"--version"}, {"version"}} {
		r := c.mustRun("", args...)
		if !strings.HasPrefix(r.stdout, "briefbot ") || strings.Count(r.stdout, "\n") != 1 || r.stderr != "" {
			t.Errorf("%s: stdout %q, stderr %q", args[0], r.stdout, r.stderr)
		}
	}
	if r := c.run("", "version", "extra"); r.err == nil {
		t.Error("version with an argument succeeded")
	}
	if r := c.mustRun("", "--help"); !strings.Contains(r.stdout, "  version ") {
		t.Errorf("--help does not list version:\n%s", r.stdout)
	}
}
