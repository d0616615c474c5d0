//! What the contract's reader reads: any tree of JSON-like values, seen one node at a time.
//!
//! The core's own [`Json`] is one such tree. A binding can read its host language's objects in
//! place (a Python `dict` of `str` and `Decimal`, say) by implementing [`Source`] for them, so
//! that no intermediate JSON tree is built and every error still carries the contract's code
//! and path, decided by the one reader in [`crate::wire`].

use std::borrow::Cow;
use std::rc::Rc;

use crate::error::ErrorCode;
use crate::json::Json;

/// A value the reader can look at: the core's [`Json`], or a binding's host value.
///
/// # Example
/// A host's own values read in place: here a tiny tree of the host's making, read into a
/// [`crate::Group`] with the contract's errors.
/// ```
/// use std::borrow::Cow;
/// use std::rc::Rc;
/// use splitter_core::{wire, Entries, Items, Node, Source};
///
/// enum Host { Text(&'static str), List(Vec<Host>), Map(Vec<(&'static str, Host)>) }
///
/// impl Source for Host {
///     fn node(&self) -> Node<'_, Host> {
///         match self {
///             Host::Text(s) => Node::String(Cow::Borrowed(s)),
///             Host::List(items) => Node::Array(Items::Borrowed(items)),
///             // A host map's keys cannot repeat: `Unique` spares the reader the check.
///             Host::Map(entries) => Node::Object(Entries::Unique(
///                 entries.iter().map(|(k, v)| (Rc::from(*k), v.clone_shallow())).collect(),
///             )),
///         }
///     }
/// }
///
/// impl Host {
///     fn clone_shallow(&self) -> Host {
///         match self {
///             Host::Text(s) => Host::Text(s),
///             Host::List(items) => Host::List(items.iter().map(Host::clone_shallow).collect()),
///             Host::Map(e) => Host::Map(e.iter().map(|(k, v)| (*k, v.clone_shallow())).collect()),
///         }
///     }
/// }
///
/// let group = Host::Map(vec![
///     ("currency", Host::Text("EUR")),
///     ("members", Host::List(vec![Host::Text("ana"), Host::Text("ben")])),
/// ]);
/// assert_eq!(wire::group_from_value(&group)?.members.len(), 2);
/// let bad = Host::Map(vec![("currency", Host::List(vec![]))]);
/// assert_eq!(wire::group_from_value(&bad).unwrap_err().to_string(),
///            "invalid_input at currency: expected a string, not an array");
/// # Ok::<(), splitter_core::Error>(())
/// ```
pub trait Source: Sized {
    /// This value as one JSON node. Strings, arrays and objects may be borrowed from the value
    /// or handed over owned (the reader then keeps them without copying).
    fn node(&self) -> Node<'_, Self>;

    /// True for `null` (which the contract treats as an absent field). Override it when
    /// [`Source::node`] is costly.
    fn is_null(&self) -> bool {
        matches!(self.node(), Node::Null)
    }
}

/// One node of a JSON-like tree: what [`Source::node`] shows the reader (see the example on
/// [`Source`]).
#[derive(Debug)]
pub enum Node<'a, S> {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number as exact text in JSON number syntax (`"0.1"`, `"1e3"`).
    Number(Cow<'a, str>),
    /// A host language's binary floating-point number, as its shortest text; see [`Json::Float`].
    Float(Cow<'a, str>),
    /// A string.
    String(Cow<'a, str>),
    /// An array.
    Array(Items<'a, S>),
    /// An object: keys and values in order, repeated keys kept (the reader refuses them).
    Object(Entries<'a, S>),
    /// A host value that has no place in the contract (a Python `set`, a float with a message
    /// of the binding's own), refused by the reader with this code and message at its path.
    Refused(ErrorCode, String),
}

/// The elements of an array node (see the example on [`Source`]).
#[derive(Debug)]
pub enum Items<'a, S> {
    /// Borrowed from the value.
    Borrowed(&'a [S]),
    /// Built for this node.
    Owned(Vec<S>),
}

impl<S> Items<'_, S> {
    /// The elements.
    pub fn as_slice(&self) -> &[S] {
        match self {
            Items::Borrowed(items) => items,
            Items::Owned(items) => items,
        }
    }
}

/// The keys and values of an object node (see the example on [`Source`]).
#[derive(Debug)]
pub enum Entries<'a, S> {
    /// Borrowed from the value (the core's [`Json`]).
    Borrowed(&'a [(String, S)]),
    /// Built for this node; keys are shared (`Rc`: a reading happens on one thread) so that a
    /// binding can reuse one key for many objects.
    Owned(Vec<(Rc<str>, S)>),
    /// Built for this node with keys borrowed from JSON text where they had no escapes (a
    /// [`crate::Lazy`] value of a [`crate::Document`]).
    Text(Vec<(Cow<'a, str>, S)>),
    /// Like `Owned`, from a host map whose keys cannot repeat (a Python `dict`): the reader
    /// skips looking for repeated keys.
    Unique(Vec<(Rc<str>, S)>),
}

impl<S> Entries<'_, S> {
    /// How many entries.
    pub fn len(&self) -> usize {
        match self {
            Entries::Borrowed(e) => e.len(),
            Entries::Owned(e) | Entries::Unique(e) => e.len(),
            Entries::Text(e) => e.len(),
        }
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The `i`th key.
    pub fn key(&self, i: usize) -> &str {
        match self {
            Entries::Borrowed(e) => &e[i].0,
            Entries::Owned(e) | Entries::Unique(e) => &e[i].0,
            Entries::Text(e) => &e[i].0,
        }
    }

    /// The `i`th value.
    pub fn value(&self, i: usize) -> &S {
        match self {
            Entries::Borrowed(e) => &e[i].1,
            Entries::Owned(e) | Entries::Unique(e) => &e[i].1,
            Entries::Text(e) => &e[i].1,
        }
    }

    /// True when the keys are known not to repeat.
    pub fn unique(&self) -> bool {
        matches!(self, Entries::Unique(_))
    }

    /// Keys and values in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &S)> {
        (0..self.len()).map(|i| (self.key(i), self.value(i)))
    }
}

impl<S> Node<'_, S> {
    /// The name of the node's JSON type, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Node::Null => "null",
            Node::Bool(_) => "a boolean",
            Node::Number(_) => "a number",
            Node::Float(_) => "a floating-point number",
            Node::String(_) => "a string",
            Node::Array(_) => "an array",
            Node::Object(_) => "an object",
            Node::Refused(..) => "a value outside the contract",
        }
    }
}

impl Source for Json {
    fn node(&self) -> Node<'_, Json> {
        match self {
            Json::Null => Node::Null,
            Json::Bool(b) => Node::Bool(*b),
            Json::Number(n) => Node::Number(Cow::Borrowed(n)),
            Json::Float(n) => Node::Float(Cow::Borrowed(n)),
            Json::String(s) => Node::String(Cow::Borrowed(s)),
            Json::Array(items) => Node::Array(Items::Borrowed(items)),
            Json::Object(entries) => Node::Object(Entries::Borrowed(entries)),
        }
    }

    fn is_null(&self) -> bool {
        matches!(self, Json::Null)
    }
}
