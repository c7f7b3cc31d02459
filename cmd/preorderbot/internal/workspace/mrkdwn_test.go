package workspace

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestMrkdwn(t *testing.T) {
	names := Names{
		Users:    map[string]string{"U0ANA": "ana"},
		Channels: map[string]string{"C0SUPPORT": "hotwax-support"},
		Location: time.UTC,
	}
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"plain", "hello", "hello"},
		{"bold italic strike", "*Most likely* _cause_ ~old~", "<b>Most likely</b> <i>cause</i> <s>old</s>"},
		{"not emphasis inside words", "a*b*c snake_case_name 2*3*4", "a*b*c snake_case_name 2*3*4"},
		{"inline code is literal", "run `*JOB*_X_` now", "run <code>*JOB*_X_</code> now"},
		{"pre block", "before\n```\n*a* <b>\n```\nafter", `before<br><pre class="md-pre">*a* &lt;b&gt;</pre><br>after`},
		{"unclosed fence stays text", "a ```b", "a ```b"},
		{"slack entities decoded then escaped", "a &lt;b&gt; &amp; c", "a &lt;b&gt; &amp; c"},
		{"raw html escaped", `<script>alert(1)</script> "q" 'a'`, `&lt;script&gt;alert(1)&lt;/script&gt; &#34;q&#34; &#39;a&#39;`},
		{"link with label", "<https://oms.example/p?a=1&amp;b=2|product page>",
			`<a href="https://oms.example/p?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">product page</a>`},
		{"bare link", "<https://x.example>", `<a href="https://x.example" target="_blank" rel="noopener noreferrer">https://x.example</a>`},
		{"javascript link refused", "<javascript:alert(1)|click>", "&lt;javascript:alert(1)|click&gt;"},
		{"label escaped", `<https://x.example|"&gt;&lt;img src=x onerror=alert(1)&gt;>`,
			`<a href="https://x.example" target="_blank" rel="noopener noreferrer">&#34;&gt;&lt;img src=x onerror=alert(1)&gt;</a>`},
		{"unescaped tag in text stays text", `<img src=x onerror=alert(1)>`, `&lt;img src=x onerror=alert(1)&gt;`},
		{"user mention", "by <@U0ANA>", `by <span class="md-mention">@ana</span>`},
		{"unknown user keeps id", "<@U0ZED>", `<span class="md-mention">@U0ZED</span>`},
		{"channel mention", "see <#C0SUPPORT>", `see <a href="#" class="md-channel" data-channel="C0SUPPORT">#hotwax-support</a>`},
		{"special mention", "<!here>", `<span class="md-mention">@here</span>`},
		{"date", "<!date^1700000000^{date_num} {time}|fallback>",
			`<time datetime="2023-11-14T22:13:20Z" data-format="{date_num} {time}" title="fallback">2023-11-14 10:13 PM</time>`},
		{"bad date shows fallback", "<!date^soon^{date}|2023-11-14>", "2023-11-14"},
		{"line breaks and bullets", "*Shops*\n• one\n• two", `<b>Shops</b><br><span class="md-bullet">• one</span><span class="md-bullet">• two</span>`},
		{"quote", "&gt; quoted\nnext", `<span class="md-quote">quoted</span>next`},
		{"shortcode", "done :white_check_mark: :nope:", "done ✅ :nope:"},
		{"bold around a mention", "*<@U0ANA>*", `<b><span class="md-mention">@ana</span></b>`},
		{"NUL cannot forge a fragment", "x\x000\x00y", "x0y"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Mrkdwn(tt.in, names))
		})
	}
}
