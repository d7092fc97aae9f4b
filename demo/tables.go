// The tables of the 2023 data set: who answered what, as counts that
// reproduce the report's figures. build.go turns them into responses.

package demo

import (
	_ "embed"
)

// The two questionnaires of the data set. Their indicators carry the codes
// of Annex 4 ("RES 3.2.1" is "RES 3.2. Sub-indicator 1").
var (
	//go:embed questionnaires/customs_administrations.json
	customsAdministrationsJSON []byte
	//go:embed questionnaires/programme_participants.json
	programmeParticipantsJSON []byte
)

// administrations are the 27 Member States and the three countries
// associated to the Customs programme whose administrations answered in
// 2023 (North Macedonia, Serbia, Türkiye).
var administrations = []Administration{
	{"AT", "Austria"}, {"BE", "Belgium"}, {"BG", "Bulgaria"}, {"CY", "Cyprus"}, {"CZ", "Czechia"},
	{"DE", "Germany"}, {"DK", "Denmark"}, {"EE", "Estonia"}, {"EL", "Greece"}, {"ES", "Spain"},
	{"FI", "Finland"}, {"FR", "France"}, {"HR", "Croatia"}, {"HU", "Hungary"}, {"IE", "Ireland"},
	{"IT", "Italy"}, {"LT", "Lithuania"}, {"LU", "Luxembourg"}, {"LV", "Latvia"}, {"MT", "Malta"},
	{"NL", "Netherlands"}, {"PL", "Poland"}, {"PT", "Portugal"}, {"RO", "Romania"}, {"SE", "Sweden"},
	{"SI", "Slovenia"}, {"SK", "Slovakia"},
	{"MK", "North Macedonia"}, {"RS", "Serbia"}, {"TR", "Türkiye"},
}

// nonResponding are invited to every campaign but never answer: the
// report's figures are "based on input provided by the national customs
// administrations of Member States (except for Cyprus and Denmark)"
// (footnote 74). That leaves 28 responding administrations.
var nonResponding = map[string]bool{"CY": true, "DK": true}

// minCellSize is the campaigns' smallest publishable cell of an
// administrations breakdown.
const minCellSize = 5

// Option keys shared by several tables.
const (
	yes      = "yes"
	no       = "no"
	dontKnow = "dont_know"
)

// tally is a number of answers choosing one option.
type tally struct {
	option string
	n      int
}

// numberTally is a number of answers giving one value to a number question.
type numberTally struct {
	value float64
	n     int
}

// ---------------------------------------------------------------------------
// customs_administrations: one consolidated response per administration
// (respondent "coordinator"), indicators with unit administration. Every
// table adds up to the 28 responding administrations. Contribution
// questions score none 0, little 25, moderate 50, large 75, full 100, and
// "don't know" has no score (excluded from the mean); awareness scores
// advanced 100, basic 66, very basic 33, none 0.
// ---------------------------------------------------------------------------

// customsYear holds one count table per question of customs_administrations.
type customsYear struct {
	awarenessLevel      []tally
	supportSatisfaction []numberTally
	eesUnionLaw         []tally
	eesCooperation      []tally
	eesPerformance      []tally
	eesInnovation       []tally
	actionsPerformance  []tally
	actionsInnovation   []tally
}

