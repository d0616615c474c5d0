//! Exact money: decimals read from text, amounts held as whole minor units (`i128`), conversion
//! at exact rates, and formatting with exactly the currency's number of decimals.
//!
//! Every operation is checked: a result past what a [`Decimal`] can hold (about 7.9e28) is an
//! `overflow` error, never a panic or a wrapped number. Products that do not fit 128 bits (an
//! amount times a 28-digit rate, a weight scaled to 28 decimals times a total) are computed again
//! in [`Wide`], 320-bit integers, so they are exact; `docs/contract-choices.md` ("Range of exact
//! results") proves that 320 bits hold every intermediate value.

use rust_decimal::Decimal;

use crate::currency::Currency;
use crate::error::{ErrorCode, Path, Result};

/// An amount in whole minor units of some currency (cents for EUR, yen for JPY).
pub(crate) type Minor = i128;

/// The largest magnitude a [`Decimal`] mantissa can hold: 2^96 - 1.
const MAX_MANTISSA: i128 = (1 << 96) - 1;

/// An unsigned integer of 320 bits, for the few products that do not fit an `i128`: the largest
/// intermediate value of the engine is below 2^317 (docs/contract-choices.md, "Range of exact
/// results").
pub(crate) type Wide = bnum::BUint<5>;

/// `v` as a [`Wide`].
pub(crate) const fn wide(v: u128) -> Wide {
    // The low and the high 64 bits.
    Wide::from_digits([v as u64, (v >> 64) as u64, 0, 0, 0])
}

/// `(n / d, n % d)`, for `d > 0`.
pub(crate) fn div_rem(n: Wide, d: Wide) -> (Wide, Wide) {
    let q = n / d;
    // q * d <= n: neither overflows.
    (q, n - q * d)
}

/// `w` as a `u128`, if it fits.
pub(crate) fn narrow(w: &Wide) -> Option<u128> {
    let l = w.digits();
    (l[2] == 0 && l[3] == 0 && l[4] == 0).then(|| u128::from(l[1]) << 64 | u128::from(l[0]))
}

/// Reads a decimal written in plain notation: an optional `-`, digits, and optionally a `.` and
/// more digits (`"12.30"`, `"-5"`, `"0.333"`). Exponents, spaces, `+`, and a bare `.5` are refused
/// so that every face reads the same strings the same way.
pub(crate) fn parse_plain(text: &str, path: &Path) -> Result<Decimal> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(int) || frac.is_some_and(|f| !all_digits(f)) {
        return Err(path.err(
            ErrorCode::InvalidAmount,
            format!(
                "'{}' is not a decimal number; write it like \"12.30\" or \"-5\"",
                clip(text)
            ),
        ));
    }
    from_text(text, frac.map_or(0, str::len), path)
}

/// Reads the text of a JSON number exactly (`0.1` is one tenth, `1e3` is a thousand).
pub(crate) fn parse_json_number(text: &str, path: &Path) -> Result<Decimal> {
    if !text.contains(['e', 'E']) {
        return parse_plain(text, path);
    }
    let (mantissa, exp) = text.split_once(['e', 'E']).unwrap_or((text, "0"));
    let m = parse_plain(mantissa, path)?;
    if m.is_zero() {
        return Ok(Decimal::ZERO);
    }
    let too_precise = || {
        path.err(
            ErrorCode::TooPrecise,
            format!("number {} has more than 28 decimals; round it", clip(text)),
        )
    };
    // An exponent past i64 is out of range one way or the other.
    let scale = exp
        .parse::<i64>()
        .ok()
        .and_then(|e| i64::from(m.scale()).checked_sub(e))
        .ok_or_else(|| {
            if exp.starts_with('-') {
                too_precise()
            } else {
                overflow(text, path)
            }
        })?;
    if scale > 28 {
        return Err(too_precise());
    }
    if scale >= 0 {
        let mut d = m;
        d.set_scale(u32::try_from(scale).unwrap_or(0))
            .map_err(|_| overflow(text, path))?;
        Ok(d)
    } else {
        let factor = pow10(u32::try_from(-scale).unwrap_or(u32::MAX)).ok_or_else(|| overflow(text, path))?;
        let v = m
            .mantissa()
            .checked_mul(factor)
            .ok_or_else(|| overflow(text, path))?;
        Decimal::try_from_i128_with_scale(v, 0).map_err(|_| overflow(text, path))
    }
}

