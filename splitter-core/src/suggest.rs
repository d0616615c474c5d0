//! "Did you mean ...?": the known name nearest to a mistyped one, for error messages.
//!
//! Distance is the optimal string alignment distance (Damerau-Levenshtein where each substring
//! is edited at most once): one insertion, deletion, substitution or swap of two neighbouring
//! bytes is one edit. ASCII letters are compared without case, so `Amount` is next to `amount`.
//! A suggestion is made only within one edit for names of up to four characters and two edits
//! for longer ones: further off, a "suggestion" is mostly noise.

/// The longest word a suggestion is looked for (in bytes); longer ones get none, which also
/// bounds the work an error message costs on hostile input.
const MAX_WORD: usize = 64;
/// The most edits a suggestion may be away.
const MAX_EDITS: usize = 2;
/// A row of the distance table: one cell per byte of a candidate, and one more.
type Row = [u8; MAX_WORD + MAX_EDITS + 1];

/// The candidate nearest to `word`, if one is close enough to be a likely typo (see the module
/// doc); ties go to the first candidate. Only called to word an error: the work is at most a
/// few hundred steps per candidate. Distances count bytes, so a letter outside ASCII counts
/// as more than one edit, and case is ignored for ASCII letters.
///
/// # Example
/// ```
/// use splitter_core::did_you_mean;
///
/// let fields = ["id", "amount", "currency", "paid_by", "split"];
/// assert_eq!(did_you_mean("amout", fields), Some("amount"));
/// assert_eq!(did_you_mean("paidby", fields), Some("paid_by"));
/// assert_eq!(did_you_mean("Currency", fields), Some("currency"));
/// assert_eq!(did_you_mean("colour", fields), None);
/// ```
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let w = word.as_bytes();
    if w.is_empty() || w.len() > MAX_WORD {
        return None;
    }
    let max = if w.len() <= 4 { 1 } else { MAX_EDITS };
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        let limit = best.map_or(max, |(d, _)| d.saturating_sub(1));
        if let Some(d) = distance_within(w, candidate.as_bytes(), limit) {
            best = Some((d, candidate));
            if d == 0 {
                break;
            }
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// The optimal string alignment distance of `a` and `b` (ASCII letters compared without case)
/// if it is at most `max` (at most [`MAX_EDITS`]; `a` at most [`MAX_WORD`] bytes), computed only
/// in the band of cells within `max` of the diagonal (further cells are already too far).
fn distance_within(a: &[u8], b: &[u8], max: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max || a.len() > MAX_WORD {
        return None;
    }
    // Cells beyond the band, or past `max`, hold FAR: they never lead to a distance <= max.
    const FAR: u8 = u8::MAX / 2;
    let same = |x: u8, y: u8| x.eq_ignore_ascii_case(&y);
    // Row i of the table is `rows[i % 3]`: rows i - 1 and i - 2 are the other two.
    let mut rows: [Row; 3] = [[FAR; _]; 3];
    for (j, cell) in rows[0].iter_mut().enumerate().take(max.min(b.len()) + 1) {
        *cell = j as u8;
    }
    // Only the band is written, so a row costs O(max), not O(len): the cells a row reads beyond
    // its band are FAR, never written before (bands only move right), but for the one left of
    // it in the row being filled, which row i - 3 may have written.
    for i in 1..=a.len() {
        let (cur, back1, back2) = (i % 3, (i - 1) % 3, (i + 1) % 3);
        let from = i.saturating_sub(max);
        let to = (i + max).min(b.len());
        if from == 0 {
            rows[cur][0] = i as u8;
        } else {
            rows[cur][from - 1] = FAR;
        }
        let mut row_min = if from == 0 { i } else { usize::from(FAR) };
        for j in from.max(1)..=to {
            let cost = u8::from(!same(a[i - 1], b[j - 1]));
            let mut d = (rows[back1][j - 1] + cost)
                .min(rows[back1][j] + 1)
                .min(rows[cur][j - 1] + 1);
            if i > 1 && j > 1 && same(a[i - 1], b[j - 2]) && same(a[i - 2], b[j - 1]) {
                d = d.min(rows[back2][j - 2] + 1);
            }
            let d = d.min(FAR);
            rows[cur][j] = d;
            row_min = row_min.min(usize::from(d));
        }
        if row_min > max {
            return None;
        }
    }
    Some(usize::from(rows[a.len() % 3][b.len()])).filter(|d| *d <= max)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The full table, for checking the banded one.
    fn osa(a: &[u8], b: &[u8]) -> usize {
        let mut d = vec![vec![0; b.len() + 1]; a.len() + 1];
        for (i, row) in d.iter_mut().enumerate() {
            row[0] = i;
        }
        for (j, cell) in d[0].iter_mut().enumerate() {
            *cell = j;
        }
        for i in 1..=a.len() {
            for j in 1..=b.len() {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                d[i][j] = (d[i - 1][j - 1] + cost).min(d[i - 1][j] + 1).min(d[i][j - 1] + 1);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
                }
            }
        }
        d[a.len()][b.len()]
    }

    proptest::proptest! {
        /// The banded distance is the full table's whenever that is within the bound, and
        /// nothing otherwise.
        #[test]
        fn banded_is_the_full_table(a in "[abcAB]{0,24}", b in "[abcAB]{0,24}", max in 0usize..3) {
            let full = osa(a.to_ascii_lowercase().as_bytes(), b.to_ascii_lowercase().as_bytes());
            proptest::prop_assert_eq!(distance_within(a.as_bytes(), b.as_bytes(), max), (full <= max).then_some(full));
        }
    }

    proptest::proptest! {
        /// The same on pairs a few edits apart, where the band is walked to the end.
        #[test]
        fn banded_is_the_full_table_near_the_diagonal(
            a in "[abcAB]{0,30}",
            edits in proptest::collection::vec((0u8..4, 0usize..40, 0u8..5), 0..4),
            max in 0usize..3,
        ) {
            let mut b = a.clone().into_bytes();
            for (op, at, c) in edits {
                let c = b"abcAB"[usize::from(c)];
                let at = if b.is_empty() { 0 } else { at % b.len() };
                match op {
                    0 => b.insert(at, c),
                    1 if !b.is_empty() => { b.remove(at); }
                    2 if !b.is_empty() => b[at] = c,
                    3 if at + 1 < b.len() => b.swap(at, at + 1),
                    _ => {}
                }
            }
            let full = osa(a.to_ascii_lowercase().as_bytes(), &b.to_ascii_lowercase());
            proptest::prop_assert_eq!(distance_within(a.as_bytes(), &b, max), (full <= max).then_some(full));
        }
    }

    #[test]
    fn typos_find_their_word() {
        let fields = [
            "id",
            "amount",
            "currency",
            "rate",
            "paid_by",
            "split",
            "description",
            "date",
            "category",
        ];
        for (typo, want) in [
            ("amout", Some("amount")),
            ("ammount", Some("amount")),
            ("amuont", Some("amount")),
            ("AMOUNT", Some("amount")),
            ("paidBy", Some("paid_by")),
            ("descripton", Some("description")),
            ("dat", Some("date")),
            ("di", Some("id")),
            ("rates", Some("rate")),
            ("note", None),
            ("x", None),
            ("", None),
        ] {
            assert_eq!(did_you_mean(typo, fields), want, "{typo}");
        }
        // The nearest wins over an earlier, farther one; a tie goes to the first.
        assert_eq!(did_you_mean("dates", ["rate", "date"]), Some("date"));
        assert_eq!(did_you_mean("bat", ["cat", "hat"]), Some("cat"));
        assert_eq!(did_you_mean("zoe", ["ana", "zoey", "zoé"]), Some("zoey"));
        // Bytes are compared: 'é' is two of them, two edits from 'e', too far for a short word.
        assert_eq!(did_you_mean("zoé", ["ana", "zoe"]), None);
        assert_eq!(did_you_mean("zoés", ["ana", "zoes"]), Some("zoes"));
        assert_eq!(did_you_mean(&"a".repeat(65), [&*"a".repeat(65)]), None);
    }
}
