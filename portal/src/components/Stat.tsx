/** One figure of a row of statistics (`ul.stats`): its label, the value large, an optional line under it. */
export function Stat({ label, value, testId, sub }: { label: string; value: string; testId: string; sub?: string }) {
  return (
    <li className="stat">
      <span className="stat-label">{label}</span>
      <span className="stat-value" data-testid={testId}>
        {value}
      </span>
      {sub && <span className="cell-sub">{sub}</span>}
    </li>
  );
}
