//! Street addresses and locations: a house number, capitalized street
//! name words and a street suffix (`Street`, `Ave`, `Road`, ...; the USPS
//! list plus common UK ones), with an optional unit and an optional city,
//! state and postal code after it; the German (`Hauptstraße 5`), French
//! (`12, rue de la Paix`) and Spanish/Italian/Portuguese (`Via Roma, 10`)
//! orders; and, as LOCATION, a `City, ST 12345` line, UK and Canadian
//! postcodes, and a US ZIP next to the word "zip".
//!
//! All patterns need a digit, so the scanner only runs them on texts that
//! have one.

use std::ops::Range;
use std::sync::LazyLock;

use regex_automata::Input;
use regex_automata::meta::Regex;

use super::context;
use super::text::word_before;
use super::{Entity, Sink};

/// Common suffixes, which make a street more likely than a rare one
/// (`5 Reward Points` is rarely an address).
const COMMON: &[&str] = &[
    "street",
    "st",
    "avenue",
    "ave",
    "road",
    "rd",
    "lane",
    "ln",
    "drive",
    "dr",
    "boulevard",
    "blvd",
    "court",
    "ct",
    "place",
    "pl",
    "way",
    "terrace",
    "close",
    "crescent",
    "square",
    "sq",
    "highway",
    "hwy",
    "parkway",
    "pkwy",
];

const SUFFIXES: &str = "Alley|Annex|Arcade|Avenue|Ave|Bayou|Beach|Bend|Bluffs?|Bottom|Boulevard|Blvd|Branch|Bridge|\
Brooks?|Burgs?|Bypass|Camp|Canyon|Cape|Causeway|Centers?|Chase|Circles?|Cir|Cliffs?|Close|Club|Commons?|Copse|\
Corners?|Course|Courts?|Ct|Coves?|Creek|Crescent|Crest|Croft|Crossing|Crossroads?|Curve|Dale|Dam|Divide|Drives?|Dr|\
Estates?|Expressway|Extensions?|Falls?|Ferry|Fields?|Flats?|Fords?|Forest|Forges?|Forks?|Fort|Freeway|Gardens?|\
Gateway|Glens?|Greens?|Ground|Groves?|Gully|Harbors?|Haven|Heights|Highway|Hwy|Hills?|Hollow|Inlet|Islands?|Isle|\
Junctions?|Keys?|Knolls?|Lakes?|Land|Landing|Lane|Ln|Lights?|Loaf|Locks?|Lodge|Loop|Mall|Manors?|Meadows?|Mews|\
Mills?|Mission|Motorway|Mount|Mountains?|Neck|Orchard|Oval|Overpass|Parade|Parks?|Parkways?|Pkwy|Pass|Passage|\
Path|Pathway|Pike|Pines?|Place|Pl|Plains?|Plaza|Points?|Ports?|Prairie|Radial|Ramp|Ranch|Rapids?|Rest|Ridges?|Rise|\
River|Roads?|Rd|Route|Row|Rue|Run|Shoals?|Shores?|Skyway|Springs?|Spurs?|Squares?|Sq|Station|Strand|Stravenue|\
Stream|Streets?|St|Summit|Terrace|Throughway|Trace|Track|Trafficway|Trail|Tunnel|Turnpike|Underpass|Unions?|Vale|\
Valleys?|Viaduct|Views?|Villages?|Ville|Vista|Walks?|Wall|Ways?|Wells?|Wharf|Yard|Quad|Colonnade|Riviera|Block|\
Marg|Nagar|Chowk|Circuit|Esplanade|Promenade|Retreat|Grange|Glade|Outlook|Concourse|Boardwalk|Cove|Crossway|Gate|\
Grove|Loop|Nook|Pocket|Reserve|Ridgeway|Round|Serviceway|Tarn|Terrace|Vale|Walkway";

/// A capitalized word of a name (street, city), or a word of a script
/// without case (`小林`).
const CAP: &str = r"(?:\p{Lu}[\p{L}'.-]*|\p{Lo}+)";
/// A unit after the street: `Apt. 290`, `Suite 102`, `#4`.
const UNIT: &str = r"(?:,?[ ](?:Apt\.?|Apartment|Suite|Ste\.?|Unit|Flat|Floor|Fl\.?|Room|Rm\.?|\#)[ ]?[A-Za-z0-9-]{1,6})?";
/// Postal codes: US ZIP(+4), UK, Canadian, four-digit (AU, ...).
const POSTAL: &str = r"(?:[0-9]{5}(?:-[0-9]{4})?|[A-Z]{1,2}[0-9][0-9A-Z]?[ ]?[0-9][A-Z]{2}|[A-Z][0-9][A-Z][ ]?[0-9][A-Z][0-9]|[0-9]{4})";

