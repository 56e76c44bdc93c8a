/** Whether the MQTT broker answers: outside CI a missing one skips the crash tests (with the reason), in CI it fails them. */
import { connect } from 'node:net';
import { BROKER } from './crash-harness.js';

export async function brokerSkipReason(): Promise<string | undefined> {
  const { hostname, port } = new URL(BROKER);
  const up = await new Promise<boolean>((resolve) => {
    const s = connect({ host: hostname, port: Number(port || 1883) }, () => (s.end(), resolve(true)));
    s.on('error', () => resolve(false));
  });
  if (up || process.env['CI']) return undefined;
  return `no MQTT broker at ${BROKER} (set LOTLINE_TEST_MQTT; .ci/run starts Mosquitto)`;
}
