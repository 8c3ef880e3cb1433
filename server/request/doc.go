// Package request is what the JSON API (server/api) and the pages
// (server/web) share about an HTTP request: who is asking (sessions, API
// tokens, CSRF), who may call a route, the app every route is mounted on,
// and errors with a safe public message, translated from the services'.
package request
