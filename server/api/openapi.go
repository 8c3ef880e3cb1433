package api

import (
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/server/request"
)

// openAPI serves the route table as an OpenAPI 3 document: every route, who
// may call it, and the shape of errors.
func (s *server) openAPI(c *fiber.Ctx) error {
	return c.JSON(s.openAPIDoc())
}

func (s *server) openAPIDoc() map[string]any {
	paths := map[string]any{}
	for _, r := range s.routes() {
		if !strings.HasPrefix(r.Path, "/api/") && !strings.HasPrefix(r.Path, "/ws/") && r.Path != "/healthz" && r.Path != "/readyz" {
			continue
		}
		path, params := openAPIPath(r.Path)
		op := map[string]any{
			"summary":     r.Summary,
			"operationId": strings.ToLower(r.Method) + strings.NewReplacer("/", "_", "{", "", "}", "", ".", "_").Replace(path),
			"x-access":    r.Access.String(),
			"responses": map[string]any{
				"200": map[string]any{"description": "OK"},
				"400": errorResponse("the request is malformed; the message says what is wrong"),
				"401": errorResponse("not logged in"),
				"403": errorResponse("your role may not do this"),
				"404": errorResponse("no such thing"),
			},
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		if r.Access != Public {
			op["security"] = []any{map[string]any{"bearer": []any{}}, map[string]any{"session": []any{}}}
		}
		item, _ := paths[path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[path] = item
		}
		item[strings.ToLower(r.Method)] = op
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{
			"title":       "SkillArena API",
			"version":     "1",
			"description": "Judging platform for skills competitions. Errors are {\"error\": {\"code\", \"message\"}}. Cookie sessions must echo the arena_csrf cookie in X-CSRF-Token on writes.",
		},
		"paths": paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{
				"bearer":  map[string]any{"type": "http", "scheme": "bearer"},
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": request.SessionCookie},
			},
			"schemas": map[string]any{
				"Error": map[string]any{
					"type": "object",
					"properties": map[string]any{
						"error": map[string]any{
							"type":     "object",
							"required": []string{"code", "message"},
							"properties": map[string]any{
								"code":    map[string]any{"type": "string"},
								"message": map[string]any{"type": "string"},
							},
						},
					},
				},
			},
		},
	}
}

func errorResponse(desc string) map[string]any {
	return map[string]any{
		"description": desc,
		"content": map[string]any{"application/json": map[string]any{
			"schema": map[string]any{"$ref": "#/components/schemas/Error"}}},
	}
}

// openAPIPath turns "/api/contests/:cid" into "/api/contests/{cid}" and
// lists its path parameters.
func openAPIPath(p string) (string, []any) {
	var params []any
	parts := strings.Split(p, "/")
	for i, part := range parts {
		if name, ok := strings.CutPrefix(part, ":"); ok {
			parts[i] = "{" + name + "}"
			params = append(params, map[string]any{"name": name, "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
	}
	return strings.Join(parts, "/"), params
}