fn from_text(text: &str, decimals: usize, path: &Path) -> Result<Decimal> {
    if decimals > 28 {
        // Trailing zeros beyond 28 decimals do not change the value; anything else is too fine.
        let trimmed = text.trim_end_matches('0');
        let kept = trimmed.split_once('.').map_or(0, |(_, f)| f.len());
        if kept > 28 {
            return Err(path.err(
                ErrorCode::TooPrecise,
                format!("{} has more than 28 decimals; round it", clip(text)),
            ));
        }
        return from_text(trimmed.trim_end_matches('.'), kept, path);
    }
    exact_plain(text, decimals).ok_or_else(|| overflow(text, path))
}

/// Plain notation already checked (`-`, digits, one `.` with `decimals` <= 28 digits after it)
/// as a decimal of exactly that scale, or `None` past 2^96 - 1 in the last place. The same
/// answer as `Decimal::from_str_exact` on such text (tested against it), in a few lines instead
/// of its general parser (smaller WebAssembly).
pub(crate) fn exact_plain(text: &str, decimals: usize) -> Option<Decimal> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(digits) => (true, digits),
        None => (false, text),
    };
    let mut m: i128 = 0;
    for b in digits.bytes().filter(|b| *b != b'.') {
        m = m.checked_mul(10)?.checked_add(i128::from(b - b'0'))?;
        if m > MAX_MANTISSA {
            return None;
        }
    }
    let scale = u32::try_from(decimals).ok()?;
    Decimal::try_from_i128_with_scale(if negative { -m } else { m }, scale).ok()
}

fn overflow(text: &str, path: &Path) -> crate::error::Error {
    path.err(
        ErrorCode::Overflow,
        format!(
            "{} is out of range; exact decimals have at most 28 significant digits",
            clip(text)
        ),
    )
}

/// Long garbage is cut in messages so that an error never echoes megabytes back.
pub(crate) fn clip(text: &str) -> String {
    const MAX: usize = 40;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        let head: String = text.chars().take(MAX).collect();
        format!("{head}...")
    }
}

/// `10^n`, if it fits.
pub(crate) fn pow10(n: u32) -> Option<i128> {
    10i128.checked_pow(n)
}

/// The amount as whole minor units of `currency`; `too_precise` if it is not a whole number of
/// them (`"12.345"` in EUR). Trailing zeros are fine (`"12.300"` is 1230 cents).
pub(crate) fn to_minor(d: Decimal, currency: Currency, path: &Path) -> Result<Minor> {
    let (m, scale, e) = (d.mantissa(), d.scale(), currency.exponent());
    let minor = if scale <= e {
        m.checked_mul(pow10(e - scale).unwrap_or(i128::MAX))
    } else {
        let div = pow10(scale - e).unwrap_or(i128::MAX);
        if m % div != 0 {
            return Err(path.err(
                ErrorCode::TooPrecise,
                format!(
                    "{d} has more decimals than {} allows ({}); {}",
                    currency.code(),
                    currency.exponent(),
                    match currency.exponent() {
                        0 => "round it to a whole number".to_string(),
                        1 => "round it to 1 decimal".to_string(),
                        e => format!("round it to {e} decimals"),
                    }
                ),
            ));
        }
        Some(m / div)
    };
    minor.filter(|v| v.abs() <= MAX_MANTISSA).ok_or_else(|| {
        path.err(
            ErrorCode::Overflow,
            format!(
                "{d} {} is past the range of exact amounts; use a smaller amount",
                currency.code()
            ),
        )
    })
}

/// Minor units back to a decimal with exactly the currency's number of decimals.
pub(crate) fn to_decimal(m: Minor, currency: Currency, path: &Path) -> Result<Decimal> {
    if m.abs() > MAX_MANTISSA {
        return Err(path.err(
            ErrorCode::Overflow,
            "an amount is past the range of exact decimals (about 7.9e28); use smaller amounts",
        ));
    }
    Decimal::try_from_i128_with_scale(m, currency.exponent()).map_err(|_| {
        path.err(
            ErrorCode::Overflow,
            "an amount is past the range of exact decimals; use smaller amounts",
        )
    })
}

