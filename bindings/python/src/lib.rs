//! The Python face of splitter-core: one function (`compute`), one class (`Report`), one
//! exception (`SplitterError`). The core's reader reads Python objects in place (no JSON text or
//! tree in between), floats are refused where they are found, the core runs with the GIL
//! released, and the report is turned into Python objects only when a field is read.

use pyo3::create_exception;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

use splitter_core::{wire, Entries, Error, ErrorCode, Items, Node, Report as CoreReport, Source};

/// The extension allocates and frees a few million small strings and vectors per large group;
/// mimalloc does that markedly faster than the C library's allocator (see `bench.py`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

create_exception!(
    _splitter,
    SplitterError,
    PyValueError,
    "Bad input: `.code` is the contract's stable error code, `.path` the place in the input; \
     `str(err)` is the text for people, `code at path: what is wrong; what to do`."
);

/// The contract's error as a `SplitterError` with `.code` and `.path`, whose text (`str(err)`)
/// is the core's, the one every face shows.
fn to_py_err(py: Python<'_>, e: &Error) -> PyErr {
    let err = SplitterError::new_err(e.to_string());
    let value = err.value(py);
    // Setting two attributes on a fresh exception cannot fail in practice; if it did, the
    // message still carries the code.
    let _ = value.setattr("code", e.code.as_str());
    let _ = value.setattr("path", e.path.as_str());
    err
}

/// The state of one reading: the `decimal.Decimal` type, and each dict key seen so far (by
/// object identity) with its text, so that the keys `json.loads` or a literal share are read once.
struct Reading<'py> {
    decimal: Bound<'py, PyAny>,
    /// What the contract takes beyond JSON's types (see `PyValue::read_other`).
    others: OtherTypes<'py>,
    /// Holding each key object keeps its address from being reused while the reading lasts.
    keys: RefCell<KeyCache<'py>>,
}

/// Dict keys read so far, by object address: the object (kept alive) and its text.
type KeyCache<'py> = HashMap<usize, (Bound<'py, PyAny>, Rc<str>), BuildHasherDefault<AddressHasher>>;

/// Hashes an object's address (already unique; only spread over the table).
#[derive(Default)]
struct AddressHasher(u64);

impl Hasher for AddressHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3);
        }
    }
    fn write_usize(&mut self, n: usize) {
        self.0 = (n as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(29);
    }
}

impl<'py> Reading<'py> {
    fn new(py: Python<'py>) -> PyResult<Reading<'py>> {
        Ok(Reading {
            decimal: py.import("decimal")?.getattr("Decimal")?,
            others: OtherTypes::new(py)?,
            keys: RefCell::new(HashMap::default()),
        })
    }

    /// A dict key's text, read once per key object.
    fn key(&self, key: &Bound<'py, PyAny>) -> Option<Rc<str>> {
        let address = key.as_ptr() as usize;
        if let Some((_, text)) = self.keys.borrow().get(&address) {
            return Some(text.clone());
        }
        let text: Rc<str> = Rc::from(key.cast::<PyString>().ok()?.to_cow().ok()?);
        self.keys
            .borrow_mut()
            .insert(address, (key.clone(), text.clone()));
        Some(text)
    }
}

/// A Python object read in place by the core's reader (no JSON tree in between). Decimals and
/// ints are numbers read exactly from their text; a float is refused wherever it is.
#[derive(Clone)]
struct PyValue<'r, 'py> {
    obj: Bound<'py, PyAny>,
    reading: &'r Reading<'py>,
}

impl<'r, 'py> PyValue<'r, 'py> {
    fn new(obj: Bound<'py, PyAny>, reading: &'r Reading<'py>) -> Self {
        PyValue { obj, reading }
    }

