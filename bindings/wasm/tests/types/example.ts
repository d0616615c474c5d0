// Type-checked against the installed package (tsc --strict, in the packaging test): the README's
// usage compiles, and what the contract refuses is a type error too.
import init, { compute, computeJson, SplitterError } from "splitter-wasm";
import type { Balance, ErrorCode, Expense, Group, Report, Split, Transfer } from "splitter-wasm";

const split: Split = { type: "shares", shares: { ana: "1", cy: "2" } };
const expenses: Expense[] = [
  { id: "dinner", amount: "100.00", paid_by: "ana", split: { type: "equal" } },
  { id: "taxi", amount: "30.00", paid_by: { ben: "20.00", cy: "10.00" }, split },
  {
    id: "receipt", amount: "33.00", paid_by: "cy", date: "2024-05-31",
    split: {
      type: "itemized",
      items: [{ amount: "30.00", split: { type: "exact", amounts: { ana: "10.00", ben: "20.00" } } }],
      extras: [{ label: "tip", amount: "3.00" }],
    },
  },
];
const group: Group = {
  currency: "EUR",
  members: ["ana", { id: "ben", name: "Ben" }, "cy"],
  rates: { USD: "0.92" },
  expenses,
  payments: [{ from: "cy", to: "ana", amount: "10.00" }],
  options: { settle: "pairwise", balances_in: "group", exact_limit: 20 },
};

export async function main(): Promise<string> {
  await init();
  const report: Report = compute(group);
  const first: Balance | undefined = report.balances[0];
  const lines: string[] = report.transfers.map((t: Transfer) => `${t.from} pays ${t.to} ${t.amount} ${t.currency}`);
  const optimal: boolean = report.optimal;
  const text: string = computeJson(JSON.stringify(group));
  try {
    compute("{");
  } catch (e) {
    if (e instanceof SplitterError) {
      const code: ErrorCode = e.code;
      const path: string = e.path;
      lines.push(code, path, e.message);
    }
  }
  return [first?.net ?? "", ...lines, String(optimal), text].join("\n");
}

// What the contract refuses does not compile either.
// @ts-expect-error: an amount is a decimal string, never a number
const floatAmount: Expense = { id: "x", amount: 12.5, paid_by: "ana", split: { type: "equal" } };
// @ts-expect-error: not a split type
const badSplit: Split = { type: "halves" };
// @ts-expect-error: an item is not itemized again
const nested: Split = { type: "itemized", items: [{ amount: "1.00", split: { type: "itemized", items: [] } }] };
// @ts-expect-error: not a settle method
const badSettle: Group = { currency: "EUR", members: [], options: { settle: "fastest" } };
// @ts-expect-error: output amounts are strings
const sum: number[] = compute(group).transfers.map((t) => t.amount);
export { floatAmount, badSplit, nested, badSettle, sum };
