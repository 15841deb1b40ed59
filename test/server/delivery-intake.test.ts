import { describe, expect, it } from 'vitest';
import type { JobInput } from '../../src/queue/job-queue.js';
import { DeliveryIntake } from '../../src/server/delivery-intake.js';
import type { DeliveryRecord } from '../../src/store/types.js';

function record(deliveryId: string, status: DeliveryRecord['status'] = 'queued'): DeliveryRecord {
  return { deliveryId, event: 'issues', action: 'opened', repo: 'acme/netkit', issueNumber: 1, receivedAt: '2024-05-01T10:00:00.000Z', status, reason: null };
}
const job = (id: string): JobInput => ({ id, name: 'issues.opened', payload: { id } });

/** Remembers each batch it is given; ids in `known` count as seen before. */
function recordingBackEnd(known: string[] = []) {
  const seen = new Set(known);
  const calls = { enqueueMany: [] as string[][], recordDeliveries: [] as string[][] };
  return {
    calls,
    queue: {
      async enqueueMany(jobs: readonly JobInput[]) {
        calls.enqueueMany.push(jobs.map((j) => j.id));
        return jobs.map((j) => !seen.has(j.id) && Boolean(seen.add(j.id)));
      },
    },
    store: {
      async recordDeliveries(records: readonly DeliveryRecord[]) {
        calls.recordDeliveries.push(records.map((r) => r.deliveryId));
        return records.map((r) => !seen.has(`record:${r.deliveryId}`) && Boolean(seen.add(`record:${r.deliveryId}`)));
      },
    },
  };
}

describe('DeliveryIntake', () => {
  it('writes the deliveries of one turn as one queue batch and one record batch, answering each', async () => {
    const backEnd = recordingBackEnd(['old']);
    const intake = new DeliveryIntake(backEnd.store, backEnd.queue);
    const answers = await Promise.all([
      intake.accept(record('a'), job('a')),
      intake.accept(record('old'), job('old')),
      intake.accept(record('star', 'ignored'), null),
      intake.accept(record('a'), job('a')),
    ]);
    expect(answers).toEqual([true, false, true, false]);
    expect(backEnd.calls.enqueueMany).toEqual([['a', 'old', 'a']]);
    expect(backEnd.calls.recordDeliveries).toEqual([['a', 'old', 'star', 'a']]);

    expect(await intake.accept(record('star', 'ignored'), null)).toBe(false);
    expect(backEnd.calls.recordDeliveries).toHaveLength(2);
  });

  it('fails every delivery of a batch whose write fails, so none is acknowledged', async () => {
    const backEnd = recordingBackEnd();
    const failing = {
      async recordDeliveries(): Promise<boolean[]> {
        throw new Error('disk I/O error');
      },
    };
    const intake = new DeliveryIntake(failing, backEnd.queue);
    const answers = await Promise.allSettled([intake.accept(record('x'), job('x')), intake.accept(record('y', 'ignored'), null)]);
    expect(answers.map((answer) => answer.status)).toEqual(['rejected', 'rejected']);
    expect((answers[0] as PromiseRejectedResult).reason).toBeInstanceOf(Error);
  });
});
