package workspace

import (
	"strings"
)

// emojiByName covers the reactions and shortcodes the bot and its users are likely to use; an unknown name
// shows as its :shortcode:, as Slack shows a custom emoji that failed to load.
var emojiByName = map[string]string{
	"eyes": "👀", "white_check_mark": "✅", "heavy_check_mark": "✔️", "x": "❌", "warning": "⚠️",
	"hourglass": "⌛", "hourglass_flowing_sand": "⏳", "rotating_light": "🚨", "+1": "👍", "thumbsup": "👍",
	"-1": "👎", "tada": "🎉", "link": "🔗", "mag": "🔍", "wrench": "🔧", "sos": "🆘", "repeat": "🔁",
	"large_green_circle": "🟢", "red_circle": "🔴", "large_yellow_circle": "🟡", "white_circle": "⚪",
	"information_source": "ℹ️", "clock3": "🕒", "calendar": "📅", "package": "📦", "raised_hands": "🙌",
}

var shortcodeRE = lazyRegexp(`:([a-z0-9_+-]+):`)

// emoji is the character for a reaction name, or ":name:" when unknown.
func emoji(name string) string {
	if e, ok := emojiByName[name]; ok {
		return e
	}
	return ":" + name + ":"
}

// shortcodes replaces known :name: codes in already escaped text; unknown ones stay as typed.
func shortcodes(s string) string {
	if !strings.Contains(s, ":") {
		return s
	}
	return shortcodeRE().ReplaceAllStringFunc(s, func(m string) string {
		if e, ok := emojiByName[m[1:len(m)-1]]; ok {
			return e
		}
		return m
	})
}
