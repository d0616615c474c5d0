//! The server's text hygiene: what a stored text may hold, as one pure module (no I/O, no
//! database).
//!
//! Every text field is NFC-normalised, so that "e" + U+0301 and "é" are the same text, and
//! refused when it holds characters that are invisible or that reorder what is displayed
//! (controls, formatting characters such as U+202E RIGHT-TO-LEFT OVERRIDE or U+200B ZERO WIDTH
//! SPACE, private-use, unassigned and noncharacter code points). Ids and email domains must also
//! be single-script (UTS #39), so that "ana" in Latin letters and "аnа" with a Cyrillic "а" cannot
//! both pass; [`skeleton`] gives the UTS #39 confusable skeleton to refuse a new id that looks
//! like an existing one. Passwords are NFKC-normalised and checked against NIST SP 800-63B-4:
//! at least [`MIN_PASSWORD_CHARS`] characters, not a common password, not built on the account's
//! own words.
//!
//! Every refusal is a `422` [`ApiError`] with a stable code (`invalid_text`, `invalid_input`,
//! `too_long`, `mixed_script`, `weak_password`), the caller's path, and a message that names the
//! offending character by code point (and by name for the usual suspects) and by position.
//! Positions are 1-based character indices in the NFC-normalised text as received (before any
//! trimming), which is the text itself for anything typed on an ordinary keyboard.

use splitter_core::ErrorCode;
use std::collections::HashSet;
use std::sync::OnceLock;

use axum::http::StatusCode;
use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, GeneralCategoryGroup, UnicodeGeneralCategory};
use unicode_script::{Script, UnicodeScript};
use unicode_security::mixed_script::AugmentedScriptSet;

use crate::http::{ApiError, ApiResult, Code};

/// What kind of text a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An identifier chosen by a client (member and record ids): kept exactly as sent, so edge
    /// blanks are refused rather than trimmed; inner blanks only single U+0020 spaces; one
    /// script; no invisible characters at all.
    Id,
    /// Free text (names, descriptions, categories): trimmed at both ends; inner blanks only
    /// U+0020; emoji sequences with U+200D ZERO WIDTH JOINER and variation selectors allowed.
    Name,
    /// An email address: trimmed, lower-cased, one `@`, no blanks, single-script domain labels.
    Email,
}

/// A field's rules: its name (for messages), its kind, and its longest length in characters
/// (Unicode scalar values, counted after NFC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// How messages call the field ("member id").
    pub name: &'static str,
    /// What kind of text it holds.
    pub kind: Kind,
    /// Its longest length in characters, counted after normalisation (and, for names and
    /// emails, after trimming).
    pub max_chars: usize,
}

/// A member's id.
pub const MEMBER_ID: Field = Field {
    name: "member id",
    kind: Kind::Id,
    max_chars: 64,
};
/// A member's display name.
pub const MEMBER_NAME: Field = Field {
    name: "member name",
    kind: Kind::Name,
    max_chars: 100,
};
/// A group's name.
pub const GROUP_NAME: Field = Field {
    name: "group name",
    kind: Kind::Name,
    max_chars: 100,
};
/// An expense's or payment's description.
pub const DESCRIPTION: Field = Field {
    name: "description",
    kind: Kind::Name,
    max_chars: 500,
};
/// An expense's category.
pub const CATEGORY: Field = Field {
    name: "category",
    kind: Kind::Name,
    max_chars: 64,
};
/// An account's email address (also at most [`MAX_EMAIL_BYTES`] bytes).
pub const EMAIL: Field = Field {
    name: "email",
    kind: Kind::Email,
    max_chars: 254,
};
/// An expense or payment id in an import.
pub const RECORD_ID: Field = Field {
    name: "record id",
    kind: Kind::Id,
    max_chars: 64,
};

/// The longest email address in bytes (RFC 5321: a path is at most 256 octets including the
/// angle brackets).
pub const MAX_EMAIL_BYTES: usize = 254;

/// The password policy's shortest length, in characters after NFKC (NIST SP 800-63B-4 asks for
/// at least 15 when the password is the only factor).
pub const MIN_PASSWORD_CHARS: usize = 15;
/// The password policy's longest length, in characters after NFKC (it bounds the hashing work).
pub const MAX_PASSWORD_CHARS: usize = 1024;

/// Words that no password may contain, whatever the account: the service's own name.
const SERVICE_WORDS: &[&str] = &["splitter"];

/// The shortest context word that a password must not contain (shorter ones, "ana", would refuse
/// too many good passwords by accident).
const MIN_CONTEXT_WORD_CHARS: usize = 4;

/// The most common passwords (lower case, one a line, `#` lines are comments): the first 10,000
/// of the zxcvbn 4.4.2 frequency list (MIT), plus that list's other entries of 15 or more
/// characters; the file's header gives the source and licence.
///
/// Passwords shorter than [`MIN_PASSWORD_CHARS`] are refused anyway, so the list matters for two
/// reasons: it holds long entries that people really use (`qwertyuiop12345`,
/// `1qaz2wsx3edc4rfv`), and a long password that only repeats a common one (`passwordpassword`,
/// `iloveyouiloveyou`, `dragondragondragon`) is as weak as that one, so a password that repeats
/// a shorter string is also looked up by that string. Entries of every length are kept for that
/// second use.
const COMMON_PASSWORDS: &str = include_str!("../data/common-passwords.txt");

fn common_passwords() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| {
        COMMON_PASSWORDS
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    })
}

fn is_common_password(lower: &str) -> bool {
    common_passwords().contains(lower)
}

fn unprocessable(code: impl Into<Code>, path: &str, message: String) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, path, message)
}

/// The text as stored: NFC-normalised and checked against the field's rules.
pub fn clean(raw: &str, field: &Field, path: &str) -> ApiResult<String> {
    let chars: Vec<char> = raw.nfc().collect();
    match field.kind {
        Kind::Id => clean_id(&chars, field, path),
        Kind::Name => clean_name(&chars, field, path),
        Kind::Email => clean_email(&chars, field, path),
    }
}

/// An email as stored: trimmed, NFC, lower-cased (Unicode lower case), checked (one '@',
/// non-empty local part and domain, no whitespace, no character refused below, domain labels
/// single-script, at most 254 bytes).
pub fn email(raw: &str, path: &str) -> ApiResult<String> {
    clean(raw, &EMAIL, path)
}

