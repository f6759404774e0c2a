//! English word lists: one [`Language`] for the engine (see [`Language`] for what
//! each list is for and the pattern syntax).

use super::Language;

/// Time words that make "free/available …" a scheduling question.
macro_rules! en_when {
    () => {
        "on|this|next|tomorrow|today|tonight|at|monday|tuesday|wednesday|thursday|friday|\
         saturday|sunday|mondays|tuesdays|wednesdays|thursdays|fridays|saturdays|sundays|\
         weekend|weekends|morning|afternoon|evening|week|asap|soon|early|later|any|from|before"
    };
}

pub(crate) const EN: Language = Language {
    // ── hot phrases, one list per topic ──
    price: &[
        // "how much is it / would you charge" — not "how much time/longer/I loved it"
        "how much !time|longer|experience|space|storage|memory|weight|fun|i|traffic|effort|work|data",
        "what .. money", // what sort of money are we talking
        "annual|monthly|yearly billing",
        "price|prices|pricing|priced|pricelist|pricelists", // price sheet, pricing tiers
        "cost|costs|costing|costings|costed !effective|efficient|efficiency", // what would it cost
        "charge|charges|charging", // what do you charge
        // hourly/day rate, your rates — not success/interest/conversion rate or "rate us"
        "<!success|conversion|interest|exchange|heart|response|failure|open|click|error|birth|crime|you|to|please|we|would rate|rates",
        "fee|fees", // call-out fee
        "tariff|tariffs",
        "ballpark", // a ballpark figure
        "rough|approximate|indicative figure|number", // a rough figure
        "how expensive",
        "cheaper|cheapest", // anything cheaper?
        "discount|discounts|discounted", // student discount?
        "any|best|better|good|special|bundle|package|the|this|that deal|deals",
        "special offer|offers",
        "budget is|of|around|about|range|for", // our budget is 5k
        "# off", // 50% off
        "offer|sale|discount|deal|promotion|promo|price|prices .. still on|valid|available|running|good",
        "what budget",
        "what .. pay", // what would we pay
        "what would|will|d you want|ask|take for", // what would you want for…
        "what .. asking for",
        "what .. total", // what's the total for 40 users
        "total for|price|amount|cost",
        "what .. run|set me|us|you", // what would that run us
        "what .. come|comes to", // what does it come to
        "set me|us back",
        "free shipping|delivery|postage|installation",
        "payment plan|plans|options|terms",
        "finance|financing|instalment|instalments|installment|installments",
        "pay monthly",
    ],
    quote: &[
        "quote|quotes|quotation|quotations|quoted|quoting|requote", // a quote, can you quote me
        "estimate|estimates", // not "estimated delivery"
        "proposal|proposals", // commercial proposal
        "rfq|rfp|rfi|tender",
        "an|your|best|formal|written|firm|binding|final|better|competitive|commercial|price|the offer|offers",
        "bid on|for",
        "a|your bid",
        "statement of work",
        "commercial|licensing|licence|license|contract|payment terms",
    ],
    demo: &[
        "demo|demos|demonstration|demonstrations|demonstrate|demonstrating", // live demo
        "walkthrough",
        "walk|run|take|talk me|us|our|my .. through", // run us through the product
        "show me|us how|around|the|it|your",          // show us how it works
        "in action",                                  // see it in action
        "see|show|shows .. how .. works|work|working", // see how the reporting works
        "product|platform tour",
        "trial|trials", // free trial
        "pilot|poc",
        "proof of concept",
        "test drive",
        "sandbox",
    ],
    visit: &[
        "appointment|appointments",
        // book a visit, how do we book — not "your book", "address book"
        "<!your|the|a|this|my|new|good|great|guest|phone|address|note|text|cook|recipe|comic|story|audio|e|face book",
        "booking|bookings",
        "book|booked|booking me|us|you|them|him|her|it in", // get you booked in
        "get|getting .. booked",
        "schedule|scheduling",
        "visit|visits", // site visit, visit your store
        "inspection|inspections|inspect",
        "site|home|house|property|building|roof|structural|damp survey",
        "consultation|consultations|consult",
        "viewing|viewings",
        "a fitting",
        "measure up|measurements",
        "come|pop|drop|stop|swing by|over|round|out|in", // can you come round
        "come and look|see|measure|quote|check|inspect|assess|fix|have",
        "send|get someone|somebody|a|an|your .. out|over|round|here|down", // get someone out
        "need|needs|want|get someone|somebody in|out|over|round", // we'd want someone in next week
        "someone|somebody|anyone|anybody .. take|have a look", // could somebody take a look
        "can|could|may i|we bring|drop|pop .. in|over|round|by|off", // can I bring him in
        // send an engineer, need a plumber
        "send|get|need|needs|want|book a|an|someone|somebody|your .. engineer|technician|plumber|electrician|fitter|surveyor|mechanic|locksmith|gardener|cleaner|decorator|painter|builder|roofer|handyman|tradesman|carpenter|joiner|glazier|tiler",
        "reserve|reservation|reservations",
        "tienen|tiene|hay|pedir|dar|darme|reservar hora", // ¿tienen hora para mañana?
        "a|book tour",
        "tour of the",
        "can|could|shall|should we meet",
        "meet in person",
        "meet up",
        "arrange|set|schedule|book|organise|organize|have|plan .. meeting",
        "see|view .. property|house|flat|apartment|car|venue|unit|premises|vehicle",
        "house call",
        "home visit",
        "call out",
        "callout",
    ],
    availability: &[
        // "are you free on Saturday", "is anyone available next week"
        "you|u|someone|somebody|anyone|anybody .. free|available !of", // are you guys free on Sunday
        "you|u have|got space|room|capacity|availability|time", // do u have space
        "would|does|will|could|do|is|if .. work|works for you|u", // would Monday work for you
        "would|does|will|could|do|is|if .. suit|suits you|u",
        "availability|availabilities",
        concat!("available|free ", en_when!()),                             // free this Friday
        "still available|free", // is it still available
        "still in stock",
        "in stock",
        "back in|into stock",
        "out of stock",
        // "do you have an opening / any slots" — not "opening hours"
        "have|got|any an|any|a|some|free|open .. opening|openings|slot|slots|spot|spots|gap|gaps !hours|times|time",
        "have|got any|some|the space|spaces|room|capacity", // got any space next week
        "next|earliest|first|soonest available",
        "slot|slots",
        "fit|squeeze me|us|it|this|them|one|him|her in",
        "have|got|come|comes|available|stock|do .. in size|sizes|colour|colours|color|colors|black|white|red|blue|green|grey|gray|pink|navy|brown|beige|xl|xs",
        "can|could|would you|u do|cater|handle|take it|this|that|them", // can you cater it
        "any left",
        "have|got|stock|stocked|come|comes|available|do ... size|sizes", // do you have it in a size 9
        "take|taking|accept|accepting on|new .. job|jobs|work|clients|customers|patients|projects|project|bookings|orders",
        "waiting list|waitlist",
        "you have|got time",
        "you have|got some|any time",
        "booked up",
        "fully booked",
    ],
    start: &[
        // "when can you start", "when are you able to begin", "when could you come"
        "when can|could|would|will|are|do|might|shall|d|ll .. start|begin|commence|started|starting|beginning|kick|come|visit|fit",
        "when can|could|would|will you|we|u .. do it|this|the",
        "how soon|quickly|fast !is|was|did|are|were|does", // how fast can you get someone out
        "how much notice", // how much notice do you need
        "earliest|soonest",
        "start|starting date|dates|time",
        "can|could|would|will you|u|someone|somebody|they .. start|begin|commence",
        "able to start|begin|commence|come|fit|squeeze",
        "start|begin|commence asap|immediately|tomorrow|next|straight|monday|tuesday|wednesday|thursday|friday|saturday|sunday",
        "asap|urgent|urgently|emergency|emergencies",
        "as soon as possible",
        "right|straight away",
        "lead time|times",
        "turnaround|timeframe|timeline|timescale|timescales",
        "time frame|scale",
        "let|lets|like|want|keen|wish|love to|s get started", // let's get started (not "how did you get started")
        "lets get started",
    ],
    purchase: &[
        "buy|buying|purchase|purchasing", // ready to buy
        "to|i|we|can|could|may|you order|ordering", // can I order, like to order
        "order in|online|by|now|more|again|#|bulk", // order 50, order in bulk
        "place|put|make|placing .. order", // place a bulk order
        "an order for",
        "bulk|large|minimum|wholesale|trade|big order|orders",
        "in bulk",
        "wholesale",
        "ready|happy|keen|decided|like|want|wish to proceed|commit",
        "ready|happy|keen|decided|like|want|wish to sign !up",
        "ready to start|go|move|roll|begin|get|order|book",
        "next step|steps", // what's the next step
        "before signing|committing|buying|purchasing|ordering", // before signing
        "before we|i sign|commit|buy|order|purchase",
        "nachste|nachsten schritt|schritte",
        "siguiente|siguientes|proximo|proximos paso|pasos",
        "prochaine|prochaines etape|etapes",
        "следующий|дальнейшие шаг|шаги",
        "go|going|proceed|proceeding ahead", // we'd like to go ahead
        "go|going with you|your", // decided to go with you
        "choose|chose|choosing|hire|hiring you",
        "still want|interested|keen|like", // I still want the jacket
        "checkout",
        "at|during check out",
        "add|added|adding .. cart|basket",
        "in my cart|basket",
        "do you accept|take .. card|cards|credit|debit|paypal|cash|apple|klarna|amex|visa|mastercard|crypto|cheque|cheques|bitcoin|invoice",
        "can|could i|we pay", // can I pay by card
        "payment .. not|never go|going|gone|went through", // payment didn't go through
        "payment|card .. failed|declined|bounced|rejected|failing",
        "tried|trying to pay|order|buy|purchase|checkout|book",
        "hire a|an|someone|you|your|one",
        "to|for hire",
        "upgrade|upgrading to",
        "i|we ll|will take it|them|one|two|three|both|#", // I'll take two
        "hold|keep|save|reserve .. for me|us", // can you hold it for me
        "# seats|licences|licenses|licence|license", // 75 seats
        "sign|send|sending .. contract|agreement",
        "do you ship|deliver", // do you ship to France
        "how do|can|should i|we proceed", // how do we proceed
        "how do|can|should i|we get started",
        "how do|can|should i|we go ahead",
        "switch|switching|move|moving|migrate|migrating|transfer to you|your", // switching to you
        "interested in buying|purchasing|ordering|getting|booking|hiring|using",
    ],
    callback: &[
        "call|ring|phone|text|whatsapp|contact|reach me", // call me, ring me
        "call|ring|phone us back|today|tomorrow|asap|on|at|please",
        "call|ring|phone back",
        "callback|callbacks",
        "return my|the call",
        "give me|us a call|ring|bell|buzz|shout",
        "can|could|please|pls|plz|kindly .. call|ring|phone", // could someone call
        "talk|speak|chat to|with someone|somebody|anyone|sales|salesperson",
        "talk|speak|chat to|with a|an|your|one|the .. sales|salesperson|person|human|advisor|adviser|consultant|rep|representative|expert|specialist|agent|engineer|team|manager",
        "who .. talk|speak|contact", // who do I talk to
        "can|could|shall we talk|chat|speak",
        "get in touch",
        "my phone|mobile|cell|contact number",
        "my number|mobile|cell is",
        "reach me at|on",
        "set|arrange|schedule|book|have|organise|organize|hop|jump|get .. call|chat|zoom|teams",
        "quick|phone|video|discovery|intro|sales|consultation call",
        "sales team|department|rep|representative|person|contact|manager",
        "salesperson|salesman|saleswoman",
        "someone from sales",
        "account manager|executive",
    ],
    // ── negation ──
    negators: "not|no|nope|never|neither|nor",
    final_negators: "",
    not_negating_next: "sure|idea|obligation|obligations|problem|problems|matter|doubt|worries|worry|rush|hurry|wait|hesitate|know|knowing|certain|just|only|later",
    not_negating_prev: "or",
    interjection: "no",
    pronoun: "i|we|im",
    conjunctions: "but|however|though|although|except|and",
    need_words: "need|needed|necessary|required|require|wanted|want|interested|anymore",
    // ── decline → support → not a buyer, then masks ──
    decline: &[
        "not|no|never .. interested|interesting", // not interested (in a demo)
        "no|nope , thanks|thank|thx|ty", // no thanks / no, thank you
        "not for me|us|now",
        "not right now",
        "not at this|the moment|time|stage",
        "not a priority|fit",
        "not the right time|fit",
        "maybe later",
        "maybe another time",
        // we went with / found / hired someone else, another supplier, a competitor
        "went|gone|going|go|decided|chose|chosen|choose|picked|selected|hired|found|booked|signed|switched|switching .. someone|somebody|anyone else",
        "went|gone|going|go|decided|chose|chosen|choose|picked|selected|hired|found|booked|signed|switched|switching|stay|staying|stick|sticking .. another|different|other|cheaper|local|current|existing .. company|supplier|vendor|provider|contractor|agency|firm|builder|plumber|electrician|option|solution|quote|offer|partner|one|team|service|tool|platform|product|person|guy",
        "went|gone|going|go|decided|chose|chosen|picked|selected|hired|found|booked|signed|switched .. competitor|competitors|elsewhere",
        "already have|use|using|work|working|found|got|chose .. supplier|provider|vendor|agency|contractor|someone|company|solution|partner|builder|plumber|developer|team|one|tool|system",
        "too expensive|pricey|costly|dear|high|steep", // too expensive, price too high
        "out of our|my|the budget|price|range",
        "over|beyond|above our|my budget",
        "not afford", // can't afford
        "stop|quit .. sending|emailing|calling|contacting|messaging|texting|spamming|emails|calls|messages|texts|spam",
        "unsubscribe|unsubscribed|unsub|optout",
        "opt me out",
        "opt out",
        "remove|take me|us|my .. from|off .. list|lists|mailing|database|newsletter|contacts",
        "remove|take me|us off",
        "not|never contact|email|message|text|spam me|us", // don't contact me
        "not .. call|ring|phone|contact|email|message|text me|us again|anymore",
        "leave me|us alone",
        "this is spam",
        "pass on this",
        "pass for now",
        "ll|will pass !it|this|that|on|along|your|the|my",
        "decided not|against",
        "not .. proceed|proceeding",
        "not .. go|going ahead",
        "not .. move|moving forward",
        "no longer need|needed|require|required|want|looking",
    ],
    support: &[
        // my order / our parcel / my account — not "place my order", "my account manager"
        "<!place|submit|finalise|finalize|complete|make my|our order|orders|parcel|parcels|package|packages|delivery|deliveries|shipment|item|items|goods|refund|purchase|purchases|subscription|account|invoice|invoices|receipt|booking|bookings|reservation|appointment|appointments|consultation|session|tracking|return|returns|password|login|membership|warranty|bill|statement|profile !manager|managers|executive|rep",
        "order|tracking|reference|invoice|account|customer|case|ticket number|id|ref",
        "order|invoice|ticket|case|ref|reference ##", // order 123456
        "tracking .. order|parcel|package|delivery|shipment|link|code|info|information|details",
        "track .. order|parcel|package|delivery|shipment",
        "where is|s|are my|our",
        "wheres my|our",
        // hasn't arrived / not received it
        "not|never .. arrived|delivered|dispatched|shipped",
        "not|never .. turned|shown|showed up",
        "not|never .. come|came",
        "not|never .. received|receive|got|get|gotten .. it|them|order|parcel|package|item|items|goods|delivery|refund|money|confirmation|tracking|invoice|receipt|shipment",
        "still waiting|waiting .. order|parcel|package|delivery|refund|item|items|goods|shipment|money|replacement",
        // returns, refunds, faults
        "send|sending|sent .. back",
        "return|returning|exchange|exchanging|swap .. it|this|item|items|order|product|products|them|these|those|parcel|goods",
        "returns|refund|refunds|refunded|reimburse|reimbursement|chargeback",
        "money back",
        "faulty|defective|damaged|broken|wrong|missing|scratched|cracked|dented|torn .. item|items|product|products|goods|unit|order|size|colour|color|parcel|package|delivery",
        "arrived|came|delivered .. damaged|broken|faulty|late|wrong|open|opened|missing|scratched|cracked|dented|torn|incomplete|empty|defective",
        // cancellations and changes to something that exists
        "cancel|cancelling|canceling|cancellation|cancelled|canceled .. order|orders|subscription|booking|appointment|account|membership|plan|contract|renewal|payment|debit|reservation|it|my|our|demo|meeting|call|visit|delivery|trial",
        "reschedule|rescheduling|rebook|rebooking|postpone|postponed",
        "change|move|update|amend|modify|edit .. appointment|booking|reservation|delivery|order|address|email|password|card|billing|details|plan|subscription",
        // payments already made, billing
        "i|we|ve|have|has|already|just|had paid|transferred", // I paid last week
        "received|get|got|see|confirm|confirming .. my|our|the payment|payments|transfer|deposit",
        "payment confirmation|received",
        "proof of payment",
        "charged .. twice|double|wrong|incorrectly|again",
        "overcharged|overcharge",
        "double charged|charge",
        "receipt|receipts",
        "typo|typos|mistake|error|errors|wrong|incorrect .. invoice|receipt|bill|name|address|statement|charge",
        "billing|bill .. question|issue|problem|error|query|dispute",
        "outstanding|overdue|unpaid|latest|last|previous .. invoice|invoices|bill|balance",
        "pay|paying .. invoice|bill|balance|statement",
        // accounts and data
        "delete|close|remove|deactivate|reactivate|unlock|suspend|erase|terminate .. account|profile|data|subscription|membership|details|information",
        "account|profile .. locked|hacked|suspended|blocked|disabled|deleted|closed",
        "password|passwords|login|logon|signin|2fa",
        "log|sign in|into",
        "locked out .. account|app|portal|dashboard|system|login|profile",
        "verification code",
        "export|download|import|migrate .. data|invoices|history|reports|contacts",
        "personal data",
        "gdpr|dsar",
        "right to be forgotten",
        "how do|can|could|should i|we .. export|delete|reset|change|update|cancel|return|track|unsubscribe|download|access|use|install|configure|add|remove|edit|upload|invite",
        // already done
        "already renewed|paid|ordered|purchased|bought|booked|returned|cancelled|canceled",
        "existing|current order|booking|subscription|account",
        // complaints and warranty
        "complaint|complaints|complain|complaining",
        "warranty claim|repair",
        "under warranty|guarantee",
        "auto renewal|renew",
        "autorenewal|autorenew",
    ],
    not_buyer: &[
        // job seekers
        "vacancy|vacancies",
        "job|jobs opening|openings|application|applications|vacancy|vacancies|offer|opportunity|opportunities",
        "any jobs",
        "you|currently|still|now hiring",
        "hiring now",
        "apply .. job|position|role|vacancy|internship|apprenticeship",
        "looking for work|employment",
        "looking for a|an job|internship|apprenticeship|placement",
        "my cv|resume",
        "cv|internship|internships|apprenticeship|apprenticeships|careers",
        "work experience|placement",
        "join your team",
        "i|me|to work for you|your", // I'd love to work for you
        // vendors pitching their own services
        "we|i can|could build|design|create|develop|redesign|boost|increase|improve|grow|generate|rank|optimise|optimize|supply|offer|provide|get|help|double|triple .. you|your",
        "we offer|provide|specialise|specialize|supply",
        "we also|now|currently|proudly offer|provide|specialise|specialize|supply",
        "we help|helped|work .. companies|businesses|brands|agencies|firms|startups|founders|shops|stores|clinics",
        "writing|write|wrote|publish|publishing an|a .. article|piece|story|feature|blog|report",
        "i offer|provide|specialise|specialize",
        "our agency|company|team|firm|studio offers|provides|specialises|specializes|can|helps|builds|develops",
        "reaching out from",
        "i|we have a .. proposal|offer for you",
        "business|partnership|collaboration proposal|opportunity",
        "partnership|partnerships|collaborate|collaboration|affiliate",
        "partner with you",
        "guest post|posts|posting",
        "backlink|backlinks",
        "link building",
        "offshore|outsourcing|nearshore",
        "white label",
        "check out our",
        // press, students, sponsorship
        "journalist|reporter|thesis|dissertation|questionnaire|sponsor|sponsorship|sponsors|sponsoring|donation|donate|raffle",
        "for|on our|my|the|a .. newspaper|magazine|podcast",
        "article about|on you|your",
        "interview you|your",
        "research project",
        "school|university|college|student project",
    ],
    mask: &[
        // thanks for the quote/demo/call: already happened
        "thank|thanks|thx|ty .. for .. quote|demo|call|visit|proposal|offer|estimate|presentation|meeting|time|consultation|tour",
        "opening hours|times", // opening hours ≠ an opening
        "last|previous|recent|yesterday visit|appointment|booking|session|service|delivery", // a past visit is not a request
        "in order to|for",
        "i|we quote you|your", // a journalist citing you
        "visit|check our|my website|site|web|page|blog|shop|profile|channel|linkedin|instagram|facebook",
        "all rights reserved",
        // events start on their own schedule
        "webinar|webinars|event|conference|workshop|livestream|stream|sale|course|class|session .. start|begin|starts|begins|starting",
    ],
};
