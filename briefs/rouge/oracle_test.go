package rouge

import (
	"bufio"
	"encoding/json"
	"errors"
	"io/fs"
	"math"
	"os"
	"testing"

	porterstemmer "github.com/blevesearch/go-porterstemmer"

	"briefbot/internal/testkit"
)

const oracleName = "rouge155_oracle_frank.jsonl"

type oracleRow struct {
	ID        string `json:"id"`
	System    string `json:"system"`
	Candidate string `json:"candidate"`
	Reference string `json:"reference"`
	Rouge155  map[string]struct {
		P float64 `json:"p"`
		R float64 `json:"r"`
		F float64 `json:"f"`
	} `json:"rouge155"`
}

func loadOracle(t testing.TB) []oracleRow {
	t.Helper()
	path := testkit.SharedPath(t, "evaldata", oracleName)
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("oracle file %s not found: clone the shared evaldata folder beside the repository to run this test", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []oracleRow
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for line := 1; sc.Scan(); line++ {
		var r oracleRow
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("%s:%d: %v", path, line, err)
		}
		rows = append(rows, r)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 {
		t.Fatalf("%s is empty", path)
	}
	return rows
}

const (
	oracleTol      = 2e-5  // ROUGE-1.5.5 rounds to 5 decimals; its F is off by up to 1.1e-5
	oracleMinMatch = 0.995 // about 0.2% of rows stay off for reasons not understood
)

// TestOracle checks ROUGE-1..4 and ROUGE-L against the per-pair ROUGE-1.5.5
// scores in shared/evaldata.
func TestOracle(t *testing.T) {
	rows := loadOracle(t)
	metrics := []string{"rouge1", "rouge2", "rouge3", "rouge4", "rougeL"}
	matched := make(map[string]int)
	shown := 0
	for _, row := range rows {
		c, r := Tokenize(row.Candidate), Tokenize(row.Reference)
		for _, m := range metrics {
			var got Score
			switch m {
			case "rougeL":
				got = L(c, r)
			default:
				got = N(c, r, int(m[5]-'0'))
			}
			want, ok := row.Rouge155[m]
			if !ok {
				t.Fatalf("row %s/%s has no %s score", row.ID, row.System, m)
			}
			if math.Abs(got.P-want.P) <= oracleTol && math.Abs(got.R-want.R) <= oracleTol && math.Abs(got.F-want.F) <= oracleTol {
				matched[m]++
				continue
			}
			if shown < 10 {
				shown++
				t.Logf("mismatch %s %s/%s: got P=%.5f R=%.5f F=%.5f, want P=%.5f R=%.5f F=%.5f",
					m, row.ID, row.System, got.P, got.R, got.F, want.P, want.R, want.F)
			}
		}
	}
	for _, m := range metrics {
		rate := float64(matched[m]) / float64(len(rows))
		t.Logf("%-6s matches %d/%d rows (%.2f%%)", m, matched[m], len(rows), 100*rate)
		if rate < oracleMinMatch {
			t.Errorf("%s matches only %d/%d rows, want at least %.1f%%", m, matched[m], len(rows), 100*oracleMinMatch)
		}
	}
}

// TestStemmerVariants checks, on every word of the oracle file, that the
// stemming Tokenize does (StemWithoutLowerCasing on lower-case runes, cached)
// agrees with the module's StemString and Stem, which lower-case first.
func TestStemmerVariants(t *testing.T) {
	rows := loadOracle(t)
	seen := make(map[string]bool)
	for _, row := range rows {
		for _, text := range []string{row.Candidate, row.Reference} {
			for _, w := range splitOnly(text) {
				if len(w) <= 3 || seen[w] {
					continue
				}
				seen[w] = true
				got := Tokenize(w)
				if len(got) != 1 {
					t.Fatalf("Tokenize(%q) = %q, want one token", w, got)
				}
				if s := porterstemmer.StemString(w); got[0] != s {
					t.Errorf("Tokenize(%q) = %q, StemString = %q", w, got[0], s)
				}
				if s := string(porterstemmer.Stem([]rune(w))); got[0] != s {
					t.Errorf("Tokenize(%q) = %q, Stem = %q", w, got[0], s)
				}
			}
		}
	}
	t.Logf("%d distinct words longer than 3 characters checked", len(seen))
}

// splitOnly is the tokenizer without stemming.
func splitOnly(s string) []string {
	var out []string
	var w []byte
	for i := 0; i <= len(s); i++ {
		var c byte = ' '
		if i < len(s) {
			c = s[i]
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if ('a' <= c && c <= 'z') || ('0' <= c && c <= '9') {
			w = append(w, c)
		} else if len(w) > 0 {
			out = append(out, string(w))
			w = w[:0]
		}
	}
	return out
}
