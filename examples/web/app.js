// The example page: a group kept in the page (and in localStorage), computed by the engine on
// every change. Amounts are strings from the input fields to the engine and back: nothing here
// adds, rounds or compares amounts; totals, parts and balances are the engine's.
import init, { compute, SplitterError } from './pkg/index.js';

const STORAGE_KEY = 'splitter-example-group';
const $ = (selector) => document.querySelector(selector);

/** The page's state: the group being edited. Expense ids are e1, e2, ... and never reused. */
let state = load() ?? emptyState();

function emptyState() {
  return { currency: 'EUR', members: [], expenses: [], nextId: 1, settle: 'minimal' };
}

function load() {
  try {
    const saved = JSON.parse(localStorage.getItem(STORAGE_KEY));
    return saved && Array.isArray(saved.members) && Array.isArray(saved.expenses) ? saved : null;
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

/** The engine's input for the current state, optionally with one more expense. */
function group(extra) {
  const expenses = state.expenses.map(({ id, description, amount, paid_by, split }) => ({
    id, description, amount, paid_by, split,
  }));
  if (extra) expenses.push(extra);
  return { currency: state.currency, members: state.members, expenses, options: { settle: state.settle } };
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

// A SplitterError's message already reads "code at path: what is wrong; what to do".
function describeError(e) {
  if (e instanceof SplitterError) return e.message;
  return String(e);
}

const isZero = (amount) => /^-?0(\.0+)?$/.test(amount);

// --- rendering -------------------------------------------------------------------------------

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
    status.textContent = describeError(e);
    status.hidden = false;
  }
  renderExpenses(report);
  renderResult(report);
  $('#group-json').textContent = JSON.stringify(group(), null, 2);
}

function renderMembers() {
  const list = $('#members');
  list.replaceChildren(...state.members.map((m) => el('li', { dataset: { member: m } }, m, ' ',
    el('button', {
      type: 'button', className: 'remove', title: `remove ${m}`, textContent: '\u00d7',
      onclick: () => removeMember(m),
    }))));
  const payer = $('#expense-payer');
  const chosen = payer.value;
  payer.replaceChildren(...state.members.map((m) => el('option', { value: m, textContent: m })));
  if (state.members.includes(chosen)) payer.value = chosen;
  const ready = state.members.length > 0;
  for (const id of ['#expense-amount', '#expense-payer', '#expense-split', '#add-expense']) $(id).disabled = !ready;
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
    parts.get(s.expense).push(`${s.member} ${s.amount}`);
  }
  const body = $('#expenses tbody');
  body.replaceChildren(...state.expenses.map((e) => el('tr', { dataset: { expense: e.id } },
    el('td', {}, e.description || e.id),
    el('td', { className: 'num' }, `${e.amount} ${state.currency}`),
    el('td', {}, e.paid_by),
    el('td', {}, e.split.type),
    el('td', { className: 'parts' }, (parts.get(e.id) ?? []).join(' \u00b7 ')),
    el('td', {}, el('button', { type: 'button', className: 'remove', textContent: 'delete', onclick: () => removeExpense(e.id) })))));
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
  }, el('strong', {}, t.from), ' pays ', el('strong', {}, t.to), ' ', el('span', { className: 'amount' }, `${t.amount} ${t.currency}`))));
  if (report.transfers.length === 0) {
    transfers.append(el('li', { className: 'settled' }, state.expenses.length ? 'Everyone is settled.' : 'Add members and expenses to see who pays whom.'));
  }
  $('#optimal').textContent = report.transfers.length === 0 ? ''
    : report.settle === 'pairwise' ? 'Pairwise: each pair settles what one paid for the other.'
      : report.optimal ? 'Proven to be the fewest transfers possible.' : 'A good suggestion (too many balances to prove it is the fewest).';
  balances.replaceChildren(...report.balances.map((b) => el('tr', { dataset: { member: b.member, net: b.net } },
    el('td', {}, b.member),
    el('td', { className: 'num' }, b.paid),
    el('td', { className: 'num' }, b.owed),
    el('td', { className: `num ${isZero(b.net) ? '' : b.net.startsWith('-') ? 'owes' : 'owed'}` }, b.net))));
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
  const used = state.expenses.filter((e) => JSON.stringify([e.paid_by, e.split]).includes(JSON.stringify(id)));
  if (used.length) {
    showExpenseError(`${id} is in ${used.map((e) => e.description || e.id).join(', ')}: delete those expenses first.`);
    return;
  }
  state.members = state.members.filter((m) => m !== id);
  render();
}

function removeExpense(id) {
  state.expenses = state.expenses.filter((e) => e.id !== id);
  render();
}

function showExpenseError(text) {
  const p = $('#expense-error');
  p.textContent = text;
  p.hidden = !text;
}

/** The split the form describes (strings as typed; the engine checks them). */
function formSplit() {
  const type = $('#expense-split').value;
  const rows = [...document.querySelectorAll('#split-table tbody tr')];
  if (type === 'equal') {
    return { type, members: rows.filter((tr) => tr.querySelector('input').checked).map((tr) => tr.dataset.member) };
  }
  const parts = {};
  for (const tr of rows) {
    const value = tr.querySelector('input').value.trim();
    if (value !== '') parts[tr.dataset.member] = value;
  }
  const key = { shares: 'shares', exact: 'amounts', percent: 'percent' }[type];
  return { type, [key]: parts };
}

function addExpense() {
  const id = `e${state.nextId}`;
  const expense = {
    id,
    description: $('#expense-description').value.trim() || undefined,
    amount: $('#expense-amount').value.trim(),
    paid_by: $('#expense-payer').value,
    split: formSplit(),
  };
  // The engine checks the new expense within the group before it is added.
  try {
    compute(group(expense));
  } catch (e) {
    const index = state.expenses.length;
    if (e instanceof SplitterError && e.path.startsWith(`expenses[${index}]`)) {
      showExpenseError(describeError(e));
      return false;
    }
  }
  if (!expense.description) delete expense.description;
  state.expenses.push(expense);
  state.nextId += 1;
  showExpenseError('');
  $('#expense-form').reset();
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
  nextId: 5,
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
  $('#expense-split').addEventListener('change', renderSplitTable);
  $('#currency').addEventListener('change', (ev) => {
    state.currency = ev.target.value;
    render();
  });
  for (const radio of document.querySelectorAll('input[name="settle"]')) {
    radio.addEventListener('change', (ev) => {
      state.settle = ev.target.value;
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
wire();
render();
document.body.dataset.ready = 'true';