    /// The node of `obj`, owning everything it holds.
    fn read<'n>(&self, obj: &Bound<'py, PyAny>) -> Node<'n, Self> {
        let refused = |code, message: String| Node::Refused(code, message);
        if let Ok(s) = obj.cast::<PyString>() {
            return match s.to_cow() {
                Ok(text) => Node::String(Cow::Owned(text.into_owned())),
                Err(_) => refused(
                    ErrorCode::InvalidInput,
                    "a string that is not valid Unicode (a lone surrogate); remove the stray character"
                        .into(),
                ),
            };
        }
        if let Ok(dict) = obj.cast::<PyDict>() {
            let mut entries = Vec::with_capacity(dict.len());
            for (k, v) in dict.iter() {
                let Some(key) = self.reading.key(&k) else {
                    return refused(
                        ErrorCode::InvalidInput,
                        "dict keys must be str; write the key as a str".into(),
                    );
                };
                entries.push((key, PyValue::new(v, self.reading)));
            }
            return Node::Object(Entries::Unique(entries));
        }
        if let Ok(list) = obj.cast::<PyList>() {
            return Node::Array(Items::Owned(
                list.iter().map(|v| PyValue::new(v, self.reading)).collect(),
            ));
        }
        if obj.is_instance_of::<PyBool>() {
            return Node::Bool(obj.is_truthy().unwrap_or(false));
        }
        if obj.is_instance_of::<PyFloat>() {
            return refused(
                ErrorCode::InvalidAmount,
                format!(
                    "a float ({}) is not accepted, floats cannot hold money exactly; pass a str or \
                     decimal.Decimal instead, such as \"12.50\" or Decimal(\"12.50\")",
                    text_of(obj)
                ),
            );
        }
        if obj.is_instance_of::<PyInt>() {
            return Node::Number(Cow::Owned(text_of(obj)));
        }
        if obj.is_none() {
            return Node::Null;
        }
        if let Ok(tuple) = obj.cast::<PyTuple>() {
            return Node::Array(Items::Owned(
                tuple.iter().map(|v| PyValue::new(v, self.reading)).collect(),
            ));
        }
        if obj.is_instance(&self.reading.decimal).unwrap_or(false) {
            // str(Decimal) is JSON number syntax for finite values ("1.20", "1E+3", "-0"); the
            // core refuses the others ("NaN", "Infinity") as amounts.
            return Node::Number(Cow::Owned(text_of(obj)));
        }
        if let Some(node) = self.read_other(obj) {
            return node;
        }
        // The typed builders (splitter.Group, ...) give their contract form through to_dict().
        if let Ok(d) = obj.getattr("to_dict").and_then(|f| f.call0()) {
            if d.is_instance_of::<PyDict>() {
                return self.read(&d);
            }
        }
        let type_name = obj.get_type().name().map(|n| n.to_string()).unwrap_or_default();
        refused(
            ErrorCode::InvalidInput,
            format!(
                "a value of type {type_name} is not part of the contract; use dict, list, str, int, \
                 decimal.Decimal, bool or None (or splitter's builders)"
            ),
        )
    }
}

/// The Python types the contract takes besides JSON's own, looked up once per reading.
struct OtherTypes<'py> {
    date: Bound<'py, PyAny>,
    datetime: Bound<'py, PyAny>,
    /// `operator.index`: an exact integer from any integer type (numpy's, ...), never a float.
    index: Bound<'py, PyAny>,
    real: Bound<'py, PyAny>,
    rational: Bound<'py, PyAny>,
}

