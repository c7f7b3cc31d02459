package blocks

import "fmt"

// Misuse is a command the bot cannot run: what was wrong, and the words or numbers that show it. The bot
// parses and states the facts; Usage words them.
type Misuse struct {
	Kind  MisuseKind
	Word  string // what was typed: the bad store:ID, the unknown command, or the extra words
	Count int    // how many SKUs were given, for TooManySKUs
	Limit int    // how many one check takes, for TooManySKUs
}

// MisuseKind names one usage problem's sentence.
type MisuseKind int

// The usage problems of /preorder.
const (
	BadStoreID         MisuseKind = iota // store:ID with characters a product store id does not have
	SeveralStores                        // two different store:IDs
	NoSKU                                // check without a SKU
	TooManySKUs                          // check with more SKUs than one check takes
	HistoryOneSKU                        // history without exactly one SKU
	JobsTakesNoSKU                       // jobs with extra words
	SweepTakesNoSKU                      // sweep with extra words
	DoctorTakesNothing                   // doctor with a SKU or store
	UnknownCommand                       // a sub-command the bot does not have
)

// Usage words a misuse (plain text; Notice escapes it).
func Usage(m Misuse) string {
	switch m.Kind {
	case BadStoreID:
		return fmt.Sprintf("%q is not a product store: write store:ID with letters, digits, _ . or - (for example store:STORE).", m.Word)
	case SeveralStores:
		return "Give one store: only, not several."
	case NoSKU:
		return "Which SKU? Give at least one."
	case TooManySKUs:
		return fmt.Sprintf("That is %d SKUs; one check takes at most %d. Split the list.", m.Count, m.Limit)
	case HistoryOneSKU:
		return "History takes exactly one SKU."
	case JobsTakesNoSKU:
		return fmt.Sprintf("Jobs takes no SKU (got %q).", m.Word)
	case SweepTakesNoSKU:
		return fmt.Sprintf("Sweep takes no SKU: it checks every pre-order SKU of the store (got %q).", m.Word)
	case DoctorTakesNothing:
		return "Doctor takes no SKU or store: it probes the configured tenant."
	case UnknownCommand:
		return fmt.Sprintf("I don't know %q. Try check, jobs, history, sweep, doctor or help.", m.Word)
	}
	return "I cannot run this command."
}
