// The example page: a group kept in the page (and in localStorage), computed by the engine on
// every change. Amounts are strings from the input fields to the engine and back: what is typed
// in the page's locale ("12,50" in de-DE) is rewritten as the contract's decimal string ("12.50")
// by numbers.js, and the engine's strings are shown back in the locale's format. Totals, parts
// and balances are the engine's; the page adds up nothing but typed parts, exactly, to explain
// an error.
import init, { compute, SplitterError } from './pkg/index.js';
import { explain } from './errors.js';
import { formatDecimal, formatMoney, marks, parseDecimal } from './numbers.js';

const STORAGE_KEY = 'splitter-example-group';
const $ = (selector) => document.querySelector(selector);

/** The page's locale: `?locale=de-DE` wins (for tests and demos), else the browser's. */
const LOCALE = [new URLSearchParams(location.search).get('locale'), navigator.language, 'en-US']
  .find((tag) => { try { return tag && Intl.NumberFormat.supportedLocalesOf(tag).length > 0; } catch { return false; } });
/** The locale's decimal and group marks. */
const MARKS = marks(LOCALE);
const money = (amount) => formatMoney(amount, state.currency, MARKS);

/** The page's state: the group being edited. Expense ids are e1, e2, ... and never reused. */
let state = load() ?? emptyState();

function emptyState() {
  return { currency: 'EUR', members: [], expenses: [], payments: [], nextId: 1, nextPayment: 1, settle: 'minimal' };
}

function load() {
  try {
    const saved = JSON.parse(localStorage.getItem(STORAGE_KEY));
    if (!saved || !Array.isArray(saved.members) || !Array.isArray(saved.expenses)) return null;
    return { payments: [], nextPayment: 1, ...saved };
  } catch {
    return null;
  }
}

function save() {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(state));
  } catch {
    // Storage may be unavailable (private mode): the page works without it.
  }
}

/** The engine's input for the current state, optionally with one more expense or payment. */
function group({ expense, payment } = {}) {
  const expenses = state.expenses.map(({ id, description, amount, paid_by, split }) => ({
    id, description, amount, paid_by, split,
  }));
  if (expense) expenses.push(expense);
  const payments = state.payments.map(({ id, from, to, amount }) => ({ id, from, to, amount }));
  if (payment) payments.push(payment);
  // The suggestions shown when payments were recorded: paying some of them leaves the others as
  // they were (the contract's `previous`), instead of a reshuffled list.
  const previous = payments.length && state.previous?.length && state.settle !== 'pairwise' ? { previous: state.previous } : {};
  return {
    currency: state.currency, members: state.members, expenses, ...(payments.length ? { payments } : {}),
    options: { settle: state.settle, ...previous },
  };
}

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k in node) node[k] = v;
    else node.setAttribute(k, v);
  }
  node.append(...children);
  return node;
}

/**
 * The engine's code and path, as support would want them (`split_mismatch at expenses[2]...`):
 * a SplitterError's message already reads "code at path: what is wrong; what to do".
 */
const rawCode = (e) => (e instanceof SplitterError ? e.message : String(e));

// --- errors at the field ---------------------------------------------------------------------

let errorCount = 0;

/**
 * Shows `text` at `controls` (the first one gets the message below it, or `anchor` when given):
 * each control gets aria-invalid and aria-describedby; `raw` (the engine's code and path) goes
 * in a details element beside the sentence. Returns the first control.
 */
function showFieldError(controls, text, raw, anchor) {
  const first = controls[0];
  const id = `field-error-${(errorCount += 1)}`;
  const message = el('p', { className: 'field-error', id }, text);
  const box = el('div', { className: 'error-box' }, message);
  if (raw) {
    box.append(el('details', { className: 'support' }, el('summary', {}, 'details for support'), el('code', {}, raw)));
  }
  (anchor ?? first).after(box);
  for (const c of controls) {
    c.setAttribute('aria-invalid', 'true');
    c.setAttribute('aria-describedby', [c.getAttribute('aria-describedby'), id].filter(Boolean).join(' '));
  }
  return first;
}

/** Removes every field error inside `root`. */
function clearFieldErrors(root) {
  for (const box of root.querySelectorAll('.error-box')) box.remove();
  for (const c of root.querySelectorAll('[aria-invalid]')) {
    c.removeAttribute('aria-invalid');
    c.removeAttribute('aria-describedby');
  }
}

/** Reads a typed number; on a mistake shows it at `control` and returns null. */
function readNumber(control, errors) {
  const { value, error } = parseDecimal(control.value, MARKS);
  if (error) errors.push([[control], error, null]);
  return value ?? null;
}

