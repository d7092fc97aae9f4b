package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/goccy/go-yaml"

	"github.com/customs-survey/surveyd/docs"
)

// contentYAML is the media type of the OpenAPI document as YAML (RFC 9512).
const contentYAML = "application/yaml"

// openAPIJSON is the OpenAPI document converted to JSON once, when the
// process starts; openAPIJSONErr says why the conversion failed, if it did.
var openAPIJSON, openAPIJSONErr = yamlToJSON(docs.OpenAPI)

// yamlToJSON converts a YAML document to compact JSON, keeping the order of
// the members.
func yamlToJSON(doc []byte) ([]byte, error) {
	out, err := yaml.YAMLToJSON(doc)
	if err != nil {
		return nil, fmt.Errorf("convert the OpenAPI document to JSON: %w", err)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, out); err != nil {
		return nil, fmt.Errorf("convert the OpenAPI document to JSON: %w", err)
	}
	return compact.Bytes(), nil
}

// serveOpenAPIYAML serves the HTTP contract, docs/openapi.yaml, byte for
// byte as it is in the repository.
func (s *server) serveOpenAPIYAML(c *gin.Context) {
	c.Data(http.StatusOK, contentYAML, docs.OpenAPI)
}

// serveOpenAPIJSON serves the same document as JSON.
func (s *server) serveOpenAPIJSON(c *gin.Context) {
	if openAPIJSONErr != nil {
		s.writeError(c, openAPIJSONErr)
		return
	}
	c.Data(http.StatusOK, contentJSONBody, openAPIJSON)
}
