//! Italian word lists: one [`Language`] for the engine (see [`Language`] for what
//! each list is for and the pattern syntax).
//!
//! Elisions split into two tokens (`l'offerta` → `l offerta`, `c'è` → `c e`, `quant'è` →
//! `quant e`), and `è`/`più`/`perché` fold to `e`/`piu`/`perche`; the patterns are written
//! in that form.

use super::Language;

pub(crate) const IT: Language = Language {
    // ── hot phrases, one list per topic ──
    price: &[
        "prezzo|prezzi|prezzario|prezziario|listino|listini", // il prezzo, listino prezzi
        // "quanto costa / quanto mi fate / quanto verrebbe" — not "quanto tempo", "quanto prima"
        "quanto|quanti|quanta|quant !tempo|prima|giorni|ore|settimane|mesi|anni|riguarda|possibile .. costa|costano|costerebbe|costerebbero|costera|costeranno|costare|chiedete|chiedereste|prendete|prendereste|fate|fareste|verrebbe|verrebbero|viene|vengono|spendere|spenderei|spenderemmo|pagare|pagherei|pagheremmo|pago|paghiamo",
        "quanto|quant e|sarebbe !grande|lungo|lunga|alto|alta|largo|larga|pesante|lontano|lontana|distante|difficile|facile|vero|tempo|possibile", // quant'è?
        "a quanto !pare|sembra|risulta|so|mi|ci|ho|capisco|leggo|vedo|pareva", // a quanto lo vendete?
        "costano|costerebbe|costerebbero|costera|costeranno|costo|costi",
        // "costa molto?" — not the coast (la costa, Costa Rica)
        "<!la|della|sulla|lungo|alla|dalla|sua|na|da costa !rica|brava|azzurra|smeralda|amalfitana|adriatica|ligure|del|della|dei|de|do|da|of",
        "tariffa|tariffe|tariffario|tariffari",
        "sconto|sconti|scontistica",
        "piu economico|economica|economici|economiche|conveniente", // c'è qualcosa di più economico?
        "spese di spedizione|consegna|trasporto|installazione|montaggio",
        "spedizione|consegna gratuita|gratis",
        "canone|canoni", // canone mensile
        "onorario|onorari|parcella",
        "a rate", // pagare a rate
        "rateizzare|rateizzazione|rateale|rateizzato|finanziamento|finanziamenti",
        "promozione|promo|offerta .. valida|vale|ancora|applica|applicabile|compresa", // la promo vale anche per…
        "budget e|di|intorno|circa|massimo|sui|fino|tra", // il nostro budget è di 5.000
    ],
    quote: &[
        "preventivo|preventivi|preventivare|preventivazione",
        "quotazione|quotazioni|quotare|quotarmi|quotarci",
        "un|vostra|vostro|vs|migliore|miglior|nuova|l offerta|offerte", // un'offerta → un offerta
        "offerta|proposta commerciale|economica|dettagliata|personalizzata|formale|scritta",
        "una stima",
        "stima|stime dei|del|di costi|costo|lavori|prezzo|spesa",
        "gara d appalto",
        "capitolato|appalto",
    ],
    demo: &[
        "demo|dimostrazione|dimostrazioni",
        "prova gratuita|gratis",
        "periodo|versione|account|lezione|lezioni di prova", // periodo di prova, lezione di prova
        "provare|testare .. software|prodotto|piattaforma|sistema|gestionale|programma|app|applicazione|servizio",
        "campione|campioni|campionatura|campionario", // campioni prima di ordinare
        "mostrarci|mostrarmi|mostrateci|mostratemi",
        "farci|farmi|fateci|fatemi vedere",
        "vedere come funziona|funzionano",
        "presentazione .. prodotto|prodotti|software|piattaforma|servizio|servizi|soluzione|gestionale|sistema|app",
    ],
    visit: &[
        "appuntamento|appuntamenti",
        "sopralluogo|sopralluoghi",
        "visita|visite|visitare|visitarvi",
        "prenot*", // prenotare, prenotazione, prenotarmi
        "un incontro",
        "una riunione",
        "incontrarci|incontrarvi|incontrarla|vederci",
        "consulenza|consulto",
        "prendere|prendiate|prenda .. misure", // venire a prendere le misure
        "misurazione|misurazioni",
        // potete venire / riuscireste a passare
        "potete|potreste|potrebbe|potrebbero|puo|puoi|riuscite|riuscireste .. venire|passare|venirci|passarci",
        "posso|possiamo|potrei|potremmo .. passare|venire", // posso passare in negozio?
        "passare|venire .. negozio|showroom|sede|ufficio|studio|laboratorio",
        "venire|passare a vedere|trovarvi",
        "fare un salto",
    ],
    availability: &[
        "disponibile|disponibili|disponibilita",
        "siete|sei|sareste|saresti|sarebbe .. liberi|libero|libera|libere",
        "libero|liberi|libera|libere sabato|domenica|lunedi|martedi|mercoledi|giovedi|venerdi|domani|oggi|stasera|questo|questa|prossimo|prossima",
        "vi|ti|le andrebbe|andrebbero|va|vanno|starebbe|sta bene", // vi andrebbe bene lunedì?
        "vi|ti|le .. comodo|comoda|comodi",
        "avete|avreste tempo|posto|posti|spazio|date", // avete posto per 25?
        "c e .. posto|posti|tavolo|tavoli|camera|camere|disponibilita", // c'è posto sabato?
        "ci sono|sarebbe|sarebbero .. posto|posti|tavolo|tavoli|camera|camere",
        "tavolo|tavoli per|da",
        "in magazzino",
        "a magazzino",
        "in taglia|colore|misura|versione|formato|tinta",
        "taglia|taglie #|xs|s|m|l|xl|xxl|xxxl|unica",
        "che|quale|quali taglia|taglie|misura", // che taglia mi consigliate?
        "avete|avreste|ce .. taglia|taglie|misura|misure|colore|colori|stock|ricambi|ricambio|accessori",
        "ce l avete", // ce l'avete in blu?
        "vestibilita",
        "come veste|calza|vestono|calzano",
        "compatibile|compatibili|compatibilita",
        "ancora in vendita",
        "e in vendita",
        "esaurito|esaurita|esauriti|esaurite", // quando torna?
        // riuscireste a farlo entro giugno?
        "riuscireste|riuscirete|riuscite|riusciresti|riesci a|ad .. fare|farlo|farla|farli|farle|farci|venire|consegnare|spedire|montare|installare|realizzare|preparare|organizzare|finire|completare|gestire|servire|sistemare|sistemarlo|sistemarla|rifare|ristrutturare|pulire|dipingere|imbiancare|riparare|sostituire|traslocare|allestire|consegnarlo|consegnarla",
        "potreste|potete|potresti|puoi|potrebbe|potrebbero .. occuparvi|occuparvene|occuparsene|occuparsi|organizzare|preparare|realizzare|gestire",
        "fate|effettuate|eseguite|realizzate|organizzate|installate|montate|riparate anche", // fate anche traslochi?
        "voi .. fate|effettuate|eseguite|realizzate|organizzate|installate|montate|riparate|vendete",
        "e|sarebbe possibile .. avere|ricevere|ritirare|fare|ordinare|prenotare|fissare|venire|pagare|spedire|consegnare|personalizzare",
    ],
    start: &[
        "quando .. iniziare|cominciare|partire|iniziereste|comincereste|iniziate|cominciate|venire|verreste|venite|passare|passereste|intervenire|montare|installare|consegnare|consegnereste|consegnate|spedire|spedite|partireste|arriva|arriverebbe|arrivano",
        "entro quando",
        "quanto prima",
        "prima possibile", // il prima possibile
        "al piu presto",
        "piu presto possibile",
        "appena possibile",
        "urgenza|urgentemente|urgenti|emergenza|emergenze", // urgente: see the Spanish list
        "pronto intervento",
        "tempi|tempo di consegna|realizzazione|esecuzione|attesa|intervento|spedizione|lavorazione|produzione",
        "tempistica|tempistiche",
        "quanto|quanti tempo|giorni|settimane|mesi .. vuole|vorrebbe|mette|metterebbe|impiega|impiegate|impieghereste|arriva|arriverebbe|arrivano|servono|occorre|occorrono|ci",
        "in quanto tempo",
        "data di inizio|avvio|partenza|consegna",
    ],
    purchase: &[
        "acquistare|acquisterei|acquisteremmo|acquistarlo|acquistarla|acquistarli|acquistarle|acquistarne",
        "comprare|comprerei|compreremmo|comprarlo|comprarla|comprarli|comprarle|comprarne",
        "acquisto di|del|della|dei|delle|online|diretto",
        "ordinare|ordinarlo|ordinarla|ordinarli|ordinarle|ordinarne|ordinerei|ordineremmo",
        "riordinare|riordinarlo|riordinarla|riordinarne|riordino|ricomprare|ricomprarlo|ricomprarla|riacquistare|riacquistarlo|riacquistarla", // the same lamp again
        "fare|effettuare|piazzare|mettere un|l ordine|ordinativo|ordinazione", // fare un ordine
        "all ingrosso",
        "ingrosso|grossista",
        "carrello",
        // cerco qualcuno per…, cerchiamo una ditta che…
        "cerco|cerchiamo|cercando|cercavo|cercavamo .. qualcuno|ditta|impresa|azienda|professionista|tecnico|idraulico|elettricista|imbianchino|giardiniere|muratore|falegname|fabbro|piastrellista|serramentista|traslocatore|fotografo",
        "pagare|pago|pagherei|pagheremmo|pagamento .. carta|paypal|satispay|bonifico|contanti|contrassegno|klarna|scalapay|bancomat|rate|rata|consegna|ritiro",
        "metodi|modalita|forme|sistemi|opzioni di pagamento",
        "accettate|accettano .. carta|carte|paypal|satispay|bonifico|contanti|klarna|scalapay|bancomat|assegni|amex|visa|mastercard",
        "contrassegno",
        "spedite|consegnate|spedireste|consegnereste|spedisci|vendete|vendereste", // spedite in Svizzera?
        "spedizione|spedizioni|consegna|consegne in|a|all|verso|fino|anche|entro|al|nel|nella|per|oltre|estero",
        "lo|la|li|le|ne prendo|prenderei|prenderemmo|prendiamo !nota|atto|visione|in|spunto", // lo prendo
        "ne vorrei|vorremmo|prenderei|ordinerei .. altro|altra|altri|altre|un|una|uno|due|tre|quattro|cinque|dieci|#",
        "aggiung* .. licenz*|utent*|postazion*|modul*", // aggiungere 10 utenti
        "# licenze|licenza|postazioni",
        "licenze|postazioni|utenti aggiuntive|aggiuntivi|extra|supplementari",
        // upgrade al piano Pro (also "upgrade do plano", "upgrade do pakietu")
        "upgrade|upgradare al|alla|a|ad|di|del|della|dello|para|do|da|de|na|pro|premium|piano|plano|planu|pakiet|pacchetto|versione",
        "piano|pacchetto|versione|abbonamento superiore|premium|pro|business|enterprise|annuale|completo|completa",
        "passare al|alla|a piano|pacchetto|versione|abbonamento",
        // accepting a quote
        "accett*|approv*|confermo|confermiamo .. preventivo|offerta|proposta|condizioni|ordine",
        "preventivo|offerta|proposta|cifra|cifre|importo|condizioni|prezzo .. va|vanno bene|benissimo", // il preventivo va bene
        "procediamo|procedete|proceda",
        "possiamo|vorremmo|vorrei|desideriamo|volevamo procedere",
        "andiamo|andare avanti",
        "firmare|firmiamo|firmo|firmerei|sottoscrivere|sottoscriviamo .. contratto|ordine|accordo|offerta|preventivo|proposta",
        "proforma",
        "coordinate bancarie",
        "link di|per .. pagamento|pagare",
        // gift wrap, gift cards, click & collect
        "confezione|pacchetto|incarto|carta regalo",
        "confezionare|incartare|impacchettare",
        "buono|card regalo",
        "per|da regalo",
        "per un regalo",
        "ritiro|ritirare|ritirarlo|ritirarla|ritirarli .. negozio|showroom|punto|sede|magazzino|store",
        "click and|e|n|y|und|et collect",
    ],
    callback: &[
        "richiamare|richiamarmi|richiamarci|richiamatemi|richiamateci|richiamami|richiamata|richiamarla",
        "mi|ci richiamate|richiamereste|richiamerete|richiama|richiami|richiamiate",
        "ricontattare|ricontattarmi|ricontattarci|ricontattatemi|ricontattateci|ricontattami",
        "contattatemi|contattateci|contattarmi|contattarci|contattami",
        "mi|ci contattate|contattereste|contatterete|contatti|contattiate",
        "chiamatemi|chiamateci|chiamarmi|chiamarci|chiamami|telefonatemi|telefonateci|telefonarmi|telefonarci",
        "mi|ci chiamate|chiamereste|chiamerete|chiami|chiamiate|telefonate|telefonereste",
        "fissare|organizzare|programmare|fare|prenotare una|un .. chiamata|call|telefonata|videochiamata", // fissare una call
        "sentirci|sentiamoci",
        "parlare|parlarne con .. commerciale|commerciali|venditore|consulente|responsabile|qualcuno|ufficio|referente|persona",
        "ufficio|reparto commerciale|vendite",
        "vostro|vostra|vs commerciale|consulente|agente|referente",
        "mio numero|cellulare|telefono|recapito",
        "telefonicamente",
    ],
    // ── negation ──
    negators: "non|nessun|nessuna|nessuno|nemmeno|neanche|neppure",
    final_negators: "",
    // non sappiamo quanto costa, non trovo il prezzo, non vincolante, nessun problema, non-profit
    not_negating_next: "sappiamo|sapevo|sapevamo|sapete|sai|trovo|troviamo|vedo|vediamo|riesco|riusciamo|soltanto|unicamente|vincolante|vincolanti|impegnativo|impegnativa|impegno|obbligo|urgente|urgenti|esitate|esitare|esiti|problema|problemi|profit|binding|urgent|refundable|negotiable|standard|stop",
    not_negating_prev: "o|oppure", // che sia urgente o no
    interjection: "no",
    pronoun: "io|noi",
    // no "e": it also stands for "è" ("non è necessario un preventivo")
    conjunctions: "ma|pero|tuttavia|bensi|invece|comunque|ed",
    need_words: "serve|servono|servirebbe|servirebbero|bisogno|necessari*|necessit*|occorre|occorrono|interess*|richiest*",
    // ── decline → support → not a buyer, then masks ──
    decline: &[
        "non .. interess*", // non ci interessa, non siamo interessati
        "no , grazie",
        "troppo caro|cara|cari|care|costoso|costosa|costosi|costose|alto|alti|elevato|elevati|oneroso",
        "fuori|oltre|sopra .. budget|portata|bilancio|possibilita",
        "altro|altra|altri|altre fornitore|fornitori|azienda|ditta|impresa|agenzia|professionista|operatore|artigiano|installatore|concorrente",
        "qualcun|qualcuno altro|altra",
        "scelto|affidati|affidato|optato|preferito .. concorren*",
        "gia .. fornitore|fornitori|agenzia|partner|consulente", // abbiamo già un fornitore
        // postponements: ci pensiamo, vi faremo sapere, risentiamoci a settembre
        "ci penso|pensiamo|penseremo|pensero|pensera|penserei|ripenseremo !io|noi", // not "ci penso io" = I'll see to it
        "pensarci|rifletterci|rifletteremo|valuteremo",
        "vi|ti|le faremo|faro sapere",
        "rimandiamo|rinviamo|posticipiamo|sospendiamo",
        "sentiamoci|risentiamoci|riparliamo|riparlarne|risentirci .. dopo|settembre|ottobre|autunno|inverno|primavera|anno|prossimo|prossima|estate|gennaio|piu|futuro",
        "magari|forse .. piu avanti",
        "ora|adesso|momento no|niente|nulla", // per ora no, al momento no
        "non e il momento",
        "non fa per",
        "non .. piu bisogno",
        "non .. serve|servono|interessa piu",
        "non .. procedere|procediamo|procederemo|proseguire|proseguiamo|procedo",
        "deciso di non",
        "non .. permetterci|permettercelo|permettermelo|permetterlo|permettere",
        // only looking
        "solo|soltanto per curiosita|informazione|informarmi",
        "solo|soltanto|sto .. curiosando|raccogliendo|guardando",
        // unsubscribe, stop contacting
        "disiscrivermi|disiscriverci|disiscrivetemi|disiscrizione|cancellatemi|cancellateci|rimuovetemi|rimuoveteci|toglietemi|toglieteci",
        "cancellare .. iscrizione|newsletter|mailing",
        "non .. contattatemi|chiamatemi|scrivetemi|contattarmi|chiamarmi|scrivermi|contattateci|chiamateci|scriveteci|disturbare|disturbarmi",
        "smettete|smettetela|smettere di",
        "basta con .. email|mail|chiamate|messaggi|spam|telefonate",
        "questo e spam",
    ],
    support: &[
        // il mio ordine, la nostra fattura, il mio abbonamento
        "mio|mia|miei|mie|nostro|nostra|nostri|nostre ordine|ordini|ordinazione|pacco|pacchi|spedizione|consegna|acquisto|acquisti|account|fattura|fatture|ricevuta|ricevute|abbonamento|prenotazione|appuntamento|rimborso|reso|pagamento|password|profilo|garanzia|contratto|conto|dati|iscrizione|tessera",
        "numero d|di|dell ordine|tracking|tracciamento|spedizione|fattura|pratica|ticket|reso",
        "ordine|ordinazione|fattura|pratica|ticket|reso #|n|nr|numero|num", // l'ordine 5120
        "non .. arrivato|arrivata|arrivati|arrivate|consegnato|consegnata|consegnati|consegnate|pervenuto|pervenuta|pervenuti|spedito|spedita|spediti|spedite",
        "non .. ricevuto|ricevuta|ricevuti|ricevute .. ordine|pacco|pacchi|merce|prodotto|prodotti|articolo|articoli|rimborso|soldi|conferma|codice|fattura|email|mail|spedizione|consegna|ricevuta",
        "dov|dove e|sono|si|finito .. ordine|pacco|pacchi|rimborso|merce|ordinazione", // dov'è il mio ordine
        "tracciamento|tracciabilita",
        "codice|link di tracking|tracciamento|spedizione",
        "reso|resi !conto|noto|possibile|disponibile|disponibili|necessario", // not "mi sono reso conto"
        "restituire|restituirlo|restituirla|restituirli|restituzione|rimborso|rimborsi|rimborsare|rimborsato|rimborsata",
        "cambio|cambiare .. taglia|misura|articolo|prodotto|colore",
        "annullare|annullamento|disdire|disdetta|cancellare .. ordine|abbonamento|prenotazione|appuntamento|account|contratto|mio|mia|ordinazione|pagamento",
        "disdetta|disdire",
        "eliminare|chiudere|cancellare|disattivare|bloccare .. account|profilo|dati",
        "ho|abbiamo|gia|avevo|avevamo pagato|saldato|versato|bonificato|rinnovato",
        "gia .. ordinato|acquistato|comprato|prenotato|pagato|effettuato",
        "ho|abbiamo|avevo|avevamo .. fatto|effettuato|piazzato .. ordine|ordinazione|acquisto|pagamento|prenotazione|bonifico",
        "ho|abbiamo prenotato",
        "pagamento .. effettuato|ricevuto|confermato|addebitato|doppio|duplicato",
        "addebitato|addebitati|addebitata|addebito|addebiti",
        "arrivato|arrivata|arrivati|arrivate|ricevuto|ricevuta|ricevuti|ricevute|consegnato|consegnata|consegnati|consegnate .. rotto|rotta|rotti|rotte|danneggiato|danneggiata|danneggiati|difettoso|difettosa|sbagliato|sbagliata|sbagliati|incompleto|incompleta|aperto|rovinato|rovinata|graffiato|graffiata",
        "difettoso|difettosa|difettosi|difettose",
        "fattura|ricevuta|scontrino .. errore|errata|errato|sbagliata|sbagliato|correggere|corretta|duplicato|duplicata|copia",
        "scontrino|scontrini",
        "password|credenziali|login",
        "accedere|accesso .. account|profilo|area|portale|app|piattaforma",
        "reclamo|reclami|lamentela|lamentele",
        "in|sotto garanzia",
        "garanzia .. riparazione|sostituzione|intervento|richiesta|reclamo",
        "assistenza clienti|tecnica",
        "servizio clienti",
        "rinnovo|rinnovare|rinnovato .. abbonamento|contratto|licenza|polizza|iscrizione",
        "rinnovo automatico",
        "spostare|anticipare|posticipare|modificare|cambiare .. appuntamento|prenotazione|consegna|ordine|indirizzo",
        // finished work: "il parquet che avete posato"
        "avete installato|montato|posato|eseguito|riparato|costruito|dipinto|imbiancato",
        "esportare|scaricare .. dati|fatture|storico|report",
    ],
    not_buyer: &[
        // job seekers
        "curriculum|candidatura|candidature|candidarmi|candidarsi|tirocinio|tirocini|apprendistato|stagista",
        "uno stage",
        "cerco|cerchiamo|cercando lavoro|impiego|occupazione|tirocinio",
        "cerco un lavoro|impiego",
        "offerta|offerte|opportunita|annuncio|annunci di lavoro|impiego",
        "posizione|posizioni aperta|aperte|vacante|vacanti",
        "assumete|assumereste|assunzioni",
        "cercate personale|collaboratori|dipendenti|apprendisti|stagisti|commessi|camerieri",
        "lavorare per voi",
        "parte del|della vostro|vostra team|squadra|staff",
        "stipendio|stipendi|retribuzione",
        // vendors pitching
        "offriamo|proponiamo|forniamo",
        "proporvi|proporti|proporle|offrirvi|offrirti|offrirle",
        "aiutiamo .. aziende|imprese|attivita|clienti|brand|negozi|professionisti|studi",
        "siamo specializzati|specializzata|specializzate|leader",
        "nostra|nostro agenzia|azienda|societa|team|studio .. offre|propone|realizza|fornisce|sviluppa|aiuta",
        "proposta|opportunita di collaborazione|partnership|business|affiliazione",
        "partnership|sinergia|sinergie|affiliazione|affiliato|affiliati|sponsorizzazione|sponsorizzare|sponsor",
        "diventare .. rivenditor*|distributor*|partner|affiliat*|fornitor*|agente|agenti",
        "siamo produttori|fornitori|produttore|fornitore",
        "provvigion*",
        // press, events, students, investors
        "giornalista|intervista|intervistarvi|redazione|redattore|redattrice",
        "ufficio|comunicato stampa",
        "tesi|tesina|questionario|sondaggio",
        "studente|studentessa|universitario|universitaria",
        "progetto universitario|scolastico",
        "progetto di ricerca",
        "invitarvi|invitarla|invitarti",
        "invito .. evento|fiera|conferenza|panel|webinar|tavola",
        "investitor*|azionist*",
        "quotazione in borsa",
        "prezzo delle azioni",
    ],
    mask: &[
        // grazie per il preventivo: already happened
        "grazie|ringrazio|ringraziamo .. per|del|della|dell .. preventivo|demo|offerta|chiamata|telefonata|visita|proposta|appuntamento|sopralluogo|presentazione|disponibilita|consulenza",
        // sign-offs: resto a disposizione, sono disponibile per chiarimenti
        "resto|rimango|restiamo|rimaniamo|restando|rimanendo .. disposizione|disponibile|disponibili",
        "sono disponibile",
        "siamo disponibili",
        "disponibile|disponibili per .. chiarimenti|chiarimento|informazioni|domande|dubbi|ulteriori|qualsiasi|eventuali",
        "ultimo|ultima|precedente|scorso|scorsa .. visita|appuntamento|consegna|sopralluogo|ordine", // a past visit
        "visitare|visitate|visita|visitato .. sito|pagina|profilo|blog|canale|instagram|facebook|linkedin",
        "orari|orario di visita|visite",
    ],
};
