//! ISO 4217 currencies and their minor units.
//!
//! The table holds the active codes of ISO 4217 that have minor units (precious metals, SDRs and
//! testing codes, which have none, are left out). `JPY` has 0 decimals, `EUR` 2, `KWD` 3, `CLF` 4.

use std::fmt;

use serde::{Serialize, Serializer};

/// A currency: its ISO 4217 code and how many decimals its minor unit has.
///
/// Two bytes, `Copy`; displayed and serialized as its code, and comparable with a `str` code.
/// Every amount of a report carries exactly [`Currency::exponent`] decimals.
///
/// # Example
/// ```
/// use splitter_core::Currency;
///
/// let kwd = Currency::find("KWD").ok_or("unknown")?;
/// assert_eq!(kwd.exponent(), 3);
/// assert_eq!(kwd.to_string(), "KWD");
/// assert!(kwd == *"KWD");
/// assert!(Currency::find("XYZ").is_none());
/// # Ok::<(), &str>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency {
    /// Position in the table (two bytes: a report's millions of share rows each carry one).
    index: u16,
}

impl Currency {
    /// Looks a code up in the ISO 4217 table. Codes are upper case (`"EUR"`, not `"eur"`);
    /// codes with no minor unit (precious metals, SDRs, testing codes) are not in the table.
    ///
    /// # Example
    /// ```
    /// use splitter_core::Currency;
    ///
    /// assert_eq!(Currency::find("JPY").map(Currency::exponent), Some(0));
    /// assert_eq!(Currency::find("jpy"), None);
    /// assert_eq!(Currency::find("XAU"), None); // gold
    /// ```
    pub fn find(code: &str) -> Option<Currency> {
        let i = TABLE.binary_search_by(|(c, _)| (*c).cmp(code)).ok()?;
        Some(Currency {
            index: u16::try_from(i).ok()?,
        })
    }

    /// Its position in the table, for tables indexed by currency.
    pub(crate) fn index(self) -> usize {
        usize::from(self.index)
    }

