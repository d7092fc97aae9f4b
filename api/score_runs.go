package api

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/customs-survey/surveyd/exports"
	"github.com/customs-survey/surveyd/scores"
)

// scoreRunResponse describes a frozen scores run, with the addresses of
// its renderings.
type scoreRunResponse struct {
	ID       string        `json:"id"`
	Campaign string        `json:"campaign"`
	FrozenAt time.Time     `json:"frozen_at"`
	FrozenBy string        `json:"frozen_by"`
	Lang     *string       `json:"lang"` // null: the questionnaire's default language
	SHA256   string        `json:"sha256"`
	Links    scoreRunLinks `json:"links"`
}

type scoreRunLinks struct {
	JSON string `json:"json"`
	CSV  string `json:"csv"`
	XLSX string `json:"xlsx"`
}

func toScoreRunResponse(r scores.RunInfo) scoreRunResponse {
	path := exports.ScoreRunPath(r.Campaign, r.ID)
	out := scoreRunResponse{ID: r.ID, Campaign: r.Campaign, FrozenAt: r.FrozenAt.UTC(), FrozenBy: r.FrozenBy, SHA256: r.SHA256,
		Links: scoreRunLinks{JSON: path + "?format=json", CSV: path + "?format=csv", XLSX: path + "?format=xlsx"}}
	if r.Lang != "" {
		lang := r.Lang
		out.Lang = &lang
	}
	return out
}

// freezeScores: POST /campaigns/{key}/scores/freeze[?lang=xx] keeps the
// closed campaign's scores report as a new run (scores.Runs.Freeze) and
// answers 201 with the run, at the Location of its JSON.
func (s *server) freezeScores(c *gin.Context) {
	run, err := s.runs.Freeze(c.Request.Context(), principal(c), c.Param("key"), c.Query("lang"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.Header("Location", exports.ScoreRunPath(run.Campaign, run.ID))
	s.respond(c, http.StatusCreated, toScoreRunResponse(run))
}

// listScoreRuns: GET /campaigns/{key}/scores/runs, the campaign's runs,
// the latest first (a bare array, possibly empty).
func (s *server) listScoreRuns(c *gin.Context) {
	runs, err := s.runs.List(c.Request.Context(), principal(c), c.Param("key"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	out := make([]scoreRunResponse, len(runs))
	for i, r := range runs {
		out[i] = toScoreRunResponse(r)
	}
	s.respond(c, http.StatusOK, out)
}

// getScoreRun: GET /campaigns/{key}/scores/runs/{id}[?format=json|csv|xlsx]
// answers the bytes rendered when the run was frozen, with their SHA-256
// as the ETag and as Repr-Digest (RFC 9530): for the JSON, the run's
// sha256. CSV and XLSX are downloads named <campaign>-scores-<id>.<ext>.
func (s *server) getScoreRun(c *gin.Context) {
	format, err := exportFormat(c)
	if err != nil {
		s.writeError(c, err)
		return
	}
	run, err := s.runs.Get(c.Request.Context(), principal(c), c.Param("key"), c.Param("id"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	body := scores.RunFile(run, format)
	sum := sha256.Sum256(body)
	c.Header("ETag", `"`+hex.EncodeToString(sum[:])+`"`)
	c.Header("Repr-Digest", "sha-256=:"+base64.StdEncoding.EncodeToString(sum[:])+":")
	if format != exports.JSON {
		attachment(c, run.Campaign, "scores-"+run.ID, format)
	}
	c.Data(http.StatusOK, format.ContentType(), body)
}
