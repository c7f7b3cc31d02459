// Package manifests holds preorderbot's deployment artefacts rather than code: the Slack app manifest
// (slack-app.yaml) and the Kubernetes manifests (kubernetes/). Its tests parse them, and the repository's
// Dockerfile, and check the settings the design depends on (Socket Mode, the exact bot scopes, a single
// Recreate replica owning the bbolt volume, a non-root static image), so a change that breaks a deployment
// assumption fails `go test` instead of a rollout.
package manifests