/** Shows the errors collected for a form, and moves focus to the first. */
function showErrors(form, errors) {
  clearFieldErrors(form);
  const first = errors.map(([controls, text, raw, anchor]) => showFieldError(controls, text, raw, anchor))[0];
  first?.focus();
}

const isZero = (amount) => /^-?0(\.0+)?$/.test(amount);

// --- rendering -------------------------------------------------------------------------------

/** The transfers last shown (what a recorded payment pays from). */
let shownTransfers = [];

function render() {
  save();
  $('#currency').value = state.currency;
  for (const radio of document.querySelectorAll('input[name="settle"]')) radio.checked = radio.value === state.settle;
  renderMembers();
  renderSplitTable();
  let report = null;
  const status = $('#status');
  try {
    report = compute(group());
    status.hidden = true;
  } catch (e) {
    // A stored group the engine refuses (say, 100.50 after switching to JPY): named in words.
    const { text } = e instanceof SplitterError ? explain(e, group(), MARKS) : { text: String(e) };
    status.replaceChildren(text, ' ', el('details', { className: 'support' }, el('summary', {}, 'details for support'), el('code', {}, rawCode(e))));
    status.hidden = false;
  }
  shownTransfers = report?.transfers ?? [];
  renderExpenses(report);
  renderResult(report);
  renderPayments();
  $('#group-json').textContent = JSON.stringify(group(), null, 2);
}

function renderMembers() {
  const list = $('#members');
  list.replaceChildren(...state.members.map((m) => el('li', { dataset: { member: m } }, m, ' ',
    el('button', {
      type: 'button', className: 'remove', title: `remove ${m}`, textContent: '\u00d7',
      onclick: () => removeMember(m),
    }))));
  for (const [id, offset] of [['#expense-payer', 0], ['#payment-from', 0], ['#payment-to', 1]]) {
    const select = $(id);
    const chosen = select.value;
    select.replaceChildren(...state.members.map((m) => el('option', { value: m, textContent: m })));
    if (state.members.includes(chosen)) select.value = chosen;
    else if (state.members.length > offset) select.value = state.members[offset];
  }
  const ready = state.members.length > 0;
  for (const id of ['#expense-amount', '#expense-payer', '#expense-split', '#add-expense']) $(id).disabled = !ready;
  const two = state.members.length > 1;
  for (const id of ['#payment-from', '#payment-to', '#payment-amount', '#add-payment']) $(id).disabled = !two;
}

const SPLIT_COLUMNS = {
  equal: ['Included', ''],
  shares: ['Shares', 'Weights such as 1 and 2; a member left empty is not included.'],
  exact: ['Amount', 'Exact parts; they must add up to the amount.'],
  percent: ['Percent', 'Percentages; they must add up to exactly 100.'],
};

function renderSplitTable() {
  const type = $('#expense-split').value;
  const [column, hint] = SPLIT_COLUMNS[type];
  $('#split-column').textContent = column;
  $('#split-hint').textContent = hint;
  const body = $('#split-table tbody');
  const previous = new Map([...body.querySelectorAll('tr')].map((tr) => [tr.dataset.member, tr.querySelector('input')]));
  body.replaceChildren(...state.members.map((m) => {
    const old = previous.get(m);
    const input = type === 'equal'
      ? el('input', { type: 'checkbox', checked: old?.type === 'checkbox' ? old.checked : true, name: `part-${m}` })
      : el('input', { inputmode: 'decimal', autocomplete: 'off', name: `part-${m}`, value: old?.type === 'text' ? old.value : '' });
    return el('tr', { dataset: { member: m } }, el('td', {}, m), el('td', {}, input));
  }));
}

function renderExpenses(report) {
  const parts = new Map();
  for (const s of report?.shares ?? []) {
    if (!parts.has(s.expense)) parts.set(s.expense, []);
    parts.get(s.expense).push(`${s.member} ${formatMoney(s.amount, s.currency, MARKS)}`);
  }
  const body = $('#expenses tbody');
  body.replaceChildren(...state.expenses.map((e) => el('tr', { dataset: { expense: e.id } },
    el('td', { className: 'what' }, e.description || e.id),
    el('td', { className: 'num', dataset: { amount: e.amount } }, money(e.amount)),
    el('td', {}, e.paid_by),
    el('td', {}, e.split.type),
    el('td', { className: 'parts' }, (parts.get(e.id) ?? []).join(' \u00b7 ')),
    el('td', { className: 'delete' }, el('button', { type: 'button', className: 'remove', textContent: 'delete', onclick: () => removeExpense(e.id) })))));
  $('#no-expenses').hidden = state.expenses.length > 0;
}

