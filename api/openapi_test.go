package api_test

import (
	"bytes"
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/customs-survey/surveyd/api"
)

// TestServedContract checks that the service serves docs/openapi.yaml as it
// is in the repository, and as JSON with the same content (read by another
// YAML parser than the one that converted it).
func TestServedContract(t *testing.T) {
	e := &env{t: t, handler: api.NewServer(api.Config{}, api.Deps{})} // no database: the document needs none
	file := readFile(t, "../docs/openapi.yaml")

	res := e.request("GET", "/api/v1/openapi.yaml", "", nil)
	if res.Status != 200 || res.Header.Get("Content-Type") != "application/yaml" {
		t.Fatalf("GET /api/v1/openapi.yaml: %d, Content-Type %q", res.Status, res.Header.Get("Content-Type"))
	}
	if !bytes.Equal(res.Body, file) {
		t.Errorf("GET /api/v1/openapi.yaml: %d bytes that differ from the %d of docs/openapi.yaml", len(res.Body), len(file))
	}

	res = e.request("GET", "/api/v1/openapi.json", "", nil)
	if res.Status != 200 || res.Header.Get("Content-Type") != "application/json; charset=utf-8" {
		t.Fatalf("GET /api/v1/openapi.json: %d, Content-Type %q", res.Status, res.Header.Get("Content-Type"))
	}
	var served any
	if err := json.Unmarshal(res.Body, &served); err != nil {
		t.Fatalf("GET /api/v1/openapi.json: not JSON: %v", err)
	}
	fromYAML, err := openapi3filter.YamlBodyDecoder(bytes.NewReader(file), nil, nil, nil)
	if err != nil {
		t.Fatalf("read docs/openapi.yaml: %v", err)
	}
	if want := jsonValue(t, fromYAML); !reflect.DeepEqual(served, want) {
		t.Errorf("GET /api/v1/openapi.json differs from docs/openapi.yaml, first at %s", firstDifference("", served, want))
	}
}

// jsonValue gives v as encoding/json decodes its encoding into an any.
func jsonValue(t *testing.T, v any) any {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// firstDifference names the first member where two JSON values differ.
func firstDifference(at string, a, b any) string {
	am, aok := a.(map[string]any)
	bm, bok := b.(map[string]any)
	if aok && bok {
		for _, k := range slices.Sorted(maps.Keys(am)) {
			if !reflect.DeepEqual(am[k], bm[k]) {
				return firstDifference(at+"/"+k, am[k], bm[k])
			}
		}
		for _, k := range slices.Sorted(maps.Keys(bm)) {
			if _, ok := am[k]; !ok {
				return at + "/" + k + " (missing)"
			}
		}
	}
	return at
}

// TestRoutesAreDocumented checks that the router and docs/openapi.yaml list
// the same operations: a route that the document does not describe, or an
// operation of the document that nothing serves, fails.
func TestRoutesAreDocumented(t *testing.T) {
	c, err := loadContract()
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for path, item := range c.doc.Paths.Map() {
		for method := range item.Operations() {
			documented[method+" "+path] = true
		}
	}
	served := map[string]bool{}
	for _, r := range api.RoutesForTest(api.NewServer(api.Config{}, api.Deps{})) {
		served[r.Method+" "+openAPIPath(r.Path)] = true
	}
	for _, op := range slices.Sorted(maps.Keys(served)) {
		if !documented[op] {
			t.Errorf("%s is served, but docs/openapi.yaml does not describe it", op)
		}
	}
	for _, op := range slices.Sorted(maps.Keys(documented)) {
		if !served[op] {
			t.Errorf("docs/openapi.yaml describes %s, which the router does not serve", op)
		}
	}
}

// openAPIPath writes a gin route pattern as an OpenAPI path: /users/:id is
// /users/{id}.
func openAPIPath(route string) string {
	parts := strings.Split(route, "/")
	for i, p := range parts {
		if strings.HasPrefix(p, ":") || strings.HasPrefix(p, "*") {
			parts[i] = "{" + p[1:] + "}"
		}
	}
	return strings.Join(parts, "/")
}

// TestContractDeclaresEveryMember checks that every object the document
// describes says which members it may have (additionalProperties or
// unevaluatedProperties), so that an undocumented member of a body fails
// the exchange that carries it. Objects that are only a part of an allOf
// are exempt: the whole must then forbid what no part declares.
func TestContractDeclaresEveryMember(t *testing.T) {
	c, err := loadContract()
	if err != nil {
		t.Fatal(err)
	}
	type visit struct {
		schema *openapi3.Schema
		part   bool
	}
	seen := map[visit]bool{}
	var walk func(at string, ref *openapi3.SchemaRef, part bool)
	walk = func(at string, ref *openapi3.SchemaRef, part bool) {
		if ref == nil || ref.Value == nil || seen[visit{ref.Value, part}] {
			return
		}
		s := ref.Value
		seen[visit{s, part}] = true
		if ref.Ref != "" {
			at = ref.Ref
		}
		object := s.Type.Is("object") || len(s.Properties) > 0
		closed := s.AdditionalProperties.Has != nil || s.AdditionalProperties.Schema != nil ||
			s.UnevaluatedProperties.Has != nil || s.UnevaluatedProperties.Schema != nil
		if object && !closed && !part {
			t.Errorf("%s: an object without additionalProperties or unevaluatedProperties", at)
		}
		for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
			walk(at+"/properties/"+name, s.Properties[name], false)
		}
		walk(at+"/items", s.Items, false)
		walk(at+"/additionalProperties", s.AdditionalProperties.Schema, false)
		for i, sub := range s.PrefixItems {
			walk(at+"/prefixItems/"+strconv.Itoa(i), sub, false)
		}
		for i, sub := range s.OneOf {
			walk(at+"/oneOf/"+strconv.Itoa(i), sub, false)
		}
		for i, sub := range s.AnyOf {
			walk(at+"/anyOf/"+strconv.Itoa(i), sub, false)
		}
		for i, sub := range s.AllOf {
			walk(at+"/allOf/"+strconv.Itoa(i), sub, true)
		}
	}
	for _, path := range c.doc.Paths.InMatchingOrder() {
		item := c.doc.Paths.Value(path)
		for method, op := range item.Operations() {
			at := method + " " + path
			for _, p := range append(slices.Clone(item.Parameters), op.Parameters...) {
				walk(at+" parameter "+p.Value.Name, p.Value.Schema, false)
			}
			if op.RequestBody != nil {
				for mt, m := range op.RequestBody.Value.Content {
					walk(at+" request "+mt, m.Schema, false)
				}
			}
			for status, r := range op.Responses.Map() {
				for mt, m := range r.Value.Content {
					walk(at+" "+status+" "+mt, m.Schema, false)
				}
			}
		}
	}
	if len(seen) == 0 {
		t.Fatal("no schema found in the document")
	}
}