static PATTERNS: LazyLock<Vec<String>> = LazyLock::new(|| {
    let city = format!(r"{CAP}(?:[ ]{CAP}){{0,2}}");
    let fr = format!(
        r"(?:rue|avenue|boulevard|bd|place|chemin|allée|impasse|quai|route|cours|passage|square|voie)[ ](?:(?:de[ ]la|de|du|des|d'|l')[ ]?)?{CAP}(?:[ ]{CAP}){{0,2}}"
    );
    // After the street line: "\nCity, ST 12345", ", City, ST, 4876",
    // "\nCity\nPOSTCODE", or just "\nCity".
    let tail = format!(
        r"(?:(?:,[ ]?|\n|[ ]){city}(?:,?[ ][A-Z]{{2,3}})?,?[ \n]{POSTAL}(?-u:\b)|\n{city}(?:\n{POSTAL}(?-u:\b))?)?"
    );
    vec![
        // 0: 9791 Regina Mountains Apt. 290\nAndreaborough, VT 62139
        format!(
            r"(?-u:\b)[0-9]{{1,6}}(?:/[0-9]{{1,4}})?[A-Za-z]?,?[ \n](?:{CAP}[ ]){{1,4}}?(?:{SUFFIXES})\.?(?-u:\b){UNIT}{tail}"
        ),
        // 1: Flat 5\nJosh Tunnel\nPort Maxfort\nS6G 2QE
        format!(
            r"(?-u:\b)(?:Flat|Studio|Apartment|Unit|H\.No\.)[ ][0-9]{{1,4}}[A-Za-z]?\n(?:{CAP}[ ]){{1,3}}(?:{SUFFIXES})(?-u:\b){tail}"
        ),
        // 2: Oda-Preiß-Straße 1\n90404 Sangerhausen, Laurensteeg 625, Åkergatan 546
        format!(
            r"{CAP}(?i:straße|strasse|str\.|weg|gasse|platz|allee|ring|damm|ufer|chaussee|steig|pfad|markt|straat|laan|baan|plein|gracht|kade|singel|dreef|steeg|pad|boulevard|gatan|vägen|gränd|torget|stigen|backen|allén|plan)[ ][0-9]{{1,4}}[a-z]?(?:[-/][0-9]{{1,4}})?(?-u:\b)(?:,?[ \n](?:[0-9]{{4,5}}|[0-9]{{3}}[ ][0-9]{{2}}|[0-9]{{4}}[ ]?[A-Z]{{2}})[ \n]{city})?"
        ),
        // 3: 825, boulevard de François\n77113 Poirier-sur-Mer
        format!(
            r"(?-u:\b)[0-9]{{1,4}}(?:[ ]?(?:bis|ter))?,?[ ]{fr}(?:,?[ \n][0-9]{{5}}[ ]{city})?"
        ),
        // 4: Vial de Jesús Cordero 260 Apt. 90, Vicolo Sgalambro, 59, plac Traugutta 812
        format!(
            r"(?-u:\b)(?:Calle|Avenida|Av\.|Paseo|Plaza|Camino|Carrer|Cuesta|Vial|Ronda|Pasadizo|Alameda|Cañada|Callejón|Glorieta|Travesía|Rambla|Carretera|Via|Viale|Piazza|Piazzale|Corso|Largo|Vicolo|Strada|Contrada|Incrocio|Canale|Borgo|Rotonda|Stretto|Rua|Travessa|Viela|Pátio|Viaduto|Setor|Núcleo|Parque|Favela|Estrada|Rodovia|Vila|Quadra|Conjunto|Ladeira|Praça|Vereda|Trecho|Sítio|Chácara|Residencial|plac|aleja|ulica|ul\.|osiedle)[ ](?:(?:de[ ]la|de[ ]los|de[ ]las|de|del|della|dei|di|da|do|dos|das)[ ])*{CAP}(?:[ ]{CAP}){{0,3}},?[ ][0-9]{{1,4}}(?:/[0-9]{{1,4}})?(?-u:\b)(?:[ ](?:Apt\.|Piso|Puerta|Apartamento|Appartamento|Piano|Interno|Scala)[ ][0-9]{{1,4}})?(?:\n{city}(?:\n[0-9]{{5}}-?[0-9]{{3}}[ ]{city}(?:[ ]/[ ][A-Z]{{2}})?)?|\n[0-9]{{2}}-[0-9]{{3}}[ ]{city})?"
        ),
        // 5: PSC 7502, Box 5087\nAPO AP 46174 (US military)
        r"(?-u:\b)(?:PSC[ ][0-9]{4},[ ]Box[ ][0-9]{4}|Unit[ ][0-9]{4}[ ]Box[ ][0-9]{4}|USN[SV][ ][A-Z][a-z]+|USS[ ][A-Z][a-z]+)\n[AFD]PO[ ]A[AEP][ ][0-9]{5}(?-u:\b)".to_owned(),
        // 6: Andreaborough, VT 62139 (LOCATION)
        format!(r"(?-u:\b){city},[ ][A-Z]{{2}}[ ][0-9]{{5}}(?:-[0-9]{{4}})?(?-u:\b)"),
        // 7: UK postcode (LOCATION)
        r"(?-u:\b)[A-Z]{1,2}[0-9][0-9A-Z]?[ ][0-9][ABD-HJLNP-UW-Z]{2}(?-u:\b)".to_owned(),
        // 8: Canadian postcode (LOCATION)
        r"(?-u:\b)[ABCEGHJ-NPRSTVXY][0-9][ABCEGHJ-NPRSTV-Z][ ]?[0-9][ABCEGHJ-NPRSTV-Z][0-9](?-u:\b)".to_owned(),
        // 9: a bare ZIP, reported only after a context word (LOCATION)
        r"(?-u:\b)[0-9]{5}(?:-[0-9]{4})?(?-u:\b)".to_owned(),
    ]
});

