package api_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/customs-survey/surveyd/docs"
)

// maxCheckedBody is the largest answer body whose content is checked against
// the contract; larger ones (the load tests' exports) have their status,
// headers and content type checked only.
const maxCheckedBody = 4 << 20

// contentXLSX is the media type of the workbooks the exports send.
const contentXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// The validator decodes a body by its content type before checking it
// against the schema; a workbook must at least be a ZIP archive.
func init() { openapi3filter.RegisterBodyDecoder(contentXLSX, xlsxDecoder) }

func xlsxDecoder(body io.Reader, _ http.Header, _ *openapi3.SchemaRef, _ openapi3filter.EncodingFn) (any, error) {
	data, err := io.ReadAll(body)
	if err != nil {
		return nil, err
	}
	if _, err := zip.NewReader(bytes.NewReader(data), int64(len(data))); err != nil {
		return nil, fmt.Errorf("not a workbook: %w", err)
	}
	return string(data), nil
}

// contract is docs/openapi.yaml, loaded once per test binary, with a router
// that finds the documented operation of a request, and the schemas of
// JSON answers compiled once each.
//
// openapi3filter validates everything, answers included, except the
// bodies of JSON answers: it compiles a body's schema again at every call
// (github.com/getkin/kin-openapi/pull/1186), which made the test suite
// about a fifth slower. Those are checked against the same document with
// the JSON Schema 2020-12 validator that openapi3filter itself uses, each
// schema compiled once.
type contract struct {
	doc    *openapi3.T
	router routers.Router

	compiler *jsonschema.Compiler
	mu       sync.Mutex
	schemas  map[string]*jsonschema.Schema // by JSON pointer into the document
}

// documentURL names the document for the schema compiler.
const documentURL = "mem:///openapi.json"

var loadContract = sync.OnceValues(func() (*contract, error) {
	doc, err := openapi3.NewLoader().LoadFromData(docs.OpenAPI)
	if err != nil {
		return nil, fmt.Errorf("load docs/openapi.yaml: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("docs/openapi.yaml is not a valid OpenAPI document: %w", err)
	}
	// Test requests are addressed to any host (httptest's example.com):
	// route on paths alone, not on the document's server URL.
	routed := *doc
	routed.Servers = nil
	router, err := gorillamux.NewRouter(&routed)
	if err != nil {
		return nil, fmt.Errorf("route docs/openapi.yaml: %w", err)
	}
	raw, err := openapi3filter.YamlBodyDecoder(bytes.NewReader(docs.OpenAPI), nil, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("read docs/openapi.yaml: %w", err)
	}
	compiler := jsonschema.NewCompiler()
	compiler.DefaultDraft(jsonschema.Draft2020)
	compiler.AssertFormat()
	if err := compiler.AddResource(documentURL, raw); err != nil {
		return nil, fmt.Errorf("read docs/openapi.yaml as JSON Schema: %w", err)
	}
	return &contract{doc: &routed, router: router, compiler: compiler, schemas: map[string]*jsonschema.Schema{}}, nil
})

// meaningfulHeaders are the answer headers that say something about one
// operation's answer; an answer may carry one only where the document
// declares it for that operation and status. (The headers every answer
// carries are described once, in the document's conventions.)
var meaningfulHeaders = []string{"Allow", "Content-Disposition", "ETag", "Idempotent-Replayed", "Link", "Location", "Retry-After", "WWW-Authenticate"}

// unroutedAnswers are the answers to a request that matches no documented
// operation, each described by a response of the document's components.
var unroutedAnswers = map[int]string{
	http.StatusBadRequest:            "Malformed",
	http.StatusNotFound:              "NotFound",
	http.StatusMethodNotAllowed:      "MethodNotAllowed",
	http.StatusRequestEntityTooLarge: "TooLarge",
	http.StatusInternalServerError:   "Internal",
	http.StatusServiceUnavailable:    "Unavailable",
}

// check says how an exchange departs from the document: its answer always
// (status, headers, content type and body), and its request when the
// service accepted it (2xx): a request the service takes must be documented
// too, while the requests that tests send malformed on purpose, and that
// the service refuses, need not be.
func (c *contract) check(req *http.Request, body []byte, res result) error {
	route, params, err := c.router.FindRoute(req)
	switch {
	case errors.Is(err, routers.ErrPathNotFound), errors.Is(err, routers.ErrMethodNotAllowed):
		return c.checkUnrouted(req, res, err)
	case err != nil:
		return fmt.Errorf("find the operation: %w", err)
	}
	opts := &openapi3filter.Options{
		AuthenticationFunc:                bearerSent,
		IncludeResponseStatus:             true,
		RejectWhenRequestBodyNotSpecified: true,
		MultiError:                        true,
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
	var errs []error
	if res.Status >= 200 && res.Status < 300 {
		req.Body = io.NopCloser(bytes.NewReader(body))
		if len(body) > 0 && req.Header.Get("Content-Type") == "" {
			// The service reads every body as JSON, whatever its
			// Content-Type says (the document's conventions).
			req.Header.Set("Content-Type", "application/json")
		}
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
			errs = append(errs, fmt.Errorf("request: %w", err))
		}
		errs = append(errs, undeclaredQuery(req, route))
	}
	responses := "/paths/" + pointerToken(route.Path) + "/" + strings.ToLower(req.Method) + "/responses"
	errs = append(errs, c.checkAnswer(in, responses, res))
	return errors.Join(errs...)
}

// checkUnrouted checks the answer to a request the document has no
// operation for: it must be one of the answers common to every path.
func (c *contract) checkUnrouted(req *http.Request, res result, routeErr error) error {
	name, ok := unroutedAnswers[res.Status]
	if !ok {
		return fmt.Errorf("%w in the document, yet the service answered %d (not one of the answers common to every path)", routeErr, res.Status)
	}
	common := c.doc.Components.Responses[name]
	if common == nil || common.Value == nil {
		return fmt.Errorf("%w; the answers common to every path lack components.responses.%s", routeErr, name)
	}
	ref := &openapi3.ResponseRef{Ref: "#/components/responses/" + name, Value: common.Value}
	op := &openapi3.Operation{Responses: openapi3.NewResponses(openapi3.WithStatus(res.Status, ref))}
	route := &routers.Route{Spec: c.doc, PathItem: &openapi3.PathItem{}, Method: req.Method, Operation: op}
	in := &openapi3filter.RequestValidationInput{Request: req, Route: route,
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}}
	return c.checkAnswer(in, "", res)
}

