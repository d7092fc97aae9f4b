package survey

// Cell is what the database returns for one administration and one
// indicator (or one question of it): the respondent values of its submitted
// responses that pass `where`, summarised.
type Cell struct {
	Administration string
	N              int     // responses with a respondent value
	Sum            float64 // Σ respondent values
	// Deviations is Σ (value − cell mean)², the centred sum of squares.
	// Centred in the database, it keeps the standard deviation exact where
	// Σx² − n·mean² would cancel catastrophically (large or nearly equal
	// values).
	Deviations float64
	Excluded   int // responses that answered but have no value
	Missing    int // responses that answered none of the questions, although one was shown
	// NotApplicable counts the responses to which none of the questions
	// was shown: each has a show_if that the response's answers do not
	// meet (ShowConditions). They were routed past the questions, so they
	// are neither missing nor excluded.
	NotApplicable int
	// OutOfRange counts the responses, among Excluded, whose number lies
	// beyond ±MaxNumber. Only data stored before that range was
	// enforced can hold one; the database leaves such numbers out of the
	// sums, and the indicator shows no value, saying why.
	OutOfRange int
}

// OptionCell counts, for one administration, the responses that chose one
// option of the indicator's question.
type OptionCell struct {
	Administration string
	Option         string
	Count          int
}

// Tally is what the database aggregates for one indicator of a campaign
// (step 1 of docs/scoring.md), the input of scoring besides the indicator
// itself.
type Tally struct {
	// Cells has one row per administration with submitted responses that
	// pass the indicator's where.
	Cells []Cell
	// QuestionCells holds the cells of each listed question alone, for
	// the questions breakdown.
	QuestionCells map[string][]Cell
	// Options counts choices per administration and option; Answering
	// counts, per administration, the responses that answered the
	// question at all (the denominator of the options breakdown).
	Options   []OptionCell
	Answering map[string]int
}

// CampaignTally is everything scoring reads of one campaign, read in one
// snapshot: the campaign, its questionnaire document, who answered, and
// one Tally per indicator of the document, in order.
type CampaignTally struct {
	Campaign Campaign
	Document *Document
	// Invited counts the submitted responses of each invited
	// administration, by code.
	Invited []AdministrationCount
	// Responses counts every submitted response, also those of
	// administrations no longer invited.
	Responses int
	Tallies   []Tally
}

// AdministrationCount is a number of responses of one administration.
type AdministrationCount struct {
	Administration string
	Responses      int
}

// ShowConditions returns the show_if conditions of questions when every one
// of them has one, in order, and nil when any of them is always shown. A
// response meets none of them exactly when none of the questions was shown
// to it, which makes it not applicable to a measure over those questions.
// A response's stored answers decide it alone: the answers to a hidden
// question are dropped when it is saved, so a condition naming a question
// that was itself hidden is never met.
func (d *Document) ShowConditions(questions []string) []*Condition {
	if len(questions) == 0 {
		return nil
	}
	out := make([]*Condition, 0, len(questions))
	for _, key := range questions {
		q := d.Question(key)
		if q == nil || q.ShowIf == nil {
			return nil
		}
		out = append(out, q.ShowIf)
	}
	return out
}
