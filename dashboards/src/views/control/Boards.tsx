import type { Equipment } from '../../api.ts';
import { useNow } from '../../components/hooks.ts';
import { pick, t, tOr } from '../../i18n/i18n.ts';
import type { LatestValue } from '../../live.ts';
import { useSession } from '../../session.ts';
import { BOARD_OF, BOARDS, equipmentStatus, TONE } from '../../status.ts';

/** One tile per piece of equipment, grouped by board, coloured by its status now. */
export function Boards({
  equipment,
  values,
}: {
  equipment: readonly Equipment[];
  values: ReadonlyMap<string, LatestValue>;
}) {
  const { live } = useSession();
  const now = useNow(5_000, () => live.now());
  return (
    <section class="panel boards" aria-labelledby="boards-title">
      <h2 id="boards-title">{t('control.boards')}</h2>
      {BOARDS.map((board) => {
        const items = equipment.filter((item) => BOARD_OF[item.class] === board);
        if (items.length === 0) return null;
        const statuses = items.map((item) => ({ item, status: equipmentStatus(item, values, now) }));
        const offline = statuses.filter((entry) => entry.status === 'offline').length;
        return (
          <div class="board" key={board} data-board={board}>
            <h3>
              {tOr(`board.${board}`, board)}
              <span class="muted">
                {' '}
                {t('board.online', { count: items.length - offline })} ·{' '}
                {t('board.offline', { count: offline })}
              </span>
            </h3>
            <ul class="tiles">
              {statuses.map(({ item, status }) => (
                <li
                  key={item.id}
                  class={`tile tone-${TONE[status]}`}
                  data-equipment={item.id}
                  data-status={status}
                >
                  <span class="name">{pick(item.name, item.id)}</span>
                  <span class="status">{tOr(`status.${status}`, status)}</span>
                </li>
              ))}
            </ul>
          </div>
        );
      })}
    </section>
  );
}