/// The UTS #39 confusable skeleton of an (already cleaned) text, used to refuse a new id that
/// looks like an existing one ("ana" in Latin vs. "аnа" with Cyrillic a; "rn" vs "m"). Two texts
/// are confusable when their skeletons are equal.
///
/// The skeleton keeps case ("Ana" and "ana" have different skeletons): lower-case both texts
/// first to compare without regard to case.
pub fn skeleton(text: &str) -> String {
    unicode_security::skeleton(text).collect()
}

/// A password in the form it is hashed and checked in (NFKC), without the policy's checks: for a
/// login, which must accept what was accepted when the password was set.
pub fn password_form(raw: &str) -> String {
    raw.nfkc().collect()
}

/// A password as it will be hashed: NFKC-normalised (NIST SP 800-63B asks verifiers to
/// normalise), then checked. `context` holds words that must not be the password or be
/// contained in it when they are at least 4 characters (the email's local part, the service name
/// "splitter"); compare case-insensitively.
///
/// The password is never trimmed and may hold any printing character and spaces; only control
/// characters are refused. It is weak (`weak_password`) when shorter than
/// [`MIN_PASSWORD_CHARS`], one character repeated, a run such as `123456789012345` or
/// `abcdefghijklmnop`, a repetition of a string of at most 3 characters, a common password or a
/// repetition of one, or when it contains a context word or the service's name.
pub fn password(raw: &str, path: &str, context: &[&str]) -> ApiResult<String> {
    let p = password_form(raw);
    for (i, c) in p.chars().enumerate() {
        if c.general_category() == GeneralCategory::Control {
            return Err(unprocessable(
                Code::InvalidText,
                path,
                format!(
                    "the password has {} at character {}: control characters are not allowed",
                    describe(c),
                    i + 1
                ),
            ));
        }
    }
    let n = p.chars().count();
    if n > MAX_PASSWORD_CHARS {
        return Err(unprocessable(
            Code::TooLong,
            path,
            format!("the password must have at most {MAX_PASSWORD_CHARS} characters"),
        ));
    }
    let weak = |message: &str| unprocessable(Code::WeakPassword, path, message.to_string());
    if n < MIN_PASSWORD_CHARS {
        return Err(weak(&format!(
            "the password must have at least {MIN_PASSWORD_CHARS} characters; a few words make a \
             good password"
        )));
    }
    let lower = p.to_lowercase();
    let lc: Vec<char> = lower.chars().collect();
    if lc.windows(2).all(|w| w[0] == w[1]) {
        return Err(weak("the password is one character repeated"));
    }
    if is_common_password(&lower) {
        return Err(weak(
            "the password is one of the most common passwords, which attackers try first",
        ));
    }
    let period = smallest_period(&lc);
    if period.saturating_mul(2) <= lc.len() {
        let unit: String = lc[..period].iter().collect();
        if period <= 3 {
            return Err(weak("the password repeats a few characters over and over"));
        }
        if is_common_password(&unit) {
            return Err(weak(
                "the password repeats one of the most common passwords, which attackers try first",
            ));
        }
    }
    if is_run(&lc) {
        return Err(weak(
            "the password is a run of consecutive characters (like 123456789 or abcdef)",
        ));
    }
    for word in context.iter().chain(SERVICE_WORDS) {
        let word: String = word.nfkc().collect::<String>().to_lowercase();
        let word = word.trim();
        if word.chars().count() >= MIN_CONTEXT_WORD_CHARS && lower.contains(word) {
            return Err(weak(&format!(
                "the password contains \"{word}\", which is easy to guess from the account (its \
                 email address or this service's name)"
            )));
        }
    }
    Ok(p)
}

/// The smallest period of a non-empty text: the least `p` such that `s[i] == s[i + p]` for every
/// `i` (Knuth–Morris–Pratt failure function).
fn smallest_period(s: &[char]) -> usize {
    let Some(last) = s.len().checked_sub(1) else {
        return 0;
    };
    let mut border = vec![0usize; s.len()];
    for i in 1..s.len() {
        let mut k = border[i - 1];
        while k > 0 && s[i] != s[k] {
            k = border[k - 1];
        }
        if s[i] == s[k] {
            k += 1;
        }
        border[i] = k;
    }
    s.len() - border[last]
}

/// Whether every character is the one after (or every one the one before) the previous
/// character, with digits wrapping from 9 to 0 (`123456789012345`).
fn is_run(s: &[char]) -> bool {
    let step = |a: char, b: char| -> i8 {
        let (a, b) = (u32::from(a), u32::from(b));
        if b == a.wrapping_add(1) || (a == u32::from('9') && b == u32::from('0')) {
            1
        } else if a == b.wrapping_add(1) || (a == u32::from('0') && b == u32::from('9')) {
            -1
        } else {
            0
        }
    };
    let Some(first) = s.windows(2).next().map(|w| step(w[0], w[1])) else {
        return false;
    };
    first != 0 && s.windows(2).all(|w| step(w[0], w[1]) == first)
}

// ---------------------------------------------------------------------------------------------
// Character classes.

/// Why a code point is refused in every kind of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refused {
    Control,
    Format,
    PrivateUse,
    Unassigned,
    Surrogate,
    Noncharacter,
}

impl Refused {
    fn reason(self) -> &'static str {
        match self {
            Refused::Control => "control characters are not allowed",
            Refused::Format => {
                "invisible formatting characters (direction overrides and marks, zero-width \
                 spaces and joiners, byte order marks, soft hyphens) are not allowed"
            }
            Refused::PrivateUse => "private-use characters, which have no agreed meaning, are not allowed",
            Refused::Unassigned => "code points that Unicode has not assigned are not allowed",
            Refused::Surrogate => "surrogate code points are not allowed",
            Refused::Noncharacter => "Unicode noncharacters are not allowed",
        }
    }
}

fn is_noncharacter(c: char) -> bool {
    let u = u32::from(c);
    (0xFDD0..=0xFDEF).contains(&u) || u & 0xFFFE == 0xFFFE
}

