//! Person names, without a model: capitalized words read with a compact
//! gazetteer of common first names and surnames (written for this crate,
//! several languages) and the phrases people use around names.
//!
//! A run of capitalized words is a name when an honorific leads it
//! (`Dr. Jane Doe`), when a phrase introduces it (`my name is ...`,
//! `signed, ...`, `Dear ...`), or when the gazetteer knows its parts: a
//! known first name followed by a known surname scores highest, one known
//! part less. A lone known first name counts only mid-sentence, where
//! capitals are not just sentence starts. Common capitalized words (`The`,
//! `Monday`, `Visa`, ...) are never names.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

use super::context::words_before;
use super::text::word_before;
use super::{Entity, Sink};

/// Phrases that introduce a name: whatever capitalized words follow are
/// taken as one.
const STRONG_TRIGGERS: &[&[&str]] = &[
    &["my", "name", "is"],
    &["pan"],
    &["pani"],
    &["name", "is"],
    &["name", "s"],
    &["names"],
    &["named"],
    &["name"],
    &["call", "me"],
    &["signed"],
    &["regards"],
    &["sincerely"],
    &["dear"],
    &["attn"],
    &["attention"],
    &["cardholder"],
    &["holder"],
    &["account", "holder"],
    &["beneficiary"],
    &["payee"],
    &["recipient"],
];

/// Words that often precede a name; they make a known first name or
/// surname count even at the start of a sentence.
const WEAK_TRIGGERS: &[&[&str]] = &[
    &["i", "am"],
    &["i", "m"],
    &["im"],
    &["this", "is"],
    &["it", "is"],
    &["hi"],
    &["hello"],
    &["hey"],
    &["thanks"],
    &["thank", "you"],
    &["cheers"],
    &["from"],
    &["by"],
    &["with"],
    &["to"],
    &["ask"],
    &["tell"],
    &["for"],
    &["and"],
    &["met"],
    &["meet"],
    &["son"],
    &["daughter"],
    &["wife"],
    &["husband"],
    &["partner"],
    &["friend"],
    &["brother"],
    &["sister"],
    &["mother"],
    &["father"],
    &["mom"],
    &["mum"],
    &["dad"],
    &["colleague"],
    &["manager"],
    &["customer"],
    &["client"],
    &["contact"],
    &["spoke"],
    &["agent"],
    &["mr"],
];

/// Phrases after which capitalized words are a place, not a person:
/// unknown words there are not reported as a name.
const PLACE_TRIGGERS: &[&[&str]] = &[
    &["address"],
    &["address", "is"],
    &["live", "at"],
    &["live", "in"],
    &["lives", "at"],
    &["lives", "in"],
    &["located", "at"],
    &["located", "in"],
    &["ship", "it", "to"],
    &["send", "it", "to"],
    &["deliver", "to"],
    &["moved", "to"],
    &["move", "to"],
    &["moving", "to"],
    &["deliver", "it", "to"],
    &["at"],
    &["in"],
    &["near"],
    &["on"],
];

/// Words that start a street or place name (`Calle`, `Via`, `Lagoa`):
/// capitalized words after them name the street, not a person.
#[rustfmt::skip]
const PLACE_WORDS: &[&str] = &[
    "Acceso", "Aeroporto", "Alameda", "Avenida", "Avenue", "Boulevard", "C", "Calle", "Camino", "Carrer", "Chácara",
    "Conjunto", "Contrada", "Corso", "Cuesta", "Esplanada", "Estrada", "Estação", "Favela", "Glorieta", "Lago",
    "Lagoa", "Largo", "Loteamento", "Morro", "Parque", "Pasaje", "Paseo", "Passarela", "Piazza", "Piazzale",
    "Plaza", "Praça", "Praia", "Quadra", "Rambla", "Ronda", "Rua", "Setor", "Strada", "Travessa", "Travesía",
    "Urbanización", "Via", "Viale", "Viaduto", "Vicolo", "Viela", "Vila", "aleja", "avenue", "boulevard", "chemin",
    "pl", "plac", "rue", "ul", "ulica",
];

#[rustfmt::skip]
const HONORIFICS: &[&str] = &[
    "Dame", "Dipl", "Dott", "Dr", "Frau", "Herr", "Ing", "Lady", "Lord", "Madame", "Miss", "Mlle", "Mme",
    "Monsieur", "Mr", "Mrs", "Ms", "Mx", "Prof", "Rev", "Sig", "Signor", "Signora", "Sir", "Sr", "Sra", "Srta",
];

#[rustfmt::skip]
const SUFFIXES: &[&str] = &[
    "Jr.", "Sr.", "III", "II", "IV", "MD", "DDS", "PhD", "Ph.D.", "DVM", "Esq.", "Jr", "Sr", "B.Sc.", "M.Sc.",
    "MBA.", "MBA", "B.A.", "M.A.", "B.Eng.", "M.Eng.",
];

#[rustfmt::skip]
const PARTICLES: &[&str] = &[
    "al", "bin", "da", "das", "de", "del", "della", "den", "der", "di", "do", "dos", "du", "la", "le", "van", "von",
    "y", "zu",
];

