//! # splitter-splitwise
//!
//! Splitwise's CSV layout, read into the contract's typed group and written from one: pure (no
//! HTTP, no database, no files), so that every face that reads or writes Splitwise files (the
//! server's import and export, the `splitter` CLI's `--from splitwise-csv`) shares one reader
//! and one writer, tested on their own.
//!
//! A Splitwise export has the columns `Date,Description,Category,Cost,Currency,<member>...`,
//! one row per expense or payment; each member's cell is what the row did to their balance (what
//! they paid minus their share), so the member cells of a row add up to zero. A `Total balance`
//! line is skipped. Amounts are read as exact decimals, never floats.
//!
//! Reading: a row whose category is `Payment` and that moves one amount between two members is
//! a payment; any other row is an expense of `Cost` (or what the positive cells add up to, if
//! more), paid by the members with positive cells and split `exact` by the negative ones (the
//! first payer's share is what `Cost` has beyond the positives). Errors are the core's
//! ([`splitter_core::Error`]), with paths `rows[LINE].column`; errors the core finds later in the
//! group read here name contract paths (`expenses[3].date`), which [`Parsed::row_path`] turns
//! into the CSV line they came from.
//!
//! Writing: every text cell a spreadsheet would read as a formula is [`guard`]ed (CSV
//! injection), and [`unguard`] reverses it exactly on reading, so that an export read back gives
//! the same group.
#![forbid(unsafe_code)]

use std::collections::HashMap;
use std::fmt;
use std::io;

use splitter_core::{
    BalancesIn, Decimal, Error, ErrorCode, Expense, Group, Member, PaidBy, Part, Payment, Report, Split,
};

/// A parsed export: the contract's group and, per record, its line in the file.
#[derive(Debug)]
pub struct Parsed {
    /// The group: one member per member column, the expenses then the payments in file order;
    /// payments have no id (the importer gives them one).
    pub group: Group,
    /// The line (1-based) of each expense.
    pub expense_lines: Vec<u64>,
    /// The line (1-based) of each payment.
    pub payment_lines: Vec<u64>,
}

impl Parsed {
    /// A contract path (`expenses[3].date`) as the CSV line it came from (`rows[7].date`); any
    /// other path as it is.
    pub fn row_path(&self, path: &str) -> String {
        for (key, list) in [
            ("expenses[", &self.expense_lines),
            ("payments[", &self.payment_lines),
        ] {
            if let Some(rest) = path.strip_prefix(key) {
                if let Some((n, tail)) = rest.split_once(']') {
                    if let Some(line) = n.parse::<usize>().ok().and_then(|i| list.get(i)) {
                        return format!("rows[{line}]{tail}");
                    }
                }
            }
        }
        path.to_string()
    }
}

/// Why a group could not be written as CSV by [`write()`]: a group the core computed cannot give
/// this, so it is the caller's own failure (for its log).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteError(pub String);

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "writing Splitwise CSV: {}", self.0)
    }
}

impl std::error::Error for WriteError {}

fn bad(code: ErrorCode, path: String, message: impl Into<String>) -> Error {
    Error::new(code, path, message)
}

/// An exact decimal from a cell (`""` is zero); never a float.
fn amount(cell: &str, path: String) -> Result<Decimal, Error> {
    let c = cell.trim();
    if c.is_empty() {
        return Ok(Decimal::ZERO);
    }
    let ok = c.len() <= 40
        && c.bytes()
            .enumerate()
            .all(|(i, b)| b.is_ascii_digit() || b == b'.' || (i == 0 && (b == b'-' || b == b'+')));
    let not_amount = || {
        bad(
            ErrorCode::InvalidAmount,
            path.clone(),
            format!("'{c}' is not a decimal amount"),
        )
    };
    if !ok {
        return Err(not_amount());
    }
    Decimal::from_str_exact(c).map_err(|_| not_amount())
}

/// Whether a spreadsheet would read a text cell starting with `c` as a formula.
fn triggers_formula(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r')
}

