// Package e2e holds the end-to-end tests of the submission spine: the real
// arena command against a real Redis, a real Docker engine and real Chromium.
package e2e
