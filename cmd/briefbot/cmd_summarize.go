package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"briefbot/briefs"
)

// summarizeInput is one JSON line of `briefbot summarize`.
type summarizeInput struct {
	ID      json.RawMessage `json:"id"`
	Article *string         `json:"article"`
	Title   string          `json:"title"`
}

// summarizeOutput is the answer to one line, or its error.
type summarizeOutput struct {
	ID      json.RawMessage `json:"id"`
	Line    int             `json:"line,omitempty"` // only on errors, to find the line
	Title   string          `json:"title,omitempty"`
	Gist    string          `json:"gist,omitempty"`
	Bullets []string        `json:"bullets,omitempty"`
	Slug    string          `json:"slug,omitempty"`
	Error   string          `json:"error,omitempty"`
}

// summarizeJob is one line on its way through the workers; done carries the
// encoded answer so the writer can keep input order.
type summarizeJob struct {
	line int
	data []byte
	err  error // the line could not even be read whole
	done chan []byte
}

// cmdSummarize: briefbot summarize < in.jsonl > out.jsonl
func cmdSummarize(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "summarize", "< IN.jsonl > OUT.jsonl",
		"Reads JSON Lines with \"id\", \"article\" and optional \"title\"; writes one line per input, in order,\nwith \"id\", \"title\", \"gist\", \"bullets\" and \"slug\". A bad line yields {\"id\":...,\"error\":\"...\"}\nand the run goes on. Uses every core; needs no store.")
	workers := workersFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("summarize takes no arguments; it reads stdin")
	}
	if *workers < 1 {
		return usagef("--workers must be at least 1")
	}
	sum := newSummarizer()
	maxLine := int(env.cfg.MaxArticleBytes)*2 + 64<<10 // JSON escaping can double the text

	work := make(chan *summarizeJob, *workers)
	ordered := make(chan *summarizeJob, *workers*4) // bounds lines in flight
	for range *workers {
		go func() {
			for j := range work {
				j.done <- summarizeLine(sum, j, int(env.cfg.MaxArticleBytes))
			}
		}()
	}
	readErr := make(chan error, 1)
	go func() {
		defer close(ordered)
		defer close(work)
		readErr <- readLines(ctx, env.stdin, maxLine, func(j *summarizeJob) {
			ordered <- j
			work <- j
		})
	}()
	out := bufio.NewWriterSize(env.stdout, 64<<10)
	prog := startProgress(env, func(n int64) string { return fmt.Sprintf("summarized %d lines", n) })
	var writeErr error
	for j := range ordered {
		b := <-j.done
		if writeErr == nil {
			_, writeErr = out.Write(b)
		}
		prog.Add(1)
	}
	prog.Done()
	if err := <-readErr; err != nil {
		return fmt.Errorf("summarize: read stdin: %w", err)
	}
	if writeErr == nil {
		writeErr = out.Flush()
	}
	if writeErr != nil {
		return fmt.Errorf("summarize: write stdout: %w", writeErr)
	}
	return ctx.Err()
}

// readLines hands each non-blank line to emit; a line over maxLine is handed
// on as an error (and skipped to its end) rather than read into memory.
func readLines(ctx context.Context, r io.Reader, maxLine int, emit func(*summarizeJob)) error {
	br := bufio.NewReaderSize(r, 256<<10)
	n := 0
	for ctx.Err() == nil {
		var line []byte
		tooLong := false
		for {
			chunk, err := br.ReadSlice('\n')
			if !tooLong {
				line = append(line, chunk...)
				if len(line) > maxLine {
					tooLong, line = true, nil
				}
			}
			if errors.Is(err, bufio.ErrBufferFull) {
				continue
			}
			if err != nil && !errors.Is(err, io.EOF) {
				return err
			}
			if len(chunk) == 0 && err != nil && len(line) == 0 && !tooLong {
				return nil // clean EOF
			}
			break
		}
		n++ // every line counts, blank or not, so that n is the line's number in the file
		j := &summarizeJob{line: n, done: make(chan []byte, 1)}
		if tooLong {
			j.err = fmt.Errorf("line %d is over %s", n, briefs.FormatBytes(int64(maxLine)))
		} else if len(bytes.TrimSpace(line)) == 0 {
			continue // blank lines are not inputs
		}
		j.data = line
		emit(j)
	}
	return nil
}

// summarizeLine turns one input line into one encoded output line.
func summarizeLine(sum briefs.Summarizer, j *summarizeJob, maxArticle int) []byte {
	out := summarizeOutput{ID: json.RawMessage("null")}
	fail := func(msg string) []byte {
		out.Line, out.Error = j.line, msg
		out.Title, out.Gist, out.Bullets, out.Slug = "", "", nil, ""
		return encodeLine(out)
	}
	if j.err != nil {
		return fail(j.err.Error())
	}
	var in summarizeInput
	if err := json.Unmarshal(j.data, &in); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return fail(fmt.Sprintf("line %d: %s", j.line, plainGoTypes(err.Error())))
		}
		return fail(fmt.Sprintf("line %d is not a JSON object: %s", j.line, plainGoTypes(err.Error())))
	}
	if len(in.ID) > 0 {
		out.ID = in.ID
	}
	if in.Article == nil {
		return fail(`missing "article"`)
	}
	if len(*in.Article) > maxArticle {
		return fail(fmt.Sprintf("article is over %s (MAX_ARTICLE_BYTES)", briefs.FormatBytes(int64(maxArticle))))
	}
	s, err := sum.Summarize(briefs.Document{Title: in.Title, Text: *in.Article})
	if err != nil {
		return fail(briefs.ErrorMessage(err))
	}
	title := strings.TrimSpace(in.Title)
	if title == "" {
		title = s.Title
	}
	out.Title, out.Gist, out.Bullets, out.Slug = title, s.Gist, s.Bullets, s.Slug
	return encodeLine(out)
}

func encodeLine(v summarizeOutput) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return []byte(`{"id":null,"error":"internal: cannot encode output"}` + "\n")
	}
	return buf.Bytes()
}
