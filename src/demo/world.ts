import type { ParticipantType } from '../participants/index.ts';

/** The demo country: every kind of institution of the NDFI, with plausible identifiers (not real ones). */
export interface DemoParticipant {
  slug: string;
  name: string;
  type: ParticipantType;
  bic?: string;
  /** 11 digits; the 12th, the check digit, is computed at seed time. */
  binPrefix: string;
  binRanges?: string[];
}

export const DEMO_PARTICIPANTS: DemoParticipant[] = [
  { slug: 'nbk', name: 'National Bank of Kazakhstan', type: 'central_bank', bic: 'NBRKKZKX', binPrefix: '94124000031' },
  {
    slug: 'operator',
    name: 'National Payment Corporation (NDFI operator)',
    type: 'operator',
    binPrefix: '07024000158',
  },
  {
    slug: 'treasury',
    name: 'Treasury Committee of the Ministry of Finance',
    type: 'treasury',
    bic: 'KKMFKZ2A',
    binPrefix: '99014000296',
  },
  {
    slug: 'steppe',
    name: 'Steppe Bank',
    type: 'bank',
    bic: 'STPPKZKA',
    binPrefix: '92014000044',
    binRanges: ['440001-440099'],
  },
  {
    slug: 'altyn',
    name: 'Altyn Commercial Bank',
    type: 'bank',
    bic: 'ALTNKZKA',
    binPrefix: '93044000117',
    binRanges: ['440100-440199'],
  },
  {
    slug: 'caspian',
    name: 'Caspian Savings Bank',
    type: 'bank',
    bic: 'CSPNKZKA',
    binPrefix: '95064000219',
    binRanges: ['440200-440299'],
  },
  {
    slug: 'tengri',
    name: 'Tengri Retail Bank',
    type: 'bank',
    bic: 'TNGRKZKA',
    binPrefix: '97084000332',
    binRanges: ['440300-440399'],
  },
  {
    slug: 'baiterek',
    name: 'Baiterek Digital Bank',
    type: 'bank',
    bic: 'BTRKKZKA',
    binPrefix: '01104000405',
    binRanges: ['440400-440499'],
  },
  { slug: 'alpha', name: 'Fintech Alpha (TPP)', type: 'tpp', binPrefix: '18054000511' },
  { slug: 'paylab', name: 'PayLab (TPP)', type: 'tpp', binPrefix: '19064000623' },
  { slug: 'mobicom', name: 'MobiCom Kazakhstan (mobile operator)', type: 'mno', binPrefix: '98074000737' },
  { slug: 'prosecutor', name: "Prosecutor General's Office", type: 'law_enforcement', binPrefix: '95084000849' },
  { slug: 'regulator', name: 'Financial Market Regulation Agency', type: 'regulator', binPrefix: '04094000951' },
];

/** Opening liquidity of each bank's settlement account in the demo: 50 billion tenge, in tiyn. */
export const DEMO_OPENING_LIQUIDITY = 50_000_000_000_00n;
