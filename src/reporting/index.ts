/** Reporting: cross-module read models for dashboards, the audit trail and regulators. */
export { auditRoutes } from './audit.ts';
export { type DashboardSources, dashboardRoutes } from './dashboard.ts';
