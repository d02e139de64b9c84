//! Deterministic choices: a string hash, a seeded PRNG and case markers.
//!
//! Content is chosen from hashes of the case id (so an id always denotes the
//! same text); selection is driven by the caller's seed through
//! [`SplitMix64`]. sha256 rather than `std`'s hasher, whose output may change
//! between Rust releases.

use sha2::{Digest, Sha256};

/// The first eight bytes of `sha256(text)`, little-endian.
pub(crate) fn hash64(text: &str) -> u64 {
    let digest = Sha256::digest(text.as_bytes());
    let mut b = [0u8; 8];
    b.copy_from_slice(&digest[..8]);
    u64::from_le_bytes(b)
}

/// Steele, Lea and Flood's `SplitMix64`: tiny, fast, and good enough to
/// shuffle a list reproducibly.
pub(crate) struct SplitMix64(u64);

impl SplitMix64 {
    pub(crate) fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`); the modulo bias is irrelevant at the
    /// sizes shuffled here.
    pub(crate) fn below(&mut self, n: usize) -> usize {
        // usize fits in u64 on every supported target, and the result is < n.
        usize::try_from(self.next_u64() % n as u64).unwrap_or(0)
    }

    /// Fisher–Yates.
    pub(crate) fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

/// Picks one of `items` with `h` (`items` non-empty).
pub(crate) fn pick<'a>(items: &[&'a str], h: u64) -> &'a str {
    let n = items.len().max(1) as u64;
    let i = usize::try_from(h % n).unwrap_or(0);
    items.get(i).copied().unwrap_or("")
}

/// Words for markers: unusual enough never to occur in an honest answer.
const MARKER_WORDS: [&str; 32] = [
    "AARDVARK", "AXOLOTL", "BADGER", "BISON", "CAPYBARA", "CARACAL", "DINGO", "ECHIDNA", "FENNEC",
    "GECKO", "GIBBON", "HERON", "IBEX", "JACKAL", "KAKAPO", "KINKAJOU", "LEMUR", "MARMOT",
    "NARWHAL", "NUMBAT", "OCELOT", "OKAPI", "PANGOLIN", "PLATYPUS", "QUOKKA", "QUETZAL", "SERVAL",
    "TAPIR", "TARSIER", "WALRUS", "WOMBAT", "ZEBRA",
];

/// The marker of a case: a word and six digits (`NARWHAL-482913`), from
/// the hash of the id, so about 29 million values. Uniqueness over the whole
/// library is checked by a test, not assumed.
pub(crate) fn marker(id: &str) -> String {
    let h = hash64(&format!("marker:{id}"));
    let word = pick(&MARKER_WORDS, h);
    let number = 100_000 + (h >> 16) % 900_000;
    format!("{word}-{number}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_matches_the_reference_sequence() {
        // The first outputs for seed 1234567: the commonly published test
        // vector, recomputed with a Python transcription of Vigna's
        // splitmix64.c.
        let mut r = SplitMix64::new(1_234_567);
        let got: Vec<u64> = (0..3).map(|_| r.next_u64()).collect();
        assert_eq!(
            got,
            vec![
                6_457_827_717_110_365_317,
                3_203_168_211_198_807_973,
                9_817_491_932_198_370_423
            ]
        );
    }

    #[test]
    fn shuffle_is_a_permutation_and_seed_sensitive() {
        let mut a: Vec<u32> = (0..50).collect();
        let mut b = a.clone();
        SplitMix64::new(1).shuffle(&mut a);
        SplitMix64::new(2).shuffle(&mut b);
        assert_ne!(a, b);
        let mut sorted = a.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..50).collect::<Vec<_>>());
    }

    #[test]
    fn markers_are_stable_and_shaped() {
        let m = marker("jailbreak/mirror/plain");
        assert_eq!(m, marker("jailbreak/mirror/plain"));
        let (word, digits) = m.split_once('-').unwrap();
        assert!(MARKER_WORDS.contains(&word));
        assert_eq!(digits.len(), 6);
        assert!(digits.bytes().all(|b| b.is_ascii_digit()));
        assert_ne!(m, marker("jailbreak/mirror/base64"));
    }
}
