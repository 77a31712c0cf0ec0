import {
  bold,
  bulletList,
  code,
  codeBlock,
  type Doc,
  doc,
  heading,
  type Inline,
  inline,
  link,
  paragraph,
  table,
} from '../doc.ts';
import { customersOf } from './evidence.ts';
import { formatPercent } from './format.ts';
import type { Evidence, ScoreInput, ScoreResult } from './types.ts';

const INPUT_LABELS: Record<string, string> = {
  reach: 'Reach',
  impact: 'Impact',
  confidence: 'Confidence',
  effort: 'Effort',
  businessValue: 'Business value',
  timeCriticality: 'Time criticality',
  riskReduction: 'Risk reduction',
  jobSize: 'Job size',
};
const MODEL_LABELS = { rice: 'RICE', wsjf: 'WSJF' } as const;

function formatValue(name: string, input: ScoreInput): string {
  return name === 'confidence' ? formatPercent(input.value) : String(input.value);
}

function namedInputs(result: ScoreResult): [string, string, ScoreInput][] {
  return Object.entries(result.inputs).map(([name, input]) => [name, INPUT_LABELS[name] ?? name, input]);
}

/**
 * The linked tickets by key, and their customers by number in order of appearance (tickets of one customer share
 * it, as reach counts them). Never a ticket's title nor a customer's name: the scorecard is read by everyone who may
 * browse the item, and a ticket may be seen by its agents only (a Service Management project, a security level, a
 * private board); its link says the rest to whoever may open it.
 */
function evidenceLines(evidence: readonly Evidence[]): Inline[] {
  const customers = new Map<string, number>();
  return evidence.map((entry) => {
    const ref = entry.url ? link(entry.ticketRef, entry.url) : code(entry.ticketRef);
    const numbers = customersOf(entry).map((customer) => {
      const number = customers.get(customer) ?? customers.size + 1;
      customers.set(customer, number);
      return number;
    });
    if (numbers.length === 0) return inline(ref);
    return inline(ref, ` (customer${numbers.length > 1 ? 's' : ''} ${numbers.join(', ')})`);
  });
}

const EVIDENCE_NONE = paragraph('No linked support tickets yet: reach grows as tickets are linked.');
const HOW_TO = paragraph(
  'Set an input with ',
  code('/score impact=4 effort=3'),
  ', see the formula with ',
  code('/score explain'),
  ', drop overrides with ',
  code('/score clear'),
  '.',
);

/** The one scorecard comment per item: the score, every input and where it came from, the evidence. */
export function renderScorecard(result: ScoreResult, options: { itemUrl?: string } = {}): Doc {
  const rows = namedInputs(result).map(([name, label, input]) => [
    label,
    formatValue(name, input),
    input.source,
    input.detail,
  ]);
  const evidence =
    result.evidence.length > 0
      ? [paragraph(bold('Evidence')), bulletList(evidenceLines(result.evidence))]
      : [EVIDENCE_NONE];
  return doc(
    heading(3, `Priority score: ${result.score} (${MODEL_LABELS[result.model]})`),
    ...(options.itemUrl ? [paragraph('Item: ', link(options.itemUrl, options.itemUrl))] : []),
    table(['Input', 'Value', 'Source', 'How'], rows),
    ...evidence,
    HOW_TO,
  );
}

function formula(result: ScoreResult): [string, string] {
  if (result.model === 'wsjf') {
    const { businessValue, timeCriticality, riskReduction, jobSize } = result.inputs;
    return [
      'Score = (Business value + Time criticality + Risk reduction) ÷ Job size',
      `      = (${businessValue.value} + ${timeCriticality.value} + ${riskReduction.value}) ÷ ${jobSize.value} ≈ ${result.score}`,
    ];
  }
  const { reach, impact, confidence, effort } = result.inputs;
  return [
    'Score = Reach × Impact × Confidence ÷ Effort',
    `      = ${reach.value} × ${impact.value} × ${formatPercent(confidence.value)} ÷ ${effort.value} ≈ ${result.score}`,
  ];
}

/** Answer to `/score explain`: the formula with this item's numbers, then where each number came from. */
export function renderExplanation(result: ScoreResult): Doc {
  const [general, substituted] = formula(result);
  return doc(
    heading(3, `How the ${MODEL_LABELS[result.model]} score of ${result.score} is computed`),
    codeBlock(`${general}\n${substituted}`),
    bulletList(
      namedInputs(result).map(([name, label, input]) =>
        inline(bold(label), ` ${formatValue(name, input)}: ${input.detail}`),
      ),
    ),
    paragraph('The score depends only on this item and its linked tickets, rounded to one decimal.'),
  );
}
