/** Reporting: cross-module read models for dashboards and regulators. */
export { dashboardRoutes, type DashboardSources } from './dashboard.ts';
