export { CLOSED, INCIDENT_STATUSES, type IncidentStatus, RECOVERY_KINDS } from './domain/incident.ts';
export { DEFAULT_MATRIX, FIELD_CATALOGUE, FRAUD_TYPES, REGIONS } from './domain/matrix.ts';
export { afcIncidentsMigrations } from './migrations.ts';
export { afcIncidentRoutes } from './routes.ts';
export {
  AfcIncidents,
  type AfcIncidentsDeps,
  type IncidentCard,
  type RelatedParticipant,
  sourceOf,
} from './service.ts';
export { AfcStatistics } from './statistics.ts';