/// A text cell made safe to open in a spreadsheet (no formula injection): a cell a spreadsheet
/// would read as a formula gets a leading `'`, and so does a cell that already starts with `'`
/// followed by such a character or another `'`, so that [`unguard`] gives back exactly what was
/// written.
///
/// ```
/// use splitter_splitwise::{guard, unguard};
/// assert_eq!(guard("=SUM(A1)"), "'=SUM(A1)");
/// assert_eq!(unguard(&guard("'=x")), "'=x");
/// ```
pub fn guard(text: &str) -> String {
    let mut chars = text.chars();
    let needs = match (chars.next(), chars.next()) {
        (Some(c), _) if triggers_formula(c) => true,
        (Some('\''), Some(c)) => c == '\'' || triggers_formula(c),
        _ => false,
    };
    if needs {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// A row's cell as written: the text columns (date, description, category, currency)
/// [`guard`]ed, the numbers as they are.
fn text_guard(column: usize, cell: &str) -> String {
    if matches!(column, 0 | 1 | 2 | 4) {
        guard(cell)
    } else {
        cell.to_string()
    }
}

/// The text a [`guard`]ed cell stood for.
pub fn unguard(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(|c: char| c == '\'' || triggers_formula(c)) => rest,
        _ => cell,
    }
}

/// The line (1-based) where a quoted cell opens that the file never closes, if any: the CSV
/// reader would take the rest of the file as that one cell.
pub fn unclosed_quote(body: &[u8]) -> Option<u64> {
    let (mut line, mut opened_at) = (1u64, None);
    let mut at_cell_start = true;
    let mut i = 0;
    while i < body.len() {
        let b = body[i];
        match opened_at {
            Some(_) if b == b'"' && body.get(i + 1) == Some(&b'"') => i += 1, // an escaped quote
            Some(_) if b == b'"' => opened_at = None,
            None if b == b'"' && at_cell_start => opened_at = Some(line),
            _ => {}
        }
        if b == b'\n' {
            line += 1;
        }
        at_cell_start = opened_at.is_none() && matches!(b, b',' | b'\n' | b'\r');
        i += 1;
    }
    opened_at
}

/// The line (1-based) where a record starts, for records in file order: the CSV reader's own
/// line count is that of the end of the previous record, before any blank lines, so a user
/// would look at the wrong line.
struct LineCounter<'b> {
    body: &'b [u8],
    /// The offset counted up to, and the line it is on.
    byte: usize,
    line: u64,
}

impl<'b> LineCounter<'b> {
    fn new(body: &'b [u8]) -> Self {
        LineCounter {
            body,
            byte: 0,
            line: 1,
        }
    }

    fn at(&mut self, byte: u64) -> u64 {
        let to = usize::try_from(byte).unwrap_or(usize::MAX).min(self.body.len());
        if to > self.byte {
            let newlines = self.body[self.byte..to].iter().filter(|&&b| b == b'\n').count();
            self.line += newlines as u64;
            self.byte = to;
        }
        // The reader gives a record the offset where the previous one ended: blank lines
        // before it belong to it.
        while let Some(&b) = self.body.get(self.byte).filter(|b| matches!(b, b'\n' | b'\r')) {
            self.line += u64::from(b == b'\n');
            self.byte += 1;
        }
        self.line
    }
}

/// The leading cells of the header line, in order (compared without case).
const HEADER: [&str; 5] = ["date", "description", "category", "cost", "currency"];

