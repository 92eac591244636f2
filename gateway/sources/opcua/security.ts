import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import {
  MessageSecurityMode,
  OPCUACertificateManager,
  SecurityPolicy,
  type UserIdentityInfo,
  UserTokenType,
} from 'node-opcua';
import type { OpcuaIdentity, OpcuaTrust } from './endpoint-options.ts';
import { OpcuaSourceError } from './errors.ts';

export type SecurityModeName = 'None' | 'Sign' | 'SignAndEncrypt';
export type SecurityPolicyName = 'None' | 'Basic256Sha256' | 'Aes128_Sha256_RsaOaep' | 'Aes256_Sha256_RsaPss';

const MODES: Record<SecurityModeName, MessageSecurityMode> = {
  None: MessageSecurityMode.None,
  Sign: MessageSecurityMode.Sign,
  SignAndEncrypt: MessageSecurityMode.SignAndEncrypt,
};

const POLICIES: Record<SecurityPolicyName, SecurityPolicy> = {
  None: SecurityPolicy.None,
  Basic256Sha256: SecurityPolicy.Basic256Sha256,
  Aes128_Sha256_RsaOaep: SecurityPolicy.Aes128_Sha256_RsaOaep,
  Aes256_Sha256_RsaPss: SecurityPolicy.Aes256_Sha256_RsaPss,
};

/**
 * A secured mode needs a real policy and the None policy only goes with mode None; any other
 * combination is no endpoint a server offers, so it is refused before dialling.
 */
export function securitySettings(
  endpointId: string,
  mode: SecurityModeName,
  policy: SecurityPolicyName,
): { securityMode: MessageSecurityMode; securityPolicy: SecurityPolicy } {
  if ((mode === 'None') !== (policy === 'None')) {
    throw new OpcuaSourceError(
      'invalid_configuration',
      endpointId,
      `securityMode ${mode} cannot be used with securityPolicy ${policy}`,
    );
  }
  return { securityMode: MODES[mode], securityPolicy: POLICIES[policy] };
}

async function readConfigFile(endpointId: string, file: string, what: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw new OpcuaSourceError('invalid_configuration', endpointId, `cannot read ${what} ${file}`, {
      cause: error,
    });
  }
}

/** PEM or DER in, DER out (what node-opcua's trust store and X509 tokens take). */
async function readCertificateDer(endpointId: string, file: string, what: string): Promise<Buffer> {
  const content = await readConfigFile(endpointId, file, what);
  try {
    return new X509Certificate(content).raw;
  } catch (error) {
    throw new OpcuaSourceError(
      'invalid_configuration',
      endpointId,
      `${what} ${file} is not an X.509 certificate`,
      {
        cause: error,
      },
    );
  }
}

export async function userIdentity(endpointId: string, identity: OpcuaIdentity): Promise<UserIdentityInfo> {
  switch (identity.type) {
    case 'anonymous':
      return { type: UserTokenType.Anonymous };
    case 'username':
      return { type: UserTokenType.UserName, userName: identity.userName, password: identity.password };
    case 'certificate': {
      const certificateData = await readCertificateDer(
        endpointId,
        identity.certificateFile,
        'user certificate',
      );
      const privateKey = (
        await readConfigFile(endpointId, identity.privateKeyFile, 'user private key')
      ).toString();
      return { type: UserTokenType.Certificate, certificateData, privateKey };
    }
  }
}

/**
 * Opens the PKI folder (creating its layout on first use) and adds the configured server
 * certificates to trusted/. Whatever an operator moved from rejected/ to trusted/ by hand stays
 * trusted too: the folder, not the configuration, is the trust list of record.
 */
export async function openCertificateManager(
  endpointId: string,
  trust: OpcuaTrust,
): Promise<OPCUACertificateManager> {
  const manager = new OPCUACertificateManager({
    rootFolder: trust.pkiDir,
    automaticallyAcceptUnknownCertificate: trust.automaticallyAcceptUnknownCertificate ?? false,
  });
  await manager.initialize();
  try {
    for (const file of trust.trustedServerCertificates ?? []) {
      await manager.trustCertificate(
        await readCertificateDer(endpointId, file, 'trusted server certificate'),
      );
    }
  } catch (error) {
    await manager.dispose();
    throw error;
  }
  return manager;
}
