package briefs

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"
)

func TestSampleDebug(t *testing.T) {
	b, _ := os.ReadFile("testdata/putin-kim.txt")
	cd := Clean(string(b))
	fmt.Printf("%#v\n", cd.Headlines)
	for i, s := range Sentences(cd.Body) {
		fmt.Println(i, s)
	}
	s, err := NewExtractive().Summarize(Document{Text: string(b)})
	j, _ := json.MarshalIndent(s, "", "  ")
	fmt.Println(string(j), err)
	fmt.Println(GenerateSlug(s.Title, s.Entities))
}
