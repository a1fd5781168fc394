import { Kv } from '../../components/detail.tsx';
import type { Directory } from '../../directory.ts';
import { formatDecimal } from '../../format.ts';
import type { IncidentCard, IncidentPriority, Me } from '../../types.ts';

/** The viewer's directory, completed with the names the card gives for the participants it mentions. */
export function withCardNames(dir: Directory, card: IncidentCard): Directory {
  const byId = new Map(dir.byId);
  for (const [id, p] of Object.entries(card.participants ?? {})) {
    if (!byId.has(id)) {
      byId.set(id, {
        id,
        name: p.name,
        type: p.type as never,
        bic: p.bic,
        status: 'active',
        taxId: null,
        binRanges: [],
        roles: [],
        createdAt: '',
      });
    }
  }
  return { ...dir, byId };
}

/**
 * A participant on a card: “You” for the viewer's own organisation, its name where the session knows it
 * (oversight reads the registry, the card names those it mentions), else its id.
 */
export function Participant({ id, dir, me }: { id: string; dir: Directory; me: Me }) {
  if (id === me.participant.id) {
    return (
      <span data-participant-id={id}>
        <strong>You</strong> <span className="muted">· {me.participant.name}</span>
      </span>
    );
  }
  const name = dir.byId.get(id)?.name;
  return (
    <span data-participant-id={id} title={id}>
      {name ?? <span className="mono">{id}</span>}
    </span>
  );
}

/** A score as the API explains it: probability × amount at risk × recoverability, rounded. */
export const formatScore = (score: number): string =>
  score >= 1000 ? Math.round(score).toLocaleString('en-US').replaceAll(',', ' ') : score.toFixed(score < 10 ? 2 : 0);

/** The reasons a card's priority is what it is, one a line. */
export const PriorityReasons = ({ reasons }: { reasons: readonly string[] }) => (
  <ul className="reasons" data-testid="priority-reasons">
    {reasons.map((r) => (
      <li key={r}>{r}</li>
    ))}
  </ul>
);

/** Explained prioritisation on the card: the score, its factors and the reasons behind them. */
export function PriorityView({ priority }: { priority: IncidentPriority }) {
  return (
    <div className="panel" data-testid="incident-priority">
      <h2 id="incident-priority-title">Priority</h2>
      <p className="muted panel-lead">
        Score = probability of fraud × amount at risk (tenge) × recoverability: law enforcement’s queue is ordered by
        it.
      </p>
      <dl className="kv kv-inline" aria-labelledby="incident-priority-title">
        <Kv label="Score" testId="priority-score">
          {formatScore(priority.score)}
        </Kv>
        <Kv label="Probability">{priority.probability.toFixed(2)}</Kv>
        <Kv label="At risk">{formatDecimal(priority.atRisk, 'KZT')}</Kv>
        <Kv label="Recoverability">{priority.recoverability.toFixed(2)}</Kv>
      </dl>
      <PriorityReasons reasons={priority.reasons} />
    </div>
  );
}
