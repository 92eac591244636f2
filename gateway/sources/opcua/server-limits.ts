import { AttributeIds, type ClientSession, VariableIds } from 'node-opcua';
import { NO_SERVER_LIMITS, type ServerLimits } from './subscription-plan.ts';

const LIMIT_NODES = [
  VariableIds.Server_ServerCapabilities_MaxSubscriptionsPerSession,
  VariableIds.Server_ServerCapabilities_MaxMonitoredItemsPerSubscription,
  VariableIds.Server_ServerCapabilities_OperationLimits_MaxMonitoredItemsPerCall,
] as const;

/**
 * Reads the limits a server publishes in its ServerCapabilities. Older servers lack the first
 * two variables (added in OPC UA 1.05) and many leave the third at 0; a missing or unreadable
 * limit counts as none, and a refusal at creation time is still handled where items are created.
 */
export async function readServerLimits(session: ClientSession): Promise<ServerLimits> {
  try {
    const results = await session.read(
      LIMIT_NODES.map((id) => ({ nodeId: `ns=0;i=${id}`, attributeId: AttributeIds.Value })),
    );
    const limit = (index: number): number => {
      const dataValue = results[index];
      if (!dataValue?.statusCode.isGood()) return 0;
      const value: unknown = dataValue.value.value;
      return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
    };
    return {
      maxSubscriptionsPerSession: limit(0),
      maxMonitoredItemsPerSubscription: limit(1),
      maxMonitoredItemsPerCall: limit(2),
    };
  } catch {
    return NO_SERVER_LIMITS;
  }
}
