// The engine's errors in plain words, at the place the person typed: a SplitterError's `code`
// and `path` (`split_mismatch` at `expenses[2].split.amounts`) become the control it is about
// (the split of the expense named "hotel") and a sentence that names things as the page shows
// them. The code and path are kept beside the sentence for support.
import { currencyDecimals, formatDecimal, formatMoney, subtractDecimals, sumDecimals } from './numbers.js';

const NOUNS = { amounts: 'amount', shares: 'share', percent: 'percentage', adjustments: 'adjustment' };

/**
 * Where an error belongs and what to say. `group` is the engine's input that failed, `marks` the
 * page's number marks. Returns `{ expense, payment, field, member, text }`: `expense` or
 * `payment` is the index of the record at fault (or null), `field` one of "amount", "payer",
 * "split", "part", "from", "to" (or null for the group as a whole), `member` the member whose
 * part is at fault (for "part").
 */
export function explain(err, group, marks) {
  const code = err.code ?? '';
  const path = err.path ?? '';
  const where = { expense: null, payment: null, field: null, member: null };
  let m = /^expenses\[(\d+)\](?:\.(.*))?$/.exec(path);
  if (m) {
    const index = Number(m[1]);
    const expense = group.expenses[index] ?? {};
    return { ...where, expense: index, ...aboutExpense(code, m[2] ?? '', expense, index, group.currency, marks, err) };
  }
  m = /^payments\[(\d+)\](?:\.(.*))?$/.exec(path);
  if (m) {
    const index = Number(m[1]);
    return { ...where, payment: index, ...aboutPayment(code, m[2] ?? '', group.payments?.[index] ?? {}, group.currency, marks, err) };
  }
  return { ...where, text: `The group cannot be computed: ${err.message}` };
}

function aboutExpense(code, rest, expense, index, currency, marks, err) {
  const name = expense.description ? `“${expense.description}”` : `expense ${index + 1}`;
  const money = (v) => formatMoney(v, expense.currency ?? currency, marks);
  const part = /^split\.(amounts|shares|percent|adjustments)\.(.+)$/.exec(rest);
  const list = /^split\.(amounts|shares|percent|adjustments|members)(?:\[\d+\])?$/.exec(rest);
  const kind = part?.[1] ?? list?.[1];
  if (rest === 'amount') {
    if (code === 'too_precise') {
      const n = currencyDecimals(expense.currency ?? currency, marks.locale);
      return { field: 'amount', text: `The amount of ${name} has more decimals than ${expense.currency ?? currency} has${n === null ? '' : ` (${n})`}.` };
    }
    if (code === 'invalid_amount') return { field: 'amount', text: `The amount of ${name} cannot be zero.` };
    if (code === 'overflow') return { field: 'amount', text: `The amount of ${name} is too large.` };
  }
  if (rest.startsWith('paid_by')) {
    if (code === 'unknown_member') return { field: 'payer', text: `${name} is paid by someone who is no longer a member.` };
  }
  if (part) {
    const member = part[2];
    const noun = NOUNS[kind];
    if (code === 'too_precise') {
      const n = currencyDecimals(expense.currency ?? currency, marks.locale);
      return { field: 'part', member, text: `${member}’s ${noun} in ${name} has too many decimals${kind === 'amounts' && n !== null ? ` (${currency} has ${n})` : ''}.` };
    }
    if (code === 'invalid_amount') return { field: 'part', member, text: `${member}’s ${noun} in ${name} must be 0 or more.` };
    if (code === 'unknown_member') return { field: 'part', member, text: `${name} names ${member}, who is no longer a member.` };
    if (code === 'overflow') return { field: 'part', member, text: `${member}’s ${noun} in ${name} is too large.` };
  }
  if (list && code === 'split_mismatch' && kind === 'amounts') {
    const values = Object.values(expense.split.amounts ?? {});
    try {
      const sum = sumDecimals(values);
      const gap = subtractDecimals(expense.amount, sum);
      const what = gap.startsWith('-') ? `${money(gap.slice(1))} too much` : `${money(gap)} still to share out`;
      return { field: 'split', text: `The amounts for ${name} add up to ${money(sum)} but the expense is ${money(expense.amount)}: ${what}.` };
    } catch {
      return { field: 'split', text: `The amounts for ${name} do not add up to ${money(expense.amount)}.` };
    }
  }
  if (list && code === 'split_mismatch' && kind === 'percent') {
    const values = Object.values(expense.split.percent ?? {});
    let sum = null;
    try {
      sum = formatDecimal(sumDecimals(values), marks);
    } catch { /* shown without the sum */ }
    return { field: 'split', text: `The percentages for ${name} add up to ${sum ?? 'something other than 100'}${sum ? ', not 100' : ''}.` };
  }
  if (list && code === 'split_mismatch' && kind === 'adjustments') {
    return { field: 'split', text: `The adjustments for ${name} are more than the expense (${money(expense.amount)}).` };
  }
  if (list && code === 'empty_split') {
    const text = {
      members: `Tick at least one member to share ${name}.`,
      amounts: `Type at least one member’s amount for ${name}.`,
      shares: `Give at least one member a share above 0 for ${name}.`,
      percent: `Type at least one member’s percentage for ${name}.`,
    }[kind] ?? `Choose who shares ${name}.`;
    return { field: 'split', text };
  }
  if (code === 'unknown_member') return { field: 'split', text: `${name} names someone who is no longer a member.` };
  if (code === 'overflow') return { field: 'split', text: `The numbers in ${name} are too large.` };
  return { field: rest.startsWith('split') ? 'split' : 'amount', text: `${name} cannot be added: ${err.message}` };
}

function aboutPayment(code, rest, payment, currency, marks, err) {
  const money = (v) => formatMoney(v, payment.currency ?? currency, marks);
  if (rest === 'amount' && code === 'invalid_amount') return { field: 'amount', text: 'A payment must be more than 0.' };
  if (rest === 'amount' && code === 'too_precise') {
    const n = currencyDecimals(payment.currency ?? currency, marks.locale);
    return { field: 'amount', text: `This payment has more decimals than ${currency} has${n === null ? '' : ` (${n})`}.` };
  }
  if (rest === 'to' && code === 'invalid_input') {
    return { field: 'to', text: `${payment.from} cannot pay ${payment.to}: choose two different members.` };
  }
  if ((rest === 'from' || rest === 'to') && code === 'unknown_member') {
    return { field: rest, text: `${payment[rest]} is no longer a member.` };
  }
  if (code === 'overflow') return { field: 'amount', text: `The payment of ${money(payment.amount)} is too large.` };
  return { field: rest === 'from' || rest === 'to' ? rest : 'amount', text: `This payment cannot be recorded: ${err.message}` };
}