/// Capitalized words that are not names, or too ambiguous alone.
#[rustfmt::skip]
const STOPWORDS: &[&str] = &[
    "A", "About", "Account", "After", "Again", "Ago", "All", "Also", "Am", "American", "Amex", "An", "And",
    "Android", "Any", "Anyone", "App", "Apple", "Are", "As", "At", "Avenue", "Bank", "Banking", "Be", "Because",
    "Been", "Before", "Best", "Both", "But", "By", "Can", "Cannot", "Card", "Cards", "Cash", "Center", "Central",
    "Cheers", "City", "Could", "Customer", "Dear", "Did", "Do", "Does", "Dollar", "Dollars", "Each", "East",
    "Either", "Email", "Euro", "Euros", "Even", "Every", "Express", "Fine", "First", "For", "Friday", "From",
    "General", "Get", "Good", "Google", "Great", "Had", "Has", "Have", "He", "Hello", "Help", "Her", "Here", "Hey",
    "Hi", "His", "How", "However", "I", "If", "Im", "In", "Inc", "Is", "It", "Its", "January", "February", "March",
    "July", "August", "September", "October", "November", "December", "Just", "Kind", "Last", "Let", "Limited",
    "Ltd", "Main", "Many", "Me", "Monday", "More", "Most", "Mr", "Mrs", "Ms", "Much", "My", "Name", "New", "Next",
    "No", "North", "Not", "Now", "Of", "Oh", "Ok", "Okay", "On", "Once", "One", "Only", "Or", "Our", "Pay",
    "PayPal", "Please", "Pound", "Pounds", "Regards", "Road", "Saturday", "See", "She", "Should", "Since", "So",
    "Some", "South", "Sorry", "Still", "Street", "Sunday", "Support", "Thank", "Thanks", "That", "The", "Their",
    "Them", "Then", "There", "These", "They", "This", "Those", "Thursday", "To", "Today", "Tomorrow", "Tuesday",
    "Union", "United", "Up", "Us", "Very", "Visa", "Was", "We", "Wednesday", "Welcome", "Well", "Were", "West",
    "Western", "What", "When", "Where", "Which", "While", "Who", "Why", "With", "Would", "Yes", "Yesterday", "You",
    "Your", "Abroad", "Africa", "America", "Approximately", "Asia", "Australia", "Auto", "Besides", "Britain",
    "British", "Canada", "Cancel", "Change", "China", "Chinese", "Contactless", "Credit", "Debit", "Delete",
    "Delivery", "Direct", "Disposable", "England", "English", "Europe", "European", "Everything", "Exchange",
    "Explain", "Fee", "Fees", "Fix", "France", "French", "Funds", "Germany", "German", "Identity", "India", "Italy",
    "Japan", "Later", "Maestro", "Mastercard", "Maybe", "Metro", "Mexico", "Mine", "Money", "Need", "Nothing",
    "Passcode", "Payment", "Payments", "Pending", "Physical", "Pin", "Rate", "Rates", "Refund", "Russia", "Russian",
    "Samsung", "Seems", "Send", "Show", "Somebody", "Somehow", "Someone", "Something", "Source", "Spain", "Spanish",
    "States", "Status", "Tell", "Top", "Transfer", "Transfers", "Tried", "Verify", "Virtual", "Watch", "Whats",
    "Kingdom", "Republic", "University", "College", "Hospital", "Airport", "Station", "Hotel", "Office",
    "Department", "Ministry", "Service", "Services", "Group", "Team", "Club", "Acceso", "Aeroporto", "Avenida",
    "Ave", "Birthday", "Broken", "Calle", "Conjunto", "Court", "Drive", "Estação", "Fairway", "Favela", "Fort",
    "Ganj", "High", "Lagoa", "Lake", "Lane", "Marg", "Monte", "Mount", "Nagar", "Parque", "Pasaje", "Passarela",
    "Piazza", "Place", "Port", "Praia", "Rd", "Rua", "Saint", "San", "Santa", "Sant", "Square", "St", "Subway",
    "Thoroughfare", "Urbanización", "Via", "Viale", "Vila", "Villa", "Zila", "Call", "Ask", "Contact", "Write",
    "Bearer", "Basic", "Token",
];

/// Common first names that are also common words; they need a surname or
/// a trigger to count.
#[rustfmt::skip]
const AMBIGUOUS: &[&str] = &[
    "April", "Art", "Bill", "Bob", "Can", "Chance", "Faith", "Frank", "Grace", "Hope", "Ivy", "Jack", "Joy", "June",
    "Mark", "Max", "May", "Miles", "Pat", "Rich", "Rose", "Sue", "Will",
];

