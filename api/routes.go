package api

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/customs-survey/surveyd/auth"
)

const (
	admin       = auth.RoleAdmin
	coordinator = auth.RoleCoordinator
	respondent  = auth.RoleRespondent
)

// noRoute answers a path that no route takes: the web pages outside /api/
// when they are served, else a 404 problem.
func (s *server) noRoute(c *gin.Context) {
	if !s.servesPage(c.Request.URL.Path) {
		writeProblem(c, problemNotFound, "no such endpoint", nil)
		return
	}
	c.Request = c.Request.WithContext(auth.WithClientAddress(c.Request.Context(), c.ClientIP()))
	// gin answers 404 from here unless told otherwise; the pages decide.
	c.Status(http.StatusOK)
	s.pages.ServeHTTP(c.Writer, c.Request)
}

// servesPage reports whether a path is the pages' (when they are served):
// anything outside /api/ that no route of the API takes.
func (s *server) servesPage(path string) bool {
	return s.pages != nil && path != "/api" && !strings.HasPrefix(path, "/api/") &&
		path != "/healthz" && path != "/readyz"
}

// routes lists every endpoint of the service, with the roles it allows.
func (s *server) routes() http.Handler {
	e := newEngine(s.cfg.TrustedProxies)
	e.Use(s.measure, s.recoverPanics, s.logRequests, s.audit, secureHeaders, s.limitBody)
	e.NoRoute(s.noRoute)
	e.NoMethod(func(c *gin.Context) {
		writeProblem(c, problemMethodNotAllowed, "this endpoint does not accept "+c.Request.Method, nil)
	})

	// checkParams runs on every route: before anything else on the
	// anonymous ones, after authenticate on the others, so that a refused
	// request is recorded with its actor.
	root := e.Group("", checkParams)
	root.GET("/healthz", s.healthz)
	root.GET("/readyz", s.readyz)
	s.metricsRoute(root)

	v1 := root.Group("/api/v1")
	v1.GET("/healthz", s.healthz)
	v1.GET("/readyz", s.readyz)
	v1.POST("/auth/login", s.login)
	v1.POST("/auth/refresh", s.refresh)
	v1.POST("/auth/logout", s.logout)
	v1.GET("/openapi.yaml", s.serveOpenAPIYAML)
	v1.GET("/openapi.json", s.serveOpenAPIJSON)

	a := e.Group("/api/v1", s.authenticate, requirePasswordChange, checkParams, s.idempotent)
	a.GET("/me", s.me)
	a.POST("/me/password", s.changePassword)

	a.POST("/administrations", allow(admin), s.createAdministration)
	a.GET("/administrations", allow(admin), s.listAdministrations)
	a.GET("/administrations/:code", allow(admin), s.getAdministration)

	a.POST("/users", allow(admin, coordinator), s.createUser)
	a.GET("/users", allow(admin, coordinator), s.listUsers)
	a.POST("/users/import", allow(admin, coordinator), s.importUsers)
	a.GET("/users/:id", allow(admin, coordinator), s.getUser)
	a.PATCH("/users/:id", allow(admin, coordinator), s.updateUser)
	a.DELETE("/users/:id", allow(admin), s.deleteUser)
	a.POST("/users/:id/password-reset", allow(admin, coordinator), s.resetPassword)
	a.POST("/users/:id/unlock", allow(admin), s.unlockUser)
	a.GET("/audit", allow(admin), s.listAudit)

	a.POST("/questionnaires", allow(admin), s.createQuestionnaire)
	a.GET("/questionnaires", allow(admin), s.listQuestionnaires)
	a.GET("/questionnaires/:key", allow(admin), s.getQuestionnaire)
	a.POST("/questionnaires/:key/versions", allow(admin), s.newQuestionnaireVersion)
	a.GET("/questionnaires/:key/versions/:version", allow(admin), s.getQuestionnaireVersion)
	a.PUT("/questionnaires/:key/versions/:version", allow(admin), s.updateQuestionnaire)
	a.POST("/questionnaires/:key/versions/:version/publish", allow(admin), s.publishQuestionnaire)

	a.POST("/campaigns", allow(admin), s.createCampaign)
	a.GET("/campaigns", allow(admin, coordinator, respondent), s.listCampaigns)
	a.GET("/campaigns/:key", allow(admin, coordinator, respondent), s.getCampaign)
	a.POST("/campaigns/:key/open", allow(admin), s.openCampaign)
	a.POST("/campaigns/:key/close", allow(admin), s.closeCampaign)
	a.PATCH("/campaigns/:key", allow(admin), s.patchCampaign)
	a.DELETE("/campaigns/:key", allow(admin), s.deleteCampaign)
	a.POST("/campaigns/:key/reopen", allow(admin), s.reopenCampaign)
	a.GET("/campaigns/:key/progress", allow(admin, coordinator), s.progress)
	a.GET("/campaigns/:key/questionnaire", allow(admin, coordinator, respondent), s.campaignQuestionnaire)

	a.GET("/campaigns/:key/scores", allow(admin), s.scores)
	a.POST("/campaigns/:key/scores/freeze", allow(admin), s.freezeScores)
	a.GET("/campaigns/:key/scores/runs", allow(admin), s.listScoreRuns)
	a.GET("/campaigns/:key/scores/runs/:id", allow(admin), s.getScoreRun)
	// {code}.svg: the fixed segments above are matched first (scoreChart).
	a.GET("/campaigns/:key/scores/:file", allow(admin), s.scoreChart)
	a.GET("/campaigns/:key/responses", allow(admin, coordinator), s.exportResponses)

	a.GET("/reports/:year", allow(admin), s.annualReport)

	a.GET("/campaigns/:key/response", allow(respondent), s.getResponse)
	a.PUT("/campaigns/:key/response", allow(respondent), s.saveResponse)
	a.POST("/campaigns/:key/response/submit", allow(respondent), s.submitResponse)
	a.GET("/campaigns/:key/response/submissions", allow(respondent), s.listSubmissions)
	return e
}