impl<'py> OtherTypes<'py> {
    fn new(py: Python<'py>) -> PyResult<OtherTypes<'py>> {
        let datetime = py.import("datetime")?;
        let numbers = py.import("numbers")?;
        Ok(OtherTypes {
            date: datetime.getattr("date")?,
            datetime: datetime.getattr("datetime")?,
            index: py.import("operator")?.getattr("index")?,
            real: numbers.getattr("Real")?,
            rational: numbers.getattr("Rational")?,
        })
    }
}

impl<'py> PyValue<'_, 'py> {
    /// A value of a type that is not JSON's but that a notebook hands over: a `datetime.date`
    /// (its ISO form, `YYYY-MM-DD`), an integer of another type (numpy's `int64`, ...: the same
    /// number as a Python int), or a binary float of another type (numpy's `float32`, ...),
    /// refused like a Python float. Checked only after every JSON type, so plain data pays nothing.
    fn read_other<'n>(&self, obj: &Bound<'py, PyAny>) -> Option<Node<'n, Self>> {
        let types = &self.reading.others;
        let is = |t: &Bound<'py, PyAny>| obj.is_instance(t).unwrap_or(false);
        if is(&types.date) && !is(&types.datetime) {
            let text = obj
                .call_method0("isoformat")
                .map(|t| text_of(&t))
                .unwrap_or_default();
            return Some(Node::String(Cow::Owned(text)));
        }
        if let Ok(int) = types.index.call1((obj,)) {
            return Some(Node::Number(Cow::Owned(text_of(&int))));
        }
        if is(&types.real) && !is(&types.rational) {
            // Refused exactly as a Python float is (one error text for both): the Python float
            // is made only to be refused, and shows the value the binary float really holds.
            if let Ok(float) = obj.call_method0("__float__") {
                return Some(self.read(&float));
            }
        }
        None
    }
}

/// `str(obj)`, or nothing if that fails.
fn text_of(obj: &Bound<'_, PyAny>) -> String {
    obj.str().map(|s| s.to_string()).unwrap_or_default()
}

impl Source for PyValue<'_, '_> {
    fn node(&self) -> Node<'_, Self> {
        self.read(&self.obj)
    }

    fn is_null(&self) -> bool {
        self.obj.is_none()
    }
}

