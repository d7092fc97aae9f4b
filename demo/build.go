package demo

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/customs-survey/surveyd/survey"
)

// Report2023 builds the data set behind the survey-based figures of the
// 2023 report: 30 administrations (CY and DK never answer), the two
// questionnaires, and their 2022 and 2023 campaigns, all closed, with their
// submitted responses. It is deterministic.
func Report2023() (Dataset, error) {
	codes := make([]string, len(administrations))
	var responding []string
	for i, a := range administrations {
		codes[i] = a.Code
		if !nonResponding[a.Code] {
			responding = append(responding, a.Code)
		}
	}
	ds := Dataset{
		Administrations: append([]Administration(nil), administrations...),
		Questionnaires: []json.RawMessage{
			append(json.RawMessage(nil), customsAdministrationsJSON...),
			append(json.RawMessage(nil), programmeParticipantsJSON...),
		},
	}
	for _, c := range []struct {
		key, previous string
		year          int
		customs       *customsYear
		participants  *participantsYear
	}{
		{"customs-2022", "", 2022, &customs2022, nil},
		{"customs-2023", "customs-2022", 2023, &customs2023, nil},
		{"participants-2022", "", 2022, nil, &participants2022},
		{"participants-2023", "participants-2022", 2023, nil, &participants2023},
	} {
		// Each year's campaign runs in the first quarter of the next year.
		opens := time.Date(c.year+1, time.January, 15, 9, 0, 0, 0, time.UTC)
		campaign := Campaign{Key: c.key, Year: c.year, Version: 1, OpensAt: opens,
			ClosesAt:        time.Date(c.year+1, time.March, 31, 17, 0, 0, 0, time.UTC),
			Administrations: append([]string(nil), codes...), PreviousCampaign: c.previous,
			MinCellSize: minCellSize, Status: survey.StatusClosed}
		var err error
		if c.customs != nil {
			campaign.Questionnaire = "customs_administrations"
			campaign.Responses, err = c.customs.responses(responding, opens)
		} else {
			campaign.Questionnaire = "programme_participants"
			campaign.Responses, err = c.participants.responses(responding, opens)
		}
		if err != nil {
			return Dataset{}, fmt.Errorf("campaign %s: %w", c.key, err)
		}
		ds.Campaigns = append(ds.Campaigns, campaign)
	}
	return ds, nil
}

// responses gives each responding administration one consolidated response.
func (y *customsYear) responses(responding []string, opens time.Time) ([]survey.ImportedResponse, error) {
	n := len(responding)
	numbers := make([]float64, 0, n)
	for _, t := range y.supportSatisfaction {
		for k := 0; k < t.n; k++ {
			numbers = append(numbers, t.value)
		}
	}
	if len(numbers) != n {
		return nil, fmt.Errorf("support_satisfaction: %d answers for %d administrations", len(numbers), n)
	}
	questions := []struct {
		key   string
		table []tally
	}{
		{"awareness_level", y.awarenessLevel},
		{"ees_union_law", y.eesUnionLaw},
		{"ees_cooperation", y.eesCooperation},
		{"ees_performance", y.eesPerformance},
		{"ees_innovation", y.eesInnovation},
		{"actions_performance", y.actionsPerformance},
		{"actions_innovation", y.actionsInnovation},
	}
	choices := make([][]string, len(questions))
	for q, question := range questions {
		choices[q] = expand(question.table)
		if len(choices[q]) != n {
			return nil, fmt.Errorf("%s: %d answers for %d administrations", question.key, len(choices[q]), n)
		}
	}
	out := make([]survey.ImportedResponse, 0, n)
	for j, code := range responding {
		answers := survey.Answers{}
		s := customsSteps[0]
		p, err := position(j, n, s.step, s.offset)
		if err != nil {
			return nil, err
		}
		answers["support_satisfaction"] = mustJSON(numbers[p])
		for q, question := range questions {
			s := customsSteps[q+1]
			p, err := position(j, n, s.step, s.offset)
			if err != nil {
				return nil, err
			}
			answers[question.key] = mustJSON(choices[q][p])
		}
		// Submitted every other day from the day after opening.
		at := opens.Add(time.Duration(2*j+1)*24*time.Hour + 6*time.Hour)
		out = append(out, survey.ImportedResponse{Administration: code, Respondent: "coordinator",
			SubmittedAt: at, Answers: answers})
	}
	return out, nil
}