// customs2023 reproduces the administrations' figures of the 2023 report.
var customs2023 = customsYear{
	// OP 3.1 "70.96%": (7·100 + 19·66 + 1·33 + 1·0)/28 = 1987/28 = 70.9643.
	// Distribution: 7/28 = 25%, 19/28 = 67.86%, 1/28 = 3.57%, 1/28 = 3.57%.
	// No target for 2023: the report compares with the 2024 milestone (50%).
	awarenessLevel: []tally{{"advanced", 7}, {"basic", 19}, {"very_basic", 1}, {"none", 1}},
	// OP 1.4.2 "4.18": (8·5 + 17·4 + 3·3)/28 = 117/28 = 4.1786 (target 4).
	supportSatisfaction: []numberTally{{5, 8}, {4, 17}, {3, 3}},
	// RES 1.2 "76.8%": (6·100 + 18·75 + 4·50)/28 = 2150/28 = 76.7857: 28 valid
	// answers (target 70; 2022: 70.00, so +6.79 pp, "almost 7").
	eesUnionLaw: []tally{{"full", 6}, {"large", 18}, {"moderate", 4}},
	// RES 2.2.1 "72.22%": (4·100 + 16·75 + 7·50)/27 = 1950/27 = 72.2222: 27 valid
	// answers, 1 don't know (target 75).
	eesCooperation: []tally{{"full", 4}, {"large", 16}, {"moderate", 7}, {dontKnow, 1}},
	// RES 3.2.1 "67.30%": (2·100 + 16·75 + 6·50 + 2·25)/26 = 1750/26 = 67.3077:
	// 26 valid answers, 2 don't know (target 70). The service rounds to
	// 67.31; the report truncates to 67.30.
	eesPerformance: []tally{{"full", 2}, {"large", 16}, {"moderate", 6}, {"little", 2}, {dontKnow, 2}},
	// RES 4.1 "60.57%": (1·100 + 12·75 + 10·50 + 3·25)/26 = 1575/26 = 60.5769:
	// 26 valid answers, 2 don't know (target 70; 2022: 60.00, "slightly
	// increased"). The service rounds to 60.58; the report truncates.
	eesInnovation: []tally{{"full", 1}, {"large", 12}, {"moderate", 10}, {"little", 3}, {dontKnow, 2}},
	// RES 3.2.2 "63.39%": (2·100 + 15·75 + 8·50 + 2·25 + 1·0)/28 = 1775/28 =
	// 63.3929: 28 valid answers (target 70).
	actionsPerformance: []tally{{"full", 2}, {"large", 15}, {"moderate", 8}, {"little", 2}, {"none", 1}},
	// RES 4.2 "56.25%": (1·100 + 10·75 + 12·50 + 5·25)/28 = 1575/28 = 56.25:
	// 28 valid answers (target 70; 2022: 60.1852, so −3.94 pp, "decreased 4
	// percentage points").
	actionsInnovation: []tally{{"full", 1}, {"large", 10}, {"moderate", 12}, {"little", 5}},
}

// customs2022 gives the previous values that the 2023 narratives imply,
// and plausible values elsewhere.
var customs2022 = customsYear{
	// OP 3.1: (6·100 + 18·66 + 3·33 + 1·0)/28 = 1887/28 = 67.3929.
	awarenessLevel: []tally{{"advanced", 6}, {"basic", 18}, {"very_basic", 3}, {"none", 1}},
	// OP 1.4.2: (7·5 + 16·4 + 5·3)/28 = 114/28 = 4.0714.
	supportSatisfaction: []numberTally{{5, 7}, {4, 16}, {3, 5}},
	// RES 1.2: (3·100 + 15·75 + 6·50 + 1·25)/25 = 1750/25 = 70.00: 25 valid
	// answers, 3 don't know. 2023 − 2022 = 76.7857 − 70 = +6.79 pp.
	eesUnionLaw: []tally{{"full", 3}, {"large", 15}, {"moderate", 6}, {"little", 1}, {dontKnow, 3}},
	// RES 2.2.1: (3·100 + 17·75 + 6·50 + 1·25)/27 = 1900/27 = 70.3704: 27 valid,
	// 1 don't know.
	eesCooperation: []tally{{"full", 3}, {"large", 17}, {"moderate", 6}, {"little", 1}, {dontKnow, 1}},
	// RES 3.2.1: (2·100 + 14·75 + 8·50 + 2·25)/26 = 1700/26 = 65.3846: 26 valid,
	// 2 don't know.
	eesPerformance: []tally{{"full", 2}, {"large", 14}, {"moderate", 8}, {"little", 2}, {dontKnow, 2}},
	// RES 4.1: (1·100 + 10·75 + 12·50 + 2·25)/25 = 1500/25 = 60.00: 25 valid,
	// 3 don't know. 2023 − 2022 = 60.5769 − 60 = +0.58 pp.
	eesInnovation: []tally{{"full", 1}, {"large", 10}, {"moderate", 12}, {"little", 2}, {dontKnow, 3}},
	// RES 3.2.2: (2·100 + 13·75 + 10·50 + 2·25 + 1·0)/28 = 1725/28 = 61.6071.
	actionsPerformance: []tally{{"full", 2}, {"large", 13}, {"moderate", 10}, {"little", 2}, {"none", 1}},
	// RES 4.2: (1·100 + 13·75 + 10·50 + 2·25 + 1·0)/27 = 1625/27 = 60.1852: 27
	// valid, 1 don't know. 2023 − 2022 = 56.25 − 60.1852 = −3.94 pp. (The
	// 60.25 that "−4 pp" suggests is 25k/n for no n ≤ 28.)
	actionsInnovation: []tally{{"full", 1}, {"large", 13}, {"moderate", 10}, {"little", 2}, {"none", 1}, {dontKnow, 1}},
}