    /// The three-letter code.
    ///
    /// # Example
    /// ```
    /// use splitter_core::Currency;
    ///
    /// let clf = Currency::find("CLF").ok_or("unknown")?;
    /// assert_eq!(clf.code(), "CLF");
    /// # Ok::<(), &str>(())
    /// ```
    pub fn code(self) -> &'static str {
        TABLE[usize::from(self.index)].0
    }

    /// The number of decimals of the minor unit (JPY 0, EUR 2, KWD 3, CLF 4): an amount in
    /// this currency must be a whole number of `10^-exponent`.
    ///
    /// # Example
    /// ```
    /// use splitter_core::Currency;
    ///
    /// let exponents: Vec<u32> = ["JPY", "EUR", "KWD", "CLF"]
    ///     .into_iter()
    ///     .filter_map(Currency::find)
    ///     .map(Currency::exponent)
    ///     .collect();
    /// assert_eq!(exponents, [0, 2, 3, 4]);
    /// ```
    pub fn exponent(self) -> u32 {
        u32::from(TABLE[usize::from(self.index)].1)
    }

    /// Every currency of the table, ordered by code.
    ///
    /// # Example
    /// ```
    /// use splitter_core::Currency;
    ///
    /// let three: Vec<&str> = Currency::all().filter(|c| c.exponent() == 3).map(Currency::code).collect();
    /// assert_eq!(three, ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"]);
    /// assert_eq!(Currency::all().next().map(Currency::code), Some("AED"));
    /// ```
    pub fn all() -> impl Iterator<Item = Currency> {
        (0..TABLE.len()).filter_map(|i| {
            Some(Currency {
                index: u16::try_from(i).ok()?,
            })
        })
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Currency({})", self.code())
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A currency is written as its code.
impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl PartialEq<str> for Currency {
    fn eq(&self, other: &str) -> bool {
        self.code() == other
    }
}

/// (code, minor-unit decimals), sorted by code for binary search.
const TABLE: &[(&str, u8)] = &[
    ("AED", 2),
    ("AFN", 2),
    ("ALL", 2),
    ("AMD", 2),
    ("ANG", 2),
    ("AOA", 2),
    ("ARS", 2),
    ("AUD", 2),
    ("AWG", 2),
    ("AZN", 2),
    ("BAM", 2),
    ("BBD", 2),
    ("BDT", 2),
    ("BGN", 2),
    ("BHD", 3),
    ("BIF", 0),
    ("BMD", 2),
    ("BND", 2),
    ("BOB", 2),
    ("BOV", 2),
    ("BRL", 2),
    ("BSD", 2),
    ("BTN", 2),
    ("BWP", 2),
    ("BYN", 2),
    ("BZD", 2),
    ("CAD", 2),
    ("CDF", 2),
    ("CHE", 2),
    ("CHF", 2),
    ("CHW", 2),
    ("CLF", 4),
    ("CLP", 0),
    ("CNY", 2),
    ("COP", 2),
    ("COU", 2),
    ("CRC", 2),
    ("CUC", 2),
    ("CUP", 2),
    ("CVE", 2),
    ("CZK", 2),
    ("DJF", 0),
    ("DKK", 2),
    ("DOP", 2),
    ("DZD", 2),
    ("EGP", 2),
    ("ERN", 2),
    ("ETB", 2),
    ("EUR", 2),
    ("FJD", 2),
    ("FKP", 2),
    ("GBP", 2),
    ("GEL", 2),
    ("GHS", 2),
    ("GIP", 2),
    ("GMD", 2),
    ("GNF", 0),
    ("GTQ", 2),
    ("GYD", 2),
    ("HKD", 2),
    ("HNL", 2),
    ("HTG", 2),
    ("HUF", 2),
    ("IDR", 2),
    ("ILS", 2),
    ("INR", 2),
    ("IQD", 3),
    ("IRR", 2),
    ("ISK", 0),
    ("JMD", 2),
    ("JOD", 3),
    ("JPY", 0),
    ("KES", 2),
    ("KGS", 2),
    ("KHR", 2),
    ("KMF", 0),
    ("KPW", 2),
    ("KRW", 0),
    ("KWD", 3),
    ("KYD", 2),
    ("KZT", 2),
    ("LAK", 2),
    ("LBP", 2),
    ("LKR", 2),
    ("LRD", 2),
    ("LSL", 2),
    ("LYD", 3),
    ("MAD", 2),
    ("MDL", 2),
    ("MGA", 2),
    ("MKD", 2),
    ("MMK", 2),
    ("MNT", 2),
    ("MOP", 2),
    ("MRU", 2),
    ("MUR", 2),
    ("MVR", 2),
    ("MWK", 2),
    ("MXN", 2),
    ("MXV", 2),
    ("MYR", 2),
    ("MZN", 2),
    ("NAD", 2),
    ("NGN", 2),
    ("NIO", 2),
    ("NOK", 2),
    ("NPR", 2),
    ("NZD", 2),
    ("OMR", 3),
    ("PAB", 2),
    ("PEN", 2),
    ("PGK", 2),
    ("PHP", 2),
    ("PKR", 2),
    ("PLN", 2),
    ("PYG", 0),
    ("QAR", 2),
    ("RON", 2),
    ("RSD", 2),
    ("RUB", 2),
    ("RWF", 0),
    ("SAR", 2),
    ("SBD", 2),
    ("SCR", 2),
    ("SDG", 2),
    ("SEK", 2),
    ("SGD", 2),
    ("SHP", 2),
    ("SLE", 2),
    ("SLL", 2),
    ("SOS", 2),
    ("SRD", 2),
    ("SSP", 2),
    ("STN", 2),
    ("SVC", 2),
    ("SYP", 2),
    ("SZL", 2),
    ("THB", 2),
    ("TJS", 2),
    ("TMT", 2),
    ("TND", 3),
    ("TOP", 2),
    ("TRY", 2),
    ("TTD", 2),
    ("TWD", 2),
    ("TZS", 2),
    ("UAH", 2),
    ("UGX", 0),
    ("USD", 2),
    ("USN", 2),
    ("UYI", 0),
    ("UYU", 2),
    ("UYW", 4),
    ("UZS", 2),
    ("VED", 2),
    ("VES", 2),
    ("VND", 0),
    ("VUV", 0),
    ("WST", 2),
    ("XAF", 0),
    ("XCD", 2),
    ("XCG", 2),
    ("XOF", 0),
    ("XPF", 0),
    ("YER", 2),
    ("ZAR", 2),
    ("ZMW", 2),
    ("ZWG", 2),
    ("ZWL", 2),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_unique() {
        assert!(TABLE.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(Currency::all().count(), TABLE.len());
        assert!(Currency::all().all(|c| Currency::find(c.code()) == Some(c)));
    }

    #[test]
    fn exponents_of_well_known_codes() {
        let e = |c| Currency::find(c).map(Currency::exponent);
        assert_eq!(e("EUR"), Some(2));
        assert_eq!(e("JPY"), Some(0));
        assert_eq!(e("KWD"), Some(3));
        assert_eq!(e("CLF"), Some(4));
        assert_eq!(e("eur"), None);
        assert_eq!(e("XAU"), None);
    }
}
