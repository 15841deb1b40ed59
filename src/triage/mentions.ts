/**
 * The reply must never notify anyone. GitHub turns `@name` and `@org/team` into mentions; a
 * zero-width space after the `@` keeps the text readable and the mention inert.
 */
const mentionPattern = /@(?=[A-Za-z0-9_-])/g;

export function neutralizeMentions(text: string): string {
  return text.replace(mentionPattern, '@\u200B');
}

/** True when the text would notify someone on GitHub. */
export function containsMention(text: string): boolean {
  return /(?:^|[^\w`])@[A-Za-z0-9](?:[A-Za-z0-9-]*)(?:\/[A-Za-z0-9_.-]+)?/.test(text);
}

/**
 * Untrusted text (an earlier issue's title) placed in Markdown: no links, images, HTML or
 * emphasis can be smuggled in, and no mention survives.
 */
export function escapeMarkdownInline(text: string): string {
  const singleLine = text.replace(/\s+/g, ' ').trim();
  return neutralizeMentions(singleLine.replace(/[\\`*_{}[\]()<>#+!|~]/g, (char) => `\\${char}`));
}
