/**
 * IPS alias directory (IPS-2): phone → bank, account and holder. Registration by the owning bank (one owner
 * per phone), portability claims with a deadline, masked rate-limited audited lookups for confirmation of
 * payee, and `resolve` for the platform's own payment flow.
 */
export { CLAIM_STATUSES, type ClaimStatus, DEFAULT_CLAIM_DEADLINE_MS } from './domain/claim.ts';
export { maskHolderName } from './domain/holder.ts';
export { ipsAliasMigrations } from './migrations.ts';
export { normalizePhone } from './phone.ts';
export { type AliasRouteDeps, aliasRoutes } from './routes.ts';
export {
  type Alias,
  type AliasCaller,
  type AliasClaim,
  type AliasInput,
  type AliasLookup,
  type AliasServiceDeps,
  type AliasServiceOptions,
  type AliasUpdate,
  type AliasViewer,
  IpsAliasService,
  LookupRateLimited,
  type ResolvedAlias,
} from './service.ts';
