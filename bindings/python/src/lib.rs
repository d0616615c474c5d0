//! The Python face of splitter-core: one function (`compute`), one class (`Report`), one
//! exception (`SplitterError`). Python objects are turned into the core's JSON value directly
//! (no text in between), floats are refused where they are found, the core runs with the GIL
//! released, and the report is turned into Python objects only when a field is read.

use pyo3::create_exception;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use splitter_core::{wire, Error, ErrorCode, Json, Report as CoreReport};

create_exception!(
    _splitter,
    SplitterError,
    PyValueError,
    "Bad input: `.code` is the contract's stable error code, `.path` the place in the input."
);

/// The contract's error as a `SplitterError` with `.code` and `.path`.
fn to_py_err(py: Python<'_>, e: &Error) -> PyErr {
    let err = SplitterError::new_err(format!("{}: {}", e.code, e.message));
    let value = err.value(py);
    // Setting two attributes on a fresh exception cannot fail in practice; if it did, the
    // message still carries the code.
    let _ = value.setattr("code", e.code.as_str());
    let _ = value.setattr("path", e.path.as_str());
    err
}

/// Where a Python value sits in the input, rendered (`expenses[0].amount`) only for an error.
enum Loc<'a> {
    Root(&'a str),
    Key(&'a Loc<'a>, &'a str),
    Index(&'a Loc<'a>, usize),
}

impl std::fmt::Display for Loc<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Loc::Root(name) => f.write_str(name),
            Loc::Key(Loc::Root(""), key) => f.write_str(key),
            Loc::Key(parent, key) => write!(f, "{parent}.{key}"),
            Loc::Index(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}

/// A Python object as the core's JSON value. Decimals and ints become numbers read exactly from
/// their text; a float anywhere is refused (it may already have lost precision). The common
/// types are tested first.
fn to_json(obj: &Bound<'_, PyAny>, loc: &Loc<'_>) -> Result<Json, Error> {
    let bad = |code, message: String| Error::new(code, loc.to_string(), message);
    if obj.is_instance_of::<PyString>() {
        let s: String = obj
            .extract()
            .map_err(|_| bad(ErrorCode::InvalidInput, "an unreadable string".into()))?;
        return Ok(Json::String(s));
    }
    if let Ok(dict) = obj.cast::<PyDict>() {
        let mut entries = Vec::with_capacity(dict.len());
        for (k, v) in dict.iter() {
            let key: String = k
                .extract()
                .map_err(|_| bad(ErrorCode::InvalidInput, "object keys must be strings".into()))?;
            let value = to_json(&v, &Loc::Key(loc, &key))?;
            entries.push((key, value));
        }
        return Ok(Json::Object(entries));
    }
    if let Ok(list) = obj.cast::<PyList>() {
        return array(list.iter(), loc);
    }
    if obj.is_instance_of::<PyBool>() {
        return Ok(Json::Bool(obj.is_truthy().unwrap_or(false)));
    }
    if obj.is_instance_of::<PyFloat>() {
        return Err(bad(
            ErrorCode::InvalidAmount,
            format!(
                "a float ({}) is not accepted: pass a str or decimal.Decimal, floats cannot hold money exactly",
                obj.str().map(|s| s.to_string()).unwrap_or_default()
            ),
        ));
    }
    if obj.is_instance_of::<PyInt>() {
        return Ok(Json::Number(obj.str().map(|s| s.to_string()).unwrap_or_default()));
    }
    if obj.is_none() {
        return Ok(Json::Null);
    }
    if let Ok(tuple) = obj.cast::<PyTuple>() {
        return array(tuple.iter(), loc);
    }
    let type_name = obj.get_type().name().map(|n| n.to_string()).unwrap_or_default();
    if type_name == "Decimal" {
        let text = obj.str().map(|s| s.to_string()).unwrap_or_default();
        // str(Decimal) is JSON number syntax for finite values ("1.20", "1E+3", "-0").
        return match Json::parse(&text) {
            Ok(Json::Number(n)) => Ok(Json::Number(n)),
            _ => Err(bad(
                ErrorCode::InvalidAmount,
                format!("{text} is not a finite decimal"),
            )),
        };
    }
    if let Ok(to_dict) = obj.getattr("to_dict") {
        if let Ok(d) = to_dict.call0() {
            return to_json(&d, loc);
        }
    }
    Err(bad(
        ErrorCode::InvalidInput,
        format!("a value of type {type_name} is not part of the contract"),
    ))
}

/// A list or tuple as a JSON array.
fn array<'py>(items: impl ExactSizeIterator<Item = Bound<'py, PyAny>>, loc: &Loc<'_>) -> Result<Json, Error> {
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.enumerate() {
        out.push(to_json(&item, &Loc::Index(loc, i))?);
    }
    Ok(Json::Array(out))
}

/// The report of a computed group. Fields are turned into Python objects when read: amounts as
/// `decimal.Decimal`, rows as dicts (ready for `pandas.DataFrame`).
#[pyclass(frozen, module = "splitter")]
struct Report {
    inner: CoreReport,
}

/// A decimal amount as `decimal.Decimal`.
fn dec<'py>(decimal: &Bound<'py, PyAny>, d: &splitter_core::Decimal) -> PyResult<Bound<'py, PyAny>> {
    decimal.call1((d.to_string(),))
}

