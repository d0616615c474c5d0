//! One table of the report as CSV (`--format csv`), written a row at a time.
//!
//! The layouts, each with a header line (RFC 4180: commas, cells quoted when needed, `\n` line
//! ends):
//!
//! | table | columns |
//! |---|---|
//! | balances | `member,currency,paid,owed,net` |
//! | transfers | `from,to,amount,currency` |
//! | shares | `expense,member,currency,amount,group_amount` (`group_amount` empty unless converted) |
//!
//! Ids are the input's ids (as in the JSON output), amounts the engine's exact decimal strings.
//! An id that a spreadsheet would run as a formula is written with a leading `'`
//! ([`splitter_splitwise::guard`]); amounts are numbers and are written as they are.

use std::io;

use splitter_core::Report;
use splitter_splitwise::guard;

use crate::cli::CsvTable;

/// Writes `table` of `report` to `out`.
///
/// # Errors
///
/// `out`'s errors.
pub fn write<W: io::Write>(report: &Report, table: CsvTable, out: W) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    match table {
        CsvTable::Balances => {
            w.write_record(["member", "currency", "paid", "owed", "net"])
                .map_err(io_error)?;
            for b in &report.balances {
                w.write_record([
                    guard(&b.member),
                    guard(&b.currency),
                    b.paid.to_string(),
                    b.owed.to_string(),
                    b.net.to_string(),
                ])
                .map_err(io_error)?;
            }
        }
        CsvTable::Transfers => {
            w.write_record(["from", "to", "amount", "currency"])
                .map_err(io_error)?;
            for t in &report.transfers {
                w.write_record([
                    guard(&t.from),
                    guard(&t.to),
                    t.amount.to_string(),
                    guard(&t.currency),
                ])
                .map_err(io_error)?;
            }
        }
        CsvTable::Shares => {
            w.write_record(["expense", "member", "currency", "amount", "group_amount"])
                .map_err(io_error)?;
            for s in &report.shares {
                w.write_record([
                    guard(&s.expense),
                    guard(&s.member),
                    s.currency.code().to_string(),
                    s.amount.to_string(),
                    s.group_amount.map(|a| a.to_string()).unwrap_or_default(),
                ])
                .map_err(io_error)?;
            }
        }
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

    fn csv(table: CsvTable) -> String {
        let report = splitter_core::compute(
            &splitter_core::wire::group_from_json(
                r#"{"currency": "EUR", "members": ["=ana", "ben"], "rates": {"USD": "0.5"},
                    "expenses": [{"id": "e1", "amount": "10.00", "paid_by": "=ana", "split": {"type": "equal"}},
                                 {"id": "e2", "amount": "1.00", "currency": "USD", "paid_by": "ben",
                                  "split": {"type": "equal", "members": ["ben"]}}]}"#,
            )
            .expect("a group"),
        )
        .expect("it computes");
        let mut out = Vec::new();
        write(&report, table, &mut out).expect("written");
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn layouts() {
        assert_eq!(
            csv(CsvTable::Balances),
            "member,currency,paid,owed,net\n'=ana,EUR,10.00,5.00,5.00\nben,EUR,0.50,5.50,-5.00\n"
        );
        assert_eq!(
            csv(CsvTable::Transfers),
            "from,to,amount,currency\nben,'=ana,5.00,EUR\n"
        );
        assert_eq!(
            csv(CsvTable::Shares),
            "expense,member,currency,amount,group_amount\n\
             e1,'=ana,EUR,5.00,\ne1,ben,EUR,5.00,\ne2,ben,USD,1.00,0.50\n"
        );
    }
}
