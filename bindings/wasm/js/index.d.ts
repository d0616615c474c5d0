// Types of splitter-wasm: the wire contract (shared/spec/engine.md), as TypeScript.
//
// Amounts, rates, shares, weights and percentages are decimal strings ("12.30", "-5", "0.92"),
// never `number`: a JavaScript number is a binary float and is refused by the engine with
// `invalid_amount`. JSON text passed as a string is read exactly, numbers included.

/**
 * A decimal written in plain notation: an optional `-`, digits, optionally `.` and more digits
 * (`"12.30"`, `"-5"`, `"0.333"`). No exponent, no `+`, no spaces. In output, an amount has
 * exactly its currency's number of decimals (`"56.00"` EUR, `"300"` JPY, `"0.334"` KWD).
 */
export type DecimalString = string;

/** A member's id, unique within the group. */
export type MemberId = string;

/** An ISO 4217 currency code: `"EUR"`, `"JPY"`, `"KWD"`. */
export type CurrencyCode = string;

/** An ISO 8601 calendar date, `"2024-05-31"`. */
export type IsoDate = string;

/** A member with a display name. */
export interface NamedMember {
  id: MemberId;
  name?: string;
}

/** A member: an id, or an id with a name. */
export type Member = MemberId | NamedMember;

/** Split equally among `members` (every member of the group when left out). */
export interface EqualSplit {
  type: "equal";
  members?: MemberId[];
}

/** Split in proportion to weights (decimals >= 0, not all 0). */
export interface SharesSplit {
  type: "shares";
  shares: Record<MemberId, DecimalString>;
}

/** Split by percentages that add up to exactly 100. */
export interface PercentSplit {
  type: "percent";
  percent: Record<MemberId, DecimalString>;
}

/** Exact parts that add up to the expense's amount. */
export interface ExactSplit {
  type: "exact";
  amounts: Record<MemberId, DecimalString>;
}

/**
 * What is left after the adjustments is split equally among `members` (everyone when left out),
 * and each adjustment is added to its member's part.
 */
export interface AdjustmentSplit {
  type: "adjustment";
  members?: MemberId[];
  adjustments?: Record<MemberId, DecimalString>;
}

/** The splits an item of an itemized expense can have (an item is not itemized again). */
export type ItemSplit = EqualSplit | SharesSplit | PercentSplit | ExactSplit | AdjustmentSplit;

/** One line of a receipt, split by its own split. */
export interface Item {
  amount: DecimalString;
  split: ItemSplit;
  description?: string;
}

/** Tax, tip, service or (negative) discount, shared in proportion to each member's items. */
export interface Extra {
  label: string;
  amount: DecimalString;
}

/** A receipt: items and extras that add up to the expense's amount. */
export interface ItemizedSplit {
  type: "itemized";
  items: Item[];
  extras?: Extra[];
}

/** How an expense is divided among members. */
export type Split = ItemSplit | ItemizedSplit;

/** Money spent for the group (or, negative, received for it: a refund, an income). */
export interface Expense {
  /** Unique within the group; it also seeds the rounding tie-break. */
  id: string;
  amount: DecimalString;
  /** The expense's currency; the group's when left out. */
  currency?: CurrencyCode;
  /** This expense's own rate to the group's currency; wins over the group's `rates`. */
  rate?: DecimalString;
  /** One payer, or several payers with amounts that add up to `amount`. */
  paid_by: MemberId | Record<MemberId, DecimalString>;
  split: Split;
  description?: string;
  date?: IsoDate;
  category?: string;
}

/** Money already handed over: `from` paid `to`. */
export interface Payment {
  from: MemberId;
  to: MemberId;
  amount: DecimalString;
  currency?: CurrencyCode;
  rate?: DecimalString;
  id?: string;
  date?: IsoDate;
}

/** `minimal`: fewest transfers; `greedy`: largest debtor pays largest creditor; `pairwise`: no simplification. */
export type SettleMethod = "minimal" | "greedy" | "pairwise";

/** `group`: everything converted into the group's currency; `each`: balances kept per currency. */
export type BalancesIn = "group" | "each";

/** A transfer as suggested in a report, and as given back in `options.previous`. */
export interface TransferInput {
  from: MemberId;
  to: MemberId;
  amount: DecimalString;
  /** The group's currency when left out. */
  currency?: CurrencyCode;
}

