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

use crate::money::{div_rem, narrow, wide, Minor, Wide};

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
///
/// When a division leaves some minor units over, they go to the largest remainders, and among
/// equal remainders to the smallest tie keys first. The seed is the expense id;
/// `"<id>/items/<k>"` for item `k` of an itemized expense and `"<id>/extras"` for its extras.
/// Exposed so that another implementation of the contract can check its rounding against this
/// one.
///
/// # Example
/// ```
/// use splitter_core::{compute, tie_key, Decimal, Expense, Group, Member, PaidBy, Split};
///
/// assert_eq!(tie_key("dinner", "ana"), 15083445570115173041);
/// // In "dinner", ben has the smallest key of the three...
/// let mut ids = ["ana", "ben", "cy"];
/// ids.sort_by_key(|m| tie_key("dinner", m));
/// assert_eq!(ids[0], "ben");
///
/// // ...so he gets the extra cent of 100.00 split three ways.
/// let group = Group {
///     currency: "EUR".into(),
///     members: vec![Member::new("ana"), Member::new("ben"), Member::new("cy")],
///     expenses: vec![Expense::new("dinner", Decimal::new(10000, 2), PaidBy::One("ana".into()),
///                                 Split::Equal { members: None })],
///     ..Group::default()
/// };
/// let parts: Vec<String> = compute(&group)?.shares.iter().map(|s| s.amount.to_string()).collect();
/// assert_eq!(parts, ["33.33", "33.34", "33.33"]);
/// # Ok::<(), splitter_core::Error>(())
/// ```
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
    /// A part does not fit 128 bits. With the engine's inputs (totals and signed weights within
    /// the range of exact amounts, non-negative weights of up to 190 bits) this happens only
    /// when a part, or the amount it is added to, is past the range of exact amounts.
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
    /// The remainders of a division made in [`Wide`] integers.
    wide_rems: Vec<Wide>,
}

/// [`apportion`] into `work.parts`. In `i128` when every product fits (the common case), else
/// again in [`Wide`] integers, exactly.
pub(crate) fn apportion_into(
    total: Minor,
    weights: &[i128],
    keys: &[u64],
    work: &mut Work,
) -> Result<(), ApportionError> {
    match narrow_into(total, weights, keys, work) {
        Err(ApportionError::Overflow) => wide_into(
            total,
            weights.len(),
            &|i| (weights[i] < 0, wide(weights[i].unsigned_abs())),
            keys,
            work,
        ),
        done => done,
    }
}

/// [`apportion`] into `work.parts`, for non-negative weights too large for an `i128` (shares
/// scaled to 28 decimals).
pub(crate) fn apportion_wide_into(
    total: Minor,
    weights: &[Wide],
    keys: &[u64],
    work: &mut Work,
) -> Result<(), ApportionError> {
    wide_into(total, weights.len(), &|i| (false, weights[i]), keys, work)
}