/// Checked sum, `overflow` at `path` past the range of exact decimals.
pub(crate) fn add(a: Minor, b: Minor, path: &Path) -> Result<Minor> {
    a.checked_add(b)
        .filter(|s| s.abs() <= MAX_MANTISSA)
        .ok_or_else(|| {
            path.err(
                ErrorCode::Overflow,
                "a sum is past the range of exact decimals; use smaller amounts",
            )
        })
}

/// Converts `amount` (minor units of `from`) at `rate` (1 `from` = `rate` `to`) into minor units
/// of `to`, rounding half away from zero once, so that a refund converts to exactly minus the
/// expense.
pub(crate) fn convert(
    amount: Minor,
    from: Currency,
    rate: Decimal,
    to: Currency,
    path: &Path,
) -> Result<Minor> {
    let too_big = || {
        path.err(
            ErrorCode::Overflow,
            "the converted amount is past the range of exact amounts; check the amount and the rate",
        )
    };
    // value = amount / 10^ef * mantissa / 10^scale * 10^et
    let down = from.exponent() + rate.scale();
    let up = to.exponent();
    let result = if up >= down {
        // Multiplied by 10^(up - down) >= 1: a product past 128 bits is past the range anyway.
        amount
            .checked_mul(rate.mantissa())
            .and_then(|num| num.checked_mul(pow10(up - down)?))
            .ok_or_else(too_big)?
    } else {
        let d = pow10(down - up).ok_or_else(too_big)?;
        match amount.checked_mul(rate.mantissa()) {
            Some(num) => div_round_half_away(num, d),
            None => convert_wide(amount, rate.mantissa(), d).ok_or_else(too_big)?,
        }
    };
    if result.abs() > MAX_MANTISSA {
        return Err(too_big());
    }
    Ok(result)
}

/// `amount * mantissa / d` rounded half away from zero, for `d > 0`, when `amount * mantissa`
/// is past 128 bits: the product (below 2^256) and the division in [`Wide`]. `None` if the
/// result does not fit an `i128` (it is then past the range of exact amounts anyway).
#[cold]
#[inline(never)]
fn convert_wide(amount: i128, mantissa: i128, d: i128) -> Option<i128> {
    let num = wide(amount.unsigned_abs()).checked_mul(wide(mantissa.unsigned_abs()))?;
    let d = d.unsigned_abs();
    let (q, r) = div_rem(num, wide(d));
    // r < d <= 10^38, so 2r fits a u128.
    let up = narrow(&r)? * 2 >= d;
    let q = i128::try_from(narrow(&q)?.checked_add(u128::from(up))?).ok()?;
    Some(if (amount < 0) != (mantissa < 0) { -q } else { q })
}

/// `n / d` rounded half away from zero, for `d > 0`.
fn div_round_half_away(n: i128, d: i128) -> i128 {
    let (q, r) = (n / d, n % d);
    if r.unsigned_abs() * 2 >= d.unsigned_abs() {
        q + n.signum()
    } else {
        q
    }
}

#[cfg(test)]
mod tests {
    use num_bigint::{BigInt, BigUint};
    use proptest::prelude::*;

    use super::*;

    fn eur() -> Currency {
        Currency::find("EUR").unwrap()
    }

    fn dec(s: &str) -> Decimal {
        parse_plain(s, &Path::Root).unwrap()
    }

    proptest::proptest! {
        /// The small parser gives exactly the general parser's decimal (value, scale and sign)
        /// or refuses where it refuses: digits from 1 to 31 before the point, 0 to 28 after,
        /// leading zeros, signs, and the edges of the 96-bit mantissa.
        #[test]
        fn exact_plain_is_from_str_exact(
            negative: bool,
            int in "[0-9]{1,31}",
            frac in proptest::option::of("[0-9]{0,28}"),
            edge in proptest::sample::select(vec!["", "79228162514264337593543950335", "79228162514264337593543950336", "7922816251426433759354395033"]),
        ) {
            let int = if edge.is_empty() { int } else { edge.to_string() };
            let frac = frac.filter(|f| !f.is_empty());
            let text = format!("{}{int}{}", if negative { "-" } else { "" }, frac.as_ref().map(|f| format!(".{f}")).unwrap_or_default());
            let decimals = frac.map_or(0, |f| f.len());
            let ours = exact_plain(&text, decimals);
            let theirs = Decimal::from_str_exact(&text).ok();
            proptest::prop_assert_eq!(ours.map(|d| (d, d.scale(), d.is_sign_negative())), theirs.map(|d| (d, d.scale(), d.is_sign_negative())), "{}", text);
        }
    }