/// Reads a Splitwise export into the contract's group (see the module's rules).
///
/// # Errors
///
/// The core's error with a `rows[LINE]` path: `invalid_input` for text that is not CSV, an
/// unclosed quote, a wrong header, a row with the wrong number of cells or an empty file;
/// `invalid_amount` for a cell that is not a decimal; `split_mismatch` when a row's member cells
/// do not add up to zero; `overflow` when they are too large to add up.
///
/// ```
/// use splitter_splitwise::parse;
/// let csv = "Date,Description,Category,Cost,Currency,ana,ben\n\
///            2026-11-02,Dinner,Food,60.00,EUR,30.00,-30.00\n";
/// let parsed = parse(csv.as_bytes()).unwrap();
/// assert_eq!(parsed.group.members.len(), 2);
/// assert_eq!(parsed.group.expenses[0].amount.to_string(), "60.00");
/// assert_eq!(parsed.row_path("expenses[0].date"), "rows[2].date");
/// ```
pub fn parse(body: &[u8]) -> Result<Parsed, Error> {
    if let Some(line) = unclosed_quote(body) {
        return Err(bad(
            ErrorCode::InvalidInput,
            format!("rows[{line}]"),
            "a quoted cell opens on this line and is never closed",
        ));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(body);
    let mut header: Option<Vec<String>> = None;
    let mut group = Group::default();
    let mut parsed_lines = (Vec::new(), Vec::new());
    let mut currencies: Vec<String> = Vec::new();
    let mut lines = LineCounter::new(body);
    for rec in reader.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            bad(
                ErrorCode::InvalidInput,
                format!("rows[{line}]"),
                format!("not CSV: {e}"),
            )
        })?;
        let line = rec.position().map_or(0, |p| lines.at(p.byte()));
        let cells: Vec<&str> = rec.iter().collect();
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let Some(h) = &header else {
            let names: Vec<String> = cells
                .iter()
                .map(|c| unguard(c.trim().trim_start_matches('\u{feff}')).to_string())
                .collect();
            if names.len() < 6 || !names.iter().zip(HEADER).all(|(n, w)| n.eq_ignore_ascii_case(w)) {
                return Err(bad(
                    ErrorCode::InvalidInput,
                    format!("rows[{line}]"),
                    "the first line must be Date,Description,Category,Cost,Currency,<member>...",
                ));
            }
            header = Some(names);
            continue;
        };
        let cell = |i: usize| unguard(cells.get(i).copied().unwrap_or("").trim());
        let at = |col: &str| format!("rows[{line}].{col}");
        if cell(1).eq_ignore_ascii_case("total balance") {
            continue;
        }
        if cells.len() != h.len() {
            return Err(bad(
                ErrorCode::InvalidInput,
                format!("rows[{line}]"),
                format!("{} cells where the header has {}", cells.len(), h.len()),
            ));
        }
        let cost = amount(cell(3), at("Cost"))?;
        let currency = cell(4).to_string();
        let mut nets = Vec::new();
        let mut sum = Decimal::ZERO;
        for (j, m) in h.iter().enumerate().skip(5) {
            let v = amount(cell(j), at(m))?;
            sum = sum
                .checked_add(v)
                .ok_or_else(|| bad(ErrorCode::Overflow, at(m), "too large"))?;
            nets.push((m.as_str(), v));
        }
        if !sum.is_zero() {
            return Err(bad(
                ErrorCode::SplitMismatch,
                format!("rows[{line}]"),
                format!("the member columns add up to {sum}, not 0"),
            ));
        }
        let nonzero: Vec<(&str, Decimal)> = nets.into_iter().filter(|(_, v)| !v.is_zero()).collect();
        if nonzero.is_empty() {
            // Changes no balance (someone paid only for themselves).
            continue;
        }
        if !currencies.contains(&currency) {
            currencies.push(currency.clone());
        }
        let date = (!cell(0).is_empty()).then(|| cell(0).get(..10).unwrap_or(cell(0)).to_string());
        let category = cell(2);
        let is_payment =
            category.eq_ignore_ascii_case("payment") && nonzero.len() == 2 && nonzero[0].1 == -nonzero[1].1;
        if is_payment {
            let (from, to) = if nonzero[0].1.is_sign_positive() {
                (nonzero[0], nonzero[1])
            } else {
                (nonzero[1], nonzero[0])
            };
            let mut p = Payment::new(from.0, to.0, from.1);
            p.currency = Some(currency);
            p.date = date;
            group.payments.push(p);
            parsed_lines.1.push(line);
            continue;
        }
        let too_large = || {
            bad(
                ErrorCode::Overflow,
                format!("rows[{line}]"),
                "the amounts are too large to add up",
            )
        };
        let positives: Vec<(&str, Decimal)> = nonzero
            .iter()
            .copied()
            .filter(|(_, v)| v.is_sign_positive())
            .collect();
        let due = positives
            .iter()
            .try_fold(Decimal::ZERO, |sum, (_, v)| sum.checked_add(*v))
            .ok_or_else(too_large)?;
        let total = if cost >= due { cost } else { due };
        let extra = total.checked_sub(due).ok_or_else(too_large)?;
        let mut paid = Vec::new();
        for (i, (m, v)) in positives.iter().enumerate() {
            let p = if i == 0 {
                v.checked_add(extra).ok_or_else(too_large)?
            } else {
                *v
            };
            paid.push(Part::new(*m, p));
        }
        let mut owed = Vec::new();
        if !extra.is_zero() {
            owed.push(Part::new(positives[0].0, extra));
        }
        owed.extend(
            nonzero
                .iter()
                .filter(|(_, v)| v.is_sign_negative())
                .map(|(m, v)| Part::new(*m, -*v)),
        );
        let paid_by = if paid.len() == 1 {
            PaidBy::One(positives[0].0.to_string())
        } else {
            PaidBy::Several(paid)
        };
        let id = format!("e{}", group.expenses.len() + 1);
        let mut e = Expense::new(id, total, paid_by, Split::Exact { amounts: owed });
        e.currency = Some(currency);
        e.description = (!cell(1).is_empty()).then(|| cell(1).to_string());
        e.category = (!category.is_empty()).then(|| category.to_string());
        e.date = date;
        group.expenses.push(e);
        parsed_lines.0.push(line);
    }
    let Some(h) = header else {
        return Err(bad(ErrorCode::InvalidInput, String::new(), "an empty file"));
    };
    group.members = h.iter().skip(5).map(Member::new).collect();
    group.currency = currencies.first().cloned().unwrap_or_else(|| "USD".into());
    group.options.balances_in = if currencies.len() > 1 {
        BalancesIn::Each
    } else {
        BalancesIn::Group
    };
    Ok(Parsed {
        group,
        expense_lines: parsed_lines.0,
        payment_lines: parsed_lines.1,
    })
}