function renderResult(report) {
  const transfers = $('#transfers');
  const balances = $('#balances tbody');
  if (!report) {
    transfers.replaceChildren();
    balances.replaceChildren();
    $('#optimal').textContent = '';
    return;
  }
  transfers.replaceChildren(...report.transfers.map((t) => el('li', {
    className: 'transfer',
    dataset: { from: t.from, to: t.to, amount: t.amount, currency: t.currency },
  }, el('span', {}, el('strong', {}, t.from), ' pays ', el('strong', {}, t.to), ' ',
    el('span', { className: 'amount' }, formatMoney(t.amount, t.currency, MARKS))), ' ',
  el('button', {
    type: 'button', className: 'record', textContent: 'Mark paid',
    title: `record that ${t.from} paid ${t.to} ${formatMoney(t.amount, t.currency, MARKS)}`,
    onclick: () => recordPayment({ from: t.from, to: t.to, amount: t.amount }),
  }))));
  if (report.transfers.length === 0) {
    transfers.append(el('li', { className: 'settled' }, state.expenses.length ? 'Everyone is settled.' : 'Add members and expenses to see who pays whom.'));
  }
  $('#optimal').textContent = report.transfers.length === 0 ? ''
    : report.settle === 'pairwise' ? 'Pairwise: each pair settles what one paid for the other.'
      : report.optimal ? 'Proven to be the fewest transfers possible.' : 'A good suggestion (too many balances to prove it is the fewest).';
  balances.replaceChildren(...report.balances.map((b) => el('tr', {
    dataset: { member: b.member, paid: b.paid, owed: b.owed, net: b.net },
  },
  el('td', {}, b.member),
  el('td', { className: 'num' }, formatMoney(b.paid, b.currency, MARKS)),
  el('td', { className: 'num' }, formatMoney(b.owed, b.currency, MARKS)),
  el('td', { className: `num ${isZero(b.net) ? '' : b.net.startsWith('-') ? 'owes' : 'owed'}` }, formatMoney(b.net, b.currency, MARKS)))));
}

function renderPayments() {
  $('#payments').replaceChildren(...state.payments.map((p) => el('li', {
    className: 'payment', dataset: { from: p.from, to: p.to, amount: p.amount },
  }, `${p.from} paid ${p.to} ${money(p.amount)} `,
  el('button', { type: 'button', className: 'remove', textContent: 'delete', title: 'delete this payment', onclick: () => removePayment(p.id) }))));
}

// --- editing ---------------------------------------------------------------------------------

function addMember(name) {
  const id = name.trim();
  if (!id || state.members.includes(id)) return false;
  state.members.push(id);
  render();
  return true;
}

function removeMember(id) {
  const used = state.expenses.filter((e) => JSON.stringify([e.paid_by, e.split]).includes(JSON.stringify(id)))
    .map((e) => e.description || e.id);
  if (state.payments.some((p) => p.from === id || p.to === id)) used.push('payments');
  if (used.length) {
    showExpenseError(`${id} is in ${used.join(', ')}: delete those first.`);
    return;
  }
  state.members = state.members.filter((m) => m !== id);
  render();
}

function removeExpense(id) {
  state.expenses = state.expenses.filter((e) => e.id !== id);
  state.previous = null;
  render();
}

function removePayment(id) {
  state.payments = state.payments.filter((p) => p.id !== id);
  state.previous = null;
  render();
}

/**
 * Records money handed over, after the engine checked it within the group; returns the engine's
 * error (a SplitterError) when it refuses it.
 */
function recordPayment({ from, to, amount }) {
  const payment = { id: `p${state.nextPayment}`, from, to, amount };
  try {
    compute(group({ payment }));
  } catch (e) {
    if (e instanceof SplitterError && e.path.startsWith(`payments[${state.payments.length}]`)) return e;
  }
  state.payments.push(payment);
  state.nextPayment += 1;
  state.previous = shownTransfers;
  render();
  return null;
}

function addPayment() {
  const form = $('#payment-form');
  const errors = [];
  const controls = { from: $('#payment-from'), to: $('#payment-to'), amount: $('#payment-amount') };
  const amount = readNumber(controls.amount, errors);
  if (errors.length) return showErrors(form, errors);
  const e = recordPayment({ from: controls.from.value, to: controls.to.value, amount });
  if (e) {
    const payment = { from: controls.from.value, to: controls.to.value, amount };
    const { field, text } = explain(e, group({ payment }), MARKS);
    return showErrors(form, [[[controls[field] ?? controls.amount], text, rawCode(e)]]);
  }
  clearFieldErrors(form);
  controls.amount.value = '';
  return null;
}

function showExpenseError(text) {
  const p = $('#expense-error');
  p.textContent = text;
  p.hidden = !text;
}