    #[test]
    fn plain_decimals_are_strict() {
        assert_eq!(dec("12.30").to_string(), "12.30");
        assert_eq!(dec("-5").to_string(), "-5");
        for bad in [
            "", "-", ".5", "5.", "1e3", " 1", "+1", "1,5", "0x10", "1.2.3", "NaN",
        ] {
            let e = parse_plain(bad, &Path::Root).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidAmount, "{bad}");
        }
        let e = parse_plain("123456789012345678901234567890", &Path::Root).unwrap_err();
        assert_eq!(e.code, ErrorCode::Overflow);
        let e = parse_plain("0.00000000000000000000000000001", &Path::Root).unwrap_err();
        assert_eq!(e.code, ErrorCode::TooPrecise);
        assert_eq!(dec("1.5000000000000000000000000000000").to_string(), "1.5");
    }

    #[test]
    fn json_numbers_are_read_exactly() {
        let n = |s| parse_json_number(s, &Path::Root);
        assert_eq!(n("0.1").unwrap().to_string(), "0.1");
        assert_eq!(n("1e3").unwrap().to_string(), "1000");
        assert_eq!(n("1.5E-3").unwrap().to_string(), "0.0015");
        assert_eq!(n("1e40").unwrap_err().code, ErrorCode::Overflow);
        assert_eq!(n("1e-40").unwrap_err().code, ErrorCode::TooPrecise);
        assert_eq!(n("1e99999999999999999999").unwrap_err().code, ErrorCode::Overflow);
    }

    #[test]
    fn minor_units() {
        assert_eq!(to_minor(dec("12.3"), eur(), &Path::Root), Ok(1230));
        assert_eq!(to_minor(dec("12.300"), eur(), &Path::Root), Ok(1230));
        let e = to_minor(dec("12.345"), eur(), &Path::Root).unwrap_err();
        assert_eq!(e.code, ErrorCode::TooPrecise);
        // A valid decimal, but 1e29 cents is past what an exact amount can hold.
        let e = to_minor(dec("1000000000000000000000000000"), eur(), &Path::Root).unwrap_err();
        assert_eq!(e.code, ErrorCode::Overflow);
        assert_eq!(to_decimal(5600, eur(), &Path::Root).unwrap().to_string(), "56.00");
        let jpy = Currency::find("JPY").unwrap();
        assert_eq!(to_decimal(300, jpy, &Path::Root).unwrap().to_string(), "300");
    }

    #[test]
    fn conversion_rounds_half_away_from_zero_once() {
        let usd = Currency::find("USD").unwrap();
        let jpy = Currency::find("JPY").unwrap();
        assert_eq!(convert(12000, usd, dec("0.92"), eur(), &Path::Root), Ok(11040));
        assert_eq!(convert(1, usd, dec("0.5"), eur(), &Path::Root), Ok(1)); // 0.005 -> 0.01
        assert_eq!(convert(-1, usd, dec("0.5"), eur(), &Path::Root), Ok(-1));
        assert_eq!(convert(1000, jpy, dec("0.0061"), eur(), &Path::Root), Ok(610));
        assert_eq!(convert(100, eur(), dec("163.5"), jpy, &Path::Root), Ok(164));
    }

    #[test]
    fn conversion_past_128_bits_is_exact() {
        // Issue 13: 12345678901.23 USD at 0.1234567890123456789012345678 is 1524157875.32 EUR
        // (the product of the two mantissas is about 1.5e39, past 2^127).
        let usd = Currency::find("USD").unwrap();
        let rate = dec("0.1234567890123456789012345678");
        assert_eq!(
            convert(1_234_567_890_123, usd, rate, eur(), &Path::Root),
            Ok(152_415_787_532)
        );
        assert_eq!(
            convert(-1_234_567_890_123, usd, rate, eur(), &Path::Root),
            Ok(-152_415_787_532)
        );
        // The largest amount at the largest rate below 1 with 28 decimals.
        let max = MAX_MANTISSA;
        let rate = dec("0.9999999999999999999999999999");
        // (2^96 - 1) * (1 - 1e-28) = 2^96 - 1 - 7.92...
        assert_eq!(convert(max, usd, rate, eur(), &Path::Root), Ok(max - 8));
        // Exactly half a unit, past 128 bits: away from zero.
        let jpy = Currency::find("JPY").unwrap();
        let half = dec("0.5000000000000000000000000000");
        assert_eq!(convert(max, jpy, half, jpy, &Path::Root), Ok(1 << 95));
        assert_eq!(convert(-max, jpy, half, jpy, &Path::Root), Ok(-(1 << 95)));
        assert_eq!(convert(max - 2, jpy, half, jpy, &Path::Root), Ok((1 << 95) - 1));
        // Past the range: overflow, never a wrong number.
        let e = convert(max, usd, dec("1.000000000000000000000000001"), eur(), &Path::Root).unwrap_err();
        assert_eq!(e.code, ErrorCode::Overflow);
    }

    /// Half away from zero on big integers: the reference for [`convert`].
    fn reference_convert(amount: i128, from: u32, mantissa: i128, scale: u32, to: u32) -> BigInt {
        let num = BigInt::from(amount.unsigned_abs()) * BigInt::from(mantissa) * BigInt::from(10).pow(to);
        let den = BigInt::from(10).pow(from + scale);
        let (q, r) = (&num / &den, &num % &den);
        let q = if r * 2 >= den { q + 1 } else { q };
        if amount < 0 {
            -q
        } else {
            q
        }
    }

    fn edgy(bits: u32) -> impl Strategy<Value = i128> {
        let max = (1i128 << bits) - 1;
        prop_oneof![Just(1), Just(2), Just(max), Just(max - 1), 1..=max]
    }

    /// A 320-bit value from limbs, each all zeros, all ones, a top bit alone, or anything.
    fn limbs(count: usize) -> impl Strategy<Value = [u64; 5]> {
        let limb = prop_oneof![Just(0u64), Just(u64::MAX), Just(1 << 63), Just(1), any::<u64>()];
        proptest::collection::vec(limb, count).prop_map(|v| {
            let mut out = [0; 5];
            out[..v.len()].copy_from_slice(&v);
            out
        })
    }

    fn big(l: [u64; 5]) -> BigUint {
        l.iter()
            .rev()
            .fold(BigUint::from(0u8), |acc, d| (acc << 64) + BigUint::from(*d))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// The wide division (the crate's long division) against big integers, with limbs that
        /// stress its quotient estimates.
        #[test]
        fn wide_division_is_exact(n in limbs(5), d in (1usize..=5).prop_flat_map(limbs)) {
            let (bn, bd) = (big(n), big(d));
            prop_assume!(bd != BigUint::from(0u8));
            let (q, r) = div_rem(Wide::from_digits(n), Wide::from_digits(d));
            prop_assert_eq!(big(*q.digits()), &bn / &bd);
            prop_assert_eq!(big(*r.digits()), &bn % &bd);
        }

        /// Amounts up to 2^96 - 1 minor units at rates with mantissas up to 2^96 - 1 and up to
        /// 28 decimals, between currencies of 0 to 4 decimals: exact, or `overflow` exactly when
        /// the result is past the range.
        #[test]
        fn conversion_is_exact_across_the_range(
            amount in edgy(96),
            negative in any::<bool>(),
            mantissa in edgy(96),
            scale in prop_oneof![Just(0u32), Just(28u32), 0u32..=28],
            from in prop::sample::select(vec!["JPY", "EUR", "KWD", "CLF"]),
            to in prop::sample::select(vec!["JPY", "EUR", "KWD", "CLF"]),
        ) {
            let amount = if negative { -amount } else { amount };
            let (from, to) = (Currency::find(from).unwrap(), Currency::find(to).unwrap());
            let rate = Decimal::from_i128_with_scale(mantissa, scale);
            let expected = reference_convert(amount, from.exponent(), mantissa, scale, to.exponent());
            let in_range = expected.magnitude() <= &BigUint::from(MAX_MANTISSA.unsigned_abs());
            match convert(amount, from, rate, to, &Path::Root) {
                Ok(got) => prop_assert!(in_range && BigInt::from(got) == expected, "{got} != {expected}"),
                Err(e) => {
                    prop_assert!(!in_range && e.code == ErrorCode::Overflow, "{e:?}, expected {expected}")
                }
            }
        }
    }
}
