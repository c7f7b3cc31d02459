package manifests

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

const slackManifest = "slack-app.yaml"

// slackApp is the part of the Slack app manifest the bot depends on
// (https://docs.slack.dev/reference/app-manifest).
type slackApp struct {
	DisplayInformation struct {
		Name            string `yaml:"name"`
		Description     string `yaml:"description"`
		LongDescription string `yaml:"long_description"`
	} `yaml:"display_information"`
	Features struct {
		BotUser struct {
			DisplayName string `yaml:"display_name"`
		} `yaml:"bot_user"`
		SlashCommands []struct {
			Command     string `yaml:"command"`
			Description string `yaml:"description"`
			UsageHint   string `yaml:"usage_hint"`
		} `yaml:"slash_commands"`
	} `yaml:"features"`
	OAuthConfig struct {
		Scopes struct {
			Bot  []string `yaml:"bot"`
			User []string `yaml:"user"`
		} `yaml:"scopes"`
	} `yaml:"oauth_config"`
	Settings struct {
		EventSubscriptions struct {
			BotEvents  []string `yaml:"bot_events"`
			UserEvents []string `yaml:"user_events"`
		} `yaml:"event_subscriptions"`
		Interactivity struct {
			IsEnabled *bool `yaml:"is_enabled"`
		} `yaml:"interactivity"`
		SocketModeEnabled    *bool `yaml:"socket_mode_enabled"`
		TokenRotationEnabled *bool `yaml:"token_rotation_enabled"`
	} `yaml:"settings"`
}

// wantScopes is the exact bot scope set: what the code calls, nothing more.
var wantScopes = []string{
	"commands",          // /preorder
	"chat:write",        // cards, threads, ephemeral answers, card updates
	"chat:write.public", // cards and escalations in public channels without joining
	"app_mentions:read", // @preorderbot check
	"reactions:write",   // 👀 on a mention
	"users:read",        // names in escalations and audit
	"usergroups:read",   // operator groups
	"files:write",       // evidence packet when no support channel is set
	"channels:history",  // find a post that landed though its answer was an error
	"groups:history",    // the same in private channels
}

// mustSlackManifest returns the single document of slack-app.yaml.
func mustSlackManifest(t *testing.T) *yaml.Node {
	t.Helper()
	docs := mustReadDocs(t, slackManifest)
	require.Len(t, docs, 1)
	return docs[0].Node
}

func TestSlackAppSocketMode(t *testing.T) {
	var app slackApp
	require.NoError(t, mustSlackManifest(t).Decode(&app))

	s := app.Settings
	require.NotNil(t, s.SocketModeEnabled)
	assert.True(t, *s.SocketModeEnabled)
	require.NotNil(t, s.Interactivity.IsEnabled)
	assert.True(t, *s.Interactivity.IsEnabled)
	require.NotNil(t, s.TokenRotationEnabled)
	assert.False(t, *s.TokenRotationEnabled, "a rotating bot token would expire under a long-running process")
	assert.Equal(t, []string{"app_mention"}, s.EventSubscriptions.BotEvents)
	assert.Empty(t, s.EventSubscriptions.UserEvents)
}

func TestSlackAppSlashCommand(t *testing.T) {
	var app slackApp
	require.NoError(t, mustSlackManifest(t).Decode(&app))

	require.Len(t, app.Features.SlashCommands, 1)
	cmd := app.Features.SlashCommands[0]
	assert.Equal(t, "/preorder", cmd.Command)
	assert.Equal(t, "check SKU [SKU …] [store:ID] | jobs [store:ID] | history SKU | help", cmd.UsageHint)
	assert.NotEmpty(t, cmd.Description, "Slack requires a command description")
}

func TestSlackAppScopes(t *testing.T) {
	var app slackApp
	require.NoError(t, mustSlackManifest(t).Decode(&app))

	assert.ElementsMatch(t, wantScopes, app.OAuthConfig.Scopes.Bot)
	assert.Empty(t, app.OAuthConfig.Scopes.User, "the bot acts only as itself")
}

// TestSlackAppScopesJustified keeps every scope explained where it is granted: a scope nobody can justify is
// one to remove.
func TestSlackAppScopesJustified(t *testing.T) {
	bot := mustLookup(t, mustSlackManifest(t), "oauth_config", "scopes", "bot")
	require.Equal(t, yaml.SequenceNode, bot.Kind)
	require.NotEmpty(t, bot.Content)
	for _, scope := range bot.Content {
		comment := strings.TrimSpace(strings.TrimPrefix(scope.HeadComment, "#"))
		assert.NotEmpty(t, comment, "scope %s (line %d) has no comment above it saying why", scope.Value, scope.Line)
	}
}

// TestSlackAppNoRequestURL: in Socket Mode Slack delivers over the WebSocket, and a URL would mean an endpoint
// nobody serves.
func TestSlackAppNoRequestURL(t *testing.T) {
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				key := n.Content[i].Value
				assert.NotContains(t, []string{"request_url", "url", "redirect_urls", "message_menu_options_url"},
					key, "line %d", n.Content[i].Line)
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(mustSlackManifest(t))
}

var botDisplayName = regexp.MustCompile(`^[a-z0-9._-]+$`)

func TestSlackAppFieldLimits(t *testing.T) {
	var app slackApp
	require.NoError(t, mustSlackManifest(t).Decode(&app))
	require.NotEmpty(t, app.Features.SlashCommands)
	cmd := app.Features.SlashCommands[0]

	tests := map[string]struct {
		value    string
		min, max int
	}{
		"display_information.name":             {app.DisplayInformation.Name, 1, 35},
		"display_information.description":      {app.DisplayInformation.Description, 1, 140},
		"display_information.long_description": {app.DisplayInformation.LongDescription, 174, 4000},
		"features.bot_user.display_name":       {app.Features.BotUser.DisplayName, 1, 80},
		"slash_commands.command":               {cmd.Command, 2, 32},
		"slash_commands.description":           {cmd.Description, 1, 2000},
		"slash_commands.usage_hint":            {cmd.UsageHint, 0, 1000},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			n := utf8.RuneCountInString(tt.value)
			assert.GreaterOrEqual(t, n, tt.min)
			assert.LessOrEqual(t, n, tt.max)
		})
	}
	assert.Regexp(t, botDisplayName, app.Features.BotUser.DisplayName)
	assert.True(t, strings.HasPrefix(cmd.Command, "/"))
}

// mustLookup follows mapping keys from a document node.
func mustLookup(t *testing.T, n *yaml.Node, keys ...string) *yaml.Node {
	t.Helper()
	if n.Kind == yaml.DocumentNode {
		require.Len(t, n.Content, 1)
		n = n.Content[0]
	}
	for _, key := range keys {
		require.Equal(t, yaml.MappingNode, n.Kind, "looking up %s", key)
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				next = n.Content[i+1]
			}
		}
		require.NotNil(t, next, "key %s not found", key)
		n = next
	}
	return n
}