/// The code points refused in every kind: controls (Cc), format characters (Cf), private use
/// (Co), unassigned (Cn), surrogates (Cs) and noncharacters.
fn refused(c: char) -> Option<Refused> {
    if is_noncharacter(c) {
        return Some(Refused::Noncharacter);
    }
    match c.general_category() {
        GeneralCategory::Control => Some(Refused::Control),
        GeneralCategory::Format => Some(Refused::Format),
        GeneralCategory::PrivateUse => Some(Refused::PrivateUse),
        GeneralCategory::Unassigned => Some(Refused::Unassigned),
        GeneralCategory::Surrogate => Some(Refused::Surrogate),
        _ => None,
    }
}

/// Default_Ignorable_Code_Point (Unicode DerivedCoreProperties): characters that render as
/// nothing. The same ranges as the table of `unicode-security`, which does not export it.
const DEFAULT_IGNORABLE: &[(u32, u32)] = &[
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
];

fn is_default_ignorable(c: char) -> bool {
    let u = u32::from(c);
    DEFAULT_IGNORABLE.iter().any(|&(lo, hi)| (lo..=hi).contains(&u))
}

fn is_joiner(c: char) -> bool {
    c == '\u{200C}' || c == '\u{200D}'
}

/// The names of the characters that messages most often have to point at (the invisible, the
/// blank and the direction-changing ones); others are named by code point alone.
const NAMES: &[(u32, &str)] = &[
    (0x0000, "NULL"),
    (0x0009, "CHARACTER TABULATION"),
    (0x000A, "LINE FEED"),
    (0x000B, "LINE TABULATION"),
    (0x000C, "FORM FEED"),
    (0x000D, "CARRIAGE RETURN"),
    (0x001B, "ESCAPE"),
    (0x0020, "SPACE"),
    (0x007F, "DELETE"),
    (0x0085, "NEXT LINE"),
    (0x00A0, "NO-BREAK SPACE"),
    (0x00AD, "SOFT HYPHEN"),
    (0x034F, "COMBINING GRAPHEME JOINER"),
    (0x061C, "ARABIC LETTER MARK"),
    (0x115F, "HANGUL CHOSEONG FILLER"),
    (0x1160, "HANGUL JUNGSEONG FILLER"),
    (0x1680, "OGHAM SPACE MARK"),
    (0x180E, "MONGOLIAN VOWEL SEPARATOR"),
    (0x2000, "EN QUAD"),
    (0x2001, "EM QUAD"),
    (0x2002, "EN SPACE"),
    (0x2003, "EM SPACE"),
    (0x2004, "THREE-PER-EM SPACE"),
    (0x2005, "FOUR-PER-EM SPACE"),
    (0x2006, "SIX-PER-EM SPACE"),
    (0x2007, "FIGURE SPACE"),
    (0x2008, "PUNCTUATION SPACE"),
    (0x2009, "THIN SPACE"),
    (0x200A, "HAIR SPACE"),
    (0x200B, "ZERO WIDTH SPACE"),
    (0x200C, "ZERO WIDTH NON-JOINER"),
    (0x200D, "ZERO WIDTH JOINER"),
    (0x200E, "LEFT-TO-RIGHT MARK"),
    (0x200F, "RIGHT-TO-LEFT MARK"),
    (0x2028, "LINE SEPARATOR"),
    (0x2029, "PARAGRAPH SEPARATOR"),
    (0x202A, "LEFT-TO-RIGHT EMBEDDING"),
    (0x202B, "RIGHT-TO-LEFT EMBEDDING"),
    (0x202C, "POP DIRECTIONAL FORMATTING"),
    (0x202D, "LEFT-TO-RIGHT OVERRIDE"),
    (0x202E, "RIGHT-TO-LEFT OVERRIDE"),
    (0x202F, "NARROW NO-BREAK SPACE"),
    (0x205F, "MEDIUM MATHEMATICAL SPACE"),
    (0x2060, "WORD JOINER"),
    (0x2061, "FUNCTION APPLICATION"),
    (0x2062, "INVISIBLE TIMES"),
    (0x2063, "INVISIBLE SEPARATOR"),
    (0x2064, "INVISIBLE PLUS"),
    (0x2066, "LEFT-TO-RIGHT ISOLATE"),
    (0x2067, "RIGHT-TO-LEFT ISOLATE"),
    (0x2068, "FIRST STRONG ISOLATE"),
    (0x2069, "POP DIRECTIONAL ISOLATE"),
    (0x3000, "IDEOGRAPHIC SPACE"),
    (0x3164, "HANGUL FILLER"),
    (0xFEFF, "ZERO WIDTH NO-BREAK SPACE (byte order mark)"),
    (0xFFA0, "HALFWIDTH HANGUL FILLER"),
    (0xFFF9, "INTERLINEAR ANNOTATION ANCHOR"),
    (0xFFFA, "INTERLINEAR ANNOTATION SEPARATOR"),
    (0xFFFB, "INTERLINEAR ANNOTATION TERMINATOR"),
    (0xE0001, "LANGUAGE TAG"),
    (0xE007F, "CANCEL TAG"),
];

fn char_name(c: char) -> Option<String> {
    let u = u32::from(c);
    if let Some(&(_, name)) = NAMES.iter().find(|&&(cp, _)| cp == u) {
        return Some(name.to_string());
    }
    match u {
        0xFE00..=0xFE0F => Some(format!("VARIATION SELECTOR-{}", u - 0xFE00 + 1)),
        0xE0100..=0xE01EF => Some(format!("VARIATION SELECTOR-{}", u - 0xE0100 + 17)),
        _ => None,
    }
}

/// A character as messages show it: `U+202E RIGHT-TO-LEFT OVERRIDE`, `U+0430 'а'` for a visible
/// character without a known name, `U+E000 (private use)` otherwise. Invisible characters are
/// never quoted.
fn describe(c: char) -> String {
    let cp = format!("U+{:04X}", u32::from(c));
    if let Some(name) = char_name(c) {
        return format!("{cp} {name}");
    }
    if let Some(r) = refused(c) {
        let what = match r {
            Refused::Control => "a control character",
            Refused::Format => "a formatting character",
            Refused::PrivateUse => "private use",
            Refused::Unassigned => "unassigned",
            Refused::Surrogate => "a surrogate",
            Refused::Noncharacter => "a noncharacter",
        };
        return format!("{cp} ({what})");
    }
    let visible = matches!(
        c.general_category_group(),
        GeneralCategoryGroup::Letter
            | GeneralCategoryGroup::Number
            | GeneralCategoryGroup::Punctuation
            | GeneralCategoryGroup::Symbol
    );
    if visible && !is_default_ignorable(c) {
        format!("{cp} '{c}'")
    } else {
        cp
    }
}

