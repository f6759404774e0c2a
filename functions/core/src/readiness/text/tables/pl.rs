//! Polish word lists: one [`Language`] for the engine (see [`Language`] for what
//! each list is for and the pattern syntax).
//!
//! Polish letters fold to ASCII (`ą ć ę ł ń ó ś ź ż` → `a c e l n o s z z`: `wycenę` →
//! `wycene`, `zamówić` → `zamowic`, `łazienka` → `lazienka`); the patterns are written in
//! that form. The language is heavily inflected, so most entries are stems (`wycen*` =
//! wycena, wyceny, wycenę, wycenić, wyceńcie).
//!
//! `no` is also a filler here ("no to ile kosztuje?"): it is an interjection before the
//! words in `pronoun`, so it does not negate.

use super::Language;

pub(crate) const PL: Language = Language {
    // ── hot phrases, one list per topic ──
    price: &[
        // cena, ceną — not the Italian/Spanish dinner (la cena, cena di Natale, cena para dos)
        "<!la|una|a|per|dopo|di|alla|della|questa|stasera|buona|de|en|para|nuestra|vuestra|gran|e|y|sulla|le|delle|nelle|alle cena|cene !di|de|con|per|para|romantica|aziendale|aziendali|del|della|dei|en|al|alle|stasera|insieme|natalizia|sociale|fuori",
        "ceny|cenie|cen|cenach|cenami|cenom|cenowa|cenowy|cenowe|cenowej|cenowego|cenowych", // w jakiej cenie, oferta cenowa
        "cennik*", // cennik, cennika, cenniku
        "koszt*", // koszt, kosztuje, kosztowałoby, kosztorys
        // "ile za…", "ile by to wyniosło" — not "ile czasu/dni"
        "ile !czasu|dni|godzin|tygodni|miesiecy|lat|osob|razy|trwa|potrwa|jeszcze|zajmie .. wynosi|wyniesie|wynioslo|wynioslby|wynioslaby|wynioslyby|wynioslby|bierzecie|bierze|biora|liczycie|policzycie|policzylibyscie|policzylby|zaplace|zaplacimy|zaplacilbym|zaplacilabym|zaplacilibysmy|place|placimy|placi|zaplacic|za",
        "po ile",
        "stawk*", // stawka godzinowa
        "rabat*|znizk*|upust*",
        "promocj* .. obejmuje|dotyczy|obowiazuje|wazna|aktualna|nadal|jeszcze",
        "taniej|najtaniej|tanszy|tansza|tansze|tanszego|tanszej",
        "na raty",
        "w ratach",
        "ratal*",
        "oplat*", // opłata za dojazd
        "darmow*|bezplatn* dostaw*|wysylk*|przesylk*|dowoz*|montaz*",
        "mamy budzet*",
        "budzet* wynosi|to|okolo|rzedu|do",
        "za sztuke|metr|komplet|osobe|m2|mkw|dobe", // cena za metr
    ],
    quote: &[
        "wycen*", // wycena, wycenę, wycenić
        "kosztorys*",
        // ofertę, oferty (not the bare nominative: Spanish "oferta")
        "oferte|oferty|ofercie|ofert|ofertowe|ofertowy|ofertowa|ofertowego|ofertowej|ofertowym|ofertach|ofertami",
        "oferta na|dla",
        "propozycj* cenow*|handlow*",
        "przetarg*",
        "oszacow*|szacunkow*|szacowan*",
        "wyliczeni*|wyliczyc|wyliczycie|policzyc|policzycie|policzylibyscie|przeliczyc",
    ],
    demo: &[
        "demo|demonstracj*|demonstrowac",
        "prezentacj* .. produktu|systemu|platformy|aplikacji|oprogramowania|mozliwosci|rozwiazania|narzedzia|programu|uslugi",
        "prezentacj* online|na",
        "pokaz|pokazu|pokazac|pokazalibyscie|pokazecie|pokazcie .. produktu|systemu|platformy|aplikacji|oprogramowania|jak|dzialanie|mozliwosci",
        "wersj*|okres*|dostep*|konto|konta|lekcj*|zajeci*|jazd* testow*|probn*|demo", // wersja próbna, jazda próbna
        "testow*|probn*|darmow*|bezplatn* wersj*|okres*|dostep*|konto|lekcj*|zajeci*",
        "przetestow*",
        "probk*", // próbki przed zamówieniem
        "darmow*|bezplatn* test*",
    ],
    visit: &[
        "wizyta|wizyte|wizyty|wizyt|wizycie", // not "wizytówka"
        "umowic|umowienia|umowienie|umowimy|umowmy|umowilbym|umowilabym|umowilibysmy", // not "umowa", "w umowie"
        "spotkani*|spotkac",
        "konsultacj*",
        "rezerwacj*|zarezerwow*|zarezerwuj*|rezerwowac",
        "pomiar|pomiaru|pomiary|pomiarow|pomiarem|obmiar*|zmierzyc|zmierzenia|zmierzenie",
        "ogledzin*",
        "przyjechac|przyjechalibyscie|przyjedziecie|przyjechalby|przyjechalaby|przyjazd|przyjazdu",
        "podjechac|podjedziecie|podjechalibyscie|wpasc|wpadniecie|wpadlibyscie",
        "na miejscu", // wycena na miejscu
        "obejrzec|obejrzenia|zobaczyc .. mieszkanie|mieszkania|dom|domu|lokal|lokalu|dzialke|dzialki|samochod|samochodu|auto|nieruchomosc|showroom|salon",
        "przyjsc|przyjde|przyjdziemy|zajrzec .. salon*|sklep*|biur*|warsztat*|pracowni*|gabinet*|showroom*",
        "zapisac|zapisy|zapisanie .. na|do !newsletter*|listy|mailingu",
    ],
    availability: &[
        "dostepn*", // dostępny, dostępna, dostępność
        "woln* termin*|miejsc*|moce|slot*|okienk*|stolik*", // wolny termin, wolne miejsca
        "termin*|miejsc* woln*",
        "wolny|wolna|wolne|wolni .. w|we|jutro|dzis|dzisiaj|sobote|niedziele|poniedzialek|wtorek|srode|czwartek|piatek|weekend|przyszlym",
        "macie|mialibyscie|masz|mialbys .. czas|rozmiar*|kolor*|miejsc*|stolik*|towar|model",
        "znajdzie|znalazlby|znalazloby|znajdziecie|znalezlibyscie .. termin*|miejsc*|czas|chwil*|stolik*", // czy znajdzie się termin?
        "dalibyscie|dacie|dalby|dalaby rade", // dacie radę w czerwcu?
        "da|daloby sie .. zrobic|zamowic|kupic|umowic|przyjechac|wykonac|zamontowac|dostarczyc|wyslac|odebrac|zaplacic",
        "podjeli*|podejmiecie|podjalby|podjelibyscie|podejmujecie sie", // podjęlibyście się…?
        "przyjmujecie|przyjmujesz .. zlecen*|klient*|zamowien*|pacjent*|nowych|rezerwacj*",
        // czy robicie torty na zamówienie? — not "czym się zajmujecie", "co robicie"
        "<!czym zajmujecie sie",
        "<!co|czym robicie|wykonujecie|realizujecie|montujecie|naprawiacie|obslugujecie|organizujecie|szyjecie|pieczecie",
        "na stanie",
        "w|na magazynie",
        "stan magazynowy",
        "w rozmiarze|rozmiarach|kolorze|kolorach|wersji",
        "rozmiar|rozmiaru|rozmiarze #|xs|s|m|l|xl|xxl|xxxl",
        "jaki|jakiego|ktory|ktorego rozmiar*", // jaki rozmiar wybrać?
        "inny|innym|inne|innych|innej|inna kolor*|rozmiar*|wersj*|wzor*",
        "rozmiarowk*",
        "tabel* rozmiarow",
        "pasuje|pasowac|pasowalby|pasowala|pasowalaby|pasowaloby|pasuja .. do|na|panu|pani|wam|panstwu|ci", // czy pasuje do…, czy pasuje Panu wtorek?
        "kompatybiln*",
        "wyprzedan*",
        "do sprzedazy", // kiedy wróci do sprzedaży?
        "zdaz*", // czy zdążycie przed świętami?
        "stolik|stolika|stoliki .. dla|na",
    ],
    start: &[
        "kiedy .. zaczac|rozpoczac|zaczniecie|rozpoczniecie|zaczelibyscie|ruszyc|ruszycie|przyjechac|przyjedziecie|przyjechalibyscie|wykonac|zrobic|zrobicie|zamontowac|zamontujecie|zainstalowac|dostarczyc|dostarczycie|wyslac|wyslecie|mozna|moglibyscie|mozecie",
        "jak szybko|predko",
        "jak najszybciej|najpredzej|najwczesniej|najrychlej",
        "najszybciej|najwczesniej jak|mozliwy|mozliwe|mozna",
        "pilnie|pilne|pilna|pilny|pilnego|pilnej|pilnych|pilnym",
        "na cito",
        "pogotowi*", // pogotowie hydrauliczne
        "termin|terminy|czas realizacji|wykonania|dostawy|dostarczenia|wysylki|montazu|oczekiwania",
        "w jakim terminie|czasie",
        "na kiedy", // na kiedy moglibyście to zrobić?
        "ile dni|czasu|tygodni .. dostaw*|wysylk*|realizacj*|idzie|trwa|trwalaby|zajmie|zajeloby|czeka|wykonanie",
        "jak dlugo .. trwa|potrwa|zajmie|idzie|czeka|trwalaby|potrwalby|potrwaloby|zajeloby",
        "data|daty|termin|terminu rozpoczecia|startu",
    ],
    purchase: &[
        "kupic|kupie|kupimy|kupilbym|kupilabym|kupilibysmy|kupno|kupna|zakupic|zakupimy|zakup|zakupu|zakupem|zakupie",
        "zamowic|zamowie|zamowimy|zamowilbym|zamowilabym|zamowilibysmy|zamowicie|zamawiac|zamawiam|zamawiamy|zamowieniu",
        "zlozyc|zlozenie|zlozenia|zlozymy|zloze|zlozylbym .. zamowieni*", // złożyć zamówienie
        "zamowieni* hurtow*|grupow*|wieksz*|duz*|na",
        // buying more, the same again
        "domowic|domowienie|domowienia|dozamowic|dozamowienie|dokupic|dokupienia|dokupie|dokupimy|dokupienie",
        "ponowic|ponowne|ponownego zamowieni*",
        "hurtow*|hurtem|hurtowni*", // not the English "hurt"
        "koszyk|koszyku|koszyka",
        // szukam kogoś do…, szukamy firmy, która…
        "szukam|szukamy|poszukuje|poszukujemy .. kogos|firmy|firme|wykonawcy|wykonawce|fachowca|hydraulika|elektryka|malarza|ekipy|ogrodnika|specjalisty|fotografa|glazurnika",
        "platnosc|platnosci|zaplacic|placic|zaplace|place .. blik*|karta|kart*|przelew*|gotowk*|pobrani*|paypal*|ratach|raty|odbiorze",
        "formy|metody|sposoby|opcje platnosci|zaplaty",
        "za pobraniem",
        "wysylacie|wyslecie|dostarczacie|dostarczycie|dowozicie|dowieziecie|wyslalibyscie|dostarczylibyscie", // czy wysyłacie do Niemiec?
        "wysylka|wysylki|wysylke|dostawa|dostawy|dostawe|dowoz|dowozu|przesylka|przesylki|przesylke do|na|za",
        "sprzedajecie|sprzedacie|sprzedalibyscie",
        "biore|bierzemy|wezme|wezmiemy|poprosze|poprosimy to|go|ja|je|oba|obie|dwa|dwie|trzy|cztery|# !pod|do", // biorę to — not "wezmę to pod uwagę"
        "podpisac|podpisania|podpiszemy|podpisujemy|podpisze umowe|umowy|umowa|kontrakt",
        "dodatkow* licencj*|uzytkownik*|stanowisk*|konta|kont|miejsc*",
        "# licencji|licencje|stanowisk|stanowiska",
        "zwieksz* .. licencj*|uzytkownik*|stanowisk*|pakiet*|limit*",
        "rozszerz* .. pakiet*|plan|planu|licencj*|abonament*|umow*",
        "przejsc|przejscie|przejdziemy|przejsciu na .. pakiet*|plan|planu|wersj*|abonament*|pro|premium|biznes|business",
        "pakiet*|plan|planu|abonament*|wersj* premium|pro|biznes|business|rozszerzon*|wyzszy|wyzszego|roczn*|firmow*|enterprise",
        "wyzszy|wyzszego|wiekszy|wiekszego|lepszy|lepszego pakiet*|plan|planu|abonament*",
        // accepting a quote
        "akceptuj*|zatwierdz*|przyjmujemy|przyjmuje .. ofert*|wycen*|kosztorys*|warunki|propozycj*|projekt",
        "wycen*|ofert*|kosztorys*|warunki|propozycj* .. pasuj*|odpowiada|odpowiadaja|ok|okej|akceptowaln*|porzadku",
        "decydujemy|zdecydowalismy|zdecydowalem|zdecydowalam|decyduje sie na",
        "ruszamy|startujemy",
        "wchodzimy w to",
        "proform*",
        "dane do przelewu|platnosci",
        "link do platnosci|zaplaty",
        "dalsze|kolejne|nastepne kroki|krok",
        // gift wrap, gift cards, click & collect
        "zapakowac|zapakowanie|zapakujecie|zapakowalibyscie",
        "opakowani*|pakowani* prezentow*",
        "na prezent",
        "podarunkow*",
        "bon|bonu|karta|karte prezentow*",
        "odbior*|odebr* osobi*", // odbiór osobisty
        "odbior*|odebr* .. sklep*|salon*|punkt*",
    ],
    callback: &[
        "oddzwon*", // oddzwonić, oddzwonienie
        "zadzwoncie|zadzwonic|zadzwoni|zadzwonilby|zadzwonilaby|zadzwonilibyscie|zadzwonicie|zadzwon",
        "prosze|prosimy|poprosze|poprosimy o kontakt|telefon|rozmowe",
        "kontakt* telefoniczn*",
        "skontaktow*|skontaktuj* .. mna|nami", // skontaktujcie się ze mną
        "kontakt|kontaktu zwrotn*",
        "porozmawiac|porozmawiajmy|porozmawialbym|porozmawialabym|porozmawialibysmy|pogadac",
        "rozmow* .. handlowc*|doradc*|konsultant*|specjalist*|sprzedawc*|opiekun*",
        "dzial|dzialu|dzialem handlow*|sprzedazy",
        "handlowiec|handlowc*",
        "moj numer|telefon",
        "numer telefonu|kontaktowy",
        "telefonicznie",
    ],
    // ── negation ──
    negators: "nie|nigdy|zaden|zadna|zadne|zadnego|zadnej|zadnych|zadnym|ani|niepotrzebn*",
    final_negators: "niepotrzebn*", // wycena jest niepotrzebna
    // nie wiem ile, czy nie moglibyście…, nie tylko, nie jestem pewien, nie krępujcie się
    not_negating_next: "wiem|wiemy|wiadomo|widze|widzimy|znalazlem|znalazlam|znalezlismy|znajduje|moglibyscie|moglby|moglaby|mogliby|moglbys|moglabys|tylko|pewien|pewna|pewny|pewni|szkodzi|wahajcie|wahaj|krepujcie|krepuj|spieszy|pali|zobowiazuje",
    not_negating_prev: "czy|albo|lub", // czy nie macie wolnego terminu?
    interjection: "no",
    pronoun: "to|dobra|dobrze|wiec|ok|okej|tak|prosze",
    conjunctions: "ale|lecz|jednak|natomiast|oraz",
    need_words: "potrzeb*|niezbedn*|konieczn*|wymagan*|interesuj*",
    // ── decline → support → not a buyer, then masks ──
    decline: &[
        "nie .. interesuj*|zainteresowan*", // nie jesteśmy zainteresowani
        "niezainteresowan*|nieinteresuj*",
        "nie , dziekuje|dziekujemy|dzieki",
        "za|zbyt drogo|drogi|droga|drogie|drogich|kosztown*|wysoka|wysokie|wysoki",
        "poza|ponad|przekracza|przekraczaja .. budzet*|mozliwosci",
        "nie stac", // nie stać nas
        "inna|inne|innego|inny|innej|innym|innych firm*|wykonawc*|dostawc*|agencj*|fachowc*|ekip*|konkurencj*",
        "kogos innego",
        "wybralismy|wybralem|wybralam|zdecydowalismy|podpisalismy|zlecilismy|znalezlismy|znalazlem|znalazlam .. innego|innej|konkurencj*|kogos", // innego wykonawcę
        "juz mamy|posiadamy .. dostawc*|wykonawc*|agencj*|partner*|kogos",
        "mamy juz .. dostawc*|wykonawc*|agencj*|partner*|kogos",
        // postponements: zastanowimy się, damy znać, na razie nie
        "zastanowimy|zastanowie|przemyslimy|przemysle|przemyslec",
        "damy|dam znac",
        "odezwiemy|odezwe sie",
        "odlozyc|odlozymy|odkladamy|wstrzymac|wstrzymujemy|wstrzymamy",
        "na pozniej",
        "nie teraz",
        "na razie dziekuje|dziekujemy|dzieki|podziekujemy",
        "razie|chwilowo|obecnie nie potrzeb*|planuj*|interesuj*|szukamy|szukam|jestesmy|decyduj*|zamierz*|bedziemy|dziekuj*",
        "rezygnuj*|zrezygnow*",
        "nie .. kontynuow*",
        // only looking
        "tylko|jedynie .. rozeznani*|informacyjnie|ciekawosc*|zbieram",
        "z ciekawosci",
        // unsubscribe, stop contacting
        "wypisa*|wypisz* .. listy|newslettera|mailingu|bazy|subskrypcji",
        "wypiszcie mnie",
        "usun* .. listy|bazy|mailingu|newslettera",
        "nie .. dzwonic|pisac|kontaktowac|wysylac|przysylac|dzwoncie|piszcie|kontaktujcie|wysylajcie|przysylajcie|zawracac",
        "przestancie|przestan",
        "to spam",
    ],
    support: &[
        // moje zamówienie, moja paczka, nasza faktura
        "moj|moja|moje|mojego|mojej|moim|mojemu|moich|nasz|nasza|nasze|naszego|naszej|naszym|naszych zamowieni*|paczk*|przesylk*|dostawa|dostawy|dostawe|dostawie|konto|konta|koncie|faktur*|rachun*|paragon*|rezerwacj*|wizyt*|subskrypcj*|abonament*|zwrot|zwrotu|reklamacj*|platnosc*|haslo|hasla|umow*|zakup*|przelew|przelewu|wplat*",
        "numer|nr zamowienia|przesylki|paczki|faktury|sledzenia|zgloszenia|reklamacji|klienta|umowy",
        "zamowienie|zamowienia|zamowieniu|faktura|faktury|fakturze|zgloszenie|zgloszenia nr|numer|##", // zamówienie nr 5120
        "gdzie jest|sa|utknela|utknelo|znajduje .. zamowienie|paczka|przesylka|paczke|przesylke|zwrot|pieniadze|kurier", // gdzie jest moja paczka
        "nie .. doszl*|dotarl*|przyszla|przyszlo|przyszedl|dostarczon*|dostarczyl*|dojechal*",
        "nie .. otrzymal*|dostal*|odebral* .. zamowieni*|paczk*|przesylk*|zwrot*|pieniedzy|pieniadze|faktur*|towar*|produkt*|potwierdzeni*|kodu|numeru|srodkow",
        "sledzeni*|sledzic .. przesylk*|paczk*|zamowieni*",
        "zwrot|zwrotu|zwrotem|zwroty|zwrotow|odeslac|odeslania|odesle", // not "kontakt zwrotny"
        "zwrocic|zwrocenia|zwroce|zwracam|zwracamy !sie|uwage", // not "zwracam się z prośbą o wycenę"
        "wymienic|wymiana|wymiany|wymiane .. rozmiar*|towar*|produkt*",
        "anulowa*|anuluj*",
        "usun*|zamkn*|dezaktyw* .. konto|konta|profil|dane|subskrypcj*",
        "juz .. zaplacil*|oplacil*|przelal*|zamowil*|kupil*|przedluzyl*|zaplacone|oplacone",
        "zaplacilem|zaplacilam|zaplacilismy|oplacilem|oplacilam|oplacilismy|przelalem|przelalam|przelalismy|oplacone|zaplacone|oplacona|zaplacona",
        "pobrano|pobrali|pobrana|pobrane|obciazono|obciazyli|naliczono|naliczyli .. dwa|dwukrotnie|podwojnie|duzo|wiecej|blednie|niepoprawnie|zle",
        "dotarl*|przyszla|przyszlo|przyszedl|doszl*|dostalem|dostalam|otrzymalem|otrzymalam|dostalismy|otrzymalismy .. uszkodzon*|zepsut*|wadliw*|rozbit*|pekniet*|zniszczon*|niekompletn*|bledn*|zly|zla|zle|porysowan*",
        "wadliw*",
        "faktur*|paragon*|rachun* .. bled*|pomylk*|korekt*|poprawi*|duplikat*|zle|niepoprawn*|kopi*",
        "faktura korygujaca",
        "haslo|hasla|haslem|zaloguj*|zalogow*|logowani*",
        "reklamacj*|skarg*|zazaleni*",
        "w ramach gwarancji|rekojmi",
        "na gwarancji",
        "gwarancyjn*",
        "przedluz*|odnowien*|odnowic .. subskrypcj*|abonament*|umow*|licencj*",
        "przelozyc|przesunac|zmienic .. wizyt*|termin*|rezerwacj*|dostaw*|adres*|zamowieni*",
        "status|stan .. zamowieni*|przesylki|paczki|zgloszeni*|reklamacji|zwrotu",
        // finished work: "panele, które położyliście"
        "zamontowaliscie|zainstalowaliscie|polozyliscie|pomalowaliscie|naprawialiscie|naprawiliscie|wymienialiscie|wymieniliscie",
        "eksport*|pobrac|pobranie .. dane|danych|faktur*|historie|raport*",
    ],
    not_buyer: &[
        // job seekers
        "ofert* pracy|zatrudnienia|stazu|praktyk",
        "zyciorys|praktyki|praktykant*|staz|stazu|stazysta|stazystka|zatrudniacie|zatrudnicie|rekrutujecie",
        "szukam|poszukuje|szukamy pracy|zatrudnienia|stazu|praktyk",
        "aplikuj*|aplikowac|aplikowanie",
        "wynagrodzeni*|pensja|pensji|pensje|zarobki|zarobkow",
        "pracy|prace|pracowac u was|panstwa",
        // vendors pitching
        "oferujemy|proponujemy|zapewniamy|swiadczymy|specjalizujemy",
        "pomozemy|pomagamy|zwiekszymy|poprawimy .. panstwa|wasz*|panstwu|firm*|sprzedaz*",
        "nasza|nasz|naszej|naszych|naszym firma|agencja|zespol .. oferuje|specjalizuje|pomaga|tworzy|swiadczy",
        "naszej|naszych|naszym|nasza|nasze ofercie|oferty|oferta|ofert|uslug|uslugi|uslugami|agencji",
        "zaproponowac|przedstawic|zaprezentowac .. nasz*|wspolprac*",
        "propozycj*|ofert* wspolpracy|partnerstw*",
        "nawiazani*|nawiazac .. wspolprac*|partnerstw*",
        "zapraszamy|zapraszam do wspolpracy",
        "program partnerski|afiliacyjny|polecen",
        "partnerstw*|afiliac*",
        "zostac|zostania .. dystrybutor*|partner*|dostawc*|przedstawiciel*|resellerem|sprzedawc*",
        "jestesmy producentem|producentami|dostawca|dostawcami",
        "jestem handlowcem|przedstawicielem|konsultantem",
        // press, events, students, investors
        "dziennikarz*|wywiad*|sponsor*|ankiet*|licencjack*|magistersk*",
        "z redakcji",
        "prac* dyplomow*|inzyniersk*",
        "student|studentka|studentem|studentow",
        "projekt* na studia|uczelnie|zajecia",
        "zaprosic|zaproszenie|zapraszamy|zapraszam .. wydarzeni*|konferencj*|targi|targach|panel*|webinar*|gali|gale|podcast*",
        "akcjonariusz*", // not "inwestor": in building work that is the client
    ],
    mask: &[
        // dziękuję za wycenę: already happened
        "dziekuje|dziekujemy|dzieki .. za .. ofert*|wycen*|demo|prezentacj*|rozmow*|telefon|spotkani*|wizyt*|kontakt|kosztorys*|propozycj*",
        // sign-offs: jestem dostępny pod numerem…, pozostaję do dyspozycji
        "jestem|jestesmy|pozostaje|pozostajemy .. dostepn*|dyspozycji",
        "ostatni|ostatnia|ostatniej|ostatniego|poprzedni|poprzedniej|poprzedniego .. wizyt*|dostaw*|zamowieni*|spotkani*", // a past visit
    ],
};
