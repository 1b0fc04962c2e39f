// SPDX-License-Identifier: LGPL-2.1-or-later
// The accounting engine's public surface: plain TypeScript without React, cockpit or the DOM,
// the same in the browser, in jest and in the benchmark. The page imports from here only.

export type { CounterIdentity, CounterSource } from "./identity.ts";
export { displayName, identityKey, describeIdentity, escapeField, unescapeField } from "./identity.ts";

export type {
    Tier, Window, ReadOptions, CorruptLine, TornAppend, FileError, FileSummary, EdgeInfo,
    CounterTotal, WindowTotals, StoreSeries, StoreReadResult,
} from "./store-reader.ts";
export { StoreReader, FileParser, readStoreTexts, readStoreChunks, TIERS } from "./store-reader.ts";

export type { StoreFile, PlannedFile, ReadPlan } from "./read-plan.ts";
export { planRead, classifyFile } from "./read-plan.ts";

export type { WallTime } from "./zone.ts";
export { toWall, fromWall, zoneOffset, isValidZone, formatLocal, formatLocalDate, daysInMonth } from "./zone.ts";

export type {
    PeriodUnit, TimeContext, TimeframeInput, Timeframe, TimeframeErrorCode, TimeframeError, TimeframeResult, TimeResult,
} from "./timeframe.ts";
export {
    parseTimeframe, parsePhrase, parseTime, periodRange, periodPhrase, formatTimeframe, rangeTimeframe, shiftTimeframe, clampToNow,
} from "./timeframe.ts";

export type { NameFilter, FilterResult } from "./filter.ts";
export { compileFilter } from "./filter.ts";

export type { TotalsRow, Totals } from "./totals.ts";
export { totalsFor, sumRows } from "./totals.ts";

export type { SeriesMode, Columns } from "./series.ts";
export { fixedEdges, calendarEdges, toColumns, sumColumns, average, movingAverage, percentile95, fiveMinuteRates } from "./series.ts";

export type { QuantityStyle, QuantityUnit, QuantityOptions, Quantity } from "./quantity.ts";
export { quantity, formatBytes, formatIpacsum, formatRate, formatDecimal, autoPower } from "./quantity.ts";

export type { Rational } from "./money.ts";
export { parseDecimal, roundToMinor, currencyDigits, isCurrency, formatMoney, minorToDecimal } from "./money.ts";

export type { VolumeUnit, BulkDiscount, CostPlan, GroupConfig, ValidationError, Validated } from "./plan.ts";
export { UNIT_BYTES, parsePlan, parseCosts, parseGroups, validateCostPlan, validateGroups } from "./plan.ts";
export type { GroupKind, CostInputRow, CostedRow, CostedGroup, CostResult } from "./costs.ts";
export type { CyclePart } from "./cycles.ts";
export { billingCycle, cyclesIn, MAX_CYCLES } from "./cycles.ts";
export { volumeCost, percentileCost, applyCosts, billedBitsPerSecond } from "./costs.ts";
export type { Pattern } from "./pattern.ts";
export { compilePattern, PatternError } from "./pattern.ts";

export type { Report, ReportRow, ReportGroup, ReportInput } from "./reports/report.ts";
export { buildReport, reportHeading, isoLocal } from "./reports/report.ts";
export { renderText } from "./reports/text.ts";
export { renderHtml, escapeHtml } from "./reports/html.ts";
export { renderCsv, csvField } from "./reports/csv.ts";
export { renderJson, reportToJson } from "./reports/json.ts";