fn script_name(c: char) -> String {
    let sc = c.script();
    if !matches!(sc, Script::Common | Script::Inherited | Script::Unknown) {
        return sc.full_name().replace('_', " ");
    }
    let names: Vec<String> = c
        .script_extension()
        .iter()
        .map(|s| s.full_name().replace('_', " "))
        .collect();
    names.join(" or ")
}

// ---------------------------------------------------------------------------------------------
// The kinds.

fn refuse_char(field: &Field, path: &str, c: char, pos: usize, reason: &str) -> ApiError {
    unprocessable(
        Code::InvalidText,
        path,
        format!(
            "the {} has {} at character {pos}: {reason}",
            field.name,
            describe(c)
        ),
    )
}

fn empty(field: &Field, path: &str) -> ApiError {
    unprocessable(
        ErrorCode::InvalidInput,
        path,
        format!("the {} must not be empty", field.name),
    )
}

fn too_long(field: &Field, path: &str, n: usize) -> ApiError {
    unprocessable(
        Code::TooLong,
        path,
        format!(
            "the {} has {n} characters; the limit is {}",
            field.name, field.max_chars
        ),
    )
}

/// The text between its leading and trailing whitespace, and how many characters were cut at
/// the start.
fn trimmed(chars: &[char]) -> (usize, &[char]) {
    let start = chars
        .iter()
        .position(|c| !c.is_whitespace())
        .unwrap_or(chars.len());
    let end = chars
        .iter()
        .rposition(|c| !c.is_whitespace())
        .map_or(start, |i| i + 1);
    (start, &chars[start..end])
}

/// Refuses a text whose characters do not share one script (UTS #39 resolved script set, with
/// Common and Inherited matching any script and Japanese, Korean and Han with Bopomofo counted as
/// one). `base` is the number of characters before `chars` in the text that positions count in.
fn single_script(chars: &[char], base: usize, what: &str, lookalikes: &str, path: &str) -> ApiResult<()> {
    let mut set = AugmentedScriptSet::default();
    for (i, &c) in chars.iter().enumerate() {
        let own = AugmentedScriptSet::for_char(c);
        let mut next = set;
        next.intersect_with(own);
        if !next.is_empty() {
            set = next;
            continue;
        }
        let clash = chars[..i].iter().enumerate().find(|&(_, &d)| {
            let mut s = AugmentedScriptSet::for_char(d);
            s.intersect_with(own);
            s.is_empty()
        });
        let message = match clash {
            Some((j, &d)) => format!(
                "{what} mixes {} and {} letters ({} at character {}, {} at character {}), which \
                 lets look-alike {lookalikes} pass for each other",
                script_name(d),
                script_name(c),
                describe(d),
                base + j + 1,
                describe(c),
                base + i + 1
            ),
            None => format!(
                "{what} mixes scripts ({} at character {} is {}, which is none of the scripts of \
                 the characters before it), which lets look-alike {lookalikes} pass for each other",
                describe(c),
                base + i + 1,
                script_name(c)
            ),
        };
        return Err(unprocessable(Code::MixedScript, path, message));
    }
    Ok(())
}

fn clean_id(chars: &[char], field: &Field, path: &str) -> ApiResult<String> {
    let edges = [(0, chars.first()), (chars.len(), chars.last())];
    for (pos, c) in edges {
        if let Some(&c) = c.filter(|c| c.is_whitespace()) {
            let at = if pos == 0 { "start" } else { "end" };
            return Err(refuse_char(
                field,
                path,
                c,
                pos.max(1),
                &format!(
                    "ids keep their spaces exactly, so a blank at the {at} is refused rather \
                     than trimmed"
                ),
            ));
        }
    }
    for (i, &c) in chars.iter().enumerate() {
        if let Some(r) = refused(c) {
            return Err(refuse_char(field, path, c, i + 1, r.reason()));
        }
        if is_default_ignorable(c) {
            return Err(refuse_char(
                field,
                path,
                c,
                i + 1,
                "invisible characters are not allowed in ids",
            ));
        }
        if c.is_whitespace() && c != ' ' {
            return Err(refuse_char(
                field,
                path,
                c,
                i + 1,
                "the only blank allowed in an id is the ordinary space U+0020",
            ));
        }
        if c == ' ' && i > 0 && chars[i - 1] == ' ' {
            return Err(refuse_char(
                field,
                path,
                c,
                i + 1,
                "an id has no two spaces in a row",
            ));
        }
    }
    if chars.is_empty() {
        return Err(empty(field, path));
    }
    if chars.len() > field.max_chars {
        return Err(too_long(field, path, chars.len()));
    }
    single_script(chars, 0, &format!("the {}", field.name), "ids", path)?;
    Ok(chars.iter().collect())
}

fn clean_name(chars: &[char], field: &Field, path: &str) -> ApiResult<String> {
    let (off, t) = trimmed(chars);
    for (i, &c) in t.iter().enumerate() {
        let pos = off + i + 1;
        if is_joiner(c) {
            let between = |n: Option<&char>| n.is_some_and(|&n| !n.is_whitespace() && !is_joiner(n));
            let prev = i.checked_sub(1).and_then(|p| t.get(p));
            if !between(prev) || !between(t.get(i + 1)) {
                return Err(refuse_char(
                    field,
                    path,
                    c,
                    pos,
                    "a joiner is allowed only between two visible characters (as in emoji \
                     sequences and in Persian or Indic words)",
                ));
            }
            continue;
        }
        if let Some(r) = refused(c) {
            return Err(refuse_char(field, path, c, pos, r.reason()));
        }
        if c.is_whitespace() && c != ' ' {
            return Err(refuse_char(
                field,
                path,
                c,
                pos,
                "the only blank allowed inside a text is the ordinary space U+0020",
            ));
        }
    }
    if t.is_empty() {
        return Err(empty(field, path));
    }
    if t.iter().all(|&c| is_default_ignorable(c)) {
        return Err(unprocessable(
            ErrorCode::InvalidInput,
            path,
            format!("the {} must have a visible character", field.name),
        ));
    }
    if t.len() > field.max_chars {
        return Err(too_long(field, path, t.len()));
    }
    Ok(t.iter().collect())
}