/// One dict per row, keys in the contract's order, built by `fill`.
fn rows<'py, T>(
    py: Python<'py>,
    items: &[T],
    fill: impl Fn(&Bound<'py, PyDict>, &Bound<'py, PyAny>, &T) -> PyResult<()>,
) -> PyResult<Py<PyList>> {
    let decimal = py.import("decimal")?.getattr("Decimal")?;
    let list = PyList::empty(py);
    for item in items {
        let dict = PyDict::new(py);
        fill(&dict, &decimal, item)?;
        list.append(dict)?;
    }
    Ok(list.unbind())
}

#[pymethods]
impl Report {
    /// The group's currency.
    #[getter]
    fn currency(&self) -> String {
        self.inner.currency.clone()
    }

    /// Balances: dicts of member, currency, paid, owed, net (Decimals).
    #[getter]
    fn balances(&self, py: Python<'_>) -> PyResult<Py<PyList>> {
        rows(py, &self.inner.balances, |d, dec_type, b| {
            d.set_item("member", &b.member)?;
            d.set_item("currency", &b.currency)?;
            d.set_item("paid", dec(dec_type, &b.paid)?)?;
            d.set_item("owed", dec(dec_type, &b.owed)?)?;
            d.set_item("net", dec(dec_type, &b.net)?)
        })
    }

    /// Shares: dicts of expense, member, currency, amount and, if converted, group_amount.
    #[getter]
    fn shares(&self, py: Python<'_>) -> PyResult<Py<PyList>> {
        rows(py, &self.inner.shares, |d, dec_type, s| {
            d.set_item("expense", &*s.expense)?;
            d.set_item("member", &*s.member)?;
            d.set_item("currency", s.currency.code())?;
            d.set_item("amount", dec(dec_type, &s.amount)?)?;
            if let Some(g) = &s.group_amount {
                d.set_item("group_amount", dec(dec_type, g)?)?;
            }
            Ok(())
        })
    }

    /// Suggested transfers: dicts of from, to, amount (Decimal), currency.
    #[getter]
    fn transfers(&self, py: Python<'_>) -> PyResult<Py<PyList>> {
        rows(py, &self.inner.transfers, |d, dec_type, t| {
            d.set_item("from", &t.from)?;
            d.set_item("to", &t.to)?;
            d.set_item("amount", dec(dec_type, &t.amount)?)?;
            d.set_item("currency", &t.currency)
        })
    }

    /// The settlement method used.
    #[getter]
    fn settle(&self) -> &'static str {
        self.inner.settle.as_str()
    }

    /// True when the number of transfers is proven to be the fewest possible.
    #[getter]
    fn optimal(&self) -> bool {
        self.inner.optimal
    }

    /// The contract's JSON output, byte for byte what every face returns.
    fn to_json(&self) -> String {
        wire::report_to_json(&self.inner)
    }

    /// The contract's output as plain Python data (amounts as strings, as on the wire).
    fn to_dict(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let json = py.import("json")?;
        Ok(json.call_method1("loads", (self.to_json(),))?.unbind())
    }

    fn __repr__(&self) -> String {
        format!(
            "Report(currency={:?}, members={}, transfers={}, optimal={})",
            self.inner.currency,
            self.inner.balances.len(),
            self.inner.transfers.len(),
            if self.inner.optimal { "True" } else { "False" }
        )
    }
}

/// Computes a group: a dict in the contract's form (amounts as str, int or Decimal), an object
/// with `to_dict()`, or JSON text. Keyword options (`settle`, `balances_in`, `exact_limit`,
/// `previous`) override the group's `options`.
#[pyfunction]
#[pyo3(signature = (group, **options))]
fn compute(
    py: Python<'_>,
    group: &Bound<'_, PyAny>,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<Report> {
    let mut value = if let Ok(text) = group.cast::<PyString>() {
        let text: String = text.extract()?;
        Json::parse(&text).map_err(|e| to_py_err(py, &e))?
    } else {
        to_json(group, &Loc::Root("")).map_err(|e| to_py_err(py, &e))?
    };
    if let Some(options) = options.filter(|o| !o.is_empty()) {
        let extra = to_json(options.as_any(), &Loc::Root("options")).map_err(|e| to_py_err(py, &e))?;
        merge_options(&mut value, extra);
    }
    let result = py.detach(|| splitter_core::compute_value(&value));
    match result {
        Ok(inner) => Ok(Report { inner }),
        Err(e) => Err(to_py_err(py, &e)),
    }
}

/// Puts keyword options over the group's own `options`.
fn merge_options(group: &mut Json, extra: Json) {
    let (Json::Object(entries), Json::Object(extra)) = (group, extra) else {
        return;
    };
    let slot = match entries.iter().position(|(k, _)| k == "options") {
        Some(i) => &mut entries[i].1,
        None => {
            entries.push(("options".into(), Json::Object(Vec::new())));
            &mut entries.last_mut().expect("just pushed").1
        }
    };
    if !matches!(slot, Json::Object(_)) {
        *slot = Json::Object(Vec::new());
    }
    if let Json::Object(opts) = slot {
        for (k, v) in extra {
            opts.retain(|(old, _)| *old != k);
            opts.push((k, v));
        }
    }
}

/// The native module `splitter._splitter`; the package `splitter` re-exports it.
#[pymodule]
fn _splitter(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(compute, m)?)?;
    m.add_class::<Report>()?;
    m.add("SplitterError", m.py().get_type::<SplitterError>())?;
    Ok(())
}
