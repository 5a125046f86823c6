//go:build unix

package store

import (
	"errors"
	"os"
	"syscall"

	"briefbot/briefs"
)

// lockDataFile takes an exclusive lock on path+".lock" so that two briefbot
// processes cannot both run an embedded store on one data file: each would
// overwrite the other's changes. The lock dies with the process.
func lockDataFile(path string) (unlock func(), err error) {
	lp := path + ".lock"
	f, err := os.OpenFile(lp, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, briefs.Errorf(briefs.EUNAVAILABLE, "cannot create lock file %s: %v", lp, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		_ = f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, briefs.Errorf(briefs.ECONFLICT,
				"data file %s is in use by another briefbot process; stop it first, or set %s so that both share one Redis", path, briefs.SettingRedisURL)
		}
		return nil, briefs.Errorf(briefs.EUNAVAILABLE, "cannot lock %s: %v", lp, err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		_ = f.Close()
	}, nil
}
