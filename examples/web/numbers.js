// Numbers as people type and read them in their locale, turned into the contract's exact decimal
// strings and back by string manipulation only: no amount ever becomes a JavaScript number.
//
// The locale's marks come from Intl.NumberFormat#formatToParts (a constant sample number is
// formatted to learn them; that sample is the only number here).

/** The decimal and group marks of `locale` (a BCP 47 tag such as "de-DE"). */
export function marks(locale) {
  const parts = new Intl.NumberFormat(locale, { useGrouping: true }).formatToParts(1234567.5);
  const find = (type, fallback) => parts.find((p) => p.type === type)?.value ?? fallback;
  return { locale, decimal: find('decimal', '.'), group: find('group', ',') };
}

const SPACES = /[\s\u00a0\u202f\u2009]/g;
const MINUS = /^[-\u2212]/;

/**
 * Reads what a person typed as an exact decimal string in the contract's form ("1234.5", "-3").
 * Returns `{ value }`, or `{ error }` with a sentence for the field.
 *
 * Accepted: the locale's decimal mark; its group mark between groups of three digits before the
 * decimal mark (spaces too where the locale groups with a space); a leading minus. The other
 * usual mark ("," where the locale writes ".", and "." where it writes ",") is read as a decimal
 * mark when that cannot be a group mark: it is there once, alone, and not followed by exactly
 * three digits ("12,50" in en-US is 12.50; "1,250" is 1250). Refused, never guessed: both marks
 * in the other locale's order ("1.234,5" in en-US), or anything else that is not digits.
 */
export function parseDecimal(text, { decimal, group }) {
  const raw = String(text).trim();
  if (raw === '') return { error: 'Type a number.' };
  const spaced = /^\s$/.test(group);
  const g = spaced ? ' ' : group;
  let body = raw.replace(SPACES, spaced ? ' ' : '');
  const negative = MINUS.test(body);
  if (negative) body = body.slice(1);
  const other = decimal === ',' ? '.' : ',';
  const example = `12${decimal}50`;
  const notNumber = `“${raw}” is not a number: type digits, with “${decimal}” for decimals (${example}).`;
  const ambiguous = `“${raw}” is ambiguous here: write decimals with “${decimal}” and no thousands mark, like 1234${decimal}5.`;
  if (!/[0-9]/.test(body) || [...body].some((c) => !/[0-9]/.test(c) && c !== decimal && c !== g && c !== other)) {
    return { error: notNumber };
  }
  const count = (c) => body.split(c).length - 1;
  // The other usual mark, alone and not followed by exactly three digits, cannot be a thousands
  // mark: it is a decimal mark ("12,50" in en-US).
  const alone = count(other) === 1 && count(decimal) === 0 && (other === g || count(g) === 0);
  if (alone && !/^[0-9]{3}$/.test(body.split(other)[1])) body = body.replace(other, decimal);
  if (other !== g && count(other) > 0) return { error: ambiguous };
  if (count(decimal) > 1) return { error: count(g) > 0 ? ambiguous : notNumber };
  const [whole, fraction = ''] = body.split(decimal);
  if (fraction.includes(g)) return { error: ambiguous };
  const groups = whole.split(g);
  if (groups.length > 1 && (!/^[0-9]{1,3}$/.test(groups[0]) || groups.slice(1).some((x) => !/^[0-9]{3}$/.test(x)))) {
    return { error: `“${raw}” is not a number: “${spaced ? ' ' : group}” separates thousands (1${group}234), “${decimal}” the decimals (${example}).` };
  }
  const digits = groups.join('');
  if (digits === '' && fraction === '') return { error: notNumber };
  const int = digits.replace(/^0+(?=[0-9])/, '') || '0';
  return { value: `${negative ? '-' : ''}${int}${fraction ? `.${fraction}` : ''}` };
}

/** An exact decimal string ("-1234.50") written with the locale's marks ("-1.234,50"). */
export function formatDecimal(value, { decimal, group }) {
  const negative = value.startsWith('-');
  const [whole, fraction] = (negative ? value.slice(1) : value).split('.');
  const grouped = whole.replace(/\B(?=([0-9]{3})+$)/g, group);
  return `${negative ? '-' : ''}${grouped}${fraction !== undefined ? `${decimal}${fraction}` : ''}`;
}

/**
 * An exact amount with its currency, the way the locale writes money ("90,00 €", "€90.00",
 * "-€5.20"): the locale's pattern around the engine's own digits.
 */
export function formatMoney(value, currency, m) {
  const negative = value.startsWith('-');
  let pattern;
  let decimals = 0;
  try {
    const format = new Intl.NumberFormat(m.locale, { style: 'currency', currency });
    pattern = format.formatToParts(negative ? -1 : 1);
    decimals = format.resolvedOptions().minimumFractionDigits;
  } catch {
    return `${formatDecimal(value, m)} ${currency}`;
  }
  // Typed amounts ("12.5") are padded with zeros to the currency's decimals ("12.50"): the same
  // value; digits are only ever added after the last one, never dropped.
  let [whole, fraction = ''] = (negative ? value.slice(1) : value).split('.');
  fraction = fraction.padEnd(decimals, '0');
  const digits = formatDecimal(fraction ? `${whole}.${fraction}` : whole, m);
  let out = '';
  let placed = false;
  for (const part of pattern) {
    if (['integer', 'group', 'decimal', 'fraction'].includes(part.type)) {
      if (!placed) out += digits;
      placed = true;
    } else {
      out += part.value;
    }
  }
  return out;
}

/** How many decimals the locale's money format uses for `currency` (for error messages). */
export function currencyDecimals(currency, locale) {
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency }).resolvedOptions().maximumFractionDigits;
  } catch {
    return null;
  }
}

/**
 * The exact sum and difference of decimal strings, in BigInt units of the finest scale: used
 * only to say by how much typed parts miss their total in an error message.
 */
export function sumDecimals(values) {
  const scale = Math.max(0, ...values.map((v) => (v.split('.')[1] ?? '').length));
  const units = (v) => {
    const negative = v.startsWith('-');
    const [w, f = ''] = (negative ? v.slice(1) : v).split('.');
    const n = BigInt(w + f.padEnd(scale, '0'));
    return negative ? -n : n;
  };
  const total = values.reduce((s, v) => s + units(v), 0n);
  return toDecimal(total, scale);
}

function toDecimal(units, scale) {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = scale ? `.${digits.slice(digits.length - scale)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

/** `a - b` for decimal strings, exactly. */
export function subtractDecimals(a, b) {
  return sumDecimals([a, b.startsWith('-') ? b.slice(1) : `-${b}`]);
}
