package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// RoutesForTest lists the routes of a handler made by NewServer.
func RoutesForTest(h http.Handler) []gin.RouteInfo { return h.(*gin.Engine).Routes() }

// AuditActionForTest returns the audit action name of a route (method and
// route pattern), and whether requests to it are recorded by name.
func AuditActionForTest(method, route string) (string, bool) {
	a, ok := auditActions[method+" "+route]
	return a.name, ok
}

// AuditedRoutesForTest lists the routes named in the audit map, as
// "METHOD /route", with the route of the resource a creation makes, if any.
func AuditedRoutesForTest() map[string]string {
	out := map[string]string{}
	for k, a := range auditActions {
		out[k] = a.created
	}
	return out
}
