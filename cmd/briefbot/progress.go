package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// progressEvery is how often a progress line is redrawn at most.
const progressEvery = 200 * time.Millisecond

// progress is the line a long one-shot command keeps redrawing on stderr
// ("\rsummarized 1200 lines") while it works, when stderr is a terminal. A
// nil *progress, what startProgress gives when stderr is not a terminal,
// does nothing.
type progress struct {
	w      io.Writer
	format func(n int64) string // the line for a count of n
	n      atomic.Int64
	last   string // the line on screen; only the drawing goroutine and Done touch it
	stop   chan struct{}
	done   chan struct{}
	finish sync.Once
}

// startProgress starts redrawing format(count) on stderr every
// progressEvery if stderr is a terminal; otherwise it returns nil.
func startProgress(env *environment, format func(n int64) string) *progress {
	if !isTerminal(env.stderr) {
		return nil
	}
	p := newProgress(env.stderr, format)
	go p.loop(progressEvery)
	return p
}

func newProgress(w io.Writer, format func(int64) string) *progress {
	return &progress{w: w, format: format, stop: make(chan struct{}), done: make(chan struct{})}
}

// Add counts n more units of work done; safe from any goroutine.
func (p *progress) Add(n int64) {
	if p != nil {
		p.n.Add(n)
	}
}

func (p *progress) loop(every time.Duration) {
	defer close(p.done)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			p.draw()
		}
	}
}

// draw rewrites the line when it changed: carriage return, the line, and
// "erase to the end of the line" for a line shorter than the last.
func (p *progress) draw() {
	if line := p.format(p.n.Load()); line != p.last {
		fmt.Fprint(p.w, "\r"+line+"\x1b[K")
		p.last = line
	}
}

// Done stops the redrawing and clears the line, so that what the command
// prints next starts on a clean line. Calls after the first do nothing.
func (p *progress) Done() {
	if p == nil {
		return
	}
	p.finish.Do(func() {
		close(p.stop)
		<-p.done
		if p.last != "" {
			fmt.Fprint(p.w, "\r\x1b[K")
		}
	})
}

// progressReader counts the bytes read through it.
type progressReader struct {
	r io.Reader
	p *progress
}

func (r *progressReader) Read(b []byte) (int, error) {
	n, err := r.r.Read(b)
	r.p.Add(int64(n))
	return n, err
}

// fileSize is the size of stream when it is a regular file (stdin
// redirected from a file), else 0.
func fileSize(stream any) int64 {
	f, ok := stream.(*os.File)
	if !ok {
		return 0
	}
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return 0
	}
	return st.Size()
}
