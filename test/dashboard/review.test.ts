import { describe, expect, it } from 'vitest';
import { prepareEditedReply } from '../../src/dashboard/review.js';
import { isReplyTo, replyMarker } from '../../src/triage/render-reply.js';

describe('a maintainer-edited reply', () => {
  it('keeps the marker it already carries for this issue, once', () => {
    const edited = prepareEditedReply(`Try the guide.\n\n${replyMarker('acme/support', 7)}`, 'acme/support', 7);
    expect(edited.split('supportbot:reply')).toHaveLength(2);
  });

  it('gets this issue’s marker even when it carries another issue’s, pasted with its text', () => {
    const edited = prepareEditedReply(`As on the other issue: try the guide.\n\n${replyMarker('acme/support', 3)}`, 'acme/support', 7);
    expect(isReplyTo(edited, 'acme/support', 7)).toBe(true);
  });

  it('pings nobody', () => {
    expect(prepareEditedReply('cc @someone', 'acme/support', 7)).not.toMatch(/(^|\s)@someone/);
  });
});
