import fs from 'node:fs';
import { defaultCorpusFiles, readExamples } from '../../src/classify/index.js';

export interface IssueText {
  title: string;
  body: string;
}

/**
 * Questions written for this harness, used when the shared corpus is absent so the soak still
 * runs. They cover several topics so replies, labels and abstentions all occur.
 */
const ownTexts: readonly IssueText[] = [
  { title: 'URLSession background download stops after the app is suspended', body: 'I start a download task on a background URLSession configuration. It progresses while the app is in front, but once the app goes to the background the task never completes and no delegate callback arrives. Seen on iOS 17.4 with Xcode 15.' },
  { title: 'NWListener on a UDP port never accepts a connection', body: 'I create an NWListener with NWParameters.udp on port 5353 and set a newConnectionHandler. The state goes to ready, yet the handler is never called when another device on the LAN sends datagrams to that port.' },
  { title: 'Packet tunnel provider stops when the device sleeps', body: 'Our NEPacketTunnelProvider works for a few minutes, then the tunnel drops when the screen locks. The system log shows the extension being terminated. How do we keep the VPN up while the device is asleep?' },
  { title: 'Server trust evaluation fails with a self-signed certificate', body: 'Our test server uses a self-signed certificate. In urlSession(_:didReceive:completionHandler:) SecTrustEvaluateWithError returns false and the request fails with error -1202. What is the right way to trust our own CA only in debug builds?' },
  { title: 'Local network permission prompt never appears', body: 'On iOS 16 our app browses for Bonjour services with NWBrowser but the local network privacy alert is never shown, and browsing returns no results. NSLocalNetworkUsageDescription and NSBonjourServices are in the Info.plist.' },
  { title: 'Reading the current Wi-Fi SSID returns nil', body: 'NEHotspotNetwork.fetchCurrent returns nil on iOS 15 even though location permission is granted and the Access WiFi Information entitlement is enabled. The device is definitely connected to a Wi-Fi network.' },
  { title: 'Bluetooth peripheral disconnects after pairing', body: 'A CBPeripheral connects and pairs, then disconnects after about thirty seconds with no error. This happens only on one model of our hardware.' },
  { title: 'Requests time out on cellular but work on Wi-Fi', body: 'When the phone is on LTE our HTTPS requests time out after 60 seconds, while the same requests succeed at once over Wi-Fi. Network Link Conditioner with a 3G profile reproduces it.' },
];

/** Issue texts for the soak: the shared corpus (forum questions and GitHub issues) when present, else our own. */
export function soakIssueTexts(sharedDir: string | null): IssueText[] {
  if (!sharedDir) return [...ownTexts];
  const files = defaultCorpusFiles(sharedDir).filter((file) => fs.existsSync(file));
  const texts = files.flatMap((file) => readExamples(file)).map(({ title, body }) => ({ title, body }));
  return texts.length > 0 ? texts : [...ownTexts];
}
