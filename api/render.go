package api

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"
)

// contentJSONBody is the content type of every JSON answer but problems.
const contentJSONBody = "application/json; charset=utf-8"

// respond sends v as a JSON body with the given status. The body is encoded
// completely before anything reaches the client, so that a value that
// cannot be encoded (a NaN, an infinity) is a logged 500 problem, never a
// 2xx with an empty or truncated body.
func (s *server) respond(c *gin.Context, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		s.writeError(c, fmt.Errorf("encode the answer: %w", err))
		return
	}
	c.Data(status, contentJSONBody, body)
}

// respondOK is respond for the fixed bodies of the health checks, which
// always encode.
func respondOK(c *gin.Context, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		c.AbortWithStatus(http.StatusInternalServerError)
		return
	}
	c.Data(http.StatusOK, contentJSONBody, body)
}
