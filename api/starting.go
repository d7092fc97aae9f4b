package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// Starting returns the handler served until the database is reachable and
// migrated: /healthz answers 200, everything else a 503 problem, so that
// load balancers and clients see a service that is alive but not ready.
func Starting() http.Handler {
	e := newEngine(nil)
	e.Use(secureHeaders)
	ok := func(c *gin.Context) { respondOK(c, statusResponse{Status: "ok"}) }
	e.GET("/healthz", ok)
	e.GET("/api/v1/healthz", ok)
	unavailable := func(c *gin.Context) {
		c.Header("Retry-After", "5")
		writeProblem(c, problemUnavailable, "the service is starting: the database is not reachable or not migrated yet", nil)
	}
	e.NoRoute(unavailable)
	e.NoMethod(unavailable)
	return e
}