/// The group, with its computed report, as Splitwise CSV: a row per expense (each member's cell
/// is what they paid minus their share, in the expense's currency) and per payment (category
/// `Payment`), which [`parse`] reads back into the same balances.
///
/// # Errors
///
/// [`WriteError`] if a member's net does not fit a decimal, which a group the core computed
/// cannot give.
///
/// ```
/// use splitter_splitwise::{parse, write};
/// let csv = "Date,Description,Category,Cost,Currency,ana,ben\n\
///            2026-11-02,Dinner,Food,60.00,EUR,30.00,-30.00\n";
/// let group = parse(csv.as_bytes()).unwrap().group;
/// let report = splitter_core::compute(&group).unwrap();
/// assert_eq!(write(&group, &report).unwrap(), csv);
/// ```
pub fn write(group: &Group, report: &Report) -> Result<String, WriteError> {
    let mut out = Vec::new();
    write_to(group, report, &mut out).map_err(|e| WriteError(e.to_string()))?;
    String::from_utf8(out).map_err(|e| WriteError(e.to_string()))
}

/// [`write()`], a row at a time into `out` (a large group's CSV is never held whole).
///
/// # Errors
///
/// `out`'s own errors, and an [`io::ErrorKind::Other`] error if a member's net does not fit a
/// decimal, which a group the core computed cannot give.
pub fn write_to<W: io::Write>(group: &Group, report: &Report, out: W) -> io::Result<()> {
    let overflow = |what: &str| io::Error::other(what.to_string());
    let mut w = csv::WriterBuilder::new().from_writer(out);
    let mut head = vec!["Date", "Description", "Category", "Cost", "Currency"];
    head.extend(group.members.iter().map(|m| m.id.as_str()));
    w.write_record(head.iter().map(|h| guard(h))).map_err(io_error)?;
    let shares: HashMap<(&str, &str), Decimal> = report
        .shares
        .iter()
        .map(|sh| ((&*sh.expense, &*sh.member), sh.amount))
        .collect();
    let zero = Decimal::ZERO;
    for e in &group.expenses {
        let currency = e.currency.clone().unwrap_or_else(|| group.currency.clone());
        let mut row = vec![
            e.date.clone().unwrap_or_default(),
            e.description.clone().unwrap_or_default(),
            e.category.clone().unwrap_or_default(),
            e.amount.to_string(),
            currency,
        ];
        for m in &group.members {
            let paid = match &e.paid_by {
                PaidBy::One(p) if p == &m.id => e.amount,
                PaidBy::One(_) => zero,
                PaidBy::Several(list) => list
                    .iter()
                    .filter(|p| p.member == m.id)
                    .try_fold(zero, |sum, p| sum.checked_add(p.value))
                    .ok_or_else(|| overflow("a payer's amounts overflow"))?,
            };
            let share = shares
                .get(&(e.id.as_str(), m.id.as_str()))
                .copied()
                .unwrap_or(zero);
            let net = paid
                .checked_sub(share)
                .ok_or_else(|| overflow("an expense's net overflows"))?;
            row.push(if net.is_zero() {
                "0".into()
            } else {
                net.to_string()
            });
        }
        w.write_record(row.iter().enumerate().map(|(i, c)| text_guard(i, c)))
            .map_err(io_error)?;
    }
    for p in &group.payments {
        let mut row = vec![
            p.date.clone().unwrap_or_default(),
            "Payment".to_string(),
            "Payment".to_string(),
            p.amount.to_string(),
            p.currency.clone().unwrap_or_else(|| group.currency.clone()),
        ];
        for m in &group.members {
            row.push(if m.id == p.from {
                p.amount.to_string()
            } else if m.id == p.to {
                (-p.amount).to_string()
            } else {
                "0".into()
            });
        }
        w.write_record(row.iter().enumerate().map(|(i, c)| text_guard(i, c)))
            .map_err(io_error)?;
    }
    w.flush()
}

