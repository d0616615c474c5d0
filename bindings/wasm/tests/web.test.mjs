// examples/web as a person meets it, in real headless Chromium (Debian's chromium, driven by
// playwright-core), in a de-DE and an en-US browser: numbers typed with the locale's marks (a
// decimal comma in de-DE, "1.234,5" refused at the field in en-US) reach the engine as the exact
// decimal strings meant and come back in the locale's format; an engine error is shown in plain
// words at the control it is about (the split of "hotel"), with aria-invalid, aria-describedby and
// focus; the page fits a 375 px phone; payments recorded from a suggested transfer and by hand
// move the balances to exactly what the native engine computes, down to zero.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { serve } from '../../../examples/web/serve.mjs';
import { ROOT, native } from './helpers.mjs';

const tools = process.env.SPLITTER_NODE_TOOLS; // node_modules with playwright-core
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

let server;
let browser;
let origin;
const problems = [];

before(async () => {
  assert.ok(tools, 'set SPLITTER_NODE_TOOLS to a node_modules holding playwright-core');
  const { chromium } = createRequire(join(tools, 'noop.js'))('playwright-core');
  server = await serve([['/', join(ROOT, 'examples/web')]]);
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  server?.close();
});

/** A fresh page (own storage) in a browser set to `locale`, `width` px wide, emptied. */
async function open(locale, width = 1000) {
  const context = await browser.newContext({ locale, viewport: { width, height: 812 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`${locale}: page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`${locale}: console ${m.type()}: ${m.text()}`); });
  await page.goto(`${origin}/`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.click('#clear');
  return page;
}

async function addMembers(page, names) {
  for (const name of names) {
    await page.fill('#member-name', name);
    await page.click('#add-member');
    await page.waitForSelector(`#members li[data-member="${name}"]`);
  }
}

/** Fills and submits the expense form; `parts` maps member to the text typed in its split cell. */
async function submitExpense(page, { description, amount, payer, split = 'equal', parts = {} }) {
  await page.fill('#expense-description', description);
  await page.fill('#expense-amount', amount);
  await page.selectOption('#expense-payer', payer);
  await page.selectOption('#expense-split', split);
  for (const [member, value] of Object.entries(parts)) {
    await page.locator(`#split-table tr[data-member="${member}"] input`).fill(value);
  }
  await page.click('#add-expense');
}

async function addExpense(page, expense) {
  const before = await page.locator('#expenses tbody tr').count();
  await submitExpense(page, expense);
  await page.waitForFunction((n) => document.querySelectorAll('#expenses tbody tr').length === n + 1, before);
}

/** The engine's input the page built, and what it shows. */
async function view(page) {
  return page.evaluate(() => ({
    group: JSON.parse(document.querySelector('#group-json').textContent),
    transfers: [...document.querySelectorAll('#transfers li.transfer')].map((li) => ({
      from: li.dataset.from, to: li.dataset.to, amount: li.dataset.amount, currency: li.dataset.currency,
    })),
    balances: [...document.querySelectorAll('#balances tbody tr')].map((tr) => ({
      member: tr.dataset.member, paid: tr.dataset.paid, owed: tr.dataset.owed, net: tr.dataset.net,
      shown: [...tr.querySelectorAll('td')].slice(1).map((td) => td.textContent),
    })),
    expenses: [...document.querySelectorAll('#expenses tbody tr')].map((tr) => tr.querySelector('td.num').textContent),
    status: document.querySelector('#status').hidden ? '' : document.querySelector('#status').textContent,
  }));
}

/** The native engine's balances for the group the page built. */
function nativeReport(group) {
  const out = native(JSON.stringify(group));
  assert.ok(out.ok, JSON.stringify(out.error));
  return JSON.parse(out.text);
}

const rows = (balances) => balances.map(({ member, paid, owed, net }) => ({ member, paid, owed, net }));

/** The error shown for `selector`: its aria state, the sentence it points to, the support code. */
async function fieldError(page, selector) {
  return page.evaluate((sel) => {
    const c = document.querySelector(sel);
    const ids = (c.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean);
    const message = ids.map((id) => document.getElementById(id)?.textContent ?? '').join(' ');
    const box = ids.length ? document.getElementById(ids[0])?.closest('.error-box') : null;
    return {
      invalid: c.getAttribute('aria-invalid'),
      message,
      support: box?.querySelector('details.support code')?.textContent ?? '',
      focused: document.activeElement === c,
    };
  }, selector);
}

const noHorizontalScroll = (page) => page.evaluate(() => ({
  scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth,
}));

describe('examples/web for people, in headless Chromium', () => {
  test('de-DE: a decimal comma and thousands points are read exactly, and shown back the German way', async () => {
    const page = await open('de-DE');
    await addMembers(page, ['ana', 'ben', 'cy']);
    await addExpense(page, { description: 'hotel', amount: '1.234,56', payer: 'ana' });
    await addExpense(page, { description: 'taxi', amount: '12,5', payer: 'ben', split: 'exact', parts: { ana: '2,50', cy: '10' } });
    await addExpense(page, { description: 'snacks', amount: '0.99', payer: 'cy' }); // a point alone is read as decimals too
    const v = await view(page);
    assert.deepEqual(v.group.expenses.map((e) => e.amount), ['1234.56', '12.5', '0.99']);
    assert.deepEqual(v.group.expenses[1].split, { type: 'exact', amounts: { ana: '2.50', cy: '10' } });
    assert.match(v.expenses[0], /^1\.234,56\s€$/);
    assert.match(v.expenses[1], /^12,50\s€$/, 'the engine\'s amount (12.50), shown in German');
    const reference = nativeReport(v.group);
    assert.deepEqual(rows(v.balances), rows(reference.balances));
    assert.equal(v.transfers.length, reference.transfers.length);
    const ana = v.balances.find((b) => b.member === 'ana');
    assert.match(ana.shown[0], /^1\.234,56\s€$/);
    assert.equal(ana.shown[2], `${ana.net.replace('.', ',')}\u00a0€`);
    assert.match(await page.getAttribute('#expense-amount', 'placeholder'), /^100,00$/);
    await page.context().close();
  });

  test('en-US: "1.234,5" is refused at the field as ambiguous; "12,50" and "1,234.50" are read exactly', async () => {
    const page = await open('en-US');
    await addMembers(page, ['ana', 'ben']);
    await submitExpense(page, { description: 'rent', amount: '1.234,5', payer: 'ana' });
    await page.waitForSelector('#expense-amount[aria-invalid="true"]');
    const e = await fieldError(page, '#expense-amount');
    assert.equal(e.invalid, 'true');
    assert.match(e.message, /“1\.234,5” is ambiguous here/);
    assert.ok(e.focused, 'focus moved to the amount');
    assert.equal(await page.locator('#expenses tbody tr').count(), 0, 'nothing was added');
    await addExpense(page, { description: 'rent', amount: '1,234.50', payer: 'ana' });
    assert.equal(await page.getAttribute('#expense-amount', 'aria-invalid'), null, 'the error is gone');
    await addExpense(page, { description: 'lunch', amount: '12,50', payer: 'ben' });
    const v = await view(page);
    assert.deepEqual(v.group.expenses.map((x) => x.amount), ['1234.50', '12.50']);
    assert.deepEqual(v.expenses, ['€1,234.50', '€12.50']);
    // Nobody ticked in an equal split: said at the checkboxes.
    await page.uncheck('#split-table tr[data-member="ana"] input');
    await page.uncheck('#split-table tr[data-member="ben"] input');
    await submitExpense(page, { description: 'tip', amount: '3', payer: 'ana' });
    await page.waitForSelector('#split-table input[aria-invalid="true"]');
    const none = await fieldError(page, '#split-table tr[data-member="ana"] input');
    assert.equal(none.message, 'Tick at least one member to share “tip”.');
    assert.match(none.support, /^empty_split at expenses\[2\]\.split\.members: /);
    assert.ok(none.focused);
    assert.deepEqual(rows(v.balances), rows(nativeReport(v.group).balances));
    await page.context().close();
  });

  test('an error on "hotel" is shown at its split, in words, with the code kept for support', async () => {
    const page = await open('de-DE');
    await addMembers(page, ['ana', 'ben', 'cy']);
    await addExpense(page, { description: 'dinner', amount: '60', payer: 'ana' });
    await addExpense(page, { description: 'taxi', amount: '15', payer: 'ben' });
    await submitExpense(page, { description: 'hotel', amount: '90,00', payer: 'cy', split: 'exact', parts: { ana: '30,00', ben: '50,00' } });
    await page.waitForSelector('#split-table input[aria-invalid="true"]');
    const first = '#split-table tr[data-member="ana"] input';
    const e = await fieldError(page, first);
    assert.equal(e.message, 'The amounts for “hotel” add up to 80,00\u00a0€ but the expense is 90,00\u00a0€: 10,00\u00a0€ still to share out.');
    assert.ok(e.focused, 'focus moved to the first part');
    assert.match(e.support, /^split_mismatch at expenses\[2\]\.split\.amounts: /);
    assert.deepEqual(await page.$$eval('#split-table input', (xs) => xs.map((x) => x.getAttribute('aria-invalid'))), ['true', 'true', 'true']);
    assert.equal(await page.locator('#expenses tbody tr').count(), 2, 'hotel was not added');
    // A part the engine refuses is shown at that member's cell only.
    await page.locator('#split-table tr[data-member="cy"] input').fill('10,001');
    await page.click('#add-expense');
    await page.waitForSelector('#split-table tr[data-member="cy"] input[aria-invalid="true"]');
    const cy = await fieldError(page, '#split-table tr[data-member="cy"] input');
    assert.equal(cy.message, 'cy’s amount in “hotel” has too many decimals (EUR has 2).');
    assert.match(cy.support, /^too_precise at expenses\[2\]\.split\.amounts\.cy: /);
    assert.ok(cy.focused);
    assert.equal(await page.getAttribute(first, 'aria-invalid'), null, 'the earlier error is cleared');
    // Fixed, it is added.
    await page.locator('#split-table tr[data-member="cy"] input').fill('10,00');
    await page.click('#add-expense');
    await page.waitForFunction(() => document.querySelectorAll('#expenses tbody tr').length === 3);
    assert.equal(await page.locator('.error-box').count(), 0);
    await page.context().close();
  });

  test('at 375 px (a phone) nothing scrolls sideways, with the example, an error and payments', async () => {
    const page = await open('de-DE', 375);
    const check = async (when) => {
      const { scrollWidth, clientWidth } = await noHorizontalScroll(page);
      assert.equal(clientWidth, 375);
      assert.ok(scrollWidth <= 375, `${when}: scrollWidth ${scrollWidth} > 375`);
    };
    await check('empty');
    await page.click('#load-example');
    await page.waitForSelector('#transfers li.transfer');
    await check('the example trip');
    await page.check('input[name="settle"][value="pairwise"]');
    await page.waitForFunction(() => document.querySelector('#group-json').textContent.includes('"pairwise"'));
    await check('pairwise transfers');
    await submitExpense(page, { description: 'a very long description of a hotel booking', amount: '90,00', payer: 'cy', split: 'exact', parts: { ana: '30,00', ben: '50,00' } });
    await page.waitForSelector('.error-box');
    await check('an error at the split');
    await page.click('#transfers li.transfer button.record');
    await page.waitForSelector('#payments li.payment');
    await check('a payment recorded');
    if (process.env.SPLITTER_SCREENSHOT) await page.screenshot({ path: process.env.SPLITTER_SCREENSHOT.replace(/(\.png)?$/, '-375.png'), fullPage: true });
    await page.context().close();
  });

  test('payments: one click on a suggested transfer, then by hand; balances exact, down to zero', async () => {
    const page = await open('de-DE');
    await page.click('#load-example');
    await page.waitForSelector('#transfers li.transfer');
    const start = await view(page);
    assert.ok(start.transfers.length >= 2);
    const [first, ...rest] = start.transfers;
    await page.click(`#transfers li.transfer[data-from="${first.from}"][data-to="${first.to}"] button.record`);
    await page.waitForSelector('#payments li.payment');
    let v = await view(page);
    assert.deepEqual(v.group.payments, [{ id: 'p1', from: first.from, to: first.to, amount: first.amount }]);
    assert.deepEqual(rows(v.balances), rows(nativeReport(v.group).balances));
    assert.deepEqual(v.group.options.previous, start.transfers, 'the suggestions the payment paid from');
    assert.deepEqual(v.transfers, rest, 'the other suggestions stay as they were');
    // The rest, one click each: everyone is settled, every net exactly zero.
    for (let n = rest.length; n > 0; n -= 1) {
      await page.click('#transfers li.transfer button.record');
      await page.waitForFunction((k) => document.querySelectorAll('#transfers li.transfer').length === k - 1, n);
    }
    v = await view(page);
    assert.deepEqual(v.balances.map((b) => b.net), v.balances.map(() => '0.00'));
    assert.deepEqual(rows(v.balances), rows(nativeReport(v.group).balances));
    assert.match(await page.textContent('#transfers'), /Everyone is settled/);
    // By hand, with a decimal comma: ben gives ana 12,5.
    await page.selectOption('#payment-from', 'ben');
    await page.selectOption('#payment-to', 'ana');
    await page.fill('#payment-amount', '12,5');
    await page.click('#add-payment');
    const paid = start.transfers.length;
    await page.waitForFunction((n) => document.querySelectorAll('#payments li.payment').length === n + 1, paid);
    v = await view(page);
    assert.deepEqual(v.group.payments.at(-1), { id: `p${paid + 1}`, from: 'ben', to: 'ana', amount: '12.5' });
    assert.match(await page.textContent('#payments li.payment:last-child'), /^ben paid ana 12,50\s€/);
    assert.deepEqual(rows(v.balances), rows(nativeReport(v.group).balances));
    const ben = v.balances.find((b) => b.member === 'ben');
    assert.equal(ben.net, '12.50');
    assert.match(ben.shown[2], /^12,50\s€$/);
    assert.deepEqual(v.transfers, [{ from: 'ana', to: 'ben', amount: '12.50', currency: 'EUR' }]);
    // Refused at the field: to oneself, and nothing.
    await page.selectOption('#payment-to', 'ben');
    await page.fill('#payment-amount', '5');
    await page.click('#add-payment');
    await page.waitForSelector('#payment-to[aria-invalid="true"]');
    const self = await fieldError(page, '#payment-to');
    assert.equal(self.message, 'ben cannot pay ben: choose two different members.');
    assert.ok(self.focused);
    await page.selectOption('#payment-to', 'cy');
    await page.fill('#payment-amount', '0');
    await page.click('#add-payment');
    await page.waitForSelector('#payment-amount[aria-invalid="true"]');
    assert.equal((await fieldError(page, '#payment-amount')).message, 'A payment must be more than 0.');
    assert.equal(await page.locator('#payments li.payment').count(), paid + 1);
    // Deleting the payment by hand settles the group again.
    await page.click('#payments li.payment:last-child button');
    await page.waitForFunction((n) => document.querySelectorAll('#payments li.payment').length === n, paid);
    assert.match(await page.textContent('#transfers'), /Everyone is settled/);
    await page.context().close();
  });

  test('a stored group the engine refuses after a currency switch is named in words', async () => {
    const page = await open('en-US');
    await page.click('#load-example');
    await page.waitForSelector('#transfers li.transfer');
    await addExpense(page, { description: 'coffee', amount: '2.50', payer: 'ben' });
    await page.selectOption('#currency', 'JPY');
    await page.waitForSelector('#status:not([hidden])');
    assert.match(await page.textContent('#status'), /^The amount of “coffee” has more decimals than JPY has \(0\)\. details for support/);
    assert.match(await page.textContent('#status details code'), /^too_precise at expenses\[4\]\.amount: /);
    await page.selectOption('#currency', 'EUR');
    await page.waitForSelector('#status', { state: 'hidden' });
    await page.context().close();
  });

  test('?locale= overrides the browser\'s locale; an unknown one falls back to it', async () => {
    const page = await open('en-US');
    await page.goto(`${origin}/?locale=not_a_locale!`);
    await page.waitForSelector('body[data-ready="true"]');
    assert.equal(await page.getAttribute('#expense-amount', 'placeholder'), '100.00');
    await page.goto(`${origin}/?locale=de-DE`);
    await page.waitForSelector('body[data-ready="true"]');
    assert.equal(await page.getAttribute('#expense-amount', 'placeholder'), '100,00');
    await addMembers(page, ['ana']);
    await addExpense(page, { description: 'x', amount: '1.000,5', payer: 'ana' });
    assert.equal((await view(page)).group.expenses[0].amount, '1000.5');
    await page.context().close();
  });

  test('no page error and no console error in any of these pages', () => {
    assert.deepEqual(problems, []);
  });
});
