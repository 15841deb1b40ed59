import { describe, expect, it } from 'vitest';
import { createSpacingGroup } from '../../src/github/write-spacing.js';

describe('createSpacingGroup', () => {
  it('starts jobs of one key at least the interval apart, passing their arguments through', async () => {
    const group = createSpacingGroup(40);
    const lane = group.key('app');
    const starts: number[] = [];
    const job = async (label: string) => {
      starts.push(performance.now());
      return `done ${label}`;
    };
    const results = await Promise.all([lane.schedule({}, job, 'a'), lane.schedule({}, job, 'b'), lane.schedule({}, job, 'c')]);
    expect(results).toEqual(['done a', 'done b', 'done c']);
    expect((starts[1] ?? 0) - (starts[0] ?? 0)).toBeGreaterThanOrEqual(35);
    expect((starts[2] ?? 0) - (starts[1] ?? 0)).toBeGreaterThanOrEqual(35);
  });

  it('runs at once when the interval is zero', async () => {
    const lane = createSpacingGroup(0).key('app');
    const order: string[] = [];
    await Promise.all(['a', 'b'].map((label) => lane.schedule({}, async () => order.push(label))));
    expect(order).toEqual(['a', 'b']);
  });
});
