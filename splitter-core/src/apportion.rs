//! The rounding rule of the contract: how a whole number of minor units is divided in proportion
//! to weights so that the parts add up exactly.
//!
//! Each part is the floor or the ceiling of its exact proportional part, never further. The units
//! left over after taking every floor go to the largest remainders. Equal remainders are ordered
//! by a *tie key*: a 64-bit hash of the seed (the expense id, or the expense id and item) and the
//! member id, so the winner does not depend on the order members are listed in or on any
//! metadata, and differs from one expense to the next: over many equal expenses the extra cents
//! spread over the members. A negative total is divided as its opposite and the parts negated,
//! so a refund mirrors the expense it refunds.

use crate::money::Minor;

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

fn fnv(mut h: u64, bytes: &[u8]) -> u64 {
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

/// The tie key of `member` within `seed`: FNV-1a over the seed, a 0xFF byte and the member id,
/// then a 64-bit finalizer (SplitMix64's) so that ids differing in one character land far apart.
/// Fixed forever: changing it would move cents in stored groups.
pub fn tie_key(seed: &str, member: &str) -> u64 {
    TieSeed::new(&[seed.as_bytes()]).key(member)
}

/// A seed hashed once, from which each member's tie key is finished cheaply.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TieSeed(u64);

impl TieSeed {
    /// The seed made of `parts` written one after the other (`["e1", "/items/", "2"]`).
    pub(crate) fn new(parts: &[&[u8]]) -> TieSeed {
        let h = parts.iter().fold(FNV_OFFSET, |h, p| fnv(h, p));
        TieSeed(fnv(h, &[0xff]))
    }

    /// The tie key of `member`; equal to [`tie_key`] of the seed's text and `member`.
    pub(crate) fn key(self, member: &str) -> u64 {
        let mut h = fnv(self.0, member.as_bytes());
        h ^= h >> 30;
        h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
        h ^= h >> 27;
        h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
        h ^ (h >> 31)
    }
}

/// Why a division could not be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ApportionError {
    /// The weights add up to zero but the total does not.
    ZeroWeights,
    /// An intermediate product is past 128 bits.
    Overflow,
}

/// Divides `total` in proportion to `weights` (any signs, non-zero sum) following the rule above.
/// `keys[i]` is the tie key of part `i`. A zero total gives zero parts whatever the weights.
#[cfg(test)]
pub(crate) fn apportion(total: Minor, weights: &[i128], keys: &[u64]) -> Result<Vec<Minor>, ApportionError> {
    let mut work = Work::default();
    apportion_into(total, weights, keys, &mut work)?;
    Ok(work.parts)
}

/// Buffers reused from one division to the next, so a large group allocates them once.
#[derive(Debug, Default)]
pub(crate) struct Work {
    /// The parts of the last division.
    pub(crate) parts: Vec<Minor>,
    rems: Vec<i128>,
    order: Vec<usize>,
}

/// [`apportion`] into `work.parts`.
pub(crate) fn apportion_into(
    total: Minor,
    weights: &[i128],
    keys: &[u64],
    work: &mut Work,
) -> Result<(), ApportionError> {
    debug_assert_eq!(weights.len(), keys.len());
    let Work { parts, rems, order } = work;
    parts.clear();
    if total == 0 {
        parts.resize(weights.len(), 0);
        return Ok(());
    }
    let mut sum: i128 = 0;
    for w in weights {
        sum = sum.checked_add(*w).ok_or(ApportionError::Overflow)?;
    }
    if sum == 0 {
        return Err(ApportionError::ZeroWeights);
    }
    // total * w / sum is unchanged when both w and sum are negated: make the sum positive, then
    // divide |total| and turn the signs back.
    let flip_weights = sum < 0;
    let flip_total = total < 0;
    let sum = sum.checked_abs().ok_or(ApportionError::Overflow)?;
    let t = total.checked_abs().ok_or(ApportionError::Overflow)?;
    rems.clear();
    let mut given: i128 = 0;
    for w in weights {
        let w = if flip_weights { -*w } else { *w };
        let n = t.checked_mul(w).ok_or(ApportionError::Overflow)?;
        let floor = n.div_euclid(sum);
        parts.push(floor);
        rems.push(n.rem_euclid(sum));
        given = given.checked_add(floor).ok_or(ApportionError::Overflow)?;
    }
    // 0 <= left < parts.len(), because the remainders add up to left * sum.
    let left = usize::try_from(t - given).map_err(|_| ApportionError::Overflow)?;
    if left > 0 {
        order.clear();
        order.extend(0..parts.len());
        order.sort_unstable_by(|&a, &b| rems[b].cmp(&rems[a]).then(keys[a].cmp(&keys[b])).then(a.cmp(&b)));
        for &i in &order[..left] {
            parts[i] += 1;
        }
    }
    if flip_total {
        for p in parts.iter_mut() {
            *p = -*p;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(n: usize) -> Vec<u64> {
        (0..n).map(|i| tie_key("e", &i.to_string())).collect()
    }

    #[test]
    fn thirds_add_up() {
        let p = apportion(100, &[1, 1, 1], &keys(3)).unwrap();
        assert_eq!(p.iter().sum::<i128>(), 100);
        assert!(p.iter().all(|x| *x == 33 || *x == 34));
    }

    #[test]
    fn refunds_mirror_expenses() {
        let k = keys(3);
        let a = apportion(100, &[1, 1, 1], &k).unwrap();
        let b = apportion(-100, &[1, 1, 1], &k).unwrap();
        assert_eq!(a, b.iter().map(|x| -x).collect::<Vec<_>>());
    }

    #[test]
    fn largest_remainder_wins_over_tie_key() {
        // 10 * 2/3 = 6.67 and 10 * 1/3 = 3.33: the 2-weight member takes the extra unit.
        assert_eq!(apportion(10, &[2, 1], &keys(2)).unwrap(), vec![7, 3]);
        assert_eq!(apportion(10, &[1, 2], &keys(2)).unwrap(), vec![3, 7]);
    }

    #[test]
    fn mixed_signs_and_zero_sum() {
        let p = apportion(7, &[5, -2], &keys(2)).unwrap();
        assert_eq!(p.iter().sum::<i128>(), 7);
        assert_eq!(apportion(7, &[1, -1], &keys(2)), Err(ApportionError::ZeroWeights));
        assert_eq!(apportion(0, &[1, -1], &keys(2)), Ok(vec![0, 0]));
        assert_eq!(
            apportion(i128::MAX, &[3, 5], &keys(2)),
            Err(ApportionError::Overflow)
        );
    }

    #[test]
    fn tie_key_is_fixed() {
        // Pinned: a change here would move cents in every stored group.
        assert_eq!(tie_key("e1", "ana"), 0x33a3_7232_1656_4e41);
        assert_eq!(tie_key("e1", "ben"), 0x96c4_05f2_dbf4_d5d5);
        assert_eq!(tie_key("x", ""), 0x3b50_4d0a_231a_7e37);
        assert_ne!(tie_key("e1", "ana"), tie_key("e1", "anb"));
        assert_ne!(tie_key("e1", "ana"), tie_key("e1a", "na"));
        let seed = TieSeed::new(&[b"e1", b"/items/", b"2"]);
        assert_eq!(seed.key("ana"), tie_key("e1/items/2", "ana"));
    }
}
