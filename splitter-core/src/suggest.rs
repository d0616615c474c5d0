//! "Did you mean ...?": the known name nearest to a mistyped one, for error messages.
//!
//! Distance is the optimal string alignment distance (Damerau-Levenshtein where each substring
//! is edited at most once): one insertion, deletion, substitution or swap of two neighbouring
//! characters is one edit. Letters are compared without case, so `Amount` is next to `amount`.
//! A suggestion is made only within one edit for names of up to four characters and two edits
//! for longer ones: further off, a "suggestion" is mostly noise.

/// The longest word a suggestion is looked for (in characters); longer ones get none, which
/// also bounds the work an error message costs on hostile input.
const MAX_WORD: usize = 64;

/// The candidate nearest to `word`, if one is close enough to be a likely typo (see the module
/// doc); ties go to the first candidate. Only called to word an error: the work is at most a
/// few dozen steps per candidate.
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
    let w: Vec<char> = word.chars().flat_map(char::to_lowercase).collect();
    if w.is_empty() || w.len() > MAX_WORD {
        return None;
    }
    let max = if w.len() <= 4 { 1 } else { 2 };
    let mut best: Option<(usize, &str)> = None;
    let mut c: Vec<char> = Vec::new();
    for candidate in candidates {
        // A candidate of very different length is never close (a character is at most four
        // bytes: a longer candidate is not even read).
        if candidate.len() > 4 * (MAX_WORD + max) {
            continue;
        }
        c.clear();
        c.extend(candidate.chars().flat_map(char::to_lowercase));
        let limit = best.map_or(max, |(d, _)| d.saturating_sub(1));
        if let Some(d) = distance_within(&w, &c, limit) {
            best = Some((d, candidate));
            if d == 0 {
                break;
            }
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// The optimal string alignment distance of `a` and `b` if it is at most `max`, computed only
/// in the band of cells within `max` of the diagonal (further cells are already too far).
fn distance_within(a: &[char], b: &[char], max: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    const FAR: usize = usize::MAX / 2;
    let width = b.len() + 1;
    // Three rows of the table: two back (for swaps), one back, and the one being filled.
    let mut rows = [vec![FAR; width], vec![FAR; width], vec![FAR; width]];
    for (j, cell) in rows[1].iter_mut().enumerate().take(max + 1) {
        *cell = j;
    }
    for i in 1..=a.len() {
        let (back2, rest) = rows.split_at_mut(1);
        let (back1, cur) = rest.split_at_mut(1);
        let (back2, back1, cur) = (&back2[0], &back1[0], &mut cur[0]);
        cur.fill(FAR);
        let from = i.saturating_sub(max);
        let to = (i + max).min(b.len());
        if from == 0 {
            cur[0] = i;
        }
        let mut row_min = if from == 0 { i } else { FAR };
        for j in from.max(1)..=to {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (back1[j - 1] + cost).min(back1[j] + 1).min(cur[j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(back2[j - 2] + 1);
            }
            cur[j] = d;
            row_min = row_min.min(d);
        }
        if row_min > max {
            return None;
        }
        rows.rotate_left(1);
    }
    // After the last rotation the last row filled is rows[1].
    Some(rows[1][b.len()]).filter(|d| *d <= max)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The full table, for checking the banded one.
    fn osa(a: &[char], b: &[char]) -> usize {
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
        fn banded_is_the_full_table(a in "[abc]{0,9}", b in "[abc]{0,9}", max in 0usize..4) {
            let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
            let full = osa(&a, &b);
            proptest::prop_assert_eq!(distance_within(&a, &b, max), (full <= max).then_some(full));
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
        assert_eq!(did_you_mean(&"a".repeat(65), [&*"a".repeat(65)]), None);
    }
}
