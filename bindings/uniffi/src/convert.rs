//! Records to the core's JSON value (named exactly as the wire contract names them, so that the
//! core's decoder gives the same errors at the same paths), and the core's report to records.

use splitter_core::Json;

use crate::{
    Amount, BalancesIn, Expense, Group, Item, Options, PaidBy, Part, Payment, Report, SettleMethod, Split,
    Transfer,
};

/// An object under construction: fields in the contract's order, absent ones left out.
#[derive(Default)]
struct Obj(Vec<(String, Json)>);

impl Obj {
    fn put(mut self, key: &str, value: Json) -> Obj {
        self.0.push((key.to_string(), value));
        self
    }

    fn opt(self, key: &str, value: Option<Json>) -> Obj {
        match value {
            Some(v) => self.put(key, v),
            None => self,
        }
    }

    fn done(self) -> Json {
        Json::Object(self.0)
    }
}

fn text(s: &str) -> Json {
    Json::String(s.to_string())
}

/// An amount goes to the core as its text, read there by the same strict reader as a decimal
/// string of the JSON form.
fn amount(a: &Amount) -> Json {
    Json::String(a.0.clone())
}

fn opt_text(s: &Option<String>) -> Option<Json> {
    s.as_deref().map(text)
}

fn strings(list: &[String]) -> Json {
    Json::Array(list.iter().map(|s| text(s)).collect())
}

/// Parts as a JSON object in their order; a member named twice stays twice, so that the core
/// reports it (`duplicate_id`).
fn parts(list: &[Part]) -> Json {
    Json::Object(
        list.iter()
            .map(|p| (p.member.clone(), amount(&p.value)))
            .collect(),
    )
}

/// The group as the contract's JSON value.
pub(crate) fn group_json(g: &Group) -> Json {
    let members = g
        .members
        .iter()
        .map(|m| match &m.name {
            None => text(&m.id),
            Some(name) => Obj::default()
                .put("id", text(&m.id))
                .put("name", text(name))
                .done(),
        })
        .collect();
    let rates = g
        .rates
        .iter()
        .map(|r| (r.currency.clone(), amount(&r.rate)))
        .collect();
    Obj::default()
        .put("currency", text(&g.currency))
        .put("members", Json::Array(members))
        .put("rates", Json::Object(rates))
        .put("expenses", Json::Array(g.expenses.iter().map(expense).collect()))
        .put("payments", Json::Array(g.payments.iter().map(payment).collect()))
        .opt("options", g.options.as_ref().map(options))
        .done()
}

fn expense(e: &Expense) -> Json {
    let paid_by = match &e.paid_by {
        PaidBy::One { member } => text(member),
        PaidBy::Several { amounts } => parts(amounts),
    };
    Obj::default()
        .put("id", text(&e.id))
        .put("amount", amount(&e.amount))
        .opt("currency", opt_text(&e.currency))
        .opt("rate", e.rate.as_ref().map(amount))
        .put("paid_by", paid_by)
        .put("split", split(&e.split))
        .opt("description", opt_text(&e.description))
        .opt("date", opt_text(&e.date))
        .opt("category", opt_text(&e.category))
        .done()
}

fn split(s: &Split) -> Json {
    let o = |kind: &str| Obj::default().put("type", text(kind));
    let members = |m: &Option<Vec<String>>| m.as_deref().map(strings);
    match s {
        Split::Equal { members: m } => o("equal").opt("members", members(m)),
        Split::Shares { shares } => o("shares").put("shares", parts(shares)),
        Split::Percent { percent } => o("percent").put("percent", parts(percent)),
        Split::Exact { amounts } => o("exact").put("amounts", parts(amounts)),
        Split::Adjustment {
            members: m,
            adjustments,
        } => o("adjustment")
            .opt("members", members(m))
            .put("adjustments", parts(adjustments)),
        Split::Itemized { items, extras } => {
            let extras = extras
                .iter()
                .map(|x| {
                    Obj::default()
                        .put("label", text(&x.label))
                        .put("amount", amount(&x.amount))
                        .done()
                })
                .collect();
            o("itemized")
                .put("items", Json::Array(items.iter().map(item).collect()))
                .put("extras", Json::Array(extras))
        }
    }
    .done()
}

fn item(i: &Item) -> Json {
    Obj::default()
        .put("amount", amount(&i.amount))
        .put("split", split(&i.split))
        .opt("description", opt_text(&i.description))
        .done()
}

fn payment(p: &Payment) -> Json {
    Obj::default()
        .put("from", text(&p.from))
        .put("to", text(&p.to))
        .put("amount", amount(&p.amount))
        .opt("currency", opt_text(&p.currency))
        .opt("rate", p.rate.as_ref().map(amount))
        .opt("id", opt_text(&p.id))
        .opt("date", opt_text(&p.date))
        .done()
}

fn options(o: &Options) -> Json {
    let settle = o.settle.map(|s| {
        text(match s {
            SettleMethod::Minimal => "minimal",
            SettleMethod::Greedy => "greedy",
            SettleMethod::Pairwise => "pairwise",
        })
    });
    let balances_in = o.balances_in.map(|b| {
        text(match b {
            BalancesIn::Group => "group",
            BalancesIn::Each => "each",
        })
    });
    let previous = o
        .previous
        .iter()
        .map(|t| {
            Obj::default()
                .put("from", text(&t.from))
                .put("to", text(&t.to))
                .put("amount", amount(&t.amount))
                .put("currency", text(&t.currency))
                .done()
        })
        .collect();
    Obj::default()
        .opt("settle", settle)
        .opt("balances_in", balances_in)
        // A whole number, as JSON number text: the core refuses a negative one (`invalid_option`).
        .opt("exact_limit", o.exact_limit.map(|n| Json::Number(n.to_string())))
        .put("previous", Json::Array(previous))
        .done()
}

/// The core's report as records; amounts keep their text (`"5.20"`).
pub(crate) fn report(r: &splitter_core::Report) -> Report {
    Report {
        currency: r.currency.clone(),
        balances: r
            .balances
            .iter()
            .map(|b| crate::Balance {
                member: b.member.clone(),
                currency: b.currency.clone(),
                paid: b.paid.into(),
                owed: b.owed.into(),
                net: b.net.into(),
            })
            .collect(),
        shares: r
            .shares
            .iter()
            .map(|s| crate::Share {
                expense: s.expense.to_string(),
                member: s.member.to_string(),
                currency: s.currency.code().to_string(),
                amount: s.amount.into(),
                group_amount: s.group_amount.map(Amount::from),
            })
            .collect(),
        transfers: r.transfers.iter().map(transfer).collect(),
        settle: match r.settle {
            splitter_core::SettleMethod::Minimal => SettleMethod::Minimal,
            splitter_core::SettleMethod::Greedy => SettleMethod::Greedy,
            splitter_core::SettleMethod::Pairwise => SettleMethod::Pairwise,
        },
        optimal: r.optimal,
    }
}

fn transfer(t: &splitter_core::Transfer) -> Transfer {
    Transfer {
        from: t.from.clone(),
        to: t.to.clone(),
        amount: t.amount.into(),
        currency: t.currency.clone(),
    }
}