// customsSteps spreads each question's table over the administrations:
// administration j (0–27, alphabetical among the responding ones) gets entry
// (j·step + offset) mod 28 of the expanded table, a permutation since each
// step is prime to 28.
var customsSteps = []struct{ step, offset int }{
	{3, 5}, {5, 11}, {9, 2}, {11, 7}, {13, 19}, {15, 3}, {17, 23}, {19, 13},
}

// ---------------------------------------------------------------------------
// programme_participants: many officials per administration, indicators
// with unit respondent. Respondent i (0-based, "official-<i+1>") belongs to
// the responding administration i mod 28. Each section's table is expanded
// in the order given (best answers first) and respondent i takes entry
// (i·step + offset) mod N, N the number of respondents; an entry beyond the
// table means "no" to the section's filter question (took_part_action,
// took_elearning, used_platform), so show_if hides the section.
// Scores: quality and satisfaction 0/25/50/75/100 from the worst to the
// best option; networking agreement 0 ("not at all agree") to 100 ("fully
// agree"); "don't know" has no score.
// ---------------------------------------------------------------------------

// outputsPattern is a number of respondents giving the same answers to
// used_outputs and why_not (asked only after "no").
type outputsPattern struct {
	usedOutputs string
	whyNot      []string
	n           int
}

// elearningPattern is a number of respondents rating the content,
// methodology and technology of an e-learning course alike.
type elearningPattern struct {
	content, methodology, technology string
	n                                int
}

// participantsYear holds the count tables of one programme_participants
// campaign. outputs adds up to respondents; the three action tables add up
// to the respondents who took part in an action (zipped by position, so
// that the best quality goes with the most agreement and contacts).
type participantsYear struct {
	respondents          int
	outputs              []outputsPattern
	actionQuality        []tally
	networkingAgreement  []tally
	networkingContacts   []tally
	elearning            []elearningPattern
	platformSatisfaction []tally
}

// participants2023 reproduces the participants' figures of the 2023 report:
// 640 respondents.
var participants2023 = participantsYear{
	respondents: 640,
	// RES 1.1 "78.3%": 501/640 = 78.2813 said yes.
	// RES 1.1 reasons "78.42%": of the 139 who said no, 90 + 12 + 7 = 109
	// chose no_outputs_yet (alone or with another reason): 109/139 = 78.4173.
	outputs: []outputsPattern{
		{yes, nil, 501},
		{no, []string{"no_outputs_yet"}, 90},
		{no, []string{"no_outputs_yet", "no_capacity"}, 12},
		{no, []string{"no_outputs_yet", "not_relevant"}, 7},
		{no, []string{"not_relevant"}, 14},
		{no, []string{"no_capacity"}, 10},
		{no, []string{"other"}, 6},
	},
	// OP 2.1.4 "84.07%": 113 took part in an action:
	// (50·100 + 58·75 + 2·50 + 2·25 + 1·0)/113 = 9500/113 = 84.0708 (target 70).
	actionQuality: []tally{{"excellent", 50}, {"good", 58}, {"fair", 2}, {"poor", 2}, {"very_poor", 1}},
	// RES 2.2.6 agreement "78.06%": 98 valid answers, 15 don't know:
	// (30·100 + 56·75 + 8·50 + 2·25 + 2·0)/98 = 7650/98 = 78.0612
	// (target 90% by 2027, the end of the programme: none for 2023).
	networkingAgreement: []tally{{"fully", 30}, {"mostly", 56}, {"partly", 8}, {"slightly", 2}, {"not_at_all", 2}, {dontKnow, 15}},
	// RES 2.2.6 contacts "75,22%": (12 + 28 + 45)/113 = 85/113 = 75.2212
	// reported occasional, frequent or very frequent contacts.
	networkingContacts: []tally{{"very_frequently", 12}, {"frequently", 28}, {"occasionally", 45}, {"rarely", 20}, {"never", 8}},
	// OP 2.2.3 "Average: 80.1%; content 79.1%, methodology 79.8%,
	// technology 80.2%" (target 74.5): 215 followed a course, 3 answered
	// "don't know" to all three aspects (excluded). Found by a small search:
	// the average exceeds the mean of the aspects (79.7) because the 6
	// respondents who knew only the methodology rated it 100, and each
	// respondent weighs one, however many aspects they rated.
	//   content:     (70·100 + 101·75 + 26·50 + 2·25 + 1·0 + 3·75 + 2·50 + 1·50)/206
	//                = 16300/206 = 79.1262 (9 don't know)
	//   methodology: (15925 + 3·75 + 2·50 + 1·75 + 6·100)/212 = 16925/212 = 79.8349
	//                (3 don't know)
	//   technology:  (15925 + 3·100 + 2·100 + 1·100)/206 = 16525/206 = 80.2184
	//                (9 don't know)
	//   average of the respondents' means:
	//                (15925 + 3·250/3 + 2·200/3 + 1·225/3 + 6·100)/212
	//                = 16983.33/212 = 80.1101
	// where 15925 = 70·100 + 101·75 + 26·50 + 2·25 + 1·0 is the 200 who
	// rated the three aspects alike.
	elearning: []elearningPattern{
		{"excellent", "excellent", "excellent", 70},
		{"good", "good", "good", 101},
		{"fair", "fair", "fair", 26},
		{"poor", "poor", "poor", 2},
		{"very_poor", "very_poor", "very_poor", 1},
		{"good", "good", "excellent", 3},
		{"fair", "fair", "excellent", 2},
		{"fair", "good", "excellent", 1},
		{dontKnow, "excellent", dontKnow, 6},
		{dontKnow, dontKnow, dontKnow, 3},
	},
	// RES 2.2.5 "64.5%": 50 used the platform:
	// (8·100 + 22·75 + 14·50 + 3·25 + 3·0)/50 = 3225/50 = 64.50
	// (2022: 68.50, so −4.00 pp).
	platformSatisfaction: []tally{{"very_satisfied", 8}, {"satisfied", 22}, {"neutral", 14}, {"dissatisfied", 3}, {"very_dissatisfied", 3}},
}