/// The patterns in groups of one regex each, street patterns first. In a
/// single regex their lazy DFA grows past its cache and the search falls
/// back to a slow engine (2 MB/s instead of 600); apart, each stays fast.
const GROUPS: [&[usize]; 4] = [&[0, 1], &[2], &[3, 4, 5], &[6, 7, 8, 9]];

static ADDRESSES: LazyLock<Option<Vec<Regex>>> = LazyLock::new(|| {
    GROUPS
        .iter()
        .map(|g| {
            let pats: Vec<&str> = g.iter().map(|&i| PATTERNS[i].as_str()).collect();
            Regex::new_many(&pats).ok()
        })
        .collect()
});

const ADDRESS_CONTEXT: &[&str] = &[
    "address",
    "live",
    "lives",
    "living",
    "located",
    "location",
    "ship",
    "shipping",
    "deliver",
    "delivery",
    "send",
    "mail",
    "moved",
    "move",
    "reside",
    "residence",
    "home",
    "billing",
    "street",
    "postal",
];
const ZIP_CONTEXT: &[&str] = &[
    "zip",
    "zipcode",
    "zip code",
    "postal code",
    "postcode",
    "post code",
];

/// US state and territory codes, so `City, XX 12345` needs a real one.
const STATES: &[&str] = &[
    "AK", "AL", "AR", "AS", "AZ", "CA", "CO", "CT", "DC", "DE", "FL", "GA", "GU", "HI", "IA", "ID",
    "IL", "IN", "KS", "KY", "LA", "MA", "MD", "ME", "MI", "MN", "MO", "MP", "MS", "MT", "NC", "ND",
    "NE", "NH", "NJ", "NM", "NV", "NY", "OH", "OK", "OR", "PA", "PR", "RI", "SC", "SD", "TN", "TX",
    "UT", "VA", "VI", "VT", "WA", "WI", "WV", "WY",
];

/// Finds street addresses and locations.
pub(crate) fn scan(text: &str, windows: &[Range<usize>], sink: &mut Sink<'_>) {
    if !(sink.wants(Entity::StreetAddress) || sink.wants(Entity::Location)) {
        return;
    }
    let Some(groups) = ADDRESSES.as_ref() else {
        return;
    };
    // Streets found so far: a postcode or city line inside one is part of
    // it, not a location of its own.
    let mut streets: Vec<Range<usize>> = Vec::new();
    for (g, re) in GROUPS.iter().zip(groups) {
        for m in windows
            .iter()
            .flat_map(|w| re.find_iter(Input::new(text).range(w.clone())))
        {
            let span = m.start()..m.end();
            let pattern = g[m.pattern().as_usize()];
            if pattern <= 5 {
                if street(text, pattern, span.clone(), sink) {
                    streets.push(span);
                }
                continue;
            }
            if streets
                .iter()
                .any(|s| s.start < span.end && span.start < s.end)
            {
                continue;
            }
            location(text, pattern, span, sink);
        }
    }
}

fn location(text: &str, pattern: usize, span: Range<usize>, sink: &mut Sink<'_>) {
    match pattern {
        6 => city_line(text, span, sink),
        7 | 8 => {
            let hit = context::around(text, span.clone(), ZIP_CONTEXT, &[]);
            let hit = if hit.pos.is_some() {
                hit
            } else {
                context::around(text, span.clone(), ADDRESS_CONTEXT, &[])
            };
            sink.push(Entity::Location, span, hit.apply(0.45), || {
                format!("postcode (UK or Canadian format){}", hit.describe())
            });
        }
        _ => {
            if let Some(word) = context::before(text, span.start, ZIP_CONTEXT) {
                sink.push(Entity::Location, span, 0.7, || {
                    format!("ZIP code after the context word '{word}'")
                });
            }
        }
    }
}

