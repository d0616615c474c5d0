//! The readable report: a balances table and the suggested transfers.
//!
//! Amounts are printed exactly as the engine gives them (`Decimal`'s `Display`, which carries the
//! currency's number of decimals); nothing here does arithmetic on money.

use std::collections::HashMap;
use std::fmt::Write;

use splitter_core::{Group, Report};

/// How members are shown: their display name when the group gives one that is unique, else their
/// id. Control characters are replaced so that a name cannot break the table or the terminal.
pub struct Labels<'g> {
    names: HashMap<&'g str, &'g str>,
}

impl<'g> Labels<'g> {
    /// Labels for the members of `group`.
    pub fn new(group: &'g Group) -> Labels<'g> {
        let mut uses: HashMap<&str, usize> = HashMap::new();
        for name in group.members.iter().filter_map(|m| m.name.as_deref()) {
            *uses.entry(name).or_default() += 1;
        }
        let names = group
            .members
            .iter()
            .filter_map(|m| Some((m.id.as_str(), m.name.as_deref()?)))
            .filter(|(_, name)| !name.trim().is_empty() && uses[name] == 1)
            .collect();
        Labels { names }
    }

    /// The label of member `id` (the id itself for an id the group does not know).
    pub fn of(&self, id: &str) -> String {
        clean(self.names.get(id).copied().unwrap_or(id))
    }
}

/// `text` with control characters replaced by `?`.
fn clean(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// The width of `text` in a monospaced table, counted in characters.
fn width(text: &str) -> usize {
    text.chars().count()
}

/// `n` and the noun, pluralised with an `s` when `n` is not 1.
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("{n} {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// How a column's cells are aligned.
#[derive(Clone, Copy)]
enum Align {
    /// Text: padded on the right.
    Left,
    /// Amounts: padded on the left, so that the decimal points line up.
    Right,
}

/// Writes `rows` (the first being the header) as columns separated by two spaces, indented by
/// two spaces, without trailing whitespace.
fn write_table(out: &mut String, rows: &[Vec<String>], align: &[Align]) {
    let widths: Vec<usize> = (0..align.len())
        .map(|c| rows.iter().map(|r| width(&r[c])).max().unwrap_or(0))
        .collect();
    for row in rows {
        let mut line = String::from(" ");
        for (c, cell) in row.iter().enumerate() {
            let pad = " ".repeat(widths[c] - width(cell));
            line.push(' ');
            match align[c] {
                Align::Left => {
                    line.push_str(cell);
                    line.push_str(&pad);
                }
                Align::Right => {
                    line.push_str(&pad);
                    line.push_str(cell);
                }
            }
            line.push(' ');
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
}

/// The whole readable report for `group` and its computed `report`.
pub fn render(group: &Group, report: &Report) -> String {
    let labels = Labels::new(group);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Group in {}: {}, {}, {}",
        report.currency,
        count(group.members.len(), "member"),
        count(group.expenses.len(), "expense"),
        count(group.payments.len(), "payment"),
    );

    out.push_str("\nBalances\n");
    let mut rows = vec![["member", "currency", "paid", "owed", "net"]
        .map(String::from)
        .to_vec()];
    for b in &report.balances {
        rows.push(vec![
            labels.of(&b.member),
            b.currency.clone(),
            b.paid.to_string(),
            b.owed.to_string(),
            b.net.to_string(),
        ]);
    }
    use Align::{Left, Right};
    write_table(&mut out, &rows, &[Left, Left, Right, Right, Right]);

    out.push_str("\nSuggested transfers\n");
    if report.transfers.is_empty() {
        out.push_str("  none: everyone is settled up\n");
    }
    for t in &report.transfers {
        let _ = writeln!(
            out,
            "  {} pays {} {} {}",
            labels.of(&t.from),
            labels.of(&t.to),
            t.amount,
            t.currency
        );
    }

    let _ = writeln!(out, "\nSettle method: {}", report.settle.as_str());
    let n = count(report.transfers.len(), "transfer");
    let _ = if report.optimal {
        writeln!(out, "Optimal: yes ({n}, proven to be the fewest possible)")
    } else {
        writeln!(out, "Optimal: not proven ({n}; fewer may be possible)")
    };
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use splitter_core::Member;

    fn group(members: Vec<Member>) -> Group {
        Group {
            currency: "EUR".into(),
            members,
            ..Group::default()
        }
    }

    fn named(id: &str, name: &str) -> Member {
        Member {
            id: id.into(),
            name: Some(name.into()),
        }
    }

    #[test]
    fn labels_prefer_unique_names() {
        let g = group(vec![
            named("ana", "Ana"),
            Member::new("ben"),
            named("cy", "Sam"),
            named("dee", "Sam"),
            named("eve", " "),
            named("fay", "Fay\u{1b}[31m"),
        ]);
        let l = Labels::new(&g);
        assert_eq!(l.of("ana"), "Ana");
        assert_eq!(l.of("ben"), "ben");
        assert_eq!(l.of("cy"), "cy");
        assert_eq!(l.of("dee"), "dee");
        assert_eq!(l.of("eve"), "eve");
        assert_eq!(l.of("fay"), "Fay?[31m");
        assert_eq!(l.of("zoe"), "zoe");
    }

    #[test]
    fn table_aligns_amounts_right() {
        let mut out = String::new();
        let rows = vec![
            vec!["member".to_string(), "net".to_string()],
            vec!["ana".to_string(), "-5.20".to_string()],
            vec!["ben".to_string(), "34.40".to_string()],
        ];
        write_table(&mut out, &rows, &[Align::Left, Align::Right]);
        assert_eq!(out, "  member    net\n  ana     -5.20\n  ben     34.40\n");
    }

    #[test]
    fn counts() {
        assert_eq!(count(1, "payment"), "1 payment");
        assert_eq!(count(0, "payment"), "0 payments");
        assert_eq!(count(3, "member"), "3 members");
    }
}
