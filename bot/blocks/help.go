package blocks

import "github.com/slack-go/slack"

// Command is one entry of the bot's command table, from which help is generated so it never drifts.
type Command struct {
	Usage       string // "/preorder check SKU [SKU …] [store:ID]"
	Description string
}

// Help renders the command table as an ephemeral message.
func Help(commands []Command) Message {
	lines := make([]string, 0, len(commands))
	for _, c := range commands {
		lines = append(lines, "`"+escape(c.Usage)+"` — "+escape(c.Description))
	}
	blocks := []slack.Block{header("header", "preorderbot commands")}
	blocks = append(blocks, capBlocks(packSections("commands", "", lines), maxMessageBlocks-2)...)
	blocks = append(blocks, contextLine("context", "Checks are read-only; fixing buttons work for operators only."))
	return newMessage("preorderbot commands", blocks)
}

// Notice renders an ephemeral error: what was wrong and, when given, the right form of the command.
func Notice(problem, usage string) Message {
	text := "⚠️ " + escape(problem)
	if usage != "" {
		text += "\nTry: `" + escape(usage) + "`"
	}
	return newMessage(text, []slack.Block{section("notice", text)})
}
