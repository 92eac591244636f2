import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export { freePort } from '../../services/runtime/free-port.ts';

/** A real Mosquitto broker (Debian's package) on a loopback port, with a user, for site-broker tests. */
export class Mosquitto {
  readonly port: number;
  readonly username: string;
  readonly password: string;
  readonly #dir: string;
  #child: ChildProcess | undefined;

  constructor(
    port: number,
    username = 'steward',
    password = 'site-broker-secret',
    tls?: { readonly certFile: string; readonly keyFile: string },
  ) {
    this.port = port;
    this.username = username;
    this.password = password;
    this.#dir = mkdtempSync(path.join(tmpdir(), 'steward-mosquitto-'));
    // Started as root, mosquitto drops to its own user, which must be able to read these files.
    chmodSync(this.#dir, 0o755);
    const passwords = path.join(this.#dir, 'passwords');
    writeFileSync(passwords, '');
    execFileSync('mosquitto_passwd', ['-b', passwords, username, password]);
    chmodSync(passwords, 0o644);
    writeFileSync(
      path.join(this.#dir, 'mosquitto.conf'),
      [
        `listener ${port} 127.0.0.1`,
        ...(tls ? [`certfile ${tls.certFile}`, `keyfile ${tls.keyFile}`] : []),
        'allow_anonymous false',
        `password_file ${passwords}`,
        'persistence false',
        '',
      ].join('\n'),
    );
  }

  async start(): Promise<void> {
    const child = spawn('/usr/sbin/mosquitto', ['-c', path.join(this.#dir, 'mosquitto.conf')], {
      stdio: 'ignore',
    });
    this.#child = child;
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (await accepts(this.port)) return;
      if (child.exitCode !== null) throw new Error(`mosquitto exited with ${child.exitCode}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('mosquitto did not start');
  }

  async stop(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }

  dispose(): void {
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * A throw-away certificate authority and a server certificate for 127.0.0.1, made with openssl,
 * readable by the mosquitto user. For TLS tests only.
 */
export function makeTestCertificates(dir: string): { caFile: string; certFile: string; keyFile: string } {
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=Steward Test CA',
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.pem'),
  );
  openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=127.0.0.1',
    '-keyout',
    file('server.key'),
    '-out',
    file('server.csr'),
  );
  writeFileSync(file('san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  openssl(
    'x509',
    '-req',
    '-in',
    file('server.csr'),
    '-CA',
    file('ca.pem'),
    '-CAkey',
    file('ca.key'),
    '-CAcreateserial',
    '-days',
    '1',
    '-extfile',
    file('san.ext'),
    '-out',
    file('server.pem'),
  );
  chmodSync(dir, 0o755);
  for (const name of ['ca.pem', 'server.pem', 'server.key']) chmodSync(file(name), 0o644);
  return { caFile: file('ca.pem'), certFile: file('server.pem'), keyFile: file('server.key') };
}