/// Reports a street address; false when the match starts mid-word.
fn street(text: &str, pattern: usize, span: Range<usize>, sink: &mut Sink<'_>) -> bool {
    if word_before(text, span.start) {
        return false;
    }
    let s = &text[span.clone()];
    let first_line = s.lines().next().unwrap_or(s);
    let common = pattern != 0
        || first_line
            .split([' ', '.', ','])
            .any(|w| COMMON.iter().any(|c| c.eq_ignore_ascii_case(w)));
    let multiline = s.contains('\n') || s.bytes().filter(u8::is_ascii_digit).count() > 6;
    let mut base: f32 = if common { 0.6 } else { 0.4 };
    if multiline {
        base += 0.2;
    }
    let hit = context::around(text, span.clone(), ADDRESS_CONTEXT, &[]);
    sink.push(Entity::StreetAddress, span, hit.apply(base), || {
        let what = match pattern {
            0 | 1 => "house number, street name and suffix",
            2 => "street name with a suffix and house number",
            3 => "French number and street",
            4 => "street type, name and number",
            _ => "US military address",
        };
        let more = if multiline {
            ", with city or postal code"
        } else {
            ""
        };
        format!("street address ({what}{more}){}", hit.describe())
    });
    true
}

fn city_line(text: &str, span: Range<usize>, sink: &mut Sink<'_>) {
    let s = &text[span.clone()];
    let state = s.rsplit(' ').nth(1).unwrap_or("");
    if !STATES.contains(&state) {
        return;
    }
    let hit = context::around(text, span.clone(), ADDRESS_CONTEXT, &[]);
    sink.push(Entity::Location, span, hit.apply(0.6), || {
        format!("city, US state code and ZIP code{}", hit.describe())
    });
}

#[cfg(test)]
mod tests {
    use crate::pii::tests::scan;

    fn has(text: &str, entity: &str, value: &str) {
        let got = scan(text);
        assert!(
            got.contains(&(entity.to_owned(), value.to_owned())),
            "{text:?}: {got:?}"
        );
    }

    #[test]
    fn the_pattern_set_compiles() {
        assert!(super::ADDRESSES.is_some());
    }

    #[test]
    fn us_and_uk_street_addresses() {
        has(
            "I live at 123 Main Street, thanks",
            "STREET_ADDRESS",
            "123 Main Street",
        );
        has(
            "Ship to 2328 Figueroa Skyway Apt. 290\nKimberlyview, NJ 78456 please",
            "STREET_ADDRESS",
            "2328 Figueroa Skyway Apt. 290\nKimberlyview, NJ 78456",
        );
        has(
            "97 Lynda Bridge\nSmithbury\nW88 6FJ",
            "STREET_ADDRESS",
            "97 Lynda Bridge\nSmithbury\nW88 6FJ",
        );
        has(
            "my address is 4 Hilton Well.",
            "STREET_ADDRESS",
            "4 Hilton Well",
        );
    }

    #[test]
    fn european_street_orders() {
        has(
            "Adresse: Oda-Preiß-Straße 1\n90404 Sangerhausen",
            "STREET_ADDRESS",
            "Oda-Preiß-Straße 1\n90404 Sangerhausen",
        );
        has(
            "au 98, avenue Lucie Fernandes",
            "STREET_ADDRESS",
            "98, avenue Lucie Fernandes",
        );
        has(
            "vivo en Vial de Jesús Cordero 260 Apt. 90",
            "STREET_ADDRESS",
            "Vial de Jesús Cordero 260 Apt. 90",
        );
        has(
            "Vicolo Sgalambro, 59",
            "STREET_ADDRESS",
            "Vicolo Sgalambro, 59",
        );
    }

    #[test]
    fn locations() {
        has("Springfield, IL 62704", "LOCATION", "Springfield, IL 62704");
        has("postcode SW1A 1AA", "LOCATION", "SW1A 1AA");
        has("my zip code is 90210", "LOCATION", "90210");
        let got = scan("I paid 90210 dollars");
        assert!(got.is_empty(), "{got:?}");
        let got = scan("Springfield, XX 62704");
        assert!(got.iter().all(|(e, _)| e != "LOCATION"), "{got:?}");
    }

    #[test]
    fn numbers_before_ordinary_words_are_not_addresses() {
        for t in [
            "I waited 5 Days for it",
            "I have 2 Cards",
            "Chapter 3 Introduction",
        ] {
            let got = scan(t);
            assert!(
                got.iter().all(|(e, _)| e != "STREET_ADDRESS"),
                "{t}: {got:?}"
            );
        }
    }
}
