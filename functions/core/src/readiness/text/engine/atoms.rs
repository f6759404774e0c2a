//! Atoms: every distinct way a table word may match a token (`quote` exactly, `pric*` as
//! a prefix, `*kosten` as a suffix, `#` any number, `##` a long one), numbered once when
//! the tables are compiled. A token is looked up once per text ([`super::tokens::Doc`]):
//! its exact word in one map, each of its prefixes in another (a 64-bit bloom bit first,
//! so most prefixes cost one bit test; the prefix hashes come from the same pass that
//! hashes the word), its suffixes by the few lengths the tables use. Patterns and the
//! negation lists then hold atom numbers, and matching a pattern word is a comparison of
//! small integers, not of strings.

use super::pattern::Alt;
use super::FastMap;

pub(crate) const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a, 64 bits, continued over `bytes`.
#[inline]
pub(crate) fn fnv_bytes(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

pub(crate) fn fnv(s: &str) -> u64 {
    fnv_bytes(FNV_OFFSET, s.as_bytes())
}

/// The negation word classes a token may have (one bit per list of
/// [`crate::readiness::text::tables::Language`]), and whether it negates where it stands.
pub(crate) mod flag {
    pub(crate) const NEGATOR: u16 = 1;
    pub(crate) const FINAL_NEGATOR: u16 = 1 << 1;
    pub(crate) const NOT_NEGATING_NEXT: u16 = 1 << 2;
    pub(crate) const NOT_NEGATING_PREV: u16 = 1 << 3;
    pub(crate) const INTERJECTION: u16 = 1 << 4;
    pub(crate) const PRONOUN: u16 = 1 << 5;
    pub(crate) const CONJUNCTION: u16 = 1 << 6;
    pub(crate) const NEED_WORD: u16 = 1 << 7;
    /// A negator that negates here (see `negation::is_negator`).
    pub(crate) const NEGATES: u16 = 1 << 8;
}

const BLOOM_BITS: u64 = 1 << 16;

/// The atoms of the compiled tables.
#[derive(Debug, Default)]
pub(crate) struct Atoms {
    ids: FastMap<Alt, u32>,
    /// By the hash of the word / prefix: (its text, its atom).
    exact: FastMap<u64, (Box<str>, u32)>,
    prefix: FastMap<u64, (Box<str>, u32)>,
    prefix_bloom: Vec<u64>,
    suffix: FastMap<u64, (Box<str>, u32)>,
    /// The byte lengths of the suffixes, ascending.
    suffix_lens: Vec<usize>,
    /// The last two bytes of every suffix (its only byte, for one of one byte), one bit
    /// each: a word ending otherwise has none of them.
    suffix_ends: Vec<u64>,
    one_byte_suffix: bool,
    number: Option<u32>,
    long_number: Option<u32>,
    /// Each atom's negation word classes.
    flags: Vec<u16>,
}

impl Atoms {
    /// The atom of `alt`, numbered now if it is new.
    pub(crate) fn intern(&mut self, alt: &Alt) -> u32 {
        if let Some(&id) = self.ids.get(alt) {
            return id;
        }
        let id = self.flags.len() as u32;
        self.flags.push(0);
        self.ids.insert(alt.clone(), id);
        match alt {
            Alt::Exact(w) => {
                self.exact.insert(fnv(w), (w.as_str().into(), id));
            }
            Alt::Prefix(p) => {
                let h = fnv(p);
                if self.prefix_bloom.is_empty() {
                    self.prefix_bloom = vec![0; (BLOOM_BITS / 64) as usize];
                }
                let bit = bloom_bit(h);
                self.prefix_bloom[(bit / 64) as usize] |= 1 << (bit % 64);
                self.prefix.insert(h, (p.as_str().into(), id));
            }
            Alt::Suffix(s) => {
                self.suffix.insert(fnv(s), (s.as_str().into(), id));
                if self.suffix_ends.is_empty() {
                    self.suffix_ends = vec![0; 1 << 10];
                }
                let e = ending(s);
                self.suffix_ends[e / 64] |= 1 << (e % 64);
                if s.len() == 1 {
                    // a one-byte suffix: any word ending in it, whatever the byte before
                    self.one_byte_suffix = true;
                }
                if let Err(at) = self.suffix_lens.binary_search(&s.len()) {
                    self.suffix_lens.insert(at, s.len());
                }
            }
            Alt::Number => self.number = Some(id),
            Alt::LongNumber => self.long_number = Some(id),
        }
        id
    }

    /// Gives the atoms of `alts` the word class `bit` (a negation list).
    pub(crate) fn mark(&mut self, alts: &[Alt], bit: u16) {
        for a in alts {
            let id = self.intern(a);
            self.flags[id as usize] |= bit;
        }
    }

    /// The word classes of a token with these atoms.
    pub(crate) fn flags_of(&self, atoms: &[u32]) -> u16 {
        atoms.iter().fold(0, |f, &a| f | self.flags[a as usize])
    }

    /// The prefix atom of `w[..end]` (hash `h`), if any.
    #[inline]
    pub(crate) fn prefixes_at(&self, h: u64, w: &str, end: usize, out: &mut Vec<u32>) {
        if self.prefix_bloom.is_empty() {
            return;
        }
        let bit = bloom_bit(h);
        if self.prefix_bloom[(bit / 64) as usize] & (1 << (bit % 64)) == 0 {
            return;
        }
        if let Some((s, id)) = self.prefix.get(&h) {
            if s.as_bytes() == &w.as_bytes()[..end] {
                out.push(*id);
            }
        }
    }

    /// The exact atom of the word `w` (hash `h`), if any.
    #[inline]
    pub(crate) fn exact(&self, h: u64, w: &str, out: &mut Vec<u32>) {
        if let Some((s, id)) = self.exact.get(&h) {
            if &**s == w {
                out.push(*id);
            }
        }
    }

    /// The suffix atoms of `w`.
    pub(crate) fn suffixes(&self, w: &str, out: &mut Vec<u32>) {
        if self.suffix_ends.is_empty() || w.is_empty() {
            return;
        }
        let e = ending(w);
        if !self.one_byte_suffix && self.suffix_ends[e / 64] & (1 << (e % 64)) == 0 {
            return;
        }
        for &n in &self.suffix_lens {
            if n > w.len() {
                break;
            }
            let at = w.len() - n;
            if !w.is_char_boundary(at) {
                continue;
            }
            let s = &w[at..];
            if let Some((x, id)) = self.suffix.get(&fnv(s)) {
                if &**x == s {
                    out.push(*id);
                }
            }
        }
    }

    /// The number atoms of a number of `len` digits.
    pub(crate) fn numbers(&self, len: usize, out: &mut Vec<u32>) {
        out.extend(self.number);
        if len >= 5 {
            out.extend(self.long_number);
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.flags.len()
    }
}

/// A word's last two bytes as one number (its only byte for a one-byte word).
#[inline]
fn ending(w: &str) -> usize {
    let b = w.as_bytes();
    match b {
        [.., x, y] => (*x as usize) << 8 | *y as usize,
        [y] => *y as usize,
        [] => 0,
    }
}

#[inline]
fn bloom_bit(h: u64) -> u64 {
    (h >> 40) % BLOOM_BITS
}

#[cfg(test)]
mod tests {
    use super::super::pattern::parse_alts;
    use super::super::tokens::Doc;
    use super::*;

    #[test]
    fn a_token_hits_its_word_its_prefixes_its_suffixes_and_numbers() {
        let mut atoms = Atoms::default();
        let ids: Vec<u32> = parse_alts("preis|pre*|preis*|*kosten|*preis|#|##|p*")
            .iter()
            .map(|a| atoms.intern(a))
            .collect();
        // interning twice gives the same number
        assert_eq!(atoms.intern(&Alt::Exact("preis".into())), ids[0]);
        let hits = |w: &str| {
            let d = Doc::new(w, &atoms);
            let mut v = d.atoms_of(0).to_vec();
            v.sort_unstable();
            v
        };
        let mut want = vec![ids[0], ids[1], ids[2], ids[4], ids[7]];
        want.sort_unstable();
        assert_eq!(hits("Preis"), want);
        assert_eq!(hits("Versandkosten"), vec![ids[3]]);
        assert_eq!(hits("1234"), vec![ids[5]]);
        assert_eq!(hits("123456"), vec![ids[5], ids[6]]);
        assert_eq!(hits("prx"), vec![ids[7]]);
        assert!(
            hits("kosten").contains(&ids[3]),
            "a suffix may be the whole word"
        );
        assert!(hits("hello").is_empty());
    }
}