// participants2022 gives the previous values that the 2023 narratives
// imply, and plausible values elsewhere: 600 respondents.
var participants2022 = participantsYear{
	respondents: 600,
	// RES 1.1: 495/600 = 82.50 ("above 80%").
	// RES 1.1 reasons: (68 + 8 + 4)/105 = 80/105 = 76.1905.
	outputs: []outputsPattern{
		{yes, nil, 495},
		{no, []string{"no_outputs_yet"}, 68},
		{no, []string{"no_outputs_yet", "no_capacity"}, 8},
		{no, []string{"no_outputs_yet", "not_relevant"}, 4},
		{no, []string{"not_relevant"}, 12},
		{no, []string{"no_capacity"}, 8},
		{no, []string{"other"}, 5},
	},
	// OP 2.1.4: (40·100 + 52·75 + 9·50 + 3·25)/104 = 8425/104 = 81.0096.
	actionQuality: []tally{{"excellent", 40}, {"good", 52}, {"fair", 9}, {"poor", 3}},
	// RES 2.2.6 agreement: (22·100 + 48·75 + 14·50 + 3·25 + 1·0)/88 = 6575/88
	// = 74.7159: 88 valid, 16 don't know.
	networkingAgreement: []tally{{"fully", 22}, {"mostly", 48}, {"partly", 14}, {"slightly", 3}, {"not_at_all", 1}, {dontKnow, 16}},
	// RES 2.2.6 contacts: (9 + 23 + 40)/104 = 72/104 = 69.2308.
	networkingContacts: []tally{{"very_frequently", 9}, {"frequently", 23}, {"occasionally", 40}, {"rarely", 23}, {"never", 9}},
	// OP 2.2.3: 192 followed a course, 3 don't know to all aspects.
	//   content = technology: (60·100 + 95·75 + 28·50 + 3·25 + 1·0)/187
	//                         = 14600/187 = 78.0749
	//   methodology = average: (14600 + 2·100)/189 = 14800/189 = 78.3069
	elearning: []elearningPattern{
		{"excellent", "excellent", "excellent", 60},
		{"good", "good", "good", 95},
		{"fair", "fair", "fair", 28},
		{"poor", "poor", "poor", 3},
		{"very_poor", "very_poor", "very_poor", 1},
		{dontKnow, "excellent", dontKnow, 2},
		{dontKnow, dontKnow, dontKnow, 3},
	},
	// RES 2.2.5: (10·100 + 24·75 + 11·50 + 3·25 + 2·0)/50 = 3425/50 = 68.50.
	platformSatisfaction: []tally{{"very_satisfied", 10}, {"satisfied", 24}, {"neutral", 11}, {"dissatisfied", 3}, {"very_dissatisfied", 2}},
}

// Steps and offsets of the participants' sections; each step is prime to
// 600 and to 640, so that (i·step + offset) mod N is a permutation.
const (
	outputsStep, outputsOffset     = 7, 3
	actionStep, actionOffset       = 11, 5
	elearningStep, elearningOffset = 13, 1
	platformStep, platformOffset   = 17, 2
)