fn clean_email(chars: &[char], field: &Field, path: &str) -> ApiResult<String> {
    let (off, t) = trimmed(chars);
    for (i, &c) in t.iter().enumerate() {
        let pos = off + i + 1;
        if let Some(r) = refused(c) {
            return Err(refuse_char(field, path, c, pos, r.reason()));
        }
        if is_default_ignorable(c) {
            return Err(refuse_char(
                field,
                path,
                c,
                pos,
                "invisible characters are not allowed in email addresses",
            ));
        }
        if c.is_whitespace() {
            return Err(refuse_char(field, path, c, pos, "an email address has no blanks"));
        }
    }
    if t.is_empty() {
        return Err(empty(field, path));
    }
    let lowered: String = t.iter().collect::<String>().to_lowercase().nfc().collect();
    let lc: Vec<char> = lowered.chars().collect();
    if lc.len() > field.max_chars || lowered.len() > MAX_EMAIL_BYTES {
        return Err(unprocessable(
            Code::TooLong,
            path,
            format!(
                "the {} has {} characters ({} bytes); the limit is {} characters and \
                 {MAX_EMAIL_BYTES} bytes",
                field.name,
                lc.len(),
                lowered.len(),
                field.max_chars.min(MAX_EMAIL_BYTES)
            ),
        ));
    }
    let not_email = |why: &str| {
        unprocessable(
            ErrorCode::InvalidInput,
            path,
            format!("the {} is not an email address: {why}", field.name),
        )
    };
    let ats = lc.iter().filter(|&&c| c == '@').count();
    if ats != 1 {
        return Err(not_email(&format!("it must have exactly one @, not {ats}")));
    }
    let at = lc.iter().position(|&c| c == '@').unwrap_or_default();
    let (local, domain) = (&lc[..at], &lc[at + 1..]);
    if local.is_empty() || domain.is_empty() {
        return Err(not_email("it needs a name before the @ and a domain after it"));
    }
    let mut start = at + 1;
    for label in domain.split(|&c| c == '.') {
        if label.is_empty() {
            return Err(not_email(
                "its domain has an empty part (a dot at the start or end, or two dots in a row)",
            ));
        }
        let text: String = label.iter().collect();
        single_script(
            label,
            off + start,
            &format!("the {}'s domain part \"{text}\"", field.name),
            "addresses",
            path,
        )?;
        start += label.len() + 1;
    }
    Ok(lowered)
}

