//! The readable report: a balances table and the suggested transfers, laid out by comfy-table.
//!
//! Amounts are printed exactly as the engine gives them (`Decimal`'s `Display`, which carries the
//! currency's number of decimals) and right-aligned, so that their decimal points line up;
//! nothing here does arithmetic on money.

use std::collections::HashMap;
use std::fmt::Write;

use comfy_table::{presets, CellAlignment, ContentArrangement, Table};
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

/// `n` and the noun, pluralised with an `s` when `n` is not 1.
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("{n} {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// A borderless table of `rows`, indented by two spaces, its columns `gap` spaces apart and
/// aligned as `align` says.
fn table<R: Into<comfy_table::Row>>(
    rows: impl IntoIterator<Item = R>,
    align: &[CellAlignment],
    gap: u16,
) -> Table {
    let mut t = Table::new();
    t.load_preset(presets::NOTHING);
    t.set_content_arrangement(ContentArrangement::Disabled);
    t.add_rows(rows);
    for (i, a) in align.iter().enumerate() {
        if let Some(c) = t.column_mut(i) {
            c.set_cell_alignment(*a);
            c.set_padding((if i == 0 { 2 } else { gap }, 0));
        }
    }
    t
}

/// Appends the table's lines to `out`, without trailing spaces.
fn write_table(out: &mut String, t: &Table) {
    for line in t.lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
}

/// The whole readable report for `group` and its computed `report`.
pub fn render(group: &Group, report: &Report) -> String {
    use CellAlignment::{Left, Right};
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
    let header = ["member", "currency", "paid", "owed", "net"].map(String::from);
    let rows = report.balances.iter().map(|b| {
        [
            labels.of(&b.member),
            b.currency.clone(),
            b.paid.to_string(),
            b.owed.to_string(),
            b.net.to_string(),
        ]
    });
    let balances = table(
        std::iter::once(header).chain(rows),
        &[Left, Left, Right, Right, Right],
        2,
    );
    write_table(&mut out, &balances);

    out.push_str("\nSuggested transfers\n");
    if report.transfers.is_empty() {
        out.push_str("  none: everyone is settled up\n");
    } else {
        let rows = report.transfers.iter().map(|t| {
            [
                format!("{} pays {}", labels.of(&t.from), labels.of(&t.to)),
                t.amount.to_string(),
                t.currency.clone(),
            ]
        });
        write_table(&mut out, &table(rows, &[Left, Right, Left], 1));
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
        let rows = [
            ["member", "net"],
            ["ana", "-5.20"],
            ["ben", "134.40"],
            ["Zoë 名前", "0.00"],
        ];
        write_table(
            &mut out,
            &table(rows, &[CellAlignment::Left, CellAlignment::Right], 2),
        );
        assert_eq!(
            out,
            "  member       net\n  ana        -5.20\n  ben       134.40\n  Zoë 名前    0.00\n"
        );
    }

    #[test]
    fn counts() {
        assert_eq!(count(1, "payment"), "1 payment");
        assert_eq!(count(0, "payment"), "0 payments");
        assert_eq!(count(3, "member"), "3 members");
    }
}
