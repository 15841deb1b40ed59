/**
 * Finds which of the details a maintainer needs are already in a free-form report. People write
 * "iOS 18.5", "on Sequoia", paste a stack trace or a snippet without fences: each is looked for
 * in the prose too, so the bot never asks for what is already there.
 */
export type InfoItem = 'platform' | 'api' | 'error' | 'code';

export const infoItems: readonly InfoItem[] = ['platform', 'api', 'error', 'code'];

const platformName = String.raw`(?:iOS|iPadOS|macOS|Mac\s?OS(?:\s?X)?|OS\s?X|tvOS|watchOS|visionOS|xrOS|Mac\s?Catalyst)`;
const releaseName = String.raw`(?:Tahoe|Sequoia|Sonoma|Ventura|Monterey|Big\s?Sur|Catalina|Mojave|High\s?Sierra)`;
const platformPatterns: RegExp[] = [
  new RegExp(String.raw`\b${platformName}\s*(?:v(?:ersion)?\s*)?\d{1,2}(?:\.\d+){0,2}\b`, 'i'),
  new RegExp(String.raw`\b(?:macOS\s+)?${releaseName}\b`, 'i'),
  new RegExp(String.raw`\b(?:iPhone|iPad|Apple\s?Watch|Apple\s?TV|Mac(?:Book)?)\b[^.\n]{0,40}\b(?:running|on|with)\s+(?:${platformName}\s*)?\d{1,2}(?:\.\d+)+`, 'i'),
  /\b(?:Android|Windows|Linux|Ubuntu)\s*\d+(?:\.\d+)*/i,
  /\bOS\s*(?:version)?\s*[:=]?\s*\d{1,2}\.\d+/i,
];

/** An API symbol: NWConnection, URLSession.shared, NEPacketTunnelProvider, getaddrinfo(). */
const apiPatterns: RegExp[] = [
  /\b(?:NW|NE|NS|URL|CF|Sec|CW|SC|OS|CB|CT|AV|UI|WK)[A-Z]?[a-z]+(?:[A-Z][A-Za-z0-9]*)*\b/,
  /\b[a-z]+(?:[A-Z][a-z0-9]+){1,}\s*\(/,
  /\b(?:socket|connect|bind|sendto|recvfrom|getaddrinfo|setsockopt|select|poll)\s*\(/,
  /\b(?:Network\.framework|Network framework|BSD sockets?|URLSession|Alamofire|AFNetworking|Starscream|CocoaAsyncSocket|SwiftNIO|Core WLAN|CoreWLAN|Dio|OkHttp|fetch\(\))/i,
];

const errorPatterns: RegExp[] = [
  /(?:^|[\s(=:[])-\d{3,6}\b/,
  /\b(?:error|code|errno|status)\s*[=:]\s*-?\d+/i,
  /\bError Domain=/,
  /\b\w+ErrorDomain\b/,
  /\b(?:EXC_[A-Z_]+|SIGABRT|SIGSEGV|SIGKILL|Fatal error:|Terminating app due to|Thread \d+(?: Crashed)?:)/,
  /^\s*(?:\d+\s+\S+\s+0x[0-9a-f]+|at\s+\S+\s*\(.*:\d+(?::\d+)?\))/im,
  /\b\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}/,
  /\b(?:nw_|boringssl_|tcp_input|quic_)[a-z_]+/,
  /\b(?:E[A-Z]{3,}|ECONNREFUSED|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|EPERM|ENOTCONN)\b/,
  /["“][^"”\n]{8,}(?:failed|error|denied|refused|timed out|not allowed|could not|couldn’t|couldn't)[^"”\n]*["”]/i,
  /\b(?:the|this|an?|following) (?:error|log|exception|crash log|console output)(?: message)?(?: is| says| reads)?:/i,
];

const codePatterns: RegExp[] = [
  /```/,
  /^(?: {4}|\t)\S.*\n(?: {4}|\t)\S/m,
  /\b(?:let|var)\s+\w+\s*(?::\s*[\w<>[\]?.]+\s*)?=\s*\S/,
  /\bfunc\s+\w+\s*\(/,
  /\b(?:import)\s+(?:Foundation|Network|NetworkExtension|UIKit|SwiftUI|Security|CoreWLAN|SystemConfiguration)\b/,
  /\b(?:class|struct)\s+\w+\s*(?::\s*\w+)?\s*\{/,
  /\b\w+\.\w+\([^)]*\)\s*\{/,
  /\[\s*\w+\s+\w+:[^\]]*\]/,
  /\b(?:guard|if)\s+let\s+\w+/,
  /\bawait\s+\w+(?:\.\w+)+\(/,
  /<key>\w+<\/key>/,
];

export function presentInfo(text: string): Set<InfoItem> {
  const present = new Set<InfoItem>();
  if (platformPatterns.some((pattern) => pattern.test(text))) present.add('platform');
  if (apiPatterns.some((pattern) => pattern.test(text))) present.add('api');
  if (errorPatterns.some((pattern) => pattern.test(text))) present.add('error');
  if (codePatterns.some((pattern) => pattern.test(text))) present.add('code');
  return present;
}

const problemWords =
  /\b(?:fail(?:s|ed|ing|ure)?|error|errors|crash(?:es|ed|ing)?|broken|doesn[’']?t work|does not work|not working|stopped working|won[’']?t|can[’']?t|cannot|unable|timeout|timed out|times out|hang(?:s|ing)?|stuck|refused|denied|rejected|exception|bug|regression|no longer|disconnect(?:s|ed)?|drops?)\b/i;

/** A report of something going wrong, as opposed to a how-to question or a feature request. */
export function isProblemReport(text: string): boolean {
  return problemWords.test(text);
}

/**
 * The details to ask for. A how-to question only needs the platform (the answer differs between
 * iOS and macOS); a problem report needs all four to be actionable.
 */
export function missingInfo(title: string, body: string): InfoItem[] {
  const text = `${title}\n${body}`;
  const present = presentInfo(text);
  const wanted: readonly InfoItem[] = isProblemReport(text) ? infoItems : ['platform'];
  return wanted.filter((item) => !present.has(item));
}