#[rustfmt::skip]
const FIRST_NAMES: &[&str] = &[
    // English
    "Aaron", "Abigail", "Adam", "Alan", "Albert", "Alexander", "Alexis", "Alice", "Allison", "Amanda", "Amber",
    "Amy", "Andrew", "Angela", "Ann", "Anna", "Anne", "Anthony", "April", "Arthur", "Ashley", "Austin", "Ava",
    "Barbara", "Benjamin", "Betty", "Beverly", "Bill", "Billy", "Bob", "Bobby", "Brandon", "Brenda", "Brian",
    "Brittany", "Bruce", "Bryan", "Caleb", "Cameron", "Carl", "Carol", "Caroline", "Carolyn", "Catherine", "Chad",
    "Charles", "Charlotte", "Chelsea", "Cheryl", "Chloe", "Christian", "Christina", "Christine", "Christopher",
    "Cindy", "Claire", "Cody", "Colin", "Connor", "Courtney", "Craig", "Crystal", "Cynthia", "Dale", "Dana",
    "Daniel", "Danielle", "Danny", "Darren", "David", "Dawn", "Dean", "Deborah", "Debra", "Denise", "Dennis",
    "Derek", "Diana", "Diane", "Dominic", "Donald", "Donna", "Doris", "Dorothy", "Douglas", "Dylan", "Edward",
    "Eileen", "Elijah", "Elizabeth", "Ella", "Ellen", "Emily", "Emma", "Eric", "Erica", "Erin", "Ethan", "Eugene",
    "Evan", "Evelyn", "Frances", "Frank", "Fred", "Gabriel", "Gail", "Gary", "Gavin", "George", "Gerald", "Gloria",
    "Grace", "Gregory", "Hannah", "Harold", "Harry", "Heather", "Helen", "Henry", "Holly", "Howard", "Hunter",
    "Ian", "Isaac", "Isabella", "Jack", "Jacob", "Jacqueline", "Jake", "James", "Jamie", "Jane", "Janet", "Janice",
    "Jared", "Jason", "Jeffrey", "Jennifer", "Jeremy", "Jerry", "Jesse", "Jessica", "Jill", "Joan", "Joanne", "Joe",
    "John", "Johnny", "Jonathan", "Jordan", "Joseph", "Joshua", "Joyce", "Judith", "Judy", "Julia", "Julie",
    "Justin", "Karen", "Katherine", "Kathleen", "Kathryn", "Katie", "Kayla", "Keith", "Kelly", "Kenneth", "Kevin",
    "Kimberly", "Kristen", "Kyle", "Larry", "Laura", "Lauren", "Lawrence", "Leah", "Linda", "Lisa", "Logan", "Lori",
    "Louis", "Lucas", "Luke", "Madison", "Margaret", "Maria", "Marie", "Marilyn", "Mark", "Martha", "Martin",
    "Mary", "Mason", "Matthew", "Megan", "Melissa", "Mia", "Michael", "Michelle", "Mike", "Mitchell", "Monica",
    "Nancy", "Natalie", "Nathan", "Nathaniel", "Nicholas", "Nicole", "Noah", "Oliver", "Olivia", "Owen", "Pamela",
    "Patricia", "Patrick", "Paul", "Peter", "Philip", "Rachel", "Ralph", "Randy", "Raymond", "Rebecca", "Richard",
    "Robert", "Roger", "Ronald", "Rose", "Russell", "Ruth", "Ryan", "Samantha", "Samuel", "Sandra", "Sara", "Sarah",
    "Scott", "Sean", "Seth", "Sharon", "Shawn", "Shirley", "Sophia", "Stephanie", "Stephen", "Steven", "Susan",
    "Tammy", "Teresa", "Terry", "Theresa", "Thomas", "Tiffany", "Timothy", "Todd", "Tony", "Travis", "Trevor",
    "Tyler", "Valerie", "Vanessa", "Victor", "Victoria", "Vincent", "Virginia", "Walter", "Wayne", "Wendy",
    "William", "Willie", "Zachary", "Zoe",
    // Spanish, Portuguese
    "Alejandro", "Ana", "Andrés", "Antonio", "Beatriz", "Carlos", "Carmen", "Cristina", "Diego", "Eduardo", "Elena",
    "Fernando", "Francisco", "Gabriela", "Guillermo", "Isabel", "Javier", "Jorge", "José", "Jose", "Juan", "Lucía",
    "Lucia", "Luis", "Manuel", "Marta", "María", "Miguel", "Pablo", "Pedro", "Rafael", "Raúl", "Ricardo", "Roberto",
    "Rosa", "Sergio", "Sofía", "João", "Joao", "Mariana", "Thiago", "Rodrigo", "Camila",
    // French
    "Alain", "Antoine", "Aurélie", "Camille", "Céline", "Chloé", "Claude", "Élodie", "François", "Françoise",
    "Guillaume", "Hélène", "Isabelle", "Jacques", "Jean", "Julien", "Laurent", "Léa", "Manon", "Mathieu", "Michel",
    "Nathalie", "Nicolas", "Olivier", "Philippe", "Pierre", "Sophie", "Sylvie", "Thierry", "Valérie",
    // German, Dutch, Nordic
    "Andreas", "Anja", "Birgit", "Dieter", "Florian", "Hans", "Heinz", "Helmut", "Jan", "Jonas", "Jürgen",
    "Katharina", "Klaus", "Lena", "Lukas", "Markus", "Matthias", "Maximilian", "Monika", "Petra", "Sabine",
    "Sebastian", "Stefan", "Tobias", "Ursula", "Uwe", "Wolfgang", "Sven", "Lars", "Erik", "Ingrid", "Anders",
    "Pieter", "Sanne", "Henk", "Daan",
    // Italian
    "Alessandro", "Alessia", "Andrea", "Chiara", "Federica", "Francesca", "Francesco", "Giorgio", "Giovanni",
    "Giulia", "Giuseppe", "Lorenzo", "Luca", "Marco", "Mario", "Matteo", "Paolo", "Roberta", "Stefano", "Valentina",
    // Indian, Arabic, East Asian
    "Aarav", "Aisha", "Amit", "Anil", "Anjali", "Arjun", "Deepak", "Divya", "Fatima", "Hassan", "Ahmed", "Kavya",
    "Mohammed", "Muhammad", "Neha", "Omar", "Pooja", "Priya", "Rahul", "Raj", "Rajesh", "Ravi", "Rohan", "Sanjay",
    "Sunita", "Suresh", "Vikram", "Yusuf", "Hiroshi", "Kenji", "Takashi", "Yuki", "Haruto", "Sakura", "Wei", "Min",
    "Jun", "Hui", "Jin", "Ji",
];

