// Package printsheet prints a chosen set of question cards, such as a basket of
// questions or the questions a search found, as one sheet, without rendering a
// card itself: it selects them from the page of every card that Hugo rendered.
//
// # The page of every card
//
// Hugo renders every question card at /cards/all/ (file [AllCardsFile]) with the
// one card partial, layouts/_partials/question-card.html. The cards lie between the
// markers <span hidden data-cards-start></span> and <span hidden data-cards-end></span>,
// each one element whose id is "card-" followed by the question id. [Select] returns
// the page with only the cards asked for, in the order asked, so a card looks the
// same on every sheet.
//
// # The basket
//
// [NewHandler] answers /basket/?ids=a,b,c (or ?id=a&id=b) with those cards, and
// with &as=list with the same questions as one list to tick off. A basket link
// therefore works without JavaScript; without ids it serves the site's own basket
// page ([BasketFile]), where static/js/basket.js shows the basket kept in the
// browser. Bad, unknown or too many ids get 400 with a message naming them.
//
// A basket sheet prints its own address at its foot, in full: the site_address
// setting, which Hugo writes on the card sheet (data-site-address), followed by
// the sheet's path; without the setting, the path, marked data-address for the
// site's static/js/paper.js to complete with the address the page was loaded from.
package printsheet
