// Package docs holds the documents of the service that its binary carries.
package docs

import _ "embed"

// OpenAPI is the HTTP contract of the service, docs/openapi.yaml, byte for
// byte as it is in the repository. The API serves it at
// GET /api/v1/openapi.yaml (and as JSON at GET /api/v1/openapi.json), and
// its tests check every answer, and every request the service accepted,
// against it.
//
//go:embed openapi.yaml
var OpenAPI []byte