#[rustfmt::skip]
const SURNAMES: &[&str] = &[
    // English-speaking
    "Adams", "Allen", "Anderson", "Armstrong", "Bailey", "Baker", "Barnes", "Bell", "Bennett", "Bishop", "Black",
    "Boyd", "Bradley", "Brooks", "Brown", "Bryant", "Burke", "Burns", "Butler", "Campbell", "Carpenter", "Carroll",
    "Carter", "Chapman", "Clark", "Clarke", "Cole", "Coleman", "Collins", "Cook", "Cooper", "Cox", "Crawford",
    "Cunningham", "Davidson", "Davies", "Davis", "Dixon", "Doyle", "Duncan", "Dunn", "Edwards", "Elliott", "Ellis",
    "Evans", "Ferguson", "Fisher", "Fitzgerald", "Fleming", "Ford", "Foster", "Fox", "Freeman", "Fuller", "Gardner",
    "Gibson", "Gilbert", "Gordon", "Graham", "Grant", "Gray", "Green", "Greene", "Griffin", "Hall", "Hamilton",
    "Hansen", "Harper", "Harris", "Harrison", "Hart", "Hawkins", "Hayes", "Henderson", "Hicks", "Hill", "Holmes",
    "Howard", "Hudson", "Hughes", "Hunt", "Hunter", "Jackson", "James", "Jenkins", "Johnson", "Johnston", "Jones",
    "Jordan", "Kelly", "Kennedy", "King", "Knight", "Lawrence", "Lawson", "Lewis", "Long", "Lynch", "Marshall",
    "Mason", "Matthews", "McCarthy", "McDonald", "Meyer", "Miller", "Mills", "Mitchell", "Moore", "Morgan",
    "Morris", "Murphy", "Murray", "Myers", "Nelson", "Nichols", "O'Brien", "O'Connor", "Olson", "Owens", "Palmer",
    "Parker", "Patterson", "Payne", "Perry", "Peters", "Peterson", "Phillips", "Pierce", "Porter", "Powell",
    "Price", "Reed", "Reid", "Reynolds", "Rice", "Richards", "Richardson", "Riley", "Roberts", "Robertson",
    "Robinson", "Rogers", "Ross", "Russell", "Ryan", "Sanders", "Scott", "Shaw", "Simmons", "Simpson", "Smith",
    "Snyder", "Spencer", "Stevens", "Stewart", "Stone", "Sullivan", "Taylor", "Thomas", "Thompson", "Tucker",
    "Turner", "Walker", "Wallace", "Walsh", "Ward", "Warren", "Washington", "Watson", "Webb", "Wells", "West",
    "Wheeler", "White", "Williams", "Williamson", "Wilson", "Wood", "Woods", "Wright", "Young",
    // Spanish, Portuguese
    "Alonso", "Alvarez", "Álvarez", "Castillo", "Castro", "Chavez", "Cruz", "Delgado", "Diaz", "Díaz", "Dominguez",
    "Domínguez", "Fernandez", "Fernández", "Flores", "Garcia", "García", "Gomez", "Gómez", "Gonzalez", "González",
    "Gutierrez", "Gutiérrez", "Hernandez", "Hernández", "Herrera", "Iglesias", "Jimenez", "Jiménez", "Lopez",
    "López", "Marin", "Martinez", "Martínez", "Medina", "Mendoza", "Molina", "Morales", "Moreno", "Munoz", "Muñoz",
    "Navarro", "Ortega", "Ortiz", "Perez", "Pérez", "Ramirez", "Ramírez", "Ramos", "Reyes", "Rivera", "Rodriguez",
    "Rodríguez", "Romero", "Rubio", "Ruiz", "Sanchez", "Sánchez", "Santos", "Serrano", "Silva", "Suarez", "Suárez",
    "Torres", "Vargas", "Vasquez", "Vazquez", "Vázquez", "Oliveira", "Souza", "Ferreira", "Pereira", "Almeida",
    "Carvalho", "Ribeiro", "Barbosa",
    // French
    "Bernard", "Bertrand", "Blanc", "Bonnet", "Chevalier", "Dubois", "Dupont", "Durand", "Faure", "Fontaine",
    "Fournier", "Gauthier", "Girard", "Lambert", "Laurent", "Lefebvre", "Lefèvre", "Legrand", "Leroy", "Mercier",
    "Moreau", "Morel", "Perrin", "Petit", "Robin", "Rousseau", "Roux", "Vincent",
    // German, Dutch, Nordic
    "Bauer", "Becker", "Braun", "Fischer", "Hartmann", "Hoffmann", "Hofmann", "Koch", "Krause", "Krüger", "Lange",
    "Lehmann", "Meier", "Müller", "Mueller", "Neumann", "Richter", "Schäfer", "Schmid", "Schmidt", "Schmitt",
    "Schmitz", "Schneider", "Schneider", "Schröder", "Schulz", "Schulze", "Schwarz", "Wagner", "Weber", "Werner",
    "Wolf", "Zimmermann", "Jansen", "Janssen", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "Bos", "Vos",
    "Hendriks", "Dijkstra", "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsen",
    "Nielsen", "Jensen", "Pedersen",
    // Italian
    "Barbieri", "Bianchi", "Bruno", "Caruso", "Colombo", "Conti", "Costa", "Esposito", "Ferrara", "Ferrari",
    "Fontana", "Galli", "Gallo", "Gentile", "Giordano", "Greco", "Leone", "Lombardi", "Mancini", "Marino",
    "Martinelli", "Moretti", "Ricci", "Rinaldi", "Rizzo", "Romano", "Rossi", "Russo", "Santoro", "Vitale",
    // Indian, Arabic, East Asian
    "Agarwal", "Chopra", "Das", "Gupta", "Iyer", "Joshi", "Kapoor", "Khan", "Kumar", "Malhotra", "Mehta", "Mishra",
    "Nair", "Patel", "Rao", "Reddy", "Shah", "Sharma", "Singh", "Verma", "Ali", "Hussain", "Rahman", "Chen",
    "Huang", "Li", "Lin", "Liu", "Wang", "Wu", "Yang", "Zhang", "Zhao", "Zhou", "Kim", "Lee", "Park", "Choi",
    "Nguyen", "Tran", "Pham", "Le", "Tanaka", "Suzuki", "Sato", "Takahashi", "Watanabe", "Yamamoto", "Nakamura",
    "Kobayashi",
];

