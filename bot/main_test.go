package bot_test

import (
	"flag"
	"os"
	"strconv"
	"testing"
)

// waitingTests is how many parallel tests run at once unless -test.parallel says otherwise. The bot's
// tests spend their time waiting (simulated jobs, watch polls, retries, drains), not computing: at go
// test's default of one per CPU, a 2-core machine sits idle while two of them wait. Under -race they
// compute several times as much, and keep the default.
const waitingTests = 8

func TestMain(m *testing.M) {
	flag.Parse()
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "test.parallel" })
	if !given && !raceDetector {
		if err := flag.Set("test.parallel", strconv.Itoa(waitingTests)); err != nil {
			panic(err)
		}
	}
	os.Exit(m.Run())
}
