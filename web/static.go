package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
)

//go:embed static
var staticFiles embed.FS

// asset is a static file served under a name that holds a hash of its
// content (app.3f2a1b9c.css), so that it can be cached for a year and a
// new version is a new name.
type asset struct {
	name string // the hashed name
	body []byte
	kind string // Content-Type
}

// assets maps both the plain and the hashed name of every static file to
// it.
var assets = sync.OnceValue(func() map[string]asset {
	out := map[string]asset{}
	entries, err := fs.ReadDir(staticFiles, "static")
	if err != nil {
		panic(err)
	}
	for _, e := range entries {
		body, err := staticFiles.ReadFile("static/" + e.Name())
		if err != nil {
			panic(err)
		}
		sum := sha256.Sum256(body)
		ext := path.Ext(e.Name())
		a := asset{name: strings.TrimSuffix(e.Name(), ext) + "." + hex.EncodeToString(sum[:4]) + ext, body: body,
			kind: mime.TypeByExtension(ext)}
		out[e.Name()] = a
		out[a.name] = a
	}
	return out
})

// assetPath is the URL of a static file by its plain name, for templates.
func assetPath(name string) string { return "/static/" + assets()[name].name }

// serveStatic answers /static/{file} for hashed names only.
func serveStatic(w http.ResponseWriter, r *http.Request) {
	a, ok := assets()[r.PathValue("file")]
	if !ok || a.name != r.PathValue("file") {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", a.kind)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(a.body)
}