const FIRST: u8 = 1;
const LAST: u8 = 2;
const STOP: u8 = 4;
const AMBIGUOUS_FIRST: u8 = 8;
const HONORIFIC: u8 = 16;
const PARTICLE: u8 = 32;
/// The last word of a trigger phrase, lowercase.
const TRIGGER_END: u8 = 64;
const PLACE_WORD: u8 = 128;

/// Every list in one hash map from word to flags, so each word costs one
/// lookup (FNV-1a: the keys are short and fixed, hashing dominates).
struct Gazetteer {
    words: HashMap<&'static str, u8, BuildHasherDefault<Fnv>>,
}

static GAZETTEER: LazyLock<Gazetteer> = LazyLock::new(|| {
    let mut words: HashMap<&'static str, u8, BuildHasherDefault<Fnv>> = HashMap::default();
    let lists: [(&[&'static str], u8); 7] = [
        (PLACE_WORDS, PLACE_WORD),
        (FIRST_NAMES, FIRST),
        (SURNAMES, LAST),
        (STOPWORDS, STOP),
        (AMBIGUOUS, AMBIGUOUS_FIRST),
        (HONORIFICS, HONORIFIC),
        (PARTICLES, PARTICLE),
    ];
    for (list, flag) in lists {
        for w in list {
            *words.entry(w).or_default() |= flag;
        }
    }
    for phrase in STRONG_TRIGGERS
        .iter()
        .chain(WEAK_TRIGGERS)
        .chain(PLACE_TRIGGERS)
    {
        if let Some(w) = phrase.last() {
            *words.entry(w).or_default() |= TRIGGER_END;
        }
    }
    Gazetteer { words }
});

impl Gazetteer {
    fn flags(&self, w: &str) -> u8 {
        self.words.get(w).copied().unwrap_or(0)
    }

    /// Flags of a hyphenated word's parts too: `Hans-Jürgen` is a first
    /// name by its head, `Smith-Jones` a surname by its tail.
    fn name_flags(&self, w: &str) -> u8 {
        let mut f = self.flags(w);
        // "What's", "Where’s": the word before the apostrophe decides.
        if let Some((head, _)) = w.split_once(['\'', '’']) {
            f |= self.flags(head) & STOP;
        }
        if let Some((head, tail)) = w.split_once('-') {
            f |= self.flags(head) & FIRST;
            f |= self.flags(tail.rsplit('-').next().unwrap_or(tail)) & LAST;
        }
        f
    }
}

/// FNV-1a, for the gazetteer's short static keys.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// Capitalized words joined by single spaces (and particles), at most
/// [`MAX_RUN`] of them.
const MAX_RUN: usize = 5;

#[derive(Default)]
struct Run {
    words: [(usize, usize); MAX_RUN],
    n: usize,
}

/// Finds person names.
pub(crate) fn scan(text: &str, sink: &mut Sink<'_>) {
    if !sink.wants(Entity::Person) {
        return;
    }
    let g = &*GAZETTEER;
    let b = text.as_bytes();
    let mut i = next_candidate(b, 0);
    while i < b.len() {
        if word_before(text, i) {
            i = next_candidate(b, i + 1);
            continue;
        }
        i = match cap_word(text, i) {
            Some(first_end) => {
                let run = read_run(text, g, i, first_end);
                judge(text, g, &run, sink).unwrap_or(first_end)
            }
            None => word_end(text, i),
        };
        i = next_candidate(b, i);
    }
}

/// The first index `>= i` holding an ASCII capital or a non-ASCII lead
/// byte (`b.len()` if none). Eight bytes at a time while they are ASCII
/// without capitals: most of a text is skipped that way.
fn next_candidate(b: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = b.get(i..i + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        // All bytes are ASCII, so adding below 0x80 per byte never carries:
        // the high bit then says "byte >= 0x41" and "byte >= 0x5B".
        if x & HIGH != 0 || (x + ONES * 0x3F) & !(x + ONES * 0x25) & HIGH != 0 {
            break;
        }
        i += 8;
    }
    while i < b.len() && !(b[i].is_ascii_uppercase() || b[i] >= 0xC0) {
        i += 1;
    }
    i
}

/// The end of the word at `i` (at least one char further).
fn word_end(text: &str, i: usize) -> usize {
    let rest = &text[i..];
    let mut chars = rest.char_indices();
    let first = chars.next().map_or(1, |(_, c)| c.len_utf8());
    let end = chars
        .find(|&(_, c)| !c.is_alphanumeric())
        .map_or(rest.len(), |(k, _)| k);
    i + end.max(first)
}

/// The end of a capitalized word at `i`: an uppercase letter, then
/// letters (at least one lowercase), `-` or `'` between letters.
fn cap_word(text: &str, i: usize) -> Option<usize> {
    let b = text.as_bytes();
    // ASCII fast path: a capital, then ASCII letters up to a non-letter.
    if b.get(i)?.is_ascii_uppercase() {
        let mut end = i + 1;
        while end < b.len() && b[end].is_ascii_alphabetic() {
            end += 1;
        }
        let next = b.get(end).copied();
        if next.is_some_and(|c| c.is_ascii_digit() || c == b'_') {
            // "Zx8Qp2...": part of a token, not a word.
            return None;
        }
        if !next.is_some_and(|c| c >= 0x80 || matches!(c, b'-' | b'\'')) {
            if end == i + 1 {
                // An initial: "J." in "John F. Kennedy".
                return (next == Some(b'.')).then_some(end + 1);
            }
            return b[i + 1..end]
                .iter()
                .any(u8::is_ascii_lowercase)
                .then_some(end);
        }
    }
    let mut chars = text[i..].char_indices().peekable();
    let (_, first) = chars.next()?;
    if !first.is_uppercase() {
        return None;
    }
    let mut end = i + first.len_utf8();
    let mut lower = false;
    while let Some(&(k, c)) = chars.peek() {
        if c.is_alphabetic() {
            lower |= c.is_lowercase();
            end = i + k + c.len_utf8();
            chars.next();
        } else if matches!(c, '-' | '\'' | '’') {
            chars.next();
            match chars.peek() {
                Some(&(_, n)) if n.is_alphabetic() => {}
                _ => break,
            }
        } else {
            break;
        }
    }
    if end == i + first.len_utf8() && text[end..].starts_with('.') {
        return Some(end + 1);
    }
    lower.then_some(end)
}

fn read_run(text: &str, g: &Gazetteer, start: usize, first_end: usize) -> Run {
    let b = text.as_bytes();
    let mut run = Run::default();
    run.words[0] = (start, first_end);
    run.n = 1;
    let mut end = first_end;
    while run.n < MAX_RUN {
        let mut j = end;
        // "Mr. Smith": a dot after an honorific; otherwise one space.
        if text[j..].starts_with(". ") && g.flags(&text[run.words[run.n - 1].0..j]) & HONORIFIC != 0
        {
            j += 1;
        }
        if !text[j..].starts_with(' ') {
            break;
        }
        j += 1;
        // Lowercase particles inside a name: "Juan de la Cruz".
        let mut k = j;
        let mut particles = 0;
        while particles < 2 {
            let w_end = text[k..]
                .find(|c: char| !c.is_alphabetic())
                .map_or(text.len(), |e| k + e);
            let particle = w_end > k && b.get(k).is_some_and(u8::is_ascii_lowercase);
            if particle
                && text[w_end..].starts_with(' ')
                && g.flags(&text[k..w_end]) & PARTICLE != 0
            {
                k = w_end + 1;
                particles += 1;
            } else {
                break;
            }
        }
        let Some(w_end) = cap_word(text, k) else {
            break;
        };
        run.words[run.n] = (k, w_end);
        run.n += 1;
        end = w_end;
    }
    run
}

/// Reports the name in `run` if it is one and returns where it ends.
fn judge(text: &str, g: &Gazetteer, run: &Run, sink: &mut Sink<'_>) -> Option<usize> {
    let word = |k: usize| &text[run.words[k].0..run.words[k].1];
    let mut flags = [0u8; MAX_RUN];
    for (k, f) in flags.iter_mut().enumerate().take(run.n) {
        *f = g.name_flags(word(k));
    }
    let mut lo = 0;
    let mut hi = run.n;
    // "Call Dr. Jane Doe": the name starts at the honorific.
    let h = (0..run.n.saturating_sub(1)).find(|&k| flags[k] & HONORIFIC != 0);
    let honorific = h.is_some();
    if let Some(h) = h {
        lo = h + 1;
    } else {
        while lo < hi && flags[lo] & STOP != 0 {
            lo += 1;
        }
    }
    while hi > lo && flags[hi - 1] & STOP != 0 {
        hi -= 1;
    }
    if lo == hi {
        return None;
    }
    let start = run.words[h.unwrap_or(lo)].0;
    let name_start = run.words[lo].0;
    let first = word(lo);
    let n = hi - lo;
    let is_first = flags[lo] & FIRST != 0;
    let known_first = is_first && !(n == 1 && flags[lo] & AMBIGUOUS_FIRST != 0);
    let known_last = n > 1 && flags[hi - 1] & LAST != 0;
    let t = if honorific {
        Triggers::default()
    } else {
        triggers(text, g, name_start)
    };
    let (strong, weak) = (t.strong, t.weak);
    let initial = sentence_start(text, name_start);
    // Unknown words right after a place phrase or a number ("365 Gutierrez
    // Subway", "02100, San Giovanni") are places; only the gazetteer can
    // still make them a name.
    let street =
        (lo > 0 && flags[lo - 1] & PLACE_WORD != 0) || after_place_word(text, g, name_start);
    let unknown_ok = !t.place && !street && !after_number(text, name_start);
    let (score, why): (f32, String) = if honorific {
        (
            0.85,
            format!("honorific '{}' before capitalized words", word(lo - 1)),
        )
    } else if let Some(t) = strong {
        (0.8, format!("capitalized words after '{}'", t.join(" ")))
    } else if street {
        return None;
    } else if n > 1 && is_first && known_last {
        (0.85, "known first name and known surname".to_owned())
    } else if n > 1 && is_first && unknown_ok {
        (
            0.65,
            "known first name followed by a capitalized word".to_owned(),
        )
    } else if known_last && !initial && unknown_ok && first.chars().count() > 2 {
        (
            0.45,
            "capitalized word followed by a known surname".to_owned(),
        )
    } else if let (Some(t), true) = (weak, is_first) {
        (0.7, format!("known first name after '{}'", t.join(" ")))
    } else if let (Some(t), true) = (weak, n > 1 && unknown_ok) {
        (0.6, format!("capitalized words after '{}'", t.join(" ")))
    } else if known_first && !initial && unknown_ok {
        (0.45, "known first name mid-sentence".to_owned())
    } else if n > 1 && !initial && unknown_ok {
        (0.4, "capitalized words mid-sentence".to_owned())
    } else if n > 1 && unknown_ok {
        (
            0.35,
            "capitalized words that are not common words".to_owned(),
        )
    } else {
        return None;
    };
    let end = with_suffix(text, run.words[hi - 1].1);
    sink.push(Entity::Person, start..end, score, || why);
    Some(end)
}

/// A generational suffix or degree after the name (`Jr.`, `MD`).
fn with_suffix(text: &str, end: usize) -> usize {
    let rest = &text[end..];
    let rest_trim = rest.strip_prefix(", ").or_else(|| rest.strip_prefix(' '));
    let Some(r) = rest_trim else {
        return end;
    };
    let skip = rest.len() - r.len();
    for s in SUFFIXES {
        if let Some(after) = r.strip_prefix(s)
            && !after.starts_with(|c: char| c.is_alphanumeric())
        {
            return end + skip + s.len();
        }
    }
    end
}

/// A trigger phrase, as its words.
type Phrase = &'static [&'static str];

/// The strong and weak trigger phrases ending right before `start`.
fn triggers(text: &str, g: &Gazetteer, start: usize) -> Triggers {
    // Most capitalized words follow no trigger at all: rule that out with
    // one lookup of the previous word before comparing whole phrases.
    let b = text.as_bytes();
    let mut e = start;
    while e > 0 && !b[e - 1].is_ascii_alphanumeric() && start - e < 4 {
        if matches!(b[e - 1], b'.' | b'?' | b'!') {
            // "...a beneficiary? Send it": the sentence ended in between.
            return Triggers::default();
        }
        e -= 1;
    }
    let mut s = e;
    while s > 0 && b[s - 1].is_ascii_alphabetic() && e - s < 16 {
        s -= 1;
    }
    let mut lower = [0u8; 16];
    let n = e - s;
    if n == 0 || n > 15 {
        return Triggers::default();
    }
    lower[..n].copy_from_slice(&b[s..e]);
    lower[..n].make_ascii_lowercase();
    let last = std::str::from_utf8(&lower[..n]).unwrap_or("");
    if g.flags(last) & TRIGGER_END == 0 {
        return Triggers::default();
    }
    let words = words_before(text, start);
    let ws = words.as_slice();
    let ends_with = |phrase: &Phrase| {
        phrase.len() <= ws.len()
            && phrase
                .iter()
                .rev()
                .zip(ws.iter().rev())
                .all(|(p, &(s, e))| text[s..e].eq_ignore_ascii_case(p))
    };
    let place = PLACE_TRIGGERS.iter().any(ends_with);
    let strong = STRONG_TRIGGERS.iter().copied().find(ends_with);
    let weak = if strong.is_some() || place {
        None
    } else {
        WEAK_TRIGGERS.iter().copied().find(ends_with)
    };
    Triggers {
        strong,
        weak,
        place,
    }
}

/// What precedes a run of capitalized words.
#[derive(Default)]
struct Triggers {
    /// A phrase that introduces a name.
    strong: Option<Phrase>,
    /// A phrase that often precedes a name.
    weak: Option<Phrase>,
    /// A phrase that introduces a place.
    place: bool,
}

/// Whether the word right before `i` (one space or ". " between) starts
/// a street name: `pl. Władysława`, `avenue Marine`.
fn after_place_word(text: &str, g: &Gazetteer, i: usize) -> bool {
    let before = text[..i].trim_end_matches(' ');
    let before = before.strip_suffix('.').unwrap_or(before);
    if before.len() + 2 < i {
        return false;
    }
    let word = before
        .rsplit(|c: char| !c.is_alphabetic())
        .next()
        .unwrap_or("");
    !word.is_empty() && g.flags(word) & PLACE_WORD != 0
}

/// Whether a number ends right before `i` (spaces, commas and one
/// newline between).
fn after_number(text: &str, i: usize) -> bool {
    let b = text.as_bytes();
    let mut k = i;
    while k > 0 && matches!(b[k - 1], b' ' | b',' | b'\n') && i - k < 3 {
        k -= 1;
    }
    k < i && k > 0 && b[k - 1].is_ascii_digit()
}

/// Whether `i` starts a sentence: only spaces (or quotes) back to the
/// text's start, a newline or sentence punctuation.
fn sentence_start(text: &str, i: usize) -> bool {
    for c in text[..i].chars().rev() {
        match c {
            ' ' | '\t' | '"' | '\'' | '“' | '‘' | '(' => continue,
            '.' | '!' | '?' | '\n' | '\r' | ':' | ';' => return true,
            _ => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use crate::pii::tests::scan;

    fn person(text: &str) -> Vec<String> {
        scan(text)
            .into_iter()
            .filter(|(e, _)| e == "PERSON")
            .map(|(_, v)| v)
            .collect()
    }

    #[test]
    fn names_from_triggers_honorifics_and_the_gazetteer() {
        assert_eq!(
            person("Hi, my name is Zorblat Quenby and I need help"),
            vec!["Zorblat Quenby"]
        );
        assert_eq!(
            person("Please ask Dr. Jennifer Lopez DDS about it"),
            vec!["Dr. Jennifer Lopez DDS"]
        );
        assert_eq!(
            person("I transferred money to John Smith yesterday"),
            vec!["John Smith"]
        );
        assert_eq!(
            person("Kind regards,\nMaría García López"),
            vec!["María García López"]
        );
        assert_eq!(
            person("Sent by Hans-Jürgen Müller."),
            vec!["Hans-Jürgen Müller"]
        );
        assert_eq!(
            person("Payment from Juan de la Cruz arrived"),
            vec!["Juan de la Cruz"]
        );
        assert_eq!(person("I gave it to Sarah, she lost it"), vec!["Sarah"]);
        assert_eq!(person("Mr. Smith called"), vec!["Mr. Smith"]);
    }

    #[test]
    fn capitalized_words_that_are_not_names() {
        for t in [
            "How do I locate my card?",
            "What is the Apple Pay top up limit?",
            "Can I use my Visa in the US?",
            "Will my card arrive by Monday?",
            "I need a new PIN for the ATM",
            "May I change my address?",
            "Mark this transaction as fraud",
        ] {
            assert_eq!(person(t), Vec::<String>::new(), "{t}");
        }
    }
}