/// A text field, cleaned by the field's rules ([`clean`]).
pub fn text_field(
    v: Option<splitter_core::Json>,
    path: &str,
    field: &Field,
    required: bool,
) -> Result<Option<String>, ApiError> {
    match v {
        None if required => Err(unprocessable(ErrorCode::InvalidInput, path, "required".into())),
        None => Ok(None),
        Some(splitter_core::Json::String(s)) => clean(&s, field, path).map(Some),
        Some(other) => Err(unprocessable(
            ErrorCode::InvalidInput,
            path,
            format!("expected a string, not {}", other.kind()),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const ALL: [Field; 7] = [
        MEMBER_ID,
        MEMBER_NAME,
        GROUP_NAME,
        DESCRIPTION,
        CATEGORY,
        EMAIL,
        RECORD_ID,
    ];

    fn code(r: ApiResult<String>) -> &'static str {
        match r {
            Ok(s) => panic!("accepted {s:?}"),
            Err(e) => e.code.as_str(),
        }
    }

    fn message(r: ApiResult<String>) -> String {
        match r {
            Ok(s) => panic!("accepted {s:?}"),
            Err(e) => e.message,
        }
    }

    /// A text made valid for the field around `inner` (an email needs an @ and a domain).
    fn around(field: &Field, inner: &str) -> String {
        match field.kind {
            Kind::Email => format!("an{inner}a@example.com"),
            _ => format!("an{inner}a"),
        }
    }

    #[test]
    fn nfc_makes_decomposed_e_equal_precomposed() {
        for f in ALL {
            let decomposed = clean(&around(&f, "e\u{301}"), &f, "x").unwrap();
            let composed = clean(&around(&f, "é"), &f, "x").unwrap();
            assert_eq!(decomposed, composed, "{}", f.name);
            assert!(decomposed.contains('\u{e9}'));
        }
    }

    #[test]
    fn id_mixing_cyrillic_and_latin_is_mixed_script() {
        let e = clean("\u{430}na", &MEMBER_ID, "members[0].id").unwrap_err();
        assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e.code, "mixed_script");
        assert_eq!(e.path, "members[0].id");
        assert!(e.message.contains("Cyrillic and Latin"), "{}", e.message);
        assert!(e.message.contains("U+0430"), "{}", e.message);
        assert!(e.message.contains("at character 2"), "{}", e.message);
        assert!(e.message.contains("look-alike ids"), "{}", e.message);
        // Names may mix scripts freely.
        assert_eq!(clean("\u{430}na", &MEMBER_NAME, "x").unwrap(), "\u{430}na");
    }

    #[test]
    fn all_cyrillic_id_is_accepted_and_its_skeleton_matches_the_latin_lookalike() {
        let cyrillic = clean("\u{430}n\u{430}", &MEMBER_ID, "x");
        // "n" is Latin: a real all-Cyrillic id.
        assert_eq!(code(cyrillic), "mixed_script");
        // Cyrillic has no "n", but "рара" (all four Cyrillic) is an id that looks like "papa".
        let cyrillic = clean("\u{440}\u{430}\u{440}\u{430}", &MEMBER_ID, "x").unwrap();
        assert_ne!(cyrillic, "papa");
        assert_eq!(skeleton(&cyrillic), skeleton("papa"));
        let cyrillic = clean("\u{430}\u{43E}\u{430}", &MEMBER_ID, "x").unwrap(); // "аоа"
        assert_eq!(skeleton(&cyrillic), skeleton("aoa"));
        // The brief's example, "аnа" with a Cyrillic а and a Latin n, is mixed; its skeleton
        // still equals the skeleton of Latin "ana".
        assert_eq!(skeleton("\u{430}n\u{430}"), skeleton("ana"));
        assert_ne!(skeleton("ana"), skeleton("anb"));
    }

    #[test]
    fn skeleton_maps_rn_and_m_together() {
        assert_eq!(skeleton("rn"), skeleton("m"));
        assert_eq!(skeleton("corn"), skeleton("com"));
        assert_ne!(skeleton("ana"), skeleton("Ana"));
    }

    #[test]
    fn japanese_korean_and_chinese_ids_count_as_one_script() {
        for id in [
            "山田たろう",
            "ヤマダ太郎",
            "김민준金",
            "注音ㄅㄆ",
            "ana-2 b",
            "bob 😀",
        ] {
            assert_eq!(clean(id, &MEMBER_ID, "x").unwrap(), id);
        }
        assert_eq!(code(clean("たろうtaro", &MEMBER_ID, "x")), "mixed_script");
        assert_eq!(code(clean("한ひ", &MEMBER_ID, "x")), "mixed_script");
    }

    #[test]
    fn edge_spaces_are_refused_in_ids_and_trimmed_in_names() {
        for raw in ["ana ", " ana", "ana\t", "\u{3000}ana"] {
            let e = clean(raw, &MEMBER_ID, "id").unwrap_err();
            assert_eq!(e.code, "invalid_text", "{raw:?}");
            assert!(e.message.contains("spaces exactly"), "{}", e.message);
            assert_eq!(clean(raw, &MEMBER_NAME, "name").unwrap(), "ana");
        }
        assert!(message(clean("ana ", &MEMBER_ID, "id")).contains("U+0020 SPACE at character 4"));
        assert_eq!(clean(" \u{a0}Ana Bel\n", &MEMBER_NAME, "n").unwrap(), "Ana Bel");
    }

    #[test]
    fn inner_blanks_other_than_one_space_are_refused() {
        assert_eq!(clean("ana bel", &MEMBER_ID, "x").unwrap(), "ana bel");
        let m = message(clean("ana  bel", &MEMBER_ID, "x"));
        assert!(m.contains("two spaces") && m.contains("character 5"), "{m}");
        for (blank, cp) in [
            ('\t', "U+0009"),
            ('\n', "U+000A"),
            ('\u{a0}', "U+00A0 NO-BREAK SPACE"),
            ('\u{3000}', "U+3000 IDEOGRAPHIC SPACE"),
            ('\u{2009}', "U+2009 THIN SPACE"),
        ] {
            for f in ALL {
                let e = clean(&around(&f, &blank.to_string()), &f, "x").unwrap_err();
                assert_eq!(e.code, "invalid_text", "{} {blank:?}", f.name);
                assert!(e.message.contains(cp), "{}", e.message);
                assert!(e.message.contains("at character 3"), "{}", e.message);
            }
        }
        assert_eq!(clean("Ana  Bel", &MEMBER_NAME, "x").unwrap(), "Ana  Bel");
    }

    #[test]
    fn invisible_and_control_characters_are_refused_in_every_kind() {
        let bad = [
            ('\u{202E}', "U+202E RIGHT-TO-LEFT OVERRIDE"),
            ('\u{200B}', "U+200B ZERO WIDTH SPACE"),
            ('\u{0}', "U+0000 NULL"),
            ('\u{FEFF}', "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
            ('\u{E000}', "U+E000 (private use)"),
            ('\u{F0000}', "U+F0000 (private use)"),
            ('\u{AD}', "U+00AD SOFT HYPHEN"),
            ('\u{2066}', "U+2066 LEFT-TO-RIGHT ISOLATE"),
            ('\u{61C}', "U+061C ARABIC LETTER MARK"),
            ('\u{1B}', "U+001B ESCAPE"),
            ('\u{FDD0}', "U+FDD0 (a noncharacter)"),
            ('\u{FFFF}', "U+FFFF (a noncharacter)"),
            ('\u{10FFFE}', "U+10FFFE (a noncharacter)"),
            ('\u{378}', "U+0378 (unassigned)"),
        ];
        for (c, described) in bad {
            for f in ALL {
                let e = clean(&around(&f, &c.to_string()), &f, "p.q").unwrap_err();
                assert_eq!(e.code, "invalid_text", "{} {c:?}", f.name);
                assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY);
                assert_eq!(e.path, "p.q");
                assert!(e.message.contains(described), "{}", e.message);
                assert!(e.message.contains("at character 3"), "{}", e.message);
                assert!(e.message.contains(f.name), "{}", e.message);
                // The refused character itself is never copied into the message.
                assert!(!e.message.contains(c), "{}", e.message);
            }
        }
    }

    #[test]
    fn zwj_family_emoji_is_a_name_but_not_an_id() {
        let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}";
        assert_eq!(clean(family, &MEMBER_NAME, "x").unwrap(), family);
        let e = clean(family, &MEMBER_ID, "x").unwrap_err();
        assert_eq!(e.code, "invalid_text");
        assert!(
            e.message.contains("U+200D ZERO WIDTH JOINER at character 2"),
            "{}",
            e.message
        );
        // A ZWNJ inside a Persian word, and an emoji with its presentation selector.
        let persian = "\u{645}\u{6CC}\u{200C}\u{62E}\u{648}\u{627}\u{647}\u{645}";
        assert_eq!(clean(persian, &MEMBER_NAME, "x").unwrap(), persian);
        assert_eq!(
            clean("I \u{2764}\u{FE0F} tea", &GROUP_NAME, "x").unwrap(),
            "I \u{2764}\u{FE0F} tea"
        );
        let e = clean("ana\u{FE0F}", &MEMBER_ID, "x").unwrap_err();
        assert!(
            e.message.contains("U+FE0F VARIATION SELECTOR-16"),
            "{}",
            e.message
        );
    }

    #[test]
    fn joiners_at_an_edge_or_beside_a_space_are_refused_in_names() {
        for raw in [
            "\u{200D}ana",
            "ana\u{200D}",
            "ana \u{200D}bel",
            "ana\u{200D} bel",
            "ana\u{200C}\u{200C}bel",
            "  \u{200D}ana",
        ] {
            let e = clean(raw, &MEMBER_NAME, "x").unwrap_err();
            assert_eq!(e.code, "invalid_text", "{raw:?}");
            assert!(e.message.contains("joiner"), "{}", e.message);
        }
        // The position counts from the text as sent, before trimming.
        assert!(message(clean("  \u{200D}ana", &MEMBER_NAME, "x")).contains("at character 3"));
    }

    #[test]
    fn empty_and_invisible_only_texts_are_refused() {
        for f in ALL {
            assert_eq!(code(clean("", &f, "x")), "invalid_input", "{}", f.name);
        }
        for f in [MEMBER_NAME, GROUP_NAME, DESCRIPTION, CATEGORY, EMAIL] {
            let e = clean(" \n ", &f, "x").unwrap_err();
            assert_eq!(e.code, "invalid_input");
            assert!(e.message.contains("must not be empty"), "{}", e.message);
        }
        assert_eq!(code(clean("\u{3164}", &MEMBER_NAME, "x")), "invalid_input");
    }

    #[test]
    fn length_limits_count_characters_after_nfc_and_trimming() {
        let ok = "a".repeat(64);
        assert_eq!(clean(&ok, &MEMBER_ID, "x").unwrap(), ok);
        assert_eq!(clean(&ok, &RECORD_ID, "x").unwrap(), ok);
        let e = clean(&"a".repeat(65), &MEMBER_ID, "x").unwrap_err();
        assert_eq!(e.code, "too_long");
        assert!(e.message.contains("the limit is 64"), "{}", e.message);
        // 64 decomposed "é" are 128 characters as sent, 64 after NFC.
        let decomposed = "e\u{301}".repeat(64);
        assert_eq!(clean(&decomposed, &MEMBER_ID, "x").unwrap(), "é".repeat(64));
        // Multi-byte characters count once.
        assert!(clean(&"ж".repeat(64), &MEMBER_ID, "x").is_ok());
        let name = format!("  {}  ", "b".repeat(100));
        assert_eq!(clean(&name, &MEMBER_NAME, "x").unwrap(), "b".repeat(100));
        assert_eq!(code(clean(&"b".repeat(101), &MEMBER_NAME, "x")), "too_long");
        assert!(clean(&"d".repeat(500), &DESCRIPTION, "x").is_ok());
        assert_eq!(code(clean(&"c".repeat(65), &CATEGORY, "x")), "too_long");
    }

    #[test]
    fn emails_are_trimmed_normalised_and_lower_cased() {
        assert_eq!(email("Ana@Example.COM ", "email").unwrap(), "ana@example.com");
        assert_eq!(
            email("\tÉLISE@Exemple.FR\n", "email").unwrap(),
            "élise@exemple.fr"
        );
        assert_eq!(
            email("E\u{301}lise@exemple.fr", "email").unwrap(),
            "élise@exemple.fr"
        );
        assert_eq!(clean("Ana@Example.COM", &EMAIL, "e").unwrap(), "ana@example.com");
        // The local part may use any allowed characters, mixed scripts included.
        assert_eq!(
            email("\u{430}na@example.com", "e").unwrap(),
            "\u{430}na@example.com"
        );
        assert_eq!(email("用户@例子.中国", "e").unwrap(), "用户@例子.中国");
    }

    #[test]
    fn malformed_emails_are_refused() {
        for raw in [
            "a@b@c",
            "ana",
            "@example.com",
            "ana@",
            "ana@example..com",
            "ana@.com",
            "ana@com.",
        ] {
            let e = email(raw, "email").unwrap_err();
            assert_eq!(e.code, "invalid_input", "{raw:?}");
            assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(e.message.contains("not an email address"), "{}", e.message);
        }
        assert_eq!(code(email("ana bel@example.com", "e")), "invalid_text");
        assert_eq!(code(email("ana@exam\u{200B}ple.com", "e")), "invalid_text");
        let long = format!("{}@example.com", "a".repeat(243));
        assert_eq!(long.len(), 255);
        assert_eq!(code(email(&long, "e")), "too_long");
        assert!(email(&long[1..], "e").is_ok());
        // 127 two-byte characters are under 254 characters but over 254 bytes.
        let wide = format!("{}@example.com", "é".repeat(127));
        assert!(wide.chars().count() < 254);
        assert_eq!(code(email(&wide, "e")), "too_long");
    }

    #[test]
    fn email_domain_labels_must_be_single_script() {
        let e = email("ana@ex\u{430}mple.com", "email").unwrap_err();
        assert_eq!(e.code, "mixed_script");
        assert_eq!(e.path, "email");
        assert!(e.message.contains("Latin and Cyrillic"), "{}", e.message);
        assert!(e.message.contains("at character 7"), "{}", e.message);
        assert!(e.message.contains("look-alike addresses"), "{}", e.message);
        // Each label on its own: a Cyrillic label beside a Latin one is fine.
        assert!(email("ana@\u{43F}\u{440}\u{438}\u{43C}\u{435}\u{440}.com", "e").is_ok());
    }

    #[test]
    fn short_repeated_and_common_passwords_are_weak() {
        for p in [
            "password",
            "12345678",
            "correct horse",
            "passwordpassword",
            "iloveyouiloveyou",
            "dragondragondragon",
            "aaaaaaaaaaaaaaaa",
            "AaAaAaAaAaAaAaAa",
            "abcabcabcabcabcabc",
            "123456789012345",
            "abcdefghijklmnop",
            "qwertyuiop12345",
            "PasswordPasswordPass",
        ] {
            let e = password(p, "password", &[]).unwrap_err();
            assert_eq!(e.code, "weak_password", "{p:?}");
            assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert_eq!(e.path, "password");
            if p != "password" {
                assert!(
                    !e.message.contains(p),
                    "the message repeats the password: {}",
                    e.message
                );
            }
        }
        let m = message(password("correct horse", "p", &[]));
        assert!(m.contains("at least 15 characters"), "{m}");
        assert!(m.contains("a few words"), "{m}");
    }

    #[test]
    fn a_long_passphrase_is_accepted_as_sent() {
        assert_eq!(
            password("correct horse battery staple", "p", &["ana"]).unwrap(),
            "correct horse battery staple"
        );
        // Not trimmed; any printing Unicode allowed.
        assert_eq!(
            password("  spaces count too  ", "p", &[]).unwrap(),
            "  spaces count too  "
        );
        assert!(password("пароль из четырёх слов", "p", &[]).is_ok());
        assert!(password("🐈🐈‍⬛ two cats at home", "p", &[]).is_ok());
    }

    #[test]
    fn passwords_are_nfkc_normalised() {
        // Fullwidth letters and a ligature fold to their plain forms.
        assert_eq!(
            password("ｃｏｒｒｅｃｔ horse battery ﬁsh", "p", &[]).unwrap(),
            "correct horse battery fish"
        );
        assert_eq!(
            password("cafe\u{301} au lait, no sugar", "p", &[]).unwrap(),
            "café au lait, no sugar"
        );
        // Fullwidth "password" repeated is still a repeated common password.
        assert_eq!(
            code(password("ｐａｓｓｗｏｒｄpassword", "p", &[])),
            "weak_password"
        );
    }

    #[test]
    fn passwords_built_on_context_words_are_weak() {
        let e = password("anabel-likes-long-walks", "password", &["anabel"]).unwrap_err();
        assert_eq!(e.code, "weak_password");
        assert!(e.message.contains("\"anabel\""), "{}", e.message);
        assert_eq!(
            code(password("ANABEL-likes-long-walks", "p", &["Anabel"])),
            "weak_password"
        );
        assert_eq!(
            code(password("my splitter account pass", "p", &[])),
            "weak_password"
        );
        // Words under 4 characters are not checked.
        assert!(password("ana-likes-long-walks", "p", &["ana"]).is_ok());
    }

    #[test]
    fn password_controls_and_length_limit_are_refused() {
        let e = password("correct horse\u{0}battery", "p", &[]).unwrap_err();
        assert_eq!(e.code, "invalid_text");
        assert!(e.message.contains("U+0000 NULL at character 14"), "{}", e.message);
        assert_eq!(code(password("correct horse\nbattery", "p", &[])), "invalid_text");
        let long: String = "correct horse battery staple ".repeat(40);
        assert!(long.chars().count() > MAX_PASSWORD_CHARS);
        assert_eq!(code(password(&long, "p", &[])), "too_long");
        let fits: String = long.chars().take(MAX_PASSWORD_CHARS).collect();
        assert!(password(&fits, "p", &[]).is_ok());
    }

    #[test]
    fn common_password_list_is_loaded_without_its_header() {
        let set = common_passwords();
        assert!(set.len() > 10_000, "{}", set.len());
        assert!(set.contains("password") && set.contains("iloveyou"));
        assert!(set.iter().all(|p| !p.starts_with('#') && *p == p.to_lowercase()));
        assert!(
            set.iter()
                .filter(|p| p.chars().count() >= MIN_PASSWORD_CHARS)
                .count()
                >= 25
        );
        assert!(COMMON_PASSWORDS.len() < 150 * 1024);
    }

    #[test]
    fn smallest_period_and_runs() {
        let chars = |s: &str| s.chars().collect::<Vec<_>>();
        assert_eq!(smallest_period(&chars("passwordpassword")), 8);
        assert_eq!(smallest_period(&chars("passwordpasswo")), 8);
        assert_eq!(smallest_period(&chars("abcd")), 4);
        assert_eq!(smallest_period(&[]), 0);
        assert!(is_run(&chars("9876543210987")));
        assert!(is_run(&chars("mnopq")));
        assert!(!is_run(&chars("abcdfg")));
        assert!(!is_run(&chars("a")));
    }

    fn interesting() -> impl Strategy<Value = String> {
        let chars: Vec<char> = vec![
            'a',
            'n',
            'A',
            'é',
            'e',
            '\u{301}',
            '\u{308}',
            '\u{313}',
            '\u{345}',
            'ω',
            'K',
            '\u{212A}',
            '\u{212B}',
            '\u{430}',
            '\u{43E}',
            ' ',
            ' ',
            '\t',
            '\n',
            '\u{85}',
            '\u{a0}',
            '\u{2000}',
            '\u{3000}',
            '\u{200B}',
            '\u{200C}',
            '\u{200D}',
            '\u{202E}',
            '\u{FEFF}',
            '\u{FE0F}',
            '\u{E0100}',
            '\u{E000}',
            '\u{0}',
            '@',
            '.',
            '.',
            'İ',
            'Σ',
            'ς',
            '\u{1F468}',
            '\u{1F469}',
            'ア',
            'あ',
            '漢',
            '한',
            '\u{1100}',
            '\u{1161}',
            '\u{11A8}',
            '\u{FDD0}',
            '\u{FFFF}',
            '\u{378}',
            '\u{1F3F4}',
            '\u{E0067}',
            '\u{3164}',
            '\u{AD}',
        ];
        prop::collection::vec(prop::sample::select(chars), 0..24).prop_map(|v| v.into_iter().collect())
    }

    fn texts() -> impl Strategy<Value = String> {
        prop_oneof![any::<String>(), interesting()]
    }

    proptest! {
        #[test]
        fn clean_is_total_idempotent_and_never_keeps_a_refused_character(raw in texts()) {
            for f in ALL {
                let Ok(out) = clean(&raw, &f, "x") else { continue };
                prop_assert_eq!(clean(&out, &f, "x"), Ok(out.clone()), "{}", f.name);
                prop_assert!(unicode_normalization::is_nfc(&out));
                prop_assert!(!out.is_empty());
                prop_assert!(out.chars().count() <= f.max_chars);
                for c in out.chars() {
                    let allowed_joiner = f.kind == Kind::Name && is_joiner(c);
                    prop_assert!(refused(c).is_none() || allowed_joiner, "{} kept {:?}", f.name, c);
                    if f.kind != Kind::Name {
                        prop_assert!(!is_default_ignorable(c), "{} kept {:?}", f.name, c);
                    }
                }
                if f.kind == Kind::Email {
                    prop_assert!(out.len() <= MAX_EMAIL_BYTES);
                    prop_assert_eq!(out.matches('@').count(), 1);
                }
            }
        }

        #[test]
        fn password_is_total_and_returns_its_nfkc_form(raw in texts()) {
            if let Ok(p) = password(&raw, "p", &["anabel"]) {
                prop_assert_eq!(&p, &raw.nfkc().collect::<String>());
                prop_assert!(p.chars().count() >= MIN_PASSWORD_CHARS);
            }
        }
    }
}