/** Options of the computation; all optional. */
export interface Options {
  settle?: SettleMethod;
  balances_in?: BalancesIn;
  /**
   * The largest number of non-zero balances that `minimal` solves exactly; a whole number (a
   * count, so a JavaScript number is fine here, or a bigint).
   */
  exact_limit?: number | bigint;
  /** Transfers suggested earlier: those that still fit come back unchanged. */
  previous?: TransferInput[];
}

/** The input: a group of members, their expenses and payments. */
export interface Group {
  currency: CurrencyCode;
  members: Member[];
  /** `{ "USD": "0.92" }`: 1 USD = 0.92 in the group's currency. */
  rates?: Record<CurrencyCode, DecimalString>;
  expenses?: Expense[];
  payments?: Payment[];
  options?: Options;
}

/** One member's balance in one currency; `net = paid - owed`. */
export interface Balance {
  member: MemberId;
  currency: CurrencyCode;
  paid: DecimalString;
  owed: DecimalString;
  net: DecimalString;
}

/** A member's non-zero part of an expense, in the expense's currency. */
export interface Share {
  expense: string;
  member: MemberId;
  currency: CurrencyCode;
  amount: DecimalString;
  /** The part in the group's currency, where the expense was converted. */
  group_amount?: DecimalString;
}

/** A suggested transfer: `from` pays `to`. */
export interface Transfer {
  from: MemberId;
  to: MemberId;
  amount: DecimalString;
  currency: CurrencyCode;
}

/** The output: balances, shares and the suggested settlement. */
export interface Report {
  currency: CurrencyCode;
  /** One row per member (per member and currency with `balances_in: "each"`), in members' order. */
  balances: Balance[];
  /** One row per expense and member with a non-zero part. */
  shares: Share[];
  /** The suggested settlement, in a deterministic order. */
  transfers: Transfer[];
  settle: SettleMethod;
  /** True when the number of transfers is proven to be the fewest possible. */
  optimal: boolean;
}

/** The contract's stable error codes. */
export type ErrorCode =
  | "invalid_json"
  | "invalid_input"
  | "invalid_amount"
  | "unknown_currency"
  | "missing_rate"
  | "unknown_member"
  | "duplicate_id"
  | "empty_split"
  | "split_mismatch"
  | "too_precise"
  | "overflow"
  | "invalid_option";

/**
 * Bad input, with the contract's stable code and the place in the input. Its `message` is the
 * text for people, the same in every Splitter face: `code at path: what is wrong; what to do`
 * (`"invalid_input at expenses[0].amout: unknown field 'amout'; did you mean 'amount'? ..."`).
 * Programs match on `code`; the message may be reworded.
 */
export declare class SplitterError extends Error {
  constructor(code: ErrorCode, message: string, path: string);
  readonly name: "SplitterError";
  /** The contract's stable error code. */
  readonly code: ErrorCode;
  /** Where in the input: `"expenses[1].split.shares.zoe"`; `""` for the input as a whole. */
  readonly path: string;
}

/**
 * Computes a group: an object in the contract's form, or the contract's JSON text (whose numbers
 * are read exactly from their text). Returns the contract's output object, amounts as strings.
 *
 * @throws {SplitterError} on bad input.
 */
export function compute(group: Group | string): Report;

/**
 * Like {@link compute}, but returns the contract's output as JSON text: byte for byte what every
 * Splitter face returns.
 *
 * @throws {SplitterError} on bad input.
 */
export function computeJson(group: Group | string): string;

/**
 * Where the engine's .wasm comes from: its URL, a fetch Response (or a promise of one), its
 * bytes, or a compiled module. Left out, the .wasm next to the package's module is fetched.
 */
export type InitInput = string | URL | Request | Response | Promise<Response> | BufferSource | WebAssembly.Module;

/**
 * Loads the engine; needed once in browsers before {@link compute}. In Node the engine is loaded
 * when the package is imported, and this resolves at once.
 */
export function init(source?: InitInput): Promise<void>;

/** Loads the engine synchronously from the .wasm's bytes or a compiled module. */
export function initSync(source: BufferSource | WebAssembly.Module): void;

export default init;