// checkAnswer validates an answer against the operation of in, whose
// responses are at the JSON pointer responses of the document: its status
// must be documented, and so must its content type, body and meaningful
// headers.
func (c *contract) checkAnswer(in *openapi3filter.RequestValidationInput, responses string, res result) error {
	ct := res.Header.Get("Content-Type")
	mediaType, _, _ := mime.ParseMediaType(ct)
	jsonBody := mediaType == "application/json" || strings.HasSuffix(mediaType, "+json")
	opts := *in.Options
	opts.ExcludeResponseBody = jsonBody || len(res.Body) > maxCheckedBody
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: res.Status, Header: res.Header,
		Body: io.NopCloser(bytes.NewReader(res.Body)), Options: &opts}
	var errs []error
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		errs = append(errs, fmt.Errorf("answer: %w", err))
	}
	ref := in.Route.Operation.Responses.Status(res.Status)
	if ref == nil || ref.Value == nil {
		return errors.Join(errs...) // an undocumented status, reported above
	}
	at := strings.TrimPrefix(ref.Ref, "#")
	if ref.Ref == "" {
		at = responses + "/" + strconv.Itoa(res.Status)
	}
	switch {
	case len(res.Body) == 0 && len(ref.Value.Content) > 0:
		errs = append(errs, errors.New("answer: no body, where the document describes one"))
	case len(res.Body) > 0 && len(ref.Value.Content) == 0:
		errs = append(errs, fmt.Errorf("answer: a %s body, where the document describes none", ct))
	case len(res.Body) > 0 && ref.Value.Content.Get(ct) == nil:
		errs = append(errs, fmt.Errorf("answer: Content-Type %q, which the document does not describe for this status", ct))
	case jsonBody && len(res.Body) <= maxCheckedBody:
		errs = append(errs, c.checkJSON(at, ref.Value.Content, ct, res.Body))
	}
	for _, h := range meaningfulHeaders {
		if res.Header.Get(h) != "" && ref.Value.Headers[h] == nil {
			errs = append(errs, fmt.Errorf("answer: header %s: %q, which the document does not declare for this status", h, res.Header.Get(h)))
		}
	}
	return errors.Join(errs...)
}

// checkJSON validates a JSON answer body against the schema of its content
// type, in the response object at the JSON pointer at.
func (c *contract) checkJSON(at string, content openapi3.Content, ct string, body []byte) error {
	described := content.Get(ct)
	for key, mt := range content {
		if mt != described {
			continue
		}
		if mt.Schema == nil {
			return nil
		}
		schema, err := c.schema(at + "/content/" + pointerToken(key) + "/schema")
		if err != nil {
			return err
		}
		value, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
		if err != nil {
			return fmt.Errorf("answer: the body is not JSON: %w", err)
		}
		if err := schema.Validate(value); err != nil {
			return fmt.Errorf("answer: %w", err)
		}
		return nil
	}
	return fmt.Errorf("answer: Content-Type %q, which the document does not describe for this status", ct)
}

// schema compiles the schema at a JSON pointer of the document, once.
func (c *contract) schema(pointer string) (*jsonschema.Schema, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.schemas[pointer]; ok {
		return s, nil
	}
	s, err := c.compiler.Compile(documentURL + "#" + pointer)
	if err != nil {
		return nil, fmt.Errorf("compile the schema at %s: %w", pointer, err)
	}
	c.schemas[pointer] = s
	return s, nil
}

// pointerToken escapes a member name for a JSON pointer (RFC 6901).
func pointerToken(name string) string {
	return strings.ReplaceAll(strings.ReplaceAll(name, "~", "~0"), "/", "~1")
}

// undeclaredQuery names the query parameters of an accepted request that the
// operation does not declare.
func undeclaredQuery(req *http.Request, route *routers.Route) error {
	var errs []error
	for name := range req.URL.Query() {
		if route.Operation.Parameters.GetByInAndName(openapi3.ParameterInQuery, name) == nil &&
			route.PathItem.Parameters.GetByInAndName(openapi3.ParameterInQuery, name) == nil {
			errs = append(errs, fmt.Errorf("request: query parameter %q is not declared", name))
		}
	}
	return errors.Join(errs...)
}

// bearerSent checks the bearerAuth scheme: an operation that requires it
// must not accept a request without a bearer token.
func bearerSent(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	if in.SecurityScheme.Type != "http" || !strings.EqualFold(in.SecurityScheme.Scheme, "bearer") {
		return in.NewError(fmt.Errorf("security scheme %q is not one the tests know", in.SecuritySchemeName))
	}
	scheme, token, _ := strings.Cut(in.RequestValidationInput.Request.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Bearer") || token == "" {
		return in.NewError(errors.New("no bearer token was sent"))
	}
	return nil
}

// describeExchange names an exchange in a failure message.
func describeExchange(method, target string, status int) string {
	return method + " " + target + " → " + strconv.Itoa(status)
}
