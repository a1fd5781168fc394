/** The database of compromised payment instruments (AFC-7): cards and accounts reported, issuers told, checks. */
export { COMPROMISE_TYPES, type CompromiseType, type Issuer } from './domain/instrument.ts';
export { afcInstrumentsMigrations } from './migrations.ts';
export { type AfcInstrumentsRouteDeps, afcInstrumentsRoutes } from './routes.ts';
export {
  AfcInstruments,
  type AfcInstrumentsDeps,
  type CheckResult,
  INSTRUMENT_CHECKERS,
  INSTRUMENT_READERS,
  INSTRUMENT_REPORTERS,
  type InstrumentView,
  type ReportInput,
  type ReportResult,
} from './service.ts';
