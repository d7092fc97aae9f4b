package exports

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/survey"
)

// BenchmarkResponsesLabels encodes 10,000 responses of a 30-question
// questionnaire (25 choice questions, as a large survey of the programme)
// held in memory, with and without labels, in CSV and JSON: what the label
// columns add to the cost of a response, without the database.
//
//	go test ./exports -run '^$' -bench ResponsesLabels
func BenchmarkResponsesLabels(b *testing.B) {
	doc, batches := benchLabelsData(b, 10000)
	for _, format := range []Format{CSV, JSON} {
		for _, lang := range []string{"", "fr"} {
			name := string(format) + "/plain"
			if lang != "" {
				name = string(format) + "/labels=" + lang
			}
			b.Run(name, func(b *testing.B) {
				rows := 0
				for range b.N {
					x, err := NewLabelledResponses(discardFlusher{}, format, doc, lang)
					if err != nil {
						b.Fatal(err)
					}
					for _, batch := range batches {
						if err := x.Write(batch); err != nil {
							b.Fatal(err)
						}
					}
					if err := x.Finish(); err != nil {
						b.Fatal(err)
					}
					rows += x.Rows()
					x.Close()
				}
				b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "responses/s")
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(rows), "ns/response")
				b.ReportMetric(0, "ns/op")
			})
		}
	}
}

// discardFlusher is a client that reads everything at once.
type discardFlusher struct{}

func (discardFlusher) Write(p []byte) (int, error) { return len(p), nil }
func (discardFlusher) Flush() error                { return nil }

// benchLabelsData is a questionnaire in English and French of 22 single
// choices of 5 options, 3 multi choices of 4, 3 numbers and 2 texts, and n
// responses to it in batches of 100.
func benchLabelsData(b *testing.B, n int) (*survey.Document, [][]survey.ExportedResponse) {
	var questions []string
	for i := range 30 {
		q := fmt.Sprintf(`{"key": "q%02d", "text": {"en": "Question %d", "fr": "Question %d"}, `, i, i, i)
		switch {
		case i < 22:
			q += `"type": "single_choice", "options_ref": "five"}`
		case i < 25:
			q += `"type": "multi_choice", "options": [{"key": "a", "label": {"en": "A", "fr": "A fr"}}, {"key": "b", "label": {"en": "B"}},
			 {"key": "c", "label": {"en": "C", "fr": "C fr"}}, {"key": "d", "label": {"en": "D", "fr": "D fr"}}]}`
		case i < 28:
			q += `"type": "number"}`
		default:
			q += `"type": "text"}`
		}
		questions = append(questions, q)
	}
	var options []string
	keys := []string{"none", "little", "moderate", "large", "full"}
	for _, key := range keys {
		options = append(options, fmt.Sprintf(`{"key": %q, "label": {"en": "To the extent %s", "fr": "Dans la mesure %s"}}`, key, key, key))
	}
	doc, err := survey.ParseDocument([]byte(`{"key": "bench", "default_language": "en", "title": {"en": "Bench", "fr": "Banc"},
	 "option_sets": {"five": [` + strings.Join(options, ", ") + `]},
	 "sections": [{"key": "all", "title": {"en": "All"}, "questions": [` + strings.Join(questions, ",\n") + `]}]}`))
	if err != nil {
		b.Fatal(err)
	}
	var batches [][]survey.ExportedResponse
	at := time.Date(2024, 2, 1, 10, 0, 0, 123456000, time.UTC)
	for i := range n {
		answers := survey.Answers{}
		for j, q := range doc.Questions() {
			var v any
			switch {
			case q.Type == survey.TypeSingleChoice:
				v = keys[(i+j)%5]
			case q.Type == survey.TypeMultiChoice:
				v = []string{"d", []string{"a", "b", "c"}[(i+j)%3]}
			case q.Type == survey.TypeNumber:
				v = json.Number(fmt.Sprintf("%d.%d", (i*7+j)%1000, j%10))
			default:
				v = fmt.Sprintf("the programme helped, %d times", i+j)
			}
			answers[q.Key], _ = json.Marshal(v)
		}
		if i%100 == 0 {
			batches = append(batches, nil)
		}
		last := &batches[len(batches)-1]
		*last = append(*last, survey.ExportedResponse{ResponseID: fmt.Sprintf("r%06d", i), Administration: "BE",
			SubmittedAt: at.Add(time.Duration(i) * time.Second), Answers: answers})
	}
	return doc, batches
}
