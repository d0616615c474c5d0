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

/// The native module `splitter._splitter`; the package `splitter` re-exports it.
#[pymodule]
fn _splitter(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(compute, m)?)?;
    m.add_class::<Report>()?;
    m.add("SplitterError", m.py().get_type::<SplitterError>())?;
    // Cargo's version, the one source of truth (the wheel's metadata has the same, from maturin).
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
