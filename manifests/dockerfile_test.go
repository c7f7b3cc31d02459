package manifests

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// dockerfilePath is the repository's Dockerfile; docker itself is not needed to check it.
const dockerfilePath = "../Dockerfile"

// instruction is one Dockerfile instruction with its continuation lines joined.
type instruction struct {
	Cmd  string // upper case: FROM, RUN, …
	Args string
	Line int
}

// stage is one FROM and the instructions after it.
type stage struct {
	From         instruction
	Instructions []instruction
}

// find returns the stage's instructions of one kind, in order.
func (s stage) find(cmd string) []instruction {
	var found []instruction
	for _, in := range s.Instructions {
		if in.Cmd == cmd {
			found = append(found, in)
		}
	}
	return found
}

// parseDockerfile splits a Dockerfile into stages. It handles what this project's Dockerfile uses: comments,
// blank lines (also inside a continuation, as docker skips them) and backslash continuations (no heredocs, no
// escape directive).
func parseDockerfile(text string) (global []instruction, stages []stage) {
	var pending string
	start := 0
	for i, line := range strings.Split(text, "\n") {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		if pending == "" {
			start = i + 1
		}
		if cont, ok := strings.CutSuffix(trimmed, `\`); ok {
			pending += cont + " "
			continue
		}
		full := strings.TrimSpace(pending + trimmed)
		pending = ""
		cmd, args, _ := strings.Cut(full, " ")
		in := instruction{Cmd: strings.ToUpper(cmd), Args: strings.Join(strings.Fields(args), " "), Line: start}
		switch {
		case in.Cmd == "FROM":
			stages = append(stages, stage{From: in})
		case len(stages) == 0:
			global = append(global, in)
		default:
			stages[len(stages)-1].Instructions = append(stages[len(stages)-1].Instructions, in)
		}
	}
	return global, stages
}

// mustStages parses ../Dockerfile and returns its builder and final stage.
func mustStages(t *testing.T) (build, final stage) {
	t.Helper()
	raw, err := os.ReadFile(dockerfilePath)
	require.NoError(t, err)
	_, stages := parseDockerfile(string(raw))
	require.GreaterOrEqual(t, len(stages), 2, "multi-stage build expected")
	return stages[0], stages[len(stages)-1]
}

// execForm decodes a JSON exec-form argument list; shell form would need a shell the runtime image lacks.
func execForm(t *testing.T, in instruction) []string {
	t.Helper()
	var args []string
	require.NoError(t, json.Unmarshal([]byte(in.Args), &args), "%s on line %d must use the JSON exec form", in.Cmd, in.Line)
	return args
}

// mustOne returns the single instruction of a kind in a stage.
func mustOne(t *testing.T, s stage, cmd string) instruction {
	t.Helper()
	found := s.find(cmd)
	require.Len(t, found, 1, "%s instructions in stage %q", cmd, s.From.Args)
	return found[0]
}

func TestDockerfileBuildStage(t *testing.T) {
	build, _ := mustStages(t)
	assert.Regexp(t, `(^|\s)golang:1\.26(\s|$)`, build.From.Args)

	var args []string
	for _, in := range build.find("ARG") {
		name, _, _ := strings.Cut(in.Args, "=")
		args = append(args, name)
	}
	assert.Subset(t, args, []string{"VERSION", "COMMIT"})

	var goBuild instruction
	for _, in := range build.find("RUN") {
		if strings.Contains(in.Args, "go build") {
			goBuild = in
		}
	}
	require.NotEmpty(t, goBuild.Args, "no go build in the builder stage")
	for _, want := range []string{
		"CGO_ENABLED=0", // static: the runtime image has no libc
		"-trimpath",
		"-s -w",
		"-X main.version=$VERSION",
		"-X main.commit=$COMMIT",
		"-o /out/preorderbot",
		"./cmd/preorderbot",
	} {
		assert.Contains(t, goBuild.Args, want)
	}
}

// TestDockerfileDependencyLayer: go.mod and go.sum are copied and downloaded before the sources, so a code change
// does not download every module again.
func TestDockerfileDependencyLayer(t *testing.T) {
	build, _ := mustStages(t)
	order := map[string]int{}
	for i, in := range build.Instructions {
		switch {
		case in.Cmd == "COPY" && in.Args == "go.mod go.sum ./":
			order["copy mod"] = i + 1
		case in.Cmd == "RUN" && strings.Contains(in.Args, "go mod download"):
			order["download"] = i + 1
		case in.Cmd == "COPY" && in.Args == ". .":
			order["copy sources"] = i + 1
		}
	}
	require.Len(t, order, 3, "found %v", order)
	assert.Less(t, order["copy mod"], order["download"])
	assert.Less(t, order["download"], order["copy sources"])
}

func TestDockerfileRuntimeStage(t *testing.T) {
	_, final := mustStages(t)
	base := final.From.Args
	assert.True(t, strings.HasPrefix(base, "gcr.io/distroless/static") && strings.HasSuffix(base, ":nonroot") ||
		base == "scratch", "runtime base %q: distroless static nonroot or scratch", base)

	user := mustOne(t, final, "USER").Args
	name, _, _ := strings.Cut(user, ":")
	assert.NotContains(t, []string{"", "0", "root"}, name, "USER %q", user)

	assert.Equal(t, "/data", mustOne(t, final, "VOLUME").Args)
	assert.Equal(t, "8080", mustOne(t, final, "EXPOSE").Args)

	env := mustOne(t, final, "ENV").Args
	assert.Contains(t, env, "PREORDERBOT_DB_PATH=/data/preorderbot.db")
	assert.Contains(t, env, "PREORDERBOT_HTTP_ADDR=:8080")

	var copiedBinary bool
	for _, in := range final.find("COPY") {
		copiedBinary = copiedBinary || strings.HasSuffix(in.Args, "/out/preorderbot /preorderbot")
	}
	assert.True(t, copiedBinary, "the runtime stage must copy the binary to /preorderbot")
}

func TestDockerfileEntrypoint(t *testing.T) {
	_, final := mustStages(t)
	assert.Equal(t, []string{"/preorderbot"}, execForm(t, mustOne(t, final, "ENTRYPOINT")))
	assert.Equal(t, []string{"serve"}, execForm(t, mustOne(t, final, "CMD")))

	hc := mustOne(t, final, "HEALTHCHECK")
	_, cmd, ok := strings.Cut(hc.Args, "CMD ")
	require.True(t, ok, "HEALTHCHECK without CMD: %q", hc.Args)
	assert.Equal(t, []string{"/preorderbot", "healthcheck"}, execForm(t, instruction{Cmd: "HEALTHCHECK CMD", Args: cmd, Line: hc.Line}))
}

func TestParseDockerfile(t *testing.T) {
	text := "# syntax=docker/dockerfile:1\nARG BASE=x\n\nFROM a AS b\nRUN one \\\n    two \\\n\n    three\n# note\ncopy x y\nFROM c\nUSER 1:1\n"
	global, stages := parseDockerfile(text)
	assert.Equal(t, []instruction{{Cmd: "ARG", Args: "BASE=x", Line: 2}}, global)
	assert.Equal(t, []stage{
		{
			From: instruction{Cmd: "FROM", Args: "a AS b", Line: 4},
			Instructions: []instruction{
				{Cmd: "RUN", Args: "one two three", Line: 5},
				{Cmd: "COPY", Args: "x y", Line: 10},
			},
		},
		{
			From:         instruction{Cmd: "FROM", Args: "c", Line: 11},
			Instructions: []instruction{{Cmd: "USER", Args: "1:1", Line: 12}},
		},
	}, stages)
}