/** The split the form describes, numbers read in the page's locale; mistakes go to `errors`. */
function formSplit(errors) {
  const type = $('#expense-split').value;
  const rows = [...document.querySelectorAll('#split-table tbody tr')];
  if (type === 'equal') {
    return { type, members: rows.filter((tr) => tr.querySelector('input').checked).map((tr) => tr.dataset.member) };
  }
  const parts = {};
  for (const tr of rows) {
    const input = tr.querySelector('input');
    if (input.value.trim() !== '') parts[tr.dataset.member] = readNumber(input, errors);
  }
  const key = { shares: 'shares', exact: 'amounts', percent: 'percent' }[type];
  return { type, [key]: parts };
}

/** The form controls an engine error about the new expense is shown at. */
function expenseControls(field, member) {
  const inputs = [...document.querySelectorAll('#split-table tbody input')];
  if (field === 'amount') return [[$('#expense-amount')]];
  if (field === 'payer') return [[$('#expense-payer')]];
  if (field === 'part') {
    const input = document.querySelector(`#split-table tr[data-member="${CSS.escape(member)}"] input`);
    if (input) return [[input]];
  }
  // The split as a whole: every part, the message below the table and its hint.
  return [inputs.length ? inputs : [$('#expense-split')], $('#split-hint')];
}

function addExpense() {
  const form = $('#expense-form');
  const errors = [];
  const id = `e${state.nextId}`;
  const amount = readNumber($('#expense-amount'), errors);
  const expense = {
    id,
    description: $('#expense-description').value.trim() || undefined,
    amount,
    paid_by: $('#expense-payer').value,
    split: formSplit(errors),
  };
  if (errors.length) {
    showErrors(form, errors);
    return false;
  }
  // The engine checks the new expense within the group before it is added.
  try {
    compute(group({ expense }));
  } catch (e) {
    const index = state.expenses.length;
    if (e instanceof SplitterError && e.path.startsWith(`expenses[${index}]`)) {
      const { field, member, text } = explain(e, group({ expense }), MARKS);
      const [controls, anchor] = expenseControls(field, member);
      showErrors(form, [[controls, text, rawCode(e), anchor]]);
      return false;
    }
  }
  if (!expense.description) delete expense.description;
  state.expenses.push(expense);
  state.nextId += 1;
  state.previous = null;
  showExpenseError('');
  clearFieldErrors(form);
  form.reset();
  $('#split-table tbody').replaceChildren(); // fresh rows: everyone included again
  render();
  return true;
}

const EXAMPLE = {
  currency: 'EUR',
  members: ['ana', 'ben', 'cy'],
  expenses: [
    { id: 'e1', description: 'dinner', amount: '100.00', paid_by: 'ana', split: { type: 'equal', members: ['ana', 'ben', 'cy'] } },
    { id: 'e2', description: 'taxi', amount: '30.00', paid_by: 'ben', split: { type: 'shares', shares: { ana: '1', cy: '2' } } },
    { id: 'e3', description: 'hotel', amount: '240.00', paid_by: 'cy', split: { type: 'percent', percent: { ana: '50', ben: '25', cy: '25' } } },
    { id: 'e4', description: 'museum', amount: '45.00', paid_by: 'ana', split: { type: 'exact', amounts: { ben: '15.00', cy: '30.00' } } },
  ],
  payments: [],
  nextId: 5,
  nextPayment: 1,
  settle: 'minimal',
};

// --- wiring ----------------------------------------------------------------------------------

function wire() {
  $('#member-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (addMember($('#member-name').value)) $('#member-name').value = '';
    $('#member-name').focus();
  });
  $('#expense-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    addExpense();
  });
  $('#payment-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    addPayment();
  });
  $('#expense-split').addEventListener('change', () => {
    clearFieldErrors($('#expense-form'));
    renderSplitTable();
  });
  $('#currency').addEventListener('change', (ev) => {
    state.currency = ev.target.value;
    state.previous = null;
    render();
  });
  for (const radio of document.querySelectorAll('input[name="settle"]')) {
    radio.addEventListener('change', (ev) => {
      state.settle = ev.target.value;
      state.previous = null;
      render();
    });
  }
  $('#load-example').addEventListener('click', () => {
    state = structuredClone(EXAMPLE);
    render();
  });
  $('#clear').addEventListener('click', () => {
    state = emptyState();
    showExpenseError('');
    render();
  });
}

await init();
$('#expense-amount').placeholder = formatDecimal('100.00', MARKS);
$('#payment-amount').placeholder = formatDecimal('10.00', MARKS);
$('#locale-note').textContent = `${LOCALE}: ${formatDecimal('1234.5', MARKS)} is read as 1234.5`;
wire();
render();
document.body.dataset.ready = 'true';