// responses gives each respondent its answers, spread over the responding
// administrations.
func (y *participantsYear) responses(responding []string, opens time.Time) ([]survey.ImportedResponse, error) {
	n := y.respondents
	var outputs []outputsPattern
	for _, p := range y.outputs {
		for k := 0; k < p.n; k++ {
			outputs = append(outputs, p)
		}
	}
	if len(outputs) != n {
		return nil, fmt.Errorf("outputs: %d answers for %d respondents", len(outputs), n)
	}
	quality, agreement, contacts := expand(y.actionQuality), expand(y.networkingAgreement), expand(y.networkingContacts)
	if len(agreement) != len(quality) || len(contacts) != len(quality) || len(quality) > n {
		return nil, fmt.Errorf("actions: %d, %d and %d answers for %d respondents",
			len(quality), len(agreement), len(contacts), n)
	}
	var elearning []elearningPattern
	for _, p := range y.elearning {
		for k := 0; k < p.n; k++ {
			elearning = append(elearning, p)
		}
	}
	platform := expand(y.platformSatisfaction)
	if len(elearning) > n || len(platform) > n {
		return nil, fmt.Errorf("e-learning and platform: %d and %d answers for %d respondents", len(elearning), len(platform), n)
	}

	out := make([]survey.ImportedResponse, 0, n)
	for i := 0; i < n; i++ {
		answers := survey.Answers{}
		p, err := position(i, n, outputsStep, outputsOffset)
		if err != nil {
			return nil, err
		}
		answers["used_outputs"] = mustJSON(outputs[p].usedOutputs)
		if outputs[p].usedOutputs == no {
			answers["why_not"] = mustJSON(outputs[p].whyNot)
		}

		if p, err = position(i, n, actionStep, actionOffset); err != nil {
			return nil, err
		}
		if p < len(quality) {
			answers["took_part_action"] = mustJSON(yes)
			answers["action_quality"] = mustJSON(quality[p])
			answers["networking_agreement"] = mustJSON(agreement[p])
			answers["networking_contacts"] = mustJSON(contacts[p])
		} else {
			answers["took_part_action"] = mustJSON(no)
		}

		if p, err = position(i, n, elearningStep, elearningOffset); err != nil {
			return nil, err
		}
		if p < len(elearning) {
			e := elearning[p]
			answers["took_elearning"] = mustJSON(yes)
			answers["elearning_content"] = mustJSON(e.content)
			answers["elearning_methodology"] = mustJSON(e.methodology)
			answers["elearning_technology"] = mustJSON(e.technology)
		} else {
			answers["took_elearning"] = mustJSON(no)
		}

		if p, err = position(i, n, platformStep, platformOffset); err != nil {
			return nil, err
		}
		if p < len(platform) {
			answers["used_platform"] = mustJSON(yes)
			answers["platform_satisfaction"] = mustJSON(platform[p])
		} else {
			answers["used_platform"] = mustJSON(no)
		}

		// One submission every 157 minutes from an hour after opening:
		// the last of 640 comes 69.7 days later, before closing.
		at := opens.Add(time.Hour + time.Duration(i)*157*time.Minute)
		out = append(out, survey.ImportedResponse{Administration: responding[i%len(responding)],
			Respondent: fmt.Sprintf("official-%03d", i+1), SubmittedAt: at, Answers: answers})
	}
	return out, nil
}

// expand lists a table's options, each repeated as often as it was chosen,
// in the table's order.
func expand(table []tally) []string {
	var out []string
	for _, t := range table {
		for k := 0; k < t.n; k++ {
			out = append(out, t.option)
		}
	}
	return out
}

// position is (i·step + offset) mod n, a permutation of 0…n−1 when step is
// prime to n.
func position(i, n, step, offset int) (int, error) {
	if gcd(step, n) != 1 {
		return 0, fmt.Errorf("step %d is not prime to %d", step, n)
	}
	return (i*step + offset) % n, nil
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// mustJSON encodes an answer value (a string, a list of strings or a
// number), which cannot fail.
func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
