// examples/web/numbers.js under Node (the same ICU locale data as a browser): what people type in
// de-DE, en-US and fr-FR read as exact decimal strings or refused with a sentence, the engine's
// strings written back in the locale's format, and the exact sums used to explain an error.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  formatDecimal, formatMoney, marks, parseDecimal, subtractDecimals, sumDecimals,
} from '../../../examples/web/numbers.js';

const de = marks('de-DE');
const en = marks('en-US');
const fr = marks('fr-FR');

const read = (text, m) => {
  const { value, error } = parseDecimal(text, m);
  return value ?? `error: ${error}`;
};

describe('examples/web numbers', () => {
  test('the marks of a locale come from Intl', () => {
    assert.deepEqual([de.decimal, de.group], [',', '.']);
    assert.deepEqual([en.decimal, en.group], ['.', ',']);
    assert.equal(fr.decimal, ',');
    assert.match(fr.group, /^\s$/);
  });

  test('de-DE: decimal comma, thousands points, a point alone as decimals', () => {
    const cases = {
      '12,50': '12.50', '1.234,5': '1234.5', '1.234.567,89': '1234567.89', '1.234': '1234',
      '0,001': '0.001', ',5': '0.5', '-3,10': '-3.10', '\u22123,10': '-3.10', ' 007 ': '7',
      '12.50': '12.50', '0.5': '0.5', '99999999999999999999,99': '99999999999999999999.99',
    };
    for (const [typed, exact] of Object.entries(cases)) assert.equal(read(typed, de), exact, typed);
  });

  test('en-US: decimal point, thousands commas, a comma alone as decimals', () => {
    const cases = { '12.50': '12.50', '1,234.5': '1234.5', '1,234': '1234', '12,50': '12.50', '0,5': '0.5', '.25': '0.25' };
    for (const [typed, exact] of Object.entries(cases)) assert.equal(read(typed, en), exact, typed);
  });

  test('fr-FR: spaces (any kind) group thousands', () => {
    for (const typed of ['1 234,5', '1\u00a0234,5', '1\u202f234,5']) assert.equal(read(typed, fr), '1234.5', typed);
  });

  test('ambiguous or malformed input is refused with a sentence, never guessed', () => {
    assert.match(read('1.234,5', en), /^error: “1\.234,5” is ambiguous here: write decimals with “\.” and no thousands mark, like 1234\.5\.$/);
    assert.match(read('1.234.567,89', en), /ambiguous/);
    assert.match(read('1,234.5', de), /ambiguous/);
    assert.match(read('1.234', fr), /ambiguous/);
    assert.match(read('12,3,4', en), /separates thousands/);
    assert.match(read('1.2.3', de), /separates thousands/);
    assert.match(read('1e3', en), /is not a number/);
    assert.match(read('12 €', en), /is not a number/);
    assert.match(read('0x10', en), /is not a number/);
    assert.match(read('-', en), /is not a number/);
    assert.match(read('', en), /Type a number/);
  });

  test('the engine\'s strings in the locale\'s format, digits untouched', () => {
    assert.equal(formatDecimal('1234567.891', de), '1.234.567,891');
    assert.equal(formatDecimal('-1234.5', en), '-1,234.5');
    assert.equal(formatDecimal('300', en), '300');
    assert.equal(formatDecimal('0.10', de), '0,10');
    assert.equal(formatMoney('90.00', 'EUR', de), '90,00\u00a0€');
    assert.equal(formatMoney('-5.20', 'EUR', en), '-€5.20');
    assert.equal(formatMoney('300', 'JPY', en), '¥300');
    assert.equal(formatMoney('12.5', 'EUR', de), '12,50\u00a0€', 'padded to the currency\'s decimals');
    assert.equal(formatMoney('12.345', 'EUR', en), '€12.345', 'never cut');
    assert.equal(formatMoney('0.334', 'KWD', en), 'KWD\u00a00.334');
    // More digits than a float holds, unchanged.
    assert.equal(formatMoney('12345678901234567890.12', 'EUR', en), '€12,345,678,901,234,567,890.12');
  });

  test('exact sums of typed parts', () => {
    assert.equal(sumDecimals(['30.00', '50.00']), '80.00');
    assert.equal(sumDecimals(['0.1', '0.2']), '0.3');
    assert.equal(sumDecimals(['-0.05', '0.01']), '-0.04');
    assert.equal(subtractDecimals('90.00', '80.00'), '10.00');
    assert.equal(subtractDecimals('1', '1.001'), '-0.001');
    assert.equal(sumDecimals(['99999999999999999999.99', '0.01']), '100000000000000000000.00');
  });
});
