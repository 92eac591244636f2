import type { WorkOrderDispatcher } from '../dispatcher.ts';
import { WorkOrderStoreError } from '../store/errors.ts';

/**
 * `steward workorders parked [--all]` and `steward workorders redispatch <event id>`: the
 * operator's side of the dispatcher's parked (poison) incident events. Listing shows the events
 * still waiting (or all with `--all`), oldest first; re-dispatching handles one again once its
 * cause is removed, exactly as the running dispatcher would, and is idempotent.
 */
export async function parkedCommand(
  dispatcher: Pick<WorkOrderDispatcher, 'listParked'>,
  options: { all: boolean },
  print: (line: string) => void,
): Promise<number> {
  const parked = await dispatcher.listParked(options.all ? {} : { pending: true });
  if (parked.length === 0) {
    print(options.all ? 'no parked incident events' : 'no parked incident events waiting');
    return 0;
  }
  print(
    'event      incident   kind         attempts  parked at                 order     re-dispatched  error',
  );
  for (const event of parked)
    print(
      [
        event.eventId.padEnd(10),
        event.incidentId.padEnd(10),
        event.kind.padEnd(12),
        String(event.attempts).padEnd(9),
        new Date(event.parkedAtMs).toISOString().padEnd(25),
        (event.orderId ?? '-').padEnd(9),
        (event.redispatched?.outcome ?? '-').padEnd(14),
        `${event.errorCode ?? '-'}: ${event.errorMessage.slice(0, 160)}`,
      ].join(' '),
    );
  return 0;
}

export async function redispatchCommand(
  dispatcher: Pick<WorkOrderDispatcher, 'redispatchParked'>,
  eventId: string,
  print: (line: string) => void,
  printError: (line: string) => void,
): Promise<number> {
  if (!/^\d+$/.test(eventId)) {
    printError(`the event id is a number, got ${eventId}`);
    return 64;
  }
  try {
    const { outcome, orderId } = await dispatcher.redispatchParked(eventId);
    print(`incident event ${eventId} re-dispatched: ${outcome}${orderId ? `, work order ${orderId}` : ''}`);
    return 0;
  } catch (error) {
    if (error instanceof WorkOrderStoreError) {
      printError(`${error.code}: ${error.message}`);
      return 1;
    }
    printError(
      `incident event ${eventId} failed again: ${error instanceof Error ? error.message : String(error)}`,
    );
    return 1;
  }
}
