import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../runtime/free-port.ts';
import { ScheduledRuleError } from './errors.ts';
import { parseExport, VictoriaSampleSource } from './samples.ts';

const line = (
  name: string,
  values: number[],
  timestamps: number[],
  extra: Record<string, string> = {},
): string =>
  JSON.stringify({ metric: { __name__: name, point: 'OB1-EM-01A00.energy', ...extra }, values, timestamps });

describe('parseExport', () => {
  it('merges the value and quality series and series with other tags, oldest first, one per timestamp', () => {
    const text = [
      line('reading_value', [3, 4], [3_000, 4_000], { building: 'new' }),
      line('reading_value', [1, 2, 3], [1_000, 2_000, 3_000], { building: 'old' }),
      line('reading_quality', [1], [2_000]),
      '',
    ].join('\n');
    expect(parseExport(text)).toEqual([
      { ts: 1_000, value: 1 },
      { ts: 2_000, value: 2, uncertain: true },
      { ts: 3_000, value: 3 },
      { ts: 4_000, value: 4 },
    ]);
    expect(parseExport('')).toEqual([]);
  });

  it('refuses a line that is not a series', () => {
    for (const bad of ['not json', '{"metric":{},"values":[1],"timestamps":[]}', '{"values":[1]}']) {
      expect(() => parseExport(bad)).toThrow(expect.objectContaining({ code: 'tsdb_bad_response' }));
    }
  });
});

describe('VictoriaSampleSource', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.close();
    if (server) await once(server, 'close');
    server = undefined;
  });

  /** A stand-in VictoriaMetrics answering every request with `status` and `body`, recording the form. */
  const fakeVictoria = async (
    status: number,
    body: string,
  ): Promise<{ url: string; forms: URLSearchParams[] }> => {
    const forms: URLSearchParams[] = [];
    server = createServer((request, response) => {
      let text = '';
      request.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      request.on('end', () => {
        forms.push(new URLSearchParams(text));
        response.writeHead(status).end(body);
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, forms };
  };

  it('asks for the point by its full id, plus the extra labels, in inclusive seconds with ms', async () => {
    const { url, forms } = await fakeVictoria(200, `${line('reading_value', [7], [1_700_000_000_500])}\n`);
    const source = new VictoriaSampleSource({ url, extraLabels: { test_run: 'a"b' } });
    const samples = await source.samples('OB1-EM-01A00.energy', 1_700_000_000_000, 1_700_000_060_500);
    expect(samples).toEqual([{ ts: 1_700_000_000_500, value: 7 }]);
    expect(forms[0]?.get('match[]')).toBe(
      '{__name__=~"reading_(value|quality)",point="OB1-EM-01A00.energy",test_run="a\\"b"}',
    );
    expect(forms[0]?.get('start')).toBe('1700000000.000');
    expect(forms[0]?.get('end')).toBe('1700000060.500');
  });

  it('turns an HTTP error into tsdb_http_error with the status', async () => {
    const { url } = await fakeVictoria(400, 'cannot parse matches[]');
    const error = await new VictoriaSampleSource({ url }).samples('X.energy', 0, 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScheduledRuleError);
    expect(error).toMatchObject({ code: 'tsdb_http_error', statusCode: 400 });
  });

  it('turns a refused connection into tsdb_unreachable', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    await expect(new VictoriaSampleSource({ url }).samples('X.energy', 0, 1)).rejects.toMatchObject({
      code: 'tsdb_unreachable',
    });
  });
});
