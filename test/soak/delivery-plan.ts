import { seededRandom } from '../../src/classify/random.js';

export interface PlannedDelivery {
  /** The x-github-delivery header; a redelivery repeats an earlier one. */
  deliveryId: string;
  issueNumber: number;
  action: 'opened' | 'edited';
  /** True when this id was already sent: GitHub's "redeliver" button, or its own retry. */
  redelivery: boolean;
}

export interface DeliveryPlanOptions {
  issues: number;
  /** Total sends, redeliveries included; at least one per issue. */
  deliveries: number;
  /** Share of the extra sends (beyond one `opened` per issue) that are redeliveries; the rest are edits. */
  redeliveryShare?: number;
  seed?: number;
  /** Prefix of every delivery id, so runs sharing a database never collide. */
  idPrefix?: string;
}

interface Timed extends PlannedDelivery {
  at: number;
}

/**
 * The order in which the soak sends its deliveries. Pure and seeded. Each issue is opened once;
 * its edits and redeliveries come later, interleaved with other issues' traffic as a real queue
 * sees it (a redelivery may even overtake the first delivery's processing).
 */
export function planDeliveries(options: DeliveryPlanOptions): PlannedDelivery[] {
  const { issues, deliveries } = options;
  if (!Number.isInteger(issues) || issues < 1) throw new Error(`issues must be a whole number of at least 1, got ${issues}`);
  if (!Number.isInteger(deliveries) || deliveries < issues) throw new Error(`deliveries must be a whole number of at least issues (${issues}), got ${deliveries}`);
  const random = seededRandom(options.seed ?? 7);
  const redeliveryShare = options.redeliveryShare ?? 0.5;
  const prefix = options.idPrefix ?? 'soak';

  const timed: Timed[] = [];
  const openedAt: number[] = [];
  const sent: Array<Array<Pick<PlannedDelivery, 'deliveryId' | 'action'>>> = [];
  for (let number = 1; number <= issues; number++) {
    const at = (number - 1) / issues;
    openedAt[number] = at;
    const deliveryId = `${prefix}-${number}-0`;
    sent[number] = [{ deliveryId, action: 'opened' }];
    timed.push({ deliveryId, issueNumber: number, action: 'opened', redelivery: false, at });
  }
  for (let extra = 0; extra < deliveries - issues; extra++) {
    const number = 1 + Math.floor(random() * issues);
    const earliest = openedAt[number];
    const at = earliest + random() * (1 - earliest) + Number.EPSILON;
    if (random() < redeliveryShare) {
      const earlier = sent[number][Math.floor(random() * sent[number].length)];
      timed.push({ ...earlier, issueNumber: number, redelivery: true, at });
    } else {
      const deliveryId = `${prefix}-${number}-${sent[number].length}`;
      sent[number].push({ deliveryId, action: 'edited' });
      timed.push({ deliveryId, issueNumber: number, action: 'edited', redelivery: false, at });
    }
  }
  timed.sort((a, b) => a.at - b.at);
  // A redelivery drawn before its original in time order would be the first send: fix the flags.
  const seen = new Set<string>();
  return timed.map(({ at: _at, ...delivery }) => {
    const redelivery = seen.has(delivery.deliveryId);
    seen.add(delivery.deliveryId);
    return { ...delivery, redelivery };
  });
}
