package blocks

import "github.com/preorderbot/preorderbot/diagnostics"

// maxCauseText bounds the OMS text a cause's sentence quotes, such as a failing check's summary.
const maxCauseText = 300

// mrkdwnQuoting quotes what a cause's sentence takes from the OMS or from people, safe inside mrkdwn.
var mrkdwnQuoting = diagnostics.Quoting{
	Name: escape,
	Text: func(s string) string { return escape(truncate(oneLine(s), maxCauseText)) },
}

// causeSentence explains a cause in one sentence an operator understands (the catalogue's words, naming
// the shops and jobs of this report). The result is mrkdwn-escaped.
func causeSentence(cause diagnostics.Cause, r diagnostics.Report) string {
	return r.Sentence(cause, mrkdwnQuoting)
}

func shopName(s diagnostics.ShopFacts) string {
	if s.Name != "" {
		return s.Name
	}
	return s.ShopID
}