/// The division in `i128`; `Overflow` as soon as something does not fit.
fn narrow_into(total: Minor, weights: &[i128], keys: &[u64], work: &mut Work) -> Result<(), ApportionError> {
    debug_assert_eq!(weights.len(), keys.len());
    let Work {
        parts, rems, order, ..
    } = work;
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

/// The same division as [`narrow_into`], in [`Wide`] integers: `weight(i)` is the sign
/// (`true`: negative) and magnitude of weight `i`, of `n`. Every product `|total| * |weight|`
/// is below 2^128 * 2^192 = 2^320, and the parts are the same as the `i128` division's whenever
/// that one succeeds. `Overflow` only if a part does not fit an `i128`.
#[cold]
#[inline(never)]
fn wide_into(
    total: Minor,
    n: usize,
    weight: &dyn Fn(usize) -> (bool, Wide),
    keys: &[u64],
    work: &mut Work,
) -> Result<(), ApportionError> {
    debug_assert_eq!(n, keys.len());
    let Work {
        parts,
        order,
        wide_rems,
        ..
    } = work;
    parts.clear();
    if total == 0 {
        parts.resize(n, 0);
        return Ok(());
    }
    // The sum of the positive weights and of the magnitudes of the negative ones.
    let (mut plus, mut minus) = (Wide::ZERO, Wide::ZERO);
    for i in 0..n {
        let (negative, w) = weight(i);
        let s = if negative { &mut minus } else { &mut plus };
        *s = s.checked_add(w).ok_or(ApportionError::Overflow)?;
    }
    // As in `narrow_into`: weights negated when their sum is negative, so that it is positive.
    let flip_weights = minus > plus;
    let sum = if flip_weights { minus - plus } else { plus - minus };
    if sum.is_zero() {
        return Err(ApportionError::ZeroWeights);
    }
    let t = total.unsigned_abs();
    let wt = wide(t);
    wide_rems.clear();
    // The sum of the floors, modulo 2^128: the true sum is more than t - n and at most t.
    let mut given: u128 = 0;
    for i in 0..n {
        let (negative, w) = weight(i);
        let (q, r) = div_rem(wt.checked_mul(w).ok_or(ApportionError::Overflow)?, sum);
        let q = narrow(&q)
            .and_then(|q| i128::try_from(q).ok())
            .ok_or(ApportionError::Overflow)?;
        // A negative product -(q * sum + r) has the floor -q - 1 and the remainder sum - r.
        let (floor, rem) = if negative == flip_weights || r.is_zero() {
            (if negative == flip_weights { q } else { -q }, r)
        } else {
            (-q - 1, sum - r)
        };
        parts.push(floor);
        wide_rems.push(rem);
        given = given.wrapping_add(floor as u128);
    }
    let left = usize::try_from(t.wrapping_sub(given))
        .ok()
        .filter(|left| *left < n)
        .ok_or(ApportionError::Overflow)?;
    if left > 0 {
        order.clear();
        order.extend(0..n);
        order.sort_unstable_by(|&a, &b| {
            wide_rems[b]
                .cmp(&wide_rems[a])
                .then(keys[a].cmp(&keys[b]))
                .then(a.cmp(&b))
        });
        for &i in &order[..left] {
            parts[i] = parts[i].checked_add(1).ok_or(ApportionError::Overflow)?;
        }
    }
    if total < 0 {
        for p in parts.iter_mut() {
            *p = p.checked_neg().ok_or(ApportionError::Overflow)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use num_bigint::BigInt;
    use proptest::prelude::*;

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
        // Products past 128 bits are made in wide integers: exact, not an overflow.
        assert_eq!(
            apportion(i128::MAX, &[3, 5], &keys(2)),
            Ok(vec![
                63_802_943_797_675_961_899_382_738_893_456_539_648,
                106_338_239_662_793_269_832_304_564_822_427_566_079
            ])
        );
        // A part past 128 bits is an overflow: 2 * (2^127 - 1).
        assert_eq!(
            apportion(i128::MAX, &[2, -1], &keys(2)),
            Err(ApportionError::Overflow)
        );
    }

    /// The rule computed on big integers, independently of the `i128` and 320-bit code: `None`
    /// when the weights add up to zero (and the total does not).
    fn reference(total: i128, weights: &[BigInt], keys: &[u64]) -> Option<Vec<BigInt>> {
        let zero = BigInt::from(0);
        if total == 0 {
            return Some(vec![zero; weights.len()]);
        }
        let mut sum: BigInt = weights.iter().sum();
        if sum == zero {
            return None;
        }
        // t * w / sum with sum > 0 and t > 0; a negative total is divided as its opposite.
        let sign = if sum < zero { -1 } else { 1 };
        sum *= sign;
        let t = BigInt::from(total.unsigned_abs());
        let mut parts: Vec<BigInt> = Vec::new();
        let mut rems: Vec<BigInt> = Vec::new();
        for w in weights {
            let n = &t * w * sign;
            let (mut q, mut r) = (&n / &sum, &n % &sum);
            if r < zero {
                q -= 1;
                r += &sum;
            }
            parts.push(q);
            rems.push(r);
        }
        let given: BigInt = parts.iter().sum();
        let left = usize::try_from(&t - given).unwrap();
        let mut order: Vec<usize> = (0..weights.len()).collect();
        order.sort_by(|&a, &b| rems[b].cmp(&rems[a]).then(keys[a].cmp(&keys[b])).then(a.cmp(&b)));
        for &i in &order[..left] {
            parts[i] += 1;
        }
        if total < 0 {
            parts.iter_mut().for_each(|p| *p = -&*p);
        }
        Some(parts)
    }

    /// Checks a division against [`reference`]: the same parts, or `Overflow` exactly when a part
    /// does not fit an `i128`.
    fn check(
        got: Result<Vec<Minor>, ApportionError>,
        expected: Option<Vec<BigInt>>,
    ) -> Result<(), TestCaseError> {
        match (got, expected) {
            (Err(ApportionError::ZeroWeights), None) => {}
            (got, None) => prop_assert!(false, "expected ZeroWeights, got {got:?}"),
            (Ok(parts), Some(expected)) => {
                let parts: Vec<BigInt> = parts.into_iter().map(BigInt::from).collect();
                prop_assert_eq!(parts, expected);
            }
            (Err(ApportionError::Overflow), Some(expected)) => {
                prop_assert!(
                    expected.iter().any(|p| i128::try_from(p).is_err()),
                    "overflow, but every part fits: {expected:?}"
                );
            }
            (Err(e), Some(expected)) => prop_assert!(false, "{e:?}, expected {expected:?}"),
        }
        Ok(())
    }

    /// A magnitude at either end of `0..2^bits` or anywhere between.
    fn edgy(bits: u32) -> impl Strategy<Value = u128> {
        let max = (1u128 << bits) - 1;
        prop_oneof![Just(0), Just(1), Just(2), Just(max), Just(max - 1), 0..=max]
    }

    /// A total: any amount within the range of exact amounts (|t| <= 2^96 - 1), or beyond.
    fn total() -> impl Strategy<Value = i128> {
        (prop_oneof![edgy(96), edgy(127)], any::<bool>())
            .prop_map(|(t, neg)| {
                let t = i128::try_from(t).unwrap();
                if neg {
                    -t
                } else {
                    t
                }
            })
            .prop_filter("a total is non-zero", |t| *t != 0)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Shares scaled to 28 decimals: weights `m * 10^k` with `m < 2^96`, `k <= 28`, in wide
        /// integers, against the reference.
        #[test]
        fn wide_weights_divide_exactly(
            total in total(),
            weights in proptest::collection::vec((edgy(96), 0u32..=28), 1..6),
        ) {
            let n = weights.len();
            let big: Vec<BigInt> = weights
                .iter()
                .map(|(m, k)| BigInt::from(*m) * BigInt::from(10u128.pow(*k)))
                .collect();
            let wide_weights: Vec<Wide> = weights
                .iter()
                .map(|(m, k)| wide(*m) * wide(10u128.pow(*k)))
                .collect();
            let k = keys(n);
            let mut work = Work::default();
            let got = apportion_wide_into(total, &wide_weights, &k, &mut work).map(|()| work.parts.clone());
            check(got, reference(total, &big, &k))?;
        }

        /// Signed weights within the range of exact amounts, as the converted parts of an
        /// expense and the extras of an itemized one are divided: `apportion_into` (narrow, then
        /// wide when a product does not fit) against the reference.
        #[test]
        fn signed_weights_divide_exactly(
            total in total(),
            weights in proptest::collection::vec((prop_oneof![edgy(96), edgy(20)], any::<bool>()), 1..6),
        ) {
            let weights: Vec<i128> = weights
                .iter()
                .map(|(w, neg)| i128::try_from(*w).map(|w| if *neg { -w } else { w }).unwrap())
                .collect();
            let big: Vec<BigInt> = weights.iter().map(|w| BigInt::from(*w)).collect();
            let k = keys(weights.len());
            check(apportion(total, &weights, &k), reference(total, &big, &k))?;
        }

        /// Where the `i128` division succeeds, the wide one gives the same parts.
        #[test]
        fn wide_agrees_with_narrow(
            total in -1_000_000i128..1_000_000,
            weights in proptest::collection::vec(-1000i128..1000, 1..8),
        ) {
            let k = keys(weights.len());
            let mut narrow = Work::default();
            let mut wide_work = Work::default();
            let a = narrow_into(total, &weights, &k, &mut narrow).map(|()| narrow.parts.clone());
            let b = wide_into(
                total,
                weights.len(),
                &|i| (weights[i] < 0, wide(weights[i].unsigned_abs())),
                &k,
                &mut wide_work,
            )
            .map(|()| wide_work.parts.clone());
            prop_assert_eq!(a, b);
        }
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