/// A CSV writer's error as the I/O error it is (a closed pipe stays a closed pipe).
fn io_error(e: csv::Error) -> io::Error {
    if !matches!(e.kind(), csv::ErrorKind::Io(_)) {
        return io::Error::other(e);
    }
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formulas_are_guarded() {
        for (text, written) in [
            ("=1+1", "'=1+1"),
            ("+tax", "'+tax"),
            ("-5", "'-5"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("'=x", "''=x"),
            ("''", "'''"),
            ("'plain", "'plain"),
            ("plain", "plain"),
            ("", ""),
        ] {
            assert_eq!(guard(text), written, "{text:?}");
            assert_eq!(unguard(written), text, "{written:?}");
        }
    }

    #[test]
    fn an_export_reads_back_into_the_same_balances() {
        let csv = "Date,Description,Category,Cost,Currency,ana,ben,cy\n\
                   2026-11-02,=Dinner,Food,90.00,EUR,60.00,-30.00,-30.00\n\
                   2026-11-03,Taxi,,20.00,EUR,-10.00,20.00,-10.00\n\
                   2026-11-04,Payment,Payment,5.00,EUR,0,5.00,-5.00\n";
        let parsed = parse(csv.as_bytes()).unwrap();
        assert_eq!(parsed.group.expenses.len(), 2);
        assert_eq!(parsed.group.payments.len(), 1);
        assert_eq!(parsed.group.expenses[0].description.as_deref(), Some("=Dinner"));
        let report = splitter_core::compute(&parsed.group).unwrap();
        let again = parse(write(&parsed.group, &report).unwrap().as_bytes()).unwrap();
        let report_again = splitter_core::compute(&again.group).unwrap();
        assert_eq!(report.balances, report_again.balances);
        assert_eq!(again.group.expenses[0].description.as_deref(), Some("=Dinner"));
    }

    #[test]
    fn errors_name_the_line_and_column() {
        let csv = "Date,Description,Category,Cost,Currency,ana,ben\n\n2026-11-02,X,,1.00,EUR,1.0x,-1.00\n";
        let e = parse(csv.as_bytes()).unwrap_err();
        assert_eq!(
            (e.code, e.path.as_str()),
            (ErrorCode::InvalidAmount, "rows[3].ana")
        );
        let csv = "Date,Description,Category,Cost,Currency,ana,ben\n2026-11-02,X,,1.00,EUR,1.00,-0.99\n";
        let e = parse(csv.as_bytes()).unwrap_err();
        assert_eq!((e.code, e.path.as_str()), (ErrorCode::SplitMismatch, "rows[2]"));
        let max = "79228162514264337593543950335";
        let csv =
            format!("Date,Description,Category,Cost,Currency,a,b,c,d\n,X,,1,EUR,{max},-{max},{max},-{max}\n");
        let e = parse(csv.as_bytes()).unwrap_err();
        assert_eq!(e.code, ErrorCode::Overflow);
        assert_eq!(parse(b"").unwrap_err().code, ErrorCode::InvalidInput);
        assert_eq!(parse(b"a,\"b\n").unwrap_err().path, "rows[1]");
    }

    proptest! {
        /// Any text comes back exactly, and no guarded cell starts a formula.
        #[test]
        fn guard_round_trips(text in "['=+@\t\r-]{0,3}.{0,6}") {
            let written = guard(&text);
            prop_assert_eq!(unguard(&written), text.as_str());
            prop_assert!(!written.starts_with(['=', '+', '-', '@', '\t', '\r']));
        }
    }
}
