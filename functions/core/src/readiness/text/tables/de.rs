//! German word lists: one [`Language`] for the engine (see [`Language`] for what
//! each list is for and the pattern syntax).

use super::Language;

pub(crate) const DE: Language = Language {
    // ── hot phrases, one list per topic ──
    price: &[
        "preis|preise|preisen|preises|preisliste|preislich|preisanfrage|*preis|*preise|*preisen", // Festpreis
        "kostet|kosten|koste|kostete|kosteten|kostenpunkt|*kosten", // was kostet…, Umzugskosten
        "wie viel !zeit|jahre|erfahrung|platz|tage|wochen|monate|stunden|mitarbeiter|leute",
        "wieviel !zeit|jahre|erfahrung|platz|tage|wochen|monate|stunden",
        "wie teuer",
        "was verlangen|nehmen|berechnen sie|ihr|du", // was nehmen Sie für…
        "verlangen|verlangt|berechnen|berechnet",    // was würden Sie … verlangen
        "stundensatz|stundensatze|tagessatz|stundenlohn|pauschale|pauschal", // hourly/day rate
        "tarif|tarife",
        "gebuhr|gebuhren|*gebuhr|*gebuhren",
        "rabatt|rabatte|*rabatt", // Mengenrabatt
        "ratenzahlung|finanzierung",
    ],
    quote: &[
        "angebot|angebote|angebots|angebotes|angebotsanfrage|*angebot|*angebote", // ein Angebot machen
        "kostenvoranschlag|kostenvoranschlage|kva|kostenschatzung|kostenaufstellung",
        "offerte|offerten|kalkulation|ausschreibung|schatzung",
    ],
    demo: &[
        "demo|demos|demoversion|demotermin|demozugang",
        "vorfuhrung|vorfuhrungen|*vorfuhrung|vorfuhren", // Produktvorführung
        "prasentation|produktprasentation",
        "testversion|testzugang|testphase|testaccount|testen",
        "probefahrt",
        "zeigen sie uns|mir",
    ],
    visit: &[
        "termin|termine|terminen|*termin|*termine|terminvereinbarung|terminanfrage", // Besichtigungstermin
        "besichtigung|besichtigen",
        "vor ort",
        "vorbeikommen|vorbeischauen|rauskommen|herkommen|vorbeikommt",
        "vorbei kommen",
        "kommen sie|ihr .. vorbei",
        "buchen|buchung|buche",
        "reservieren|reservierung",
        "beratung|beratungsgesprach|*beratung|beraten",
        "aufmass|aufmessen|ausmessen",
        "besuch|besuchen !sie", // not "Besuchen Sie unsere Website"
        "uns treffen",
        "treffen vereinbaren",
    ],
    availability: &[
        "haben|hatten|hast|habt|hattet|hattest sie|du|ihr ... zeit|frei|kapazitat|kapazitaten|luft", // hätten Sie Zeit, haben Sie … frei
        "sind|waren|bist|seid sie|du|ihr .. frei|verfugbar",
        "noch frei|verfugbar",
        "frei am|diese|dieses|nachste|nachsten|morgen|heute",
        "verfugbar|verfugbarkeit|lieferbar|vorratig",
        "auf lager",
        "in grosse|grossen|farbe|farben", // gibt es den Mantel in Größe M
        "freie|freien termine|kapazitat|kapazitaten|platze",
        "zeitfenster",
        "passt|passen|passe ihnen|dir|euch", // passt Ihnen Montag?
        "ihnen|dir|euch .. passen|passt|recht",
    ],
    start: &[
        "ab wann",
        "wann .. anfangen|beginnen|starten|loslegen|kommen|vorbeikommen|durchfuhren|umsetzen|einsetzen",
        "wie schnell|bald",
        "fruhestens|fruhester|fruheste|fruhestmoglich|schnellstmoglich|baldmoglichst|dringend|notfall|eilig|eilt",
        "so schnell|bald wie moglich",
        "starttermin|projektstart|lieferzeit|lieferzeiten|vorlaufzeit",
    ],
    purchase: &[
        "kaufen|kaufe|erwerben|bestellen|bestelle|anschaffen|zulegen", // wo kann ich … kaufen
        "kauf auf",
        "bestellung aufgeben|machen",
        "sammelbestellung|grossbestellung|vorbestellung|vorbestellen|grosshandel|mengenrabatt",
        "auftrag erteilen|vergeben",
        "beauftragen", // wir möchten Sie beauftragen
        "bezahlen",
        "zahlen mit|per",
        "warenkorb",
        "liefern|versenden sie nach|ins|in",
    ],
    callback: &[
        "ruckruf|ruckrufe|ruckrufbitte|zuruckrufen|zuruckruf",
        "rufen sie mich|uns",
        "ruft|ruf mich|uns",
        "anrufen|telefonat|telefonisch|telefontermin",
        "melden sie sich bei mir|uns",
        "kontaktieren sie mich|uns",
        "kontaktiert mich|uns",
        "vertrieb|vertriebsmitarbeiter|ansprechpartner|aussendienst",
    ],
    // ── negation ──
    negators: "nicht|kein|keine|keinen|keinem|keiner|keines|nie|niemals",
    final_negators: "nicht",
    not_negating_next: "sicher|nur|sofort",
    not_negating_prev: "weiss|wissen|ob",
    interjection: "nein",
    pronoun: "ich|wir",
    conjunctions: "aber|sondern|jedoch|und",
    need_words: "brauch*|notig|notwendig|erforderlich|gewunscht",
    // ── decline → support → not a buyer, then masks ──
    decline: &[
        "kein|keinen|keine interesse|bedarf", // kein Interesse
        "nicht .. interessiert|interessant",
        "nein , danke",
        "zu teuer",
        "abmelden|abbestellen|austragen|abmeldung", // vom Newsletter abmelden
        "keine .. werbung|mails|emails|newsletter|anrufe",
        "nicht mehr .. kontaktieren|anrufen|schreiben|anschreiben|zusenden|senden",
        "anderen|andere|anderes|anderer anbieter|firma|unternehmen|dienstleister",
        "jemand|jemanden|jemandem anderen|anderes|anders",
        "schon|bereits versorgt",
        "haben schon|bereits einen|eine .. anbieter|dienstleister|partner|handwerker|firma|agentur|lieferanten",
    ],
    support: &[
        "mein|meine|meinen|meinem|meiner|unser|unsere|unseren|unserem|unserer bestellung|paket|lieferung|sendung|rechnung|konto|account|kundenkonto|vertrag|abo|abonnement|buchung|termin|passwort|ruckerstattung|erstattung|daten|zahlung",
        "nicht|nie|kein|keine|keinen .. angekommen|geliefert|erhalten|zugestellt|eingetroffen|bekommen",
        "wo bleibt",
        "sendungsnummer|sendungsverfolgung|trackingnummer|bestellnummer|auftragsnummer|rechnungsnummer|kundennummer",
        "rucksendung|rucksenden|zurucksenden|zuruckschicken|zuruckgeben|retoure|retournieren|umtausch|umtauschen|reklamation|reklamieren|erstattung|ruckerstattung|gutschrift",
        "geld zuruck",
        "storno|stornieren|stornierung|storniert|kundigen|kundigung|gekundigt",
        "defekt|beschadigt|kaputt|falsch .. geliefert|angekommen|erhalten|bekommen",
        "geliefert|angekommen .. defekt|beschadigt|kaputt|falsch",
        "bereits|schon|habe|haben .. bezahlt|uberwiesen|gezahlt|bestellt|gekundigt|verlangert",
        "zahlung .. erhalten|eingegangen|bestatigen",
        "quittung|quittungen|kassenbon",
        "rechnung .. fehler|falsch|falsche|korrigieren|korrektur|tippfehler|doppelt|kopie",
        "einloggen|login|passwort",
        "daten .. exportieren|loschen|herunterladen",
        "beschwerde|beschweren|garantiefall",
    ],
    not_buyer: &[
        "offene|freie stellen|stelle|position|positionen",
        "stellenangebot|stellenangebote|stellenausschreibung|bewerbung|bewerben|ausbildungsplatz|praktikum|praktikumsplatz|jobs|minijob|nebenjob",
        "wir bieten|erstellen|entwickeln|helfen",
        "wir ... bieten|erstellen|entwickeln|programmieren|optimieren", // wir sind eine Agentur und bieten …
        "unsere agentur",
        "kooperationsanfrage|sponsoring|spende|spenden|presseanfrage|journalist|bachelorarbeit|masterarbeit|abschlussarbeit|umfrage",
    ],
    mask: &[
        // danke für das Angebot: already happened
        "danke|dank fur .. angebot|demo|termin|anruf|besuch|beratung|prasentation",
    ],
};
