package printsheet

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/net/html"
)

// Files of the built site that the package reads, relative to its public directory.
const (
	// AllCardsFile is the page of every question card.
	AllCardsFile = "cards/all/index.html"
	// BasketFile is the basket page, served when a request names no questions.
	BasketFile = "basket/index.html"
)

// Markers in layouts/cards/page.html around the cards, the intro and the title.
var (
	cardsStart = []byte("<span hidden data-cards-start></span>")
	cardsEnd   = []byte("<span hidden data-cards-end></span>")
	introStart = []byte("<span hidden data-sheet-intro-start></span>")
	introEnd   = []byte("<span hidden data-sheet-intro-end></span>")
	titleStart = []byte("<span data-sheet-title>")
	titleEnd   = []byte("</span>")
)

// cardIDPrefix starts the id attribute of a card element; the question id follows.
const cardIDPrefix = "card-"

// UnknownIDsError reports question ids that have no card.
type UnknownIDsError struct {
	IDs []string
}

func (e *UnknownIDsError) Error() string {
	quoted := make([]string, len(e.IDs))
	for i, id := range e.IDs {
		quoted[i] = fmt.Sprintf("%q", id)
	}
	noun := "id"
	if len(e.IDs) > 1 {
		noun = "ids"
	}
	return fmt.Sprintf("no question has the %s %s", noun, strings.Join(quoted, ", "))
}

// Select returns the page of every card, allCards, with only the cards of the given
// question ids, in the given order; everything around the cards is kept. An id
// given twice is printed once. Ids without a card are reported together in an
// *UnknownIDsError; a page without the card markers or cards is an error too.
func Select(allCards []byte, ids []string) ([]byte, error) {
	cards, err := findCards(allCards)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]card, len(cards))
	for _, c := range cards {
		byID[c.id] = c
	}
	var out bytes.Buffer
	first, last := cards[0].start, cards[len(cards)-1].end
	out.Write(allCards[:first])
	seen := make(map[string]bool, len(ids))
	var unknown []string
	n := 0
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		c, ok := byID[id]
		if !ok {
			unknown = append(unknown, id)
			continue
		}
		if n > 0 {
			out.WriteString("\n")
		}
		out.Write(allCards[c.start:c.end])
		n++
	}
	if unknown != nil {
		return nil, &UnknownIDsError{IDs: unknown}
	}
	out.Write(allCards[last:])
	return out.Bytes(), nil
}

// IDs lists the question ids of the cards on a card sheet, in page order.
func IDs(sheet []byte) ([]string, error) {
	cards, err := findCards(sheet)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(cards))
	for i, c := range cards {
		ids[i] = c.id
	}
	return ids, nil
}

// card is where one card element lies in a page.
type card struct {
	id         string
	start, end int // byte offsets of the element, end tag included
}

// findCards finds the card elements between the card markers. It tokenizes the HTML
// rather than searching for strings, so a card may contain any markup.
func findCards(page []byte) ([]card, error) {
	i := bytes.Index(page, cardsStart)
	j := bytes.Index(page, cardsEnd)
	if i < 0 || j < i {
		return nil, fmt.Errorf("the card sheet lacks the markers %s and %s", cardsStart, cardsEnd)
	}
	base := i + len(cardsStart)
	z := html.NewTokenizer(bytes.NewReader(page[base:j]))
	var (
		cards []card
		seen  = map[string]bool{}
		cur   *card
		depth int
		pos   int
	)
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if err := z.Err(); err != io.EOF {
				return nil, fmt.Errorf("reading the card sheet: %w", err)
			}
			break
		}
		n := len(z.Raw())
		switch tt {
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			if cur == nil {
				if id, ok := cardID(z, hasAttr); ok {
					if seen[id] {
						return nil, fmt.Errorf("the card sheet has two cards for %q", id)
					}
					seen[id] = true
					cur, depth = &card{id: id, start: base + pos}, 0
				}
			}
			if cur != nil && tt == html.StartTagToken && !isVoid(string(name)) {
				depth++
			}
		case html.EndTagToken:
			if cur != nil {
				depth--
			}
		}
		pos += n
		if cur != nil && depth == 0 {
			cur.end = base + pos
			cards = append(cards, *cur)
			cur = nil
		}
	}
	if cur != nil {
		return nil, fmt.Errorf("the card for %q is not closed", cur.id)
	}
	if len(cards) == 0 {
		return nil, errors.New("the card sheet has no cards between its markers")
	}
	return cards, nil
}

// cardID returns the question id of a card's start tag.
func cardID(z *html.Tokenizer, more bool) (string, bool) {
	for more {
		var key, val []byte
		key, val, more = z.TagAttr()
		if string(key) == "id" {
			id, ok := strings.CutPrefix(string(val), cardIDPrefix)
			return id, ok && id != ""
		}
	}
	return "", false
}

func isVoid(tag string) bool {
	switch tag {
	case "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr":
		return true
	}
	return false
}