/// The report of a computed group. Fields are turned into Python objects when read: amounts as
/// `decimal.Decimal`, rows as dicts (ready for `pandas.DataFrame`).
///
/// `to_dict()` and `to_json()` give the contract's form (amounts as strings, ready for
/// `json.dumps`); `to_pandas()` and `to_polars()` give tables; a report pickles, compares with
/// `==`, and shows as a table in Jupyter.
///
/// >>> import json, pickle, splitter
/// >>> report = splitter.compute({"currency": "EUR", "members": ["ana", "ben"],
/// ...     "expenses": [{"id": "e1", "amount": "10.00", "paid_by": "ana",
/// ...               "split": {"type": "equal"}}]})
/// >>> report
/// Report(currency="EUR", members=2, transfers=1, optimal=True)
/// >>> report.to_dict()["transfers"]
/// [{'from': 'ben', 'to': 'ana', 'amount': '5.00', 'currency': 'EUR'}]
/// >>> json.dumps(report.transfers, default=str)
/// '[{"from": "ben", "to": "ana", "amount": "5.00", "currency": "EUR"}]'
/// >>> pickle.loads(pickle.dumps(report)) == report
/// True
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

    /// `table` ("balances", "shares" or "transfers") as a `pandas.DataFrame`: amounts are
    /// `decimal.Decimal` in object columns, never floats (extra `splitter-money[pandas]`).
    #[pyo3(signature = (table = "balances"))]
    fn to_pandas<'py>(slf: &Bound<'py, Self>, table: &str) -> PyResult<Bound<'py, PyAny>> {
        let frames = slf.py().import("splitter._frames")?;
        frames.call_method1("to_pandas", (slf, table))
    }

    /// `table` ("balances", "shares" or "transfers") as a `polars.DataFrame`: amounts in
    /// polars' exact `Decimal` dtype, never floats (extra `splitter-money[polars]`).
    #[pyo3(signature = (table = "balances"))]
    fn to_polars<'py>(slf: &Bound<'py, Self>, table: &str) -> PyResult<Bound<'py, PyAny>> {
        let frames = slf.py().import("splitter._frames")?;
        frames.call_method1("to_polars", (slf, table))
    }

    /// The report as a compact HTML table for Jupyter, amounts written exactly.
    fn _repr_html_<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let frames = slf.py().import("splitter._frames")?;
        frames.call_method1("report_html", (slf,))
    }

    /// Pickling: the report travels as its contract JSON and is read back exactly.
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let load = py.import("splitter._splitter")?.getattr("_report_from_json")?;
        Ok((load, (self.to_json(),)))
    }

    /// Two reports are equal when every field is.
    fn __eq__(&self, other: &Self) -> bool {
        self.inner == other.inner
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

/// Computes a group: each member's balance, each expense's shares, and the fewest transfers
/// that settle everyone, all in exact `decimal.Decimal`.
///
/// `group` is a dict in the wire contract's form, JSON text, or a `splitter.Group`. Amounts,
/// rates, shares and weights are `str`, `int` (numpy integers too: `int64(90)` is 90, like
/// `90`) or `decimal.Decimal`; a float (numpy's too) is refused with `SplitterError` code
/// `invalid_amount`, because it cannot hold money exactly. A `date` may be a `datetime.date`.
///
/// Keyword options override the group's `options`:
///
/// - `settle`: `"minimal"` (default: fewest transfers), `"greedy"` or `"pairwise"`.
/// - `balances_in`: `"group"` (default: all in the group's currency) or `"each"`.
/// - `exact_limit`: the most non-zero balances that `"minimal"` solves exactly.
/// - `previous`: transfers suggested earlier, kept while they still settle the group.
///
/// Returns a `Report`. Bad input raises `SplitterError` (a `ValueError`) with `.code`, the
/// contract's stable error code, and `.path`, the place in the input.
///
/// >>> import splitter
/// >>> report = splitter.compute({
/// ...     "currency": "EUR",
/// ...     "members": ["ana", "ben", "cy"],
/// ...     "expenses": [{"id": "dinner", "amount": "100.00", "paid_by": "ana",
/// ...                   "split": {"type": "equal"}}],
/// ... })
/// >>> [(b["member"], b["net"]) for b in report.balances]
/// [('ana', Decimal('66.67')), ('ben', Decimal('-33.34')), ('cy', Decimal('-33.33'))]
/// >>> sum(b["net"] for b in report.balances)
/// Decimal('0.00')
/// >>> report.transfers[0]
/// {'from': 'ben', 'to': 'ana', 'amount': Decimal('33.34'), 'currency': 'EUR'}
/// >>> try:
/// ...     splitter.compute({"currency": "EUR", "members": ["ana"]}, settle="fastest")
/// ... except splitter.SplitterError as e:
/// ...     print(e.code, e.path)
/// invalid_option options.settle
#[pyfunction]
#[pyo3(signature = (group, **options))]
fn compute(
    py: Python<'_>,
    group: &Bound<'_, PyAny>,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<Report> {
    let reading = Reading::new(py)?;
    let mut core_group = if let Ok(text) = group.cast::<PyString>() {
        let text = text.to_cow()?;
        wire::group_from_json(&text)
    } else {
        wire::group_from_value(&PyValue::new(group.clone(), &reading))
    }
    .map_err(|e| to_py_err(py, &e))?;
    if let Some(options) = options.filter(|o| !o.is_empty()) {
        wire::override_options(
            &mut core_group,
            &PyValue::new(options.clone().into_any(), &reading),
        )
        .map_err(|e| to_py_err(py, &e))?;
    }
    drop(reading);
    match py.detach(|| splitter_core::compute(&core_group)) {
        Ok(inner) => Ok(Report { inner }),
        Err(e) => Err(to_py_err(py, &e)),
    }
}

/// A report from its contract JSON (what `Report.__reduce__` pickles).
#[pyfunction]
fn _report_from_json(text: &str) -> PyResult<Report> {
    serde_json::from_str(text)
        .map(|inner| Report { inner })
        .map_err(|e| PyValueError::new_err(format!("not a Splitter report: {e}")))
}

/// The native module `splitter._splitter`; the package `splitter` re-exports it.
#[pymodule]
fn _splitter(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(compute, m)?)?;
    m.add_function(wrap_pyfunction!(_report_from_json, m)?)?;
    m.add_class::<Report>()?;
    m.add("SplitterError", m.py().get_type::<SplitterError>())?;
    // Cargo's version, the one source of truth (the wheel's metadata has the same, from maturin).
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
